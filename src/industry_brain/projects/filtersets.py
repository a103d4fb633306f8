"""The one FilterSet that serves the project list page, the API list, the map and the OC4IDS export."""

from __future__ import annotations

import django_filters
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Func, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from industry_brain.chains.models import Chain, Ecosystem
from industry_brain.core.models import District

from .choices import KeyLevel, ProjectType, Stage, SupervisionLevel, SupervisionStatus, WarningLevel
from .models import Project, ProjectWarning, SupervisionOrder

# Investment bands (万元): under 100 million yuan, 100–500 million, 500 million–1 billion, 1 billion and more.
INVESTMENT_BANDS = {
    "lt1": (None, 10_000), "1to5": (10_000, 50_000), "5to10": (50_000, 100_000), "ge10": (100_000, None),
}
BAND_CHOICES = [("lt1", _("Under 100 million yuan")), ("1to5", _("100–500 million yuan")),
                ("5to10", _("500 million – 1 billion yuan")), ("ge10", _("1 billion yuan and more"))]


class UpperBigrams(Func):
    """`ib_name_bigrams(UPPER(text))`: the pairs of adjacent characters of a text in capitals (PostgreSQL; the
    function comes from enterprises migration 0004, the indexes over the project's name and investor from projects
    migration 0005)."""

    function = "ib_name_bigrams"
    output_field = ArrayField(models.TextField())

    def __init__(self, expression, **extra):
        super().__init__(Upper(expression, output_field=models.TextField()), **extra)


def value_bigrams(value: str) -> list[str] | None:
    """The pairs of adjacent characters of `value` in capitals as PostgreSQL's UPPER() writes them, or None when
    Python might write them otherwise: only ASCII letters and characters without case (digits, Chinese,
    punctuation) are sure to be capitalised alike."""
    if not all(c.isascii() or c.upper() == c.lower() for c in value):
        return None
    upper = value.upper()
    return sorted({upper[i:i + 2] for i in range(len(upper) - 1)})


def indexed_search(value: str) -> list[str] | None:
    """The bigrams that let the indexes of migration 0005 answer a search for `value`, or None (SQLite, a single
    character, or a value whose capitals Python cannot vouch for): then the plain LIKEs read every row."""
    if connection.vendor != "postgresql" or len(value) < 2:
        return None
    return value_bigrams(value)


def search(queryset, value: str):
    """The projects of `queryset` whose code starts with `value` or whose name or investor contains it, ignoring
    case."""
    code, name, investor = (Q(code__istartswith=value), Q(name__icontains=value), Q(investor_name__icontains=value))
    wanted = indexed_search(value)
    if wanted is not None:
        # A substring's every pair of adjacent characters is one of the text's, so the bigram indexes give a
        # superset of the LIKE's rows and the LIKE keeps the result exact; with the code's UPPER() prefix index
        # PostgreSQL answers the three conditions from three indexes (a BitmapOr) instead of reading every row
        # through UPPER() and two LIKE '%…%', once for the count and again for the page. The value's pairs are a
        # literal: asking the function for them made the planner evaluate it, which cost more than the search.
        queryset = queryset.alias(ib_search_name=UpperBigrams("name"),
                                  ib_search_investor=UpperBigrams("investor_name"))
        name &= Q(ib_search_name__contains=wanted)
        investor &= Q(ib_search_investor__contains=wanted)
    return queryset.filter(code | name | investor)


class ProjectFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Code or name"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), label=_("District"))
    ecosystem = django_filters.ModelChoiceFilter(queryset=Ecosystem.objects.all(), label=_("Ecosystem"))
    chain = django_filters.ModelChoiceFilter(queryset=Chain.objects.all(), label=_("Chain"))
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label=_("Stage"), distinct=False)
    warning_level = django_filters.MultipleChoiceFilter(choices=WarningLevel.choices, label=_("Warning level"),
                                                       distinct=False)
    key_level = django_filters.ChoiceFilter(choices=KeyLevel.choices, label=_("Key project level"))
    project_type = django_filters.ChoiceFilter(choices=ProjectType.choices, label=_("Project type"))
    band = django_filters.ChoiceFilter(choices=BAND_CHOICES, method="filter_band", label=_("Investment band"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Investor enterprise"))

    class Meta:
        model = Project
        fields = ["search", "district", "ecosystem", "chain", "stage", "warning_level", "key_level", "project_type",
                  "band", "enterprise"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The registered investor is found with ?enterprise=<id> (from its page); a name search over the whole
        # enterprise registry joined into every project list would cost a scan of the registry per request.
        return search(queryset, value)

    def filter_band(self, queryset, name, value):
        low, high = INVESTMENT_BANDS[value]
        if low is not None:
            queryset = queryset.filter(total_investment__gte=low)
        if high is not None:
            queryset = queryset.filter(total_investment__lt=high)
        return queryset


class WarningFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project"))
    rule = django_filters.CharFilter(field_name="rule__code", label=_("Rule"))
    level = django_filters.ChoiceFilter(choices=[("yellow", _("Yellow")), ("red", _("Red"))], label=_("Level"))
    active = django_filters.BooleanFilter(field_name="cleared_at", lookup_expr="isnull", label=_("Active"))
    district = django_filters.ModelChoiceFilter(field_name="project__district", queryset=District.objects.all(),
                                                label=_("District"))

    class Meta:
        model = ProjectWarning
        fields = ["project", "rule", "level", "active", "district"]


class SupervisionFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project"))
    status = django_filters.MultipleChoiceFilter(choices=SupervisionStatus.choices, label=_("Status"), distinct=False)
    level = django_filters.ChoiceFilter(choices=SupervisionLevel.choices, label=_("Escalation level"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    district = django_filters.ModelChoiceFilter(field_name="project__district", queryset=District.objects.all(),
                                                label=_("District"))

    class Meta:
        model = SupervisionOrder
        fields = ["project", "status", "level", "overdue", "district"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        overdue = Q(status__in=["open", "rejected"], due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
