from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from industry_brain.core.codes import normalise_uscc, validate_uscc
from industry_brain.core.geo import location_errors
from industry_brain.core.models import District, IndustryDivision

from .models import Enterprise


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "district", "street", "address", "lat", "lon", "industry", "is_above_scale",
                  "founded_on", "is_listed"]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"})}

    def clean_uscc(self):
        return normalise_uscc(self.cleaned_data["uscc"])


class EnterpriseImportForm(forms.Form):
    """One row of the enterprise import template."""

    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=200)
    district = forms.ModelChoiceField(label=_("District code"), queryset=District.objects.all(), to_field_name="code",
                                      error_messages={"invalid_choice": _("Unknown GB/T 2260 district code.")})
    industry = forms.ModelChoiceField(label=_("Industry division code"), queryset=IndustryDivision.objects.all(),
                                      to_field_name="code",
                                      error_messages={"invalid_choice": _("Unknown GB/T 4754 division code.")})
    street = forms.CharField(label=_("Street or town"), max_length=50, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False, min_value=-90,
                             max_value=90)
    lon = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False, min_value=-180,
                             max_value=180)
    is_above_scale = forms.TypedChoiceField(label=_("Above designated size"), required=False, empty_value=False,
                                            choices=[("是", "是"), ("否", "否"), ("1", "1"), ("0", "0"),
                                                     ("True", "True"), ("False", "False")],
                                            coerce=lambda v: v in ("是", "1", "True"))
    founded_on = forms.DateField(label=_("Founded on"), required=False)
    is_listed = forms.TypedChoiceField(label=_("Listed company"), required=False, empty_value=False,
                                       choices=[("是", "是"), ("否", "否"), ("1", "1"), ("0", "0"),
                                                ("True", "True"), ("False", "False")],
                                       coerce=lambda v: v in ("是", "1", "True"))

    def clean_uscc(self):
        value = normalise_uscc(str(self.cleaned_data["uscc"]))
        validate_uscc(value)
        return value

    def clean_founded_on(self):
        import datetime as dt

        from django.utils import timezone

        value = self.cleaned_data.get("founded_on")
        if value is not None and not (dt.date(1800, 1, 1) <= value <= timezone.localdate()):
            raise forms.ValidationError(_("The founding date must lie between %(first)s and today.")
                                        % {"first": "1800-01-01"})
        return value

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("Latitude and longitude are given together or not at all."))
        district = data.get("district")
        for field, messages in location_errors(data.get("lat"), data.get("lon"), getattr(district, "pk", district),
                                               getattr(district, "name", "")).items():
            self.add_error(field, messages)
        return data


class OwnOrNamedFirmMixin:
    """For forms that act for one firm: a firm's account acts for its own firm (the `uscc` field is removed); a
    bureau names a firm in its scope by credit code, and a code outside its scope reads as a missing one."""

    def own_or_named_firm(self, user) -> None:
        self.user = user
        self.own_enterprise = user.enterprise if user.enterprise_id else None
        if self.own_enterprise is not None:
            del self.fields["uscc"]

    def clean_uscc(self):
        code = (self.cleaned_data.get("uscc") or "").strip().upper()
        firm = Enterprise.objects.restrict(self.user, "view_confidential").filter(uscc=code).first()
        if firm is None:
            raise ValidationError(_("No enterprise with this credit code in your scope."))
        return firm

    def enterprise(self):
        return self.cleaned_data["uscc"] if "uscc" in self.fields else self.own_enterprise
