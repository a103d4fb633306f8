"""The pages' paginator counts no further than its cap and says so; below the cap it counts exactly."""

import pytest

from industry_brain.core.models import IndustryDivision
from industry_brain.core.pagination import CappedCountPaginator

pytestmark = pytest.mark.django_db


class SmallCap(CappedCountPaginator):
    count_cap = 10


def test_counts_exactly_up_to_the_cap():
    rows = IndustryDivision.objects.order_by("code")[:10]
    paginator = SmallCap(IndustryDivision.objects.filter(code__in=[d.code for d in rows]).order_by("code"), 4)
    assert paginator.count == 10 and not paginator.count_is_capped
    assert paginator.num_pages == 3


def test_stops_counting_past_the_cap():
    total = IndustryDivision.objects.count()
    assert total > 11  # the 97 GB/T 4754 divisions
    paginator = SmallCap(IndustryDivision.objects.order_by("code"), 4)
    assert paginator.count == 11 and paginator.count_is_capped
    assert [d.code for d in paginator.page(1).object_list] == list(
        IndustryDivision.objects.order_by("code").values_list("code", flat=True)[:4])
