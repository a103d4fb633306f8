from .import_api import ImportJobViewSet
from .reference_api import DistrictViewSet, IndustryDivisionViewSet

routes = [
    ("districts", DistrictViewSet, "district"),
    ("industries", IndustryDivisionViewSet, "industry"),
    ("import-jobs", ImportJobViewSet, "import-job"),
]
