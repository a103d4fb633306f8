"""Each indicator defined once: label, unit, formula and source, shown beside every figure."""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

SOURCE_REPORTS = _("Monthly reports of above-scale enterprises (platform)")
SOURCE_ESTIMATE = _("Platform estimate (测算) from the monthly reports, value-added rates and price indices; "
                    "the official rate is published by the statistics bureau")
SOURCE_PROJECTS = _("Monthly progress reports of the investment projects (projects module)")


@dataclasses.dataclass(frozen=True)
class Definition:
    field: str
    label: object
    unit: object
    formula: object
    source: object
    estimated: bool = False


DEFINITIONS = [
    Definition("va_cum", _("Value added 1—N (current prices)"), _("10k yuan"),
               _("Σ gross output × value-added rate of the firm's industry division, months 1..N"), SOURCE_ESTIMATE,
               True),
    Definition("va_growth_cum", _("Value-added growth 1—N (comparable prices)"), "%",
               _("Σ (value added ÷ price index) this year ÷ Σ value added same months last year − 1, over firms that "
                 "reported the same month in both years (same sample)"), SOURCE_ESTIMATE, True),
    Definition("va_growth_month", _("Value-added growth this month"), "%",
               _("As above, for the month alone"), SOURCE_ESTIMATE, True),
    Definition("va_pull_cum", _("Contribution to city growth (拉动)"), _("percentage points"),
               _("(comparable value added of the group − its value added last year) ÷ city value added last year "
                 "× 100"),
               SOURCE_ESTIMATE, True),
    Definition("output_cum", _("Gross output value 1—N"), _("10k yuan"), _("Σ gross output value, months 1..N"),
               SOURCE_REPORTS),
    Definition("output_growth_cum", _("Gross output growth 1—N (nominal)"), "%",
               _("Same-sample Σ this year ÷ Σ last year − 1"), SOURCE_REPORTS),
    Definition("sales_ratio_cum", _("Sales ratio (产销率)"), "%", _("Σ sales value ÷ Σ gross output value × 100"),
               SOURCE_REPORTS),
    Definition("export_cum", _("Export delivery value 1—N"), _("10k yuan"), _("Σ export delivery value"),
               SOURCE_REPORTS),
    Definition("export_growth_cum", _("Export delivery growth 1—N"), "%", _("Same-sample, nominal"), SOURCE_REPORTS),
    Definition("revenue_cum", _("Operating revenue 1—N"), _("10k yuan"), _("Σ operating revenue"), SOURCE_REPORTS),
    Definition("revenue_growth_cum", _("Revenue growth 1—N"), "%", _("Same-sample, nominal"), SOURCE_REPORTS),
    Definition("profit_cum", _("Total profit 1—N"), _("10k yuan"), _("Σ total profit"), SOURCE_REPORTS),
    Definition("profit_growth_cum", _("Profit growth 1—N"), "%",
               _("Same-sample, nominal; none when last year's profit was not positive"), SOURCE_REPORTS),
    Definition("loss_share", _("Loss-making share (亏损面)"), "%",
               _("Firms whose 1—N profit is negative ÷ firms reporting month N × 100"), SOURCE_REPORTS),
    Definition("electricity_cum", _("Electricity use 1—N"), _("10k kWh"), _("Σ electricity use"), SOURCE_REPORTS),
    Definition("electricity_growth_cum", _("Electricity growth 1—N"), "%", _("Same-sample"), SOURCE_REPORTS),
]
BY_FIELD = {d.field: d for d in DEFINITIONS}
INVESTMENT = [
    Definition("industrial", _("Industrial investment growth 1—N"), "%",
               _("Σ investment of projects in mining, manufacturing and utilities this year ÷ same months last "
                 "year − 1"),
               SOURCE_PROJECTS),
    Definition("manufacturing", _("Manufacturing investment growth 1—N"), "%",
               _("As above, projects in manufacturing"), SOURCE_PROJECTS),
]
