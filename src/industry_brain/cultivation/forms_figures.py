"""Forms of the tier figures pages: the enterprise's report of a year, the bureau's return with a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import engine
from .models import EnterpriseTierFigures


class FiguresReportForm(forms.ModelForm):
    """Year and every tier figure; a figure left empty is not reported (a figure already on record stays)."""

    class Meta:
        model = EnterpriseTierFigures
        fields = ["year", *engine.TIER_FIGURE_FIELDS]

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in engine.TIER_FIGURE_FIELDS if self.cleaned_data.get(f) is not None}

    def clean(self):
        data = super().clean()
        if not self.errors and not self.values():
            raise forms.ValidationError(_("Report at least one figure."))
        return data


class ReturnForm(forms.Form):
    field = forms.ChoiceField(label=_("figure"), choices=[(f, f) for f in engine.TIER_FIGURE_FIELDS])
    reason = forms.CharField(label=_("reason of return"), max_length=500, widget=forms.TextInput)
