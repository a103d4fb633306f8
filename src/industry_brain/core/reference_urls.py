from .reference_api import DistrictViewSet, IndustryDivisionViewSet

routes = [
    ("districts", DistrictViewSet, "district"),
    ("industries", IndustryDivisionViewSet, "industry"),
]
