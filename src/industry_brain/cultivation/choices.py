from django.db import models
from django.utils.translation import gettext_lazy as _


class TierKey(models.TextChoices):
    """What a rule set decides: an enterprise tier of the ladder or a level of the future-factory ladder."""

    SPECIALISED = "specialised", _("Specialised and sophisticated SME")  # 专精特新中小企业
    HIDDEN_CHAMPION = "hidden_champion", _("Hidden champion")  # 浙江省隐形冠军
    LITTLE_GIANT = "little_giant", _("Little giant")  # 专精特新“小巨人”
    SINGLE_CHAMPION = "single_champion", _("Single-product champion")  # 制造业单项冠军
    EAGLE = "eagle", _("Eagle enterprise")  # 雄鹰
    KUNPENG = "kunpeng", _("Kunpeng enterprise")  # 鲲鹏
    DIGITAL_WORKSHOP = "digital_workshop", _("Digital workshop")  # 数字化车间
    SMART_FACTORY = "smart_factory", _("Smart factory")  # 智能工厂
    FUTURE_FACTORY = "future_factory", _("Future factory")  # 未来工厂


ENTERPRISE_TIERS = ["specialised", "hidden_champion", "little_giant", "single_champion", "eagle", "kunpeng"]
FACTORY_LEVELS = ["digital_workshop", "smart_factory", "future_factory"]


class RuleKind(models.TextChoices):
    GATE = "gate", _("gate")  # a threshold that must hold
    SCORE = "score", _("scored indicator")  # points by bands
    ROUTE = "route", _("direct route")  # satisfies every gate of its group when it holds
    EXCLUSION = "exclusion", _("exclusion")  # when it holds, the firm may not apply


class ApplicationType(models.TextChoices):
    ANY = "any", _("new and re-review")
    NEW = "new", _("new application")  # 新申请
    REVIEW = "review", _("re-review")  # 复核


class Verification(models.TextChoices):
    """The verification tags of the criteria research note (standards/tier-criteria.md)."""

    V = "V", _("verified in an official reprint")
    T2 = "T2", _("two third-party sources")
    T1 = "T1", _("one third-party source")
    U = "U", _("unverified")
    NOT_FOUND = "NOT_FOUND", _("criteria not found")


class Operator(models.TextChoices):
    GTE = ">=", "≥"
    GT = ">", ">"
    LTE = "<=", "≤"
    LT = "<", "<"
    TRUE = "true", _("holds")
    FALSE = "false", _("does not hold")


class FigureState(models.TextChoices):
    REPORTED = "reported", _("self-reported")
    VERIFIED = "verified", _("verified by the bureau")
    RETURNED = "returned", _("returned by the bureau")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open for applications")
    REVIEW = "review", _("under review")
    CLOSED = "closed", _("closed")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    PRECHECKED = "prechecked", _("pre-checked")
    DISTRICT_APPROVED = "district_approved", _("approved by the district")
    CITY_APPROVED = "city_approved", _("approved by the city")
    PUBLICISED = "publicised", _("in public notice")
    RECOGNISED = "recognised", _("recognised")
    REJECTED = "rejected", _("rejected")
    REVOKED = "revoked", _("revoked")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")
