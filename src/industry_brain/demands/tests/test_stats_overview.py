"""The statistics page's overview (one grouped read on PostgreSQL) answers exactly what the per-dimension
breakdowns answer, for every reader and filter, and cuts a limited dimension to its largest rows."""

import datetime as dt

import pytest

from industry_brain.demands import selectors

from .test_stats import _life

pytestmark = pytest.mark.django_db
D = dt.date
DIMENSIONS = ["month", "category", "department", "district", "chain", "cadre"]


@pytest.fixture
def varied(world):
    return [
        _life(world, day=D(2025, 8, 29), resolve_on=[D(2025, 9, 3)], ratings=["satisfied"]),
        _life(world, day=D(2025, 9, 1), resolve_on=[D(2025, 9, 2), D(2025, 9, 4)],
              ratings=["dissatisfied", "basically_satisfied"]),
        _life(world, day=D(2025, 9, 1), resolve_on=[D(2025, 9, 5)], urgency="urgent", code="finance.loan"),
        _life(world, day=D(2025, 9, 2), code="labour.recruitment"),
        _life(world, day=D(2025, 9, 2), start=False),
        _life(world, day=D(2025, 10, 3), resolve_on=[D(2025, 10, 3)], ratings=["satisfied"],
              user_key="enterprise_other"),
    ]


def _expected(qs, limits):
    return {"summary": selectors.stats_summary(qs),
            **{dim: selectors.stats_breakdown(qs, dim, limit=limits.get(dim)) for dim in DIMENSIONS}}


@pytest.mark.parametrize("reader", ["city", "district", "department"])
@pytest.mark.parametrize("filters", [{}, {"district": "330106"}, {"category": "logistics"},
                                     {"date_from": D(2025, 9, 1), "date_to": D(2025, 9, 30)}])
def test_overview_equals_the_breakdowns(world, varied, reader, filters):
    qs = selectors.stats_queryset(user=world.user(reader), **filters)
    overview = selectors.stats_overview(qs, limits={"cadre": 15})
    assert overview == _expected(qs, {"cadre": 15})
    assert sum(r["collected"] for r in overview["month"]) == overview["summary"]["collected"]


def test_a_limited_dimension_keeps_its_largest_rows(world, varied):
    qs = selectors.stats_queryset(user=world.user("city"))
    full = selectors.stats_overview(qs)
    assert len(full["category"]) >= 3 and len(full["month"]) == 3
    cut = selectors.stats_overview(qs, limits={"category": 2})
    assert cut["category"] == full["category"][:2]
    assert cut["month"] == full["month"]  # other dimensions are not cut


def test_an_empty_selection(world, varied):
    qs = selectors.stats_queryset(user=world.user("city"), category="no-such-category")
    overview = selectors.stats_overview(qs, limits={"cadre": 15})
    assert overview["summary"]["collected"] == 0 and overview["summary"]["resolution_rate"] is None
    assert all(overview[dim] == [] for dim in DIMENSIONS)
