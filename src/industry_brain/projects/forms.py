"""Page forms of the investment project platform (validation of input; the services do the writing)."""

from __future__ import annotations

import json

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from industry_brain.core.autocomplete import Autocomplete
from industry_brain.core.files import ACCEPTED_LABEL, validate_upload

from .choices import Milestone
from .models import Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    annual_plan = forms.DecimalField(label=_("This year's planned investment (10k yuan)"), required=False,
                                     max_digits=14, decimal_places=2, min_value=0)

    class Meta:
        model = Project
        fields = ["code", "name", "enterprise", "investor_name", "investor_uscc", "investor_origin", "ecosystem",
                  "chain", "industry", "district", "street", "address", "lat", "lon", "total_investment",
                  "fixed_investment", "funding", "project_type", "key_level", "responsible_org", "responsible_unit",
                  "contact_name", "contact_phone", "planned_signed", "planned_land", "planned_start",
                  "planned_completion", "planned_production", "planned_full_production", "actual_signed",
                  "actual_land", "actual_start", "actual_completion", "actual_production", "actual_full_production"]
        widgets = {f: DATE for f in ["planned_signed", "planned_land", "planned_start", "planned_completion",
                                     "planned_production", "planned_full_production", "actual_signed", "actual_land",
                                     "actual_start", "actual_completion", "actual_production",
                                     "actual_full_production"]}
        # One investor box: a registered firm found by name or credit code, or a typed name kept explicitly as an
        # unregistered firm (stored in investor_name, as before).
        widgets["enterprise"] = Autocomplete("enterprise", free_text="investor_name")
        widgets["investor_name"] = forms.HiddenInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].label = _("Investor")
        self.fields["enterprise"].help_text = _("Search the registered firms by name or credit code; an investor "
                                                "not registered yet: type its name and choose “Unregistered firm”.")

    def clean(self):
        data = super().clean()
        if data.get("enterprise"):
            data["investor_name"] = ""  # a registered firm replaces a name kept before
        return data

    @cached_property
    def changed_data(self):
        changed = super().changed_data
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("enterprise") and self.initial.get("investor_name") and "investor_name" not in changed:
            changed.append("investor_name")  # emptied by clean(): the edit must store it
        return changed


class MilestoneForm(forms.Form):
    milestone = forms.ChoiceField(label=_("Milestone"), choices=Milestone.choices)
    date = forms.DateField(label=_("Actual date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False, validators=[validate_upload],
                               help_text=ACCEPTED_LABEL)


class ProgressReportForm(forms.Form):
    period = forms.CharField(label=_("Month (YYYY-MM)"), widget=forms.TextInput(attrs={"type": "month"}))
    investment = forms.DecimalField(label=_("Investment this month (10k yuan)"), max_digits=14, decimal_places=2,
                                    min_value=0)
    milestone = forms.ChoiceField(label=_("Milestone reached"), choices=[("", "—"), *Milestone.choices],
                                  required=False)
    physical_progress = forms.IntegerField(label=_("Physical progress (%)"), required=False, min_value=0,
                                           max_value=100)
    problems = forms.CharField(label=_("Problems needing help"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RespondForm(forms.Form):
    cause = forms.CharField(label=_("Cause of the delay"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("Measures"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_recovery = forms.DateField(label=_("Expected recovery date"), widget=DATE)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment (required to reject)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    source = forms.CharField(label=_("Source of the thresholds"), max_length=300, required=False)
    level = forms.ChoiceField(label=_("Highest level raised"), choices=[("yellow", _("Yellow")), ("red", _("Red"))])
    is_active = forms.BooleanField(label=_("Active"), required=False)
    thresholds = forms.CharField(label=_("Thresholds (JSON)"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_thresholds(self):
        try:
            value = json.loads(self.cleaned_data["thresholds"])
        except ValueError:
            raise forms.ValidationError(_("Write the thresholds as a JSON object.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Write the thresholds as a JSON object."))
        return value
