"""Filters shared by the pages and the API."""

import django_filters

from .choices import MeasureKind, Mode, Status
from .models import Eligibility, LedgerEntry, PolicyItem


class EligibilityFilterSet(django_filters.FilterSet):
    # A column of the standing itself: no DISTINCT (django-filter's default), which compared every match whole.
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    result = django_filters.BooleanFilter(field_name="result")
    unknown = django_filters.BooleanFilter(field_name="result", lookup_expr="isnull")

    class Meta:
        model = Eligibility
        fields = ["enterprise", "item", "status", "result"]


class PolicyItemFilterSet(django_filters.FilterSet):
    mode = django_filters.ChoiceFilter(choices=Mode.choices)

    class Meta:
        model = PolicyItem
        fields = ["policy", "kind", "mode", "budget_year"]


class LedgerEntryFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=MeasureKind.choices)

    class Meta:
        model = LedgerEntry
        fields = ["year", "month", "kind", "basis", "district", "industry", "size", "policy", "source"]
