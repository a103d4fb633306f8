from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY = "city", _("City bureau")
    DISTRICT = "district", _("District bureau")
    CHAIN_TEAM = "chain_team", _("Chain work team")
    DEPARTMENT = "department", _("Department")
    CADRE = "cadre", _("Cadre")
    ENTERPRISE = "enterprise", _("Enterprise user")


class OrganisationKind(models.TextChoices):
    BUREAU = "bureau", _("City bureau")
    DISTRICT = "district", _("District bureau")
    DEPARTMENT = "department", _("Department")
    CHAIN_TEAM = "chain_team", _("Chain work team")


# Which organisation kind each role belongs to (enterprise users belong to their enterprise instead).
ROLE_ORGANISATION_KIND = {
    Role.CITY: {OrganisationKind.BUREAU},
    Role.DISTRICT: {OrganisationKind.DISTRICT},
    Role.CHAIN_TEAM: {OrganisationKind.CHAIN_TEAM},
    Role.DEPARTMENT: {OrganisationKind.DEPARTMENT},
    Role.CADRE: {OrganisationKind.BUREAU, OrganisationKind.DISTRICT, OrganisationKind.DEPARTMENT},
}
