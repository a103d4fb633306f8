"""Page forms of tier cultivation: a new criteria version, a rule of an unused version, a round, an application and
the inputs of the recognition workflow's steps. The services validate again."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from industry_brain.core.autocomplete import Autocomplete
from industry_brain.enterprises.forms import OwnOrNamedFirmMixin

from . import engine
from .choices import ENTERPRISE_TIERS, FACTORY_LEVELS, ApplicationType, ObjectionStatus
from .models import RecognitionRound, TierRule, TierRuleSet


class RuleSetForm(forms.ModelForm):
    """A new version of a tier's criteria; its rules copied from an earlier version, then edited rule by rule."""

    copy_from = forms.ModelChoiceField(label=_("copy the rules of"), queryset=TierRuleSet.objects.none(),
                                       required=False, help_text=_("Leave empty to start without rules."))

    class Meta:
        model = TierRuleSet
        fields = ["tier", "level", "version", "name", "effective_from", "application_type", "source", "verification",
                  "note"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}),
                   "source": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = TierRuleSet.objects.order_by("tier", "-effective_from")

    def clean(self):
        data = super().clean()
        src = data.get("copy_from")
        if src is not None and data.get("tier") and src.tier != data["tier"]:
            self.add_error("copy_from", _("The version copied is of another tier."))
        return data


class JSONListField(forms.CharField):
    """A list written as JSON (point bands [[bound, points], …]; conditions [[figure, operator, threshold], …])."""

    widget = forms.TextInput(attrs={"class": "mono"})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return json.dumps(value, ensure_ascii=False)
        return value

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return []
        try:
            out = json.loads(value)
        except ValueError:
            raise ValidationError(_("Write a JSON list, e.g. [[10, 3], [5, 1]].")) from None
        if not isinstance(out, list) or not all(isinstance(x, list) for x in out):
            raise ValidationError(_("Write a JSON list of lists, e.g. [[10, 3], [5, 1]]."))
        return out


def figure_choices() -> list[tuple[str, str]]:
    names = [*engine.FIGURES, *engine.TIER_FIGURE_FIELDS, "investment_5y", "credit_good", "mountain_island",
             "completion_year"]
    return [(n, f"{engine.figure_label(n)} ({n})") for n in dict.fromkeys(names)]


class RuleForm(forms.ModelForm):
    bands = JSONListField(label=_("point bands"), required=False,
                          help_text=_("Scored indicators: [[bound, points], …], best band first."))
    applies_if = JSONListField(label=_("applies if"), required=False,
                               help_text=_('Conditions, all must hold: [["revenue", ">=", 10000]].'))

    class Meta:
        model = TierRule
        fields = ["order", "code", "indicator", "kind", "figure", "operator", "threshold", "inclusive", "bands",
                  "direction", "max_points", "group", "applies_if", "application_type", "source", "verification",
                  "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"] = forms.ChoiceField(label=_("figure"), choices=figure_choices())
        self.fields["direction"] = forms.ChoiceField(label=_("direction"), choices=[
            ("higher", _("higher is better")), ("lower", _("lower is better"))])


class RoundForm(forms.ModelForm):
    class Meta:
        model = RecognitionRound
        fields = ["name", "tier", "year", "rule_set", "opens_on", "closes_on", "notice_working_days", "validity_years"]
        widgets = {"opens_on": forms.DateInput(attrs={"type": "date"}),
                   "closes_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [c for c in self.fields["tier"].choices if c[0] not in FACTORY_LEVELS]
        self.fields["rule_set"].queryset = TierRuleSet.objects.filter(tier__in=ENTERPRISE_TIERS).order_by(
            "tier", "-effective_from")
        self.fields["rule_set"].help_text = _("Empty: the version in force on the opening day.")


class ApplicationForm(OwnOrNamedFirmMixin, forms.Form):
    """The enterprise applies for itself; a bureau nominates a firm in its scope by its credit code."""

    uscc = forms.CharField(label=_("unified social credit code"), max_length=18, widget=Autocomplete("enterprise-uscc"))
    application_type = forms.ChoiceField(label=_("application type"), choices=[
        (ApplicationType.NEW, ApplicationType.NEW.label), (ApplicationType.REVIEW, ApplicationType.REVIEW.label)])
    statement = forms.CharField(label=_("statement"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_or_named_firm(user)  # a bureau nominates a firm by credit code


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    file = forms.FileField(label=_("file"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.TextInput(attrs={"size": 60}))

    def step_data(self) -> dict:
        return {}


class ExpertScoreForm(NoteForm):
    expert_score = forms.DecimalField(label=_("expert score"), min_value=0, max_value=100, max_digits=5,
                                      decimal_places=1)

    def step_data(self) -> dict:
        return {"expert_score": self.cleaned_data["expert_score"]}


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("objection"), widget=forms.Textarea(attrs={"rows": 2}))
    raised_by = forms.CharField(label=_("raised by"), max_length=200, required=False)

    def step_data(self) -> dict:
        return {"text": self.cleaned_data["text"], "raised_by": self.cleaned_data.get("raised_by", "")}


class AnswerForm(forms.Form):
    objection = forms.ChoiceField(label=_("objection"))
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objection"].choices = [(o.pk, o.text[:60]) for o in application.objections.filter(
            status=ObjectionStatus.OPEN)]

    def step_data(self) -> dict:
        return {"objection": int(self.cleaned_data["objection"]), "answer": self.cleaned_data["answer"]}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def step_data(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


STEP_FORMS = {"city_approve": ExpertScoreForm, "object": ObjectionForm, "answer_objection": AnswerForm,
              "reject": ReasonForm, "revoke": ReasonForm}


def step_form(name: str, application, data=None):
    cls = STEP_FORMS.get(name, NoteForm)
    kwargs = {"application": application} if cls is AnswerForm else {}
    return cls(data, prefix=name, **kwargs)
