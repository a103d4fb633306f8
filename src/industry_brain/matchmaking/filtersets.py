"""The filters of the matchmaking lists (pages and API)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import EventStatus, IntentionKind, IntentionStatus, ListingKind, ListingStatus, TargetStatus
from .models import AttractionTarget, Event, Intention, Listing


class ListingFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Title, product or firm"))
    kind = django_filters.ChoiceFilter(choices=ListingKind.choices, label=_("Kind"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=ListingStatus.choices, label=_("Status"), empty_label=_("All"))

    class Meta:
        model = Listing
        fields = ["search", "kind", "status"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(material__icontains=value)
                               | Q(enterprise__name__icontains=value))


class EventFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label=_("Status"), empty_label=_("All"))

    class Meta:
        model = Event
        fields = ["status", "chain"]


class IntentionFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=IntentionKind.choices, label=_("Kind"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=IntentionStatus.choices, label=_("Status"), empty_label=_("All"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Follow-up overdue"))

    class Meta:
        model = Intention
        fields = ["kind", "status", "overdue", "event"]

    def filter_overdue(self, queryset, name, value):
        late = Q(status__in=[IntentionStatus.DECLARED, IntentionStatus.SIGNED],
                 follow_up_due__lt=timezone.localdate())
        if value is None:
            return queryset
        return queryset.filter(late) if value else queryset.exclude(late)


class TargetFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TargetStatus.choices, label=_("Status"), empty_label=_("All"))

    class Meta:
        model = AttractionTarget
        fields = ["status", "chain"]
