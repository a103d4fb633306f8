"""Page forms of future factories (the services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from industry_brain.core.autocomplete import Autocomplete
from industry_brain.enterprises.forms import OwnOrNamedFirmMixin

from .models import FactoryApplication


class FactoryApplicationForm(OwnOrNamedFirmMixin, forms.ModelForm):
    """An enterprise applies for its own factory; a bureau files for a firm in its scope, named by its unified
    social credit code. The investment project, when there is one, is named by its code."""

    uscc = forms.CharField(label=_("unified social credit code"), max_length=18, required=False,
                           widget=Autocomplete("enterprise-uscc"))
    project_code = forms.CharField(label=_("investment project code"), max_length=40, required=False,
                                   help_text=_("Optional: the project that built this factory."),
                                   widget=Autocomplete("project-code"))

    class Meta:
        model = FactoryApplication
        fields = ["level", "list_level", "year", "investment", "digital_level", "credit_good", "mountain_island",
                  "completion_year", "gbt39116_level"]
        widgets = {"credit_good": forms.NullBooleanSelect()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_or_named_firm(user)
        if self.own_enterprise is None:
            self.fields["uscc"].required = True
            self.order_fields(["uscc"])

    def clean(self):
        data = super().clean()
        firm = data.get("uscc") if "uscc" in self.fields else self.own_enterprise
        data["enterprise"] = firm
        code = (data.get("project_code") or "").strip()
        data["project"] = None
        if code and firm is not None:
            from industry_brain.projects.models import Project

            project = Project.objects.filter(code=code, enterprise=firm).first()
            if project is None:
                self.add_error("project_code", _("This enterprise has no project with this code."))
            data["project"] = project
        return data


class StepForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.TextInput(attrs={"size": 60}))
