from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """The enterprise tier ladder (梯队培育), lowest first."""

    SPECIALISED = "specialised", _("Specialised and sophisticated SME")  # 专精特新中小企业
    HIDDEN_CHAMPION = "hidden_champion", _("Hidden champion")  # 隐形冠军
    LITTLE_GIANT = "little_giant", _("Little giant")  # 专精特新“小巨人”
    SINGLE_CHAMPION = "single_champion", _("Single-product champion")  # 制造业单项冠军
    EAGLE = "eagle", _("Eagle enterprise")  # 雄鹰
    KUNPENG = "kunpeng", _("Kunpeng enterprise")  # 鲲鹏


TIER_ORDER = [t.value for t in Tier]


class RecognitionLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")


# 规上工业企业: annual main-business revenue of 20 million yuan (2,000 万元) or more.
ABOVE_SCALE_THRESHOLD_WAN = 2000


class ReadChannel(models.TextChoices):
    """Where confidential figures were read."""

    PAGE = "page", _("page")
    API = "api", _("API")
    EXPORT = "export", _("export")
