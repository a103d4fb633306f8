"""Page forms of the matchmaking module. Firms are named by their credit code (or picked from the user's own
firm); the services check again that the firm lies in the user's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from industry_brain.chains.models import Chain, ChainNode
from industry_brain.core.autocomplete import Autocomplete
from industry_brain.enterprises.models import Enterprise

from .choices import IntentionKind, ListingKind, ParticipantRole


class FirmField(forms.CharField):
    """A firm by its unified social credit code, among the firms the user may see."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("widget", Autocomplete("enterprise-uscc"))  # searched by name, submits the code
        super().__init__(*args, **kwargs)

    def resolve(self, value, user):
        if not value:
            return None
        firm = Enterprise.objects.restrict(user, "view").filter(uscc=value.strip().upper()).first()
        if firm is None:
            raise forms.ValidationError(_("No firm with this credit code in your scope."))
        return firm


class ScopedFirmsForm(forms.Form):
    firm_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        for name in self.firm_fields:
            if name in self.fields and self.fields[name].__class__ is FirmField:
                try:
                    data[name] = self.fields[name].resolve(data.get(name), self.user)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data


class ListingForm(ScopedFirmsForm):
    firm_fields = ("enterprise",)
    enterprise = FirmField(label=_("Enterprise"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ListingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    material = forms.CharField(label=_("Product or material"), max_length=100, required=False)
    node = forms.ModelChoiceField(label=_("Chain node"), queryset=ChainNode.objects.select_related("chain"),
                                  required=False, empty_label=_("(none)"), widget=Autocomplete("node"))
    quantity = forms.DecimalField(label=_("Spare capacity or volume needed per month"), min_value=0,
                                  max_digits=14, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=2000, required=False)
    certifications = forms.CharField(label=_("Certifications"), max_length=200, required=False)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=3650, required=False)
    needed_by = forms.DateField(label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user.enterprise_id:  # a firm's account acts for its own firm (no field)
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].required = True


class EventForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    chain = forms.ModelChoiceField(label=_("Chain"), queryset=Chain.objects.all())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # the chains the user keeps (Chain.scope "change": the city every chain, a work team its ecosystem's); the
        # service checks the saved event against the organiser's add scope
        self.fields["chain"].queryset = Chain.objects.restrict(user, "change")


class RegistrationForm(ScopedFirmsForm):
    firm_fields = ("enterprise",)
    enterprise = FirmField(label=_("Enterprise"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user.enterprise_id:  # a firm's account acts for its own firm (no field)
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].required = True


class IntentionForm(ScopedFirmsForm):
    firm_fields = ("buyer", "seller")
    kind = forms.ChoiceField(label=_("Kind"), choices=IntentionKind.choices)
    buyer = FirmField(label=_("Buyer or borrower"))
    seller = FirmField(label=_("Supplier"), required=False)
    lender = forms.CharField(label=_("Lender"), max_length=200, required=False)
    product = forms.CharField(label=_("Product or purpose"), max_length=200)
    amount = forms.DecimalField(label=_("Declared amount (10k yuan)"), min_value=0, max_digits=14, decimal_places=2)


class SignForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (10k yuan)"), min_value=0, max_digits=14, decimal_places=2,
                                required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class TargetForm(forms.Form):
    node = forms.ModelChoiceField(label=_("Chain node"), queryset=ChainNode.objects.select_related("chain"),
                                  widget=Autocomplete("node"))
    name = forms.CharField(label=_("Target firm"), max_length=200)
    region = forms.CharField(label=_("Region"), max_length=6, required=False)
    source = forms.CharField(label=_("Why a target"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # the nodes of the chains the user keeps (ChainNode.scope "change"); the service checks the saved target
        self.fields["node"].queryset = self.fields["node"].queryset.restrict(user, "change")


class ProjectForTargetForm(forms.Form):
    code = forms.CharField(label=_("Project code"), max_length=40)
    name = forms.CharField(label=_("Project name"), max_length=200)
    district = forms.CharField(label=_("District code (GB/T 2260)"), max_length=6)
    total_investment = forms.DecimalField(label=_("Total investment (10k yuan)"), min_value=0, max_digits=14,
                                          decimal_places=2)
    actual_signed = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
