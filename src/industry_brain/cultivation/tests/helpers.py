"""Crafted firms for the cultivation tests."""

from decimal import Decimal

from industry_brain.cultivation.models import EnterpriseTierFigures
from industry_brain.enterprises.models import YearlyFigures
from industry_brain.testing import make_enterprise

# A firm exactly on every bound of the 小巨人 2022 standard (application year 2026, figures of 2025):
# main share 7,700 / 11,000 = 70 %; main growth (10 % + 0 %) / 2 = 5 %; debt 7,000 / 10,000 = 70 %;
# R&D 330 / 11,000 = 3 % and 300 / 10,000 = 3 % (revenue ≥ 1亿: the 3 % band); market share 10 %; two class I IP.
ON_BOUND_YEARS = {
    2025: {"revenue": 11000, "main_revenue": 7700, "rd_expense": 330, "total_assets": 10000, "liabilities": 7000},
    2024: {"revenue": 10000, "main_revenue": 7000, "rd_expense": 300, "total_assets": 9000, "liabilities": 5000},
    2023: {"revenue": 9000, "main_revenue": 7000, "rd_expense": 270, "total_assets": 8000, "liabilities": 4000},
}
ON_BOUND_TIER = {"niche_years": 3, "market_share": Decimal("10"), "info_system": True, "certification": True,
                 "own_brand": True, "key_field": True, "rd_institution": 1, "ip_class1": 2}


def put_on_bound(e, years=None, tier=None, **overrides):
    """Give a firm the on-bound yearly and tier figures (replacing its yearly figures); returns the firm."""
    YearlyFigures.objects.filter(enterprise=e).delete()
    for year, values in (years or ON_BOUND_YEARS).items():
        YearlyFigures.objects.create(enterprise=e, year=year, employees=200, rd_staff=30, net_profit=500,
                                     **{k: Decimal(str(v)) for k, v in values.items()})
    EnterpriseTierFigures.objects.create(enterprise=e, year=2025, **{**ON_BOUND_TIER, **(tier or {}), **overrides})
    return e


def craft_firm(name="杭州临界精密机械有限公司", district="330106", node=None, years=None, tier=None, **overrides):
    return put_on_bound(make_enterprise(name, district, "34", figures=False, node=node), years, tier, **overrides)
