app_name = "factories"
urlpatterns: list = []
