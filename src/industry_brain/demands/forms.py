"""Page forms of the enterprise service (the API has its own serializers; both call the services)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.accounts.models import Organisation, User
from industry_brain.accounts.selectors import departments
from industry_brain.core.autocomplete import Autocomplete
from industry_brain.core.codes import normalise_uscc
from industry_brain.core.files import ACCEPTED_LABEL, validate_upload
from industry_brain.core.permissions import can
from industry_brain.enterprises.models import Enterprise

from .choices import Satisfaction, Urgency, VisitMode
from .models import Assignment, Cadre, DemandCategory, Visit

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class DemandForm(forms.Form):
    """Raise a demand. What the platform knows is pre-filled: an enterprise user's enterprise is fixed, a
    cadre chooses among the enterprises it serves (and its recent visits), bureaus give a credit code."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False,
                                        widget=Autocomplete("enterprise"))
    enterprise_uscc = forms.CharField(label=_("Enterprise"), max_length=30, required=False,
                                      widget=Autocomplete("enterprise-uscc"))
    category = CategoryChoiceField(label=_("Category"), queryset=DemandCategory.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    visit = forms.ModelChoiceField(label=_("Raised on visit"), queryset=Visit.objects.none(), required=False)
    project = forms.IntegerField(label=_("Investment project"), required=False, min_value=1,
                                 widget=Autocomplete("project"))
    attachment = forms.FileField(label=_("Attachment"), required=False, validators=[validate_upload],
                                 help_text=ACCEPTED_LABEL)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].queryset = DemandCategory.objects.filter(
            is_active=True, parent__isnull=False).select_related("parent").order_by("order")
        # The firm field follows whom the user raises for (`permissions.py`, "raise_demand"): a firm's account its
        # own firm (no field), a bureau any firm it organises the service of (by credit code), a cadre the firms it
        # serves (a list).
        self.own_enterprise = user.enterprise if user.enterprise_id else None
        if self.own_enterprise is not None:
            del self.fields["enterprise"], self.fields["enterprise_uscc"], self.fields["visit"]
        elif not can(user, "organise_service", Enterprise):
            del self.fields["enterprise_uscc"]
            served = Assignment.objects.filter(cadre__user=user, ended_on__isnull=True).values("enterprise_id")
            self.fields["enterprise"].queryset = Enterprise.objects.filter(pk__in=served).order_by("name")
            self.fields["enterprise"].required = True
            self.fields["visit"].queryset = Visit.objects.filter(cadre__user=user).select_related(
                "enterprise").order_by("-date")[:30]
        else:
            del self.fields["enterprise"], self.fields["visit"]
            self.fields["enterprise_uscc"].required = True

    def clean_enterprise_uscc(self):
        value = normalise_uscc(self.cleaned_data.get("enterprise_uscc") or "")
        if not value:
            return None
        enterprise = Enterprise.objects.filter(uscc=value).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise has this credit code."))
        return enterprise

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f and f.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("An attachment may be at most 10 MB."))
        return f

    def enterprise_value(self):
        if self.own_enterprise is not None:
            return self.own_enterprise
        return self.cleaned_data.get("enterprise") or self.cleaned_data.get("enterprise_uscc")


class AcceptForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Coordinating department"), queryset=Organisation.objects.none(),
                                        widget=Autocomplete("department", context=("category",)))
    handler = forms.ModelChoiceField(label=_("Handler (optional)"), queryset=User.objects.filter(
        role=Role.DEPARTMENT).order_by("username"), required=False,
        widget=Autocomplete("handler", depends="department", empty_hint=_("Choose the department first")))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()


class StartForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(label=_("New coordinating department"), queryset=Organisation.objects.none(),
                                        widget=Autocomplete("department", context=("category",)))
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()


class CohandleForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Co-handling department"), queryset=Organisation.objects.none(),
                                        widget=Autocomplete("department"))
    request = forms.CharField(label=_("What is asked"), max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Your verdict"), choices=Satisfaction.choices,
                                     widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CohandleAnswerForm(forms.Form):
    response = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(),
                                        widget=Autocomplete("enterprise"))
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=Cadre.objects.none(), required=False,
                                   widget=Autocomplete("cadre"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    mode = forms.ChoiceField(label=_("Mode"), choices=VisitMode.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        if not can(user, "organise_service", Enterprise):  # a cadre: its own visits to the firms it serves
            served = Assignment.objects.filter(cadre__user=user, ended_on__isnull=True).values("enterprise_id")
            self.fields["enterprise"].queryset = Enterprise.objects.filter(pk__in=served).order_by("name")
            del self.fields["cadre"]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "change").order_by("name")
            self.fields["cadre"].queryset = Cadre.objects.restrict(user, "view").order_by("code")
            self.fields["cadre"].required = True


class AssignmentImportForm(forms.Form):
    """One row of the assignment import template."""

    cadre = forms.ModelChoiceField(label=_("Cadre number"), queryset=Cadre.objects.all(), to_field_name="code",
                                   error_messages={"invalid_choice": _("Unknown cadre number.")})
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    started_on = forms.DateField(label=_("From"), required=False)

    def clean_uscc(self):
        value = normalise_uscc(str(self.cleaned_data["uscc"]))
        enterprise = Enterprise.objects.filter(uscc=value).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise has this credit code."))
        self.cleaned_data["enterprise"] = enterprise
        return value

    def clean(self):
        data = super().clean()
        if "uscc" in data and "enterprise" not in data:
            data["enterprise"] = Enterprise.objects.filter(uscc=data["uscc"]).first()
        return data
