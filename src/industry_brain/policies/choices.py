"""Choices of the policies app: item types, modes, levels, eligibility states and the ledger's measure kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class ItemKind(models.TextChoices):
    """The four item types into which a policy is cut (颗粒化拆解)."""

    REDUCTION = "reduction", _("Reduction or exemption")  # 减免类
    AWARD = "award", _("Award or subsidy")  # 奖补类
    ENTITLEMENT = "entitlement", _("Entitlement")  # 权益类
    QUALIFICATION = "qualification", _("Qualification")  # 资质类


class Mode(models.TextChoices):
    AUTO = "auto", _("Benefit without application")  # 免申即享
    QUICK = "quick", _("Quick application")  # 快申快享
    APPLY = "apply", _("Application")  # 申报


class Period(models.TextChoices):
    """Which figures a rule reads."""

    LAST_FISCAL_YEAR = "last_fiscal_year", _("Last fiscal year")
    AS_OF_INTAKE = "as_of_intake", _("As of the intake date")


class Status(models.TextChoices):
    CANDIDATE = "candidate", _("Computed, awaiting publication")
    NOTIFIED = "notified", _("Notified")
    CONFIRMED = "confirmed", _("Confirmed by the enterprise")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired (not confirmed in time)")
    PAYABLE = "payable", _("Payable")
    PAID = "paid", _("Paid")
    HELD = "held", _("Held")
    CLAWED_BACK = "clawed_back", _("Clawed back")


class MeasureKind(models.TextChoices):
    """Burden-reduction measures by kind: sums across kinds mislead, so every total keeps its breakdown."""

    CASH_REFUND = "cash_refund", _("VAT credit refund")  # 留抵退税
    TAX_FOREGONE = "tax_foregone", _("Tax reduced or exempted")
    FEE_FOREGONE = "fee_foregone", _("Fees reduced or exempted")
    DEFERRAL = "deferral", _("Deferral (to be repaid)")  # 缓缴: never part of relief totals
    PRICE_CUT = "price_cut", _("Power and gas price cuts")
    FINANCING_SAVING = "financing_saving", _("Financing cost saving")
    RENT_WAIVED = "rent_waived", _("Rent waived")
    SUBSIDY_PAID = "subsidy_paid", _("Subsidies and awards paid")


RELIEF_KINDS = [k.value for k in MeasureKind if k != MeasureKind.DEFERRAL]


class Basis(models.TextChoices):
    MEASURED = "measured", _("measured")
    ESTIMATED = "estimated", _("estimated")


class Size(models.TextChoices):
    ABOVE_SCALE = "above_scale", _("above designated size")
    BELOW_SCALE = "below_scale", _("below designated size")
    UNKNOWN = "", _("not attributed")


class EntrySource(models.TextChoices):
    WORKFLOW = "workflow", _("payment in the platform")
    IMPORT = "import", _("department import")
