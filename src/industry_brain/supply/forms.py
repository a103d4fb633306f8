"""Page forms for correcting a firm's supply inputs (production profile, bill of materials and stocks, supply
links, recovery times) and for deciding matches. Each field validates at the edge and names itself in the error;
the services validate again against the model and write nothing on error."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import TtrSource
from .models import Material

MAX_DAYS = Decimal(3650)


def _amount(label, *, positive: bool = False, max_value=None) -> forms.DecimalField:
    # Digits are left to the model (its full_clean answers on the same field names), so that stored values with
    # more decimals (per-unit needs, unit values) come back into the form unchanged.
    return forms.DecimalField(label=label, max_value=max_value, min_value=Decimal("0.0001") if positive else Decimal(0))


class ProfileForm(forms.Form):
    """What the firm makes, how much it can make and does make per month, its finished stock and unit value."""

    product = forms.ModelChoiceField(label=_("product"), queryset=Material.objects.order_by("name"))
    monthly_capacity = _amount(_("capacity per month"))
    monthly_output = _amount(_("output per month"))
    inventory = _amount(_("finished stock"))
    unit_value = _amount(_("value per unit (10k yuan)"))

    def clean(self):
        data = super().clean()
        cap, out = data.get("monthly_capacity"), data.get("monthly_output")
        if cap is not None and out is not None and out > cap:
            self.add_error("monthly_output", _("The output per month cannot exceed the capacity per month."))
        return data


class BomLineForm(forms.Form):
    """One input of the firm's product: units needed per unit made and the stock of it on hand."""

    material = forms.ModelChoiceField(label=_("input material"), queryset=Material.objects.order_by("name"))
    per_unit = _amount(_("units per unit made"), positive=True)
    inventory = _amount(_("stock on hand"))


class LinkForm(forms.Form):
    """A supplier's share of the firm's need for one material and its usual monthly volume."""

    share = _amount(_("share of the need (0–1)"), max_value=Decimal(1))
    monthly_volume = _amount(_("volume per month"))


class RecoveryForm(forms.Form):
    """How long a supplier site needs to recover after a stop, and who says so."""

    ttr_days = forms.DecimalField(label=_("time to recover (days)"), max_digits=8, decimal_places=2,
                                  min_value=Decimal(0), max_value=MAX_DAYS)
    source = forms.ChoiceField(label=_("source"), choices=TtrSource.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
