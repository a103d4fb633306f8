from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    UPSTREAM = "upstream", _("Upstream")
    MIDSTREAM = "midstream", _("Midstream")
    DOWNSTREAM = "downstream", _("Downstream")


class ChainMasterStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    DESIGNATED = "designated", _("Designated")
    REVOKED = "revoked", _("Revoked")


class MembershipStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class TeamPosition(models.TextChoices):
    LEADER = "leader", _("Team leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")
    LIAISON = "liaison", _("Liaison")


def segment_order():
    """An ORDER BY expression: upstream, midstream, downstream."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(*[When(segment=s, then=Value(i)) for i, s in enumerate(Segment.values)], output_field=IntegerField())
