"""Page forms of the policies app (the services validate again)."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Period
from .models import PolicyItem


class ItemForm(forms.ModelForm):
    class Meta:
        model = PolicyItem
        fields = ["name", "kind", "mode", "measure_kind", "beneficiaries", "conditions_text", "payout_working_days",
                  "confirm_working_days", "phone", "budget_year", "budget_cap", "exclusive_group", "apply_deadline",
                  "is_active"]
        widgets = {"beneficiaries": forms.Textarea(attrs={"rows": 2}),
                   "conditions_text": forms.Textarea(attrs={"rows": 3})}


class JSONField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 6, "class": "mono"})

    def __init__(self, *args, empty=None, **kwargs):
        self.empty = empty
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return self.empty() if callable(self.empty) else self.empty
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(e)s") % {"e": exc.msg}) from None


class VersionForm(forms.Form):
    effective_from = forms.DateField(label=_("effective from"))
    period = forms.ChoiceField(label=_("period"), choices=Period.choices)
    conditions = JSONField(label=_("conditions (AND/OR tree)"), empty=dict)
    exclusions = JSONField(label=_("exclusions"), required=False, empty=list)
    amount = JSONField(label=_("amount"))
    params = JSONField(label=_("dated parameters"), required=False, empty=dict)
    tests = JSONField(label=_("test cases"), required=False, empty=list)
    reference = forms.CharField(label=_("clause reference"), required=False, max_length=200)


class ConfirmForm(forms.Form):
    bank_name = forms.CharField(label=_("bank"), max_length=100)
    bank_account = forms.CharField(label=_("bank account"), max_length=40)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)


class PayForm(forms.Form):
    amount = forms.DecimalField(label=_("amount paid (10k yuan)"), max_digits=14, decimal_places=2, required=False)
