app_name = "brains"
urlpatterns: list = []
