"""`{{ option|chart }}`: a chart's ECharts option (a dict or its JSON) with the platform's chart rules applied
(`core.charts`), as JSON for a `<script type="application/json">` block read by `data-chart`.

`{{ option|chart:"projects" }}` (or `firms`, `demands`) names the count unit of untitled value axes and pie
slices; `{{ option|chart:"single" }}` keeps one project's amounts in 万元."""

from django import template
from django.utils.safestring import mark_safe

from industry_brain.core.charts import count_unit, to_json

register = template.Library()


@register.filter
def chart(option, arg: str = ""):
    if not option:
        return mark_safe("null")
    single = arg == "single"
    return mark_safe(to_json(option, unit="" if single else count_unit(str(arg)), single=single))  # escaped by to_json
