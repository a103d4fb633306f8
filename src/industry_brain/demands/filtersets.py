"""The FilterSets that serve both the list pages and the API."""

import django_filters
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.models import Organisation
from industry_brain.accounts.selectors import departments
from industry_brain.chains.models import Chain
from industry_brain.core.filters import FetchedModelChoiceFilter
from industry_brain.core.models import District

from .choices import DemandStatus, Urgency, VisitMode
from .models import Assignment, Cadre, Demand, DemandCategory, Notification, SystemicAlert, Visit


class DemandFilterForm(forms.Form):
    """The filter form of demand lists: a period whose start lies after its end is refused, naming the start."""

    def clean(self):
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_from", _("The start date is after the end date."))
        return data


class SearchBigrams(Func):
    """`ib_name_bigrams(search_text)`: the pairs of adjacent characters of a demand's search text, as indexed by
    `demand_search_bigram_idx` (PostgreSQL, migration 0010)."""

    function = "ib_name_bigrams"
    template = "%(function)s(%(expressions)s::text)"
    output_field = ArrayField(models.TextField())


def bigrams(value: str) -> list[str]:
    """The distinct pairs of adjacent characters of `value`, as `ib_name_bigrams` lists them."""
    return sorted({value[i:i + 2] for i in range(len(value) - 1)})


class DemandFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Title or enterprise"))
    # A plain column: no join can repeat a row, so no DISTINCT (django-filter's default), which made PostgreSQL
    # sort and compare every matching row whole, twice (page and count; docs/decisions.md).
    status = django_filters.MultipleChoiceFilter(choices=DemandStatus.choices, label=_("Status"), distinct=False)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("Urgency"))
    category = FetchedModelChoiceFilter(queryset=DemandCategory.objects.select_related("parent"),
                                                to_field_name="code", method="filter_category", label=_("Category"))
    district = FetchedModelChoiceFilter(queryset=District.objects.all(), label=_("District"))
    department = FetchedModelChoiceFilter(queryset=departments, label=_("Department"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    chain = FetchedModelChoiceFilter(queryset=Chain.objects.all(), label=_("Chain"))
    cadre = django_filters.NumberFilter(field_name="cadre_id", label=_("Cadre"))
    submitted_from = django_filters.DateFilter(field_name="submitted_on", lookup_expr="gte",
                                               label=_("Submitted from"))
    submitted_to = django_filters.DateFilter(field_name="submitted_on", lookup_expr="lte", label=_("Submitted to"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    escalated = django_filters.BooleanFilter(method="filter_escalated", label=_("Escalated"))
    flagged = django_filters.BooleanFilter(field_name="is_flagged", label=_("Similar demands found"))

    class Meta:
        model = Demand
        form = DemandFilterForm
        fields = ["search", "status", "urgency", "category", "district", "department", "enterprise", "chain", "cadre",
                  "submitted_from", "submitted_to", "overdue", "escalated", "flagged"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(pk=int(value))
        # search_text is stored lower-cased: a plain LIKE, without UPPER() over every row (Chinese has no case).
        value = value.lower()
        if len(value) >= 2 and connection.vendor == "postgresql":
            # Every pair of adjacent characters of the value is one of the text's: the bigram index finds the
            # candidates (a LIKE '%通行%' alone read every demand's text, for the count too); the LIKE keeps it exact
            # and, being far cheaper than the function, is what a walk of the recent-first index tests first (the
            # pairs alone made the planner walk that index computing every row's pairs: 92 ms at city scale).
            queryset = queryset.alias(search_bigrams=SearchBigrams("search_text")).filter(
                search_bigrams__contains=bigrams(value))
        return queryset.filter(search_text__contains=value)

    def filter_category(self, queryset, name, value):
        if value.parent_id is None:
            return queryset.filter(category_root=value)
        return queryset.filter(category=value)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        q = Q(status__in=[DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS], due_date__lt=today)
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_escalated(self, queryset, name, value):
        return queryset.filter(escalation_level__gt=0) if value else queryset.filter(escalation_level=0)


class CadreFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Number or name"))
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Organisation"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), field_name="organisation__district",
                                                label=_("District"))

    class Meta:
        model = Cadre
        fields = ["search", "organisation", "district"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset


class AssignmentFilterSet(django_filters.FilterSet):
    cadre = django_filters.NumberFilter(field_name="cadre_id", label=_("Cadre"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), field_name="enterprise__district",
                                                label=_("District"))
    current = django_filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label=_("Current"))
    search = django_filters.CharFilter(method="filter_search", label=_("Cadre or enterprise"))

    class Meta:
        model = Assignment
        fields = ["cadre", "enterprise", "district", "current", "search"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__code__icontains=value) | Q(cadre__name__icontains=value)
                               | Q(enterprise__name__icontains=value))


class VisitFilterSet(django_filters.FilterSet):
    cadre = django_filters.NumberFilter(field_name="cadre_id", label=_("Cadre"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    mode = django_filters.ChoiceFilter(choices=VisitMode.choices, label=_("Mode"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Visit
        fields = ["cadre", "enterprise", "mode", "date_from", "date_to"]


class SystemicAlertFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SystemicAlert._meta.get_field("status").choices,
                                         label=_("Status"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), label=_("District"))
    category = django_filters.ModelChoiceFilter(queryset=DemandCategory.objects.select_related("parent"),
                                                to_field_name="code", label=_("Category"))

    class Meta:
        model = SystemicAlert
        fields = ["status", "district", "category"]


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    kind = django_filters.ChoiceFilter(choices=Notification._meta.get_field("kind").choices, label=_("Kind"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]
