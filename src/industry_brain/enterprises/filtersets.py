"""The one FilterSet that serves the enterprise list page and the API."""

import django_filters
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Func, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from industry_brain.chains.models import Chain, ChainMembership, ChainNode, Ecosystem
from industry_brain.core.models import District, IndustryDivision

from . import selectors
from .choices import Tier
from .models import Enterprise


class NameBigrams(Func):
    """`ib_name_bigrams(name)`: the pairs of adjacent characters of a name (PostgreSQL, migration 0004)."""

    function = "ib_name_bigrams"
    template = "%(function)s(%(expressions)s::text)"
    output_field = ArrayField(models.TextField())


class EnterpriseFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Name or credit code"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), label=_("District"))
    industry = django_filters.ModelChoiceFilter(queryset=IndustryDivision.objects.all(), label=_("Industry"))
    ecosystem = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter(
        queryset=Ecosystem.objects.all(), method="filter_ecosystem", label=_("Ecosystem")))
    chain = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(queryset=Chain.objects.all(), method="filter_chain", label=_("Chain")))
    # A node is chosen by its name (链 · 环节), never typed as an id; the API still takes the id.
    node = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter(
        queryset=ChainNode.objects.select_related("chain").order_by(
            "chain__ecosystem__order", "chain__order", "segment", "order", "pk"),
        method="filter_node", label=_("Chain node")))
    is_above_scale = django_filters.BooleanFilter(label=_("Above designated size"))
    # Several tiers at once (专精特新 and 小巨人): a checkbox dropdown on the page, `?tier=a&tier=b` in the API.
    tier = django_filters.MultipleChoiceFilter(field_name="top_tier", choices=Tier.choices, label=_("Tier"),
                                               distinct=False)

    class Meta:
        model = Enterprise
        fields = ["search", "district", "industry", "ecosystem", "chain", "node", "is_above_scale", "tier"]

    # On a list read from an ecosystem's stored rows (selectors.enterprise_list), filters on the registry's list
    # columns read the stored copies instead, as conditions on the joined row itself (`selectors.row_condition`), so
    # that an ordered page walks the rows' (ecosystem, column, firm) index and stops at the page, and the count reads
    # the filtered column's index alone. (A filter by the relation's name would join the rows once more: a reverse
    # relation is joined anew by each filter() call.)
    COLUMN_FILTERS = ("district", "industry", "is_above_scale", "tier")

    def filter_queryset(self, queryset):
        ecosystem = selectors.stored_rows_ecosystem(queryset)
        if ecosystem is None:
            return super().filter_queryset(queryset)
        for name, value in self.form.cleaned_data.items():
            flt = self.filters[name]
            if name not in self.COLUMN_FILTERS:
                queryset = flt.filter(queryset, value)
            elif value not in EMPTY_VALUES:
                # Any of the chosen values for a multiple choice, as the filter itself reads them; a chosen row
                # (district, industry) by its key.
                many = isinstance(flt, django_filters.MultipleChoiceFilter)
                value = list(value) if many else getattr(value, "pk", value)
                queryset = queryset.filter(selectors.row_condition(flt.field_name, value, many=many))
        return queryset

    def filter_search(self, queryset, name, value):
        """A name fragment, a credit-code prefix or a whole credit code (exact match on its unique index).

        Credit codes are 18 ASCII letters and digits (GB 32100, validated on every write), so only such a value
        can be a code or a code prefix; anything else is looked for in names alone. Fragments of three or more
        characters are answered by the trigram index on PostgreSQL (migration 0002); shorter ones without
        upper or lower case (Chinese, digits) use a plain LIKE, which matches the same rows without upper-casing
        every name of the registry."""
        value = value.strip()
        if not value:
            return queryset
        code_like = value.isascii() and value.isalnum()
        if code_like and len(value) == 18:
            return queryset.filter(uscc=value.upper())
        caseless = value.upper() == value.lower()
        names = Q(name__contains=value) if caseless and len(value) < 3 else Q(name__icontains=value)
        if caseless and len(value) == 2 and connection.vendor == "postgresql":
            # Two characters: the bigram index of migration 0004 finds the candidates, the LIKE keeps it exact.
            queryset = queryset.alias(name_bigrams=NameBigrams("name")).filter(name_bigrams__contains=[value])
        if code_like and value.isdigit() and len(value) >= 4:
            # Four or more digits are the start of a credit code (no registered name is made of digits alone):
            # the code's prefix index answers it without a trigram search of every name.
            return queryset.filter(uscc__istartswith=value)
        return queryset.filter(names | Q(uscc__istartswith=value) if code_like else names)

    # A firm is a member of an ecosystem, chain or node once its membership is confirmed, as on the chain map, in
    # the scope rules and in the stored rows (docs/decisions.md): a proposal or a rejected one is seen where it is
    # reviewed (the chain page's proposals, the home page's proposals panel, the memberships API), never as a
    # membership here.

    def filter_ecosystem(self, queryset, name, value):
        if selectors.stored_rows_ecosystem(queryset) == value.pk:
            # The list reads this ecosystem's stored rows: exactly its confirmed member firms.
            return queryset
        return queryset.filter(pk__in=confirmed_members(node__chain__ecosystem=value))

    def filter_chain(self, queryset, name, value):
        return queryset.filter(pk__in=confirmed_members(node__chain=value))

    def filter_node(self, queryset, name, value):
        return queryset.filter(pk__in=confirmed_members(node=value))


def confirmed_members(**where) -> QuerySet:
    """The ids of the firms with a confirmed membership matching `where` (a sub-query)."""
    return ChainMembership.objects.counted().filter(**where).values("enterprise_id")
