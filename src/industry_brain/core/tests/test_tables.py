"""A table's rows are written in Python (`Table.body_html`) exactly as the template loop over its cells wrote them:
links, numbers, badges, dates and times shown in the local format, missing values, and text that must be
escaped or is already safe; for a hand-made table and for the platform's enterprise and project tables."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from industry_brain.core.tables import Col, Table

# The `<tbody>` loop of `core/_results.html` before the rows were written in Python.
TEMPLATE_LOOP = ('{% for row in table.body %}<tr>{% for c in row %}<td class="{% if c.numeric %}num{% endif %}">'
                 "{{ c.value }}</td>{% endfor %}</tr>{% endfor %}")


def template_rows(table) -> str:
    return engines["django"].from_string(TEMPLATE_LOOP).render({"table": table})


class Row:
    status = "open"

    def __init__(self, pk, name, amount, when, moment, parent=None):
        self.pk, self.name, self.amount, self.when, self.moment, self.parent = pk, name, amount, when, moment, parent

    def get_absolute_url(self):
        return f"/rows/{self.pk}/?a=1&b=2"

    def get_status_display(self):
        return "Open <now>"


class RowTable(Table):
    columns = [
        Col("pk", "#", order_by="pk"),
        Col("name", "Name", link=True),
        Col("amount", "Amount", numeric=True),
        Col("when", "Date"),
        Col("moment", "Time"),
        Col("parent", "Parent", accessor="parent__name"),
        Col("status", "Status", badge=True),
        Col("note", "Note", accessor=lambda r: mark_safe("<b>safe</b>") if r.pk % 2 else 'x < y & "z"'),
        Col("lazy", "Lazy", accessor=lambda r: gettext_lazy("Yes")),
        Col("count", "Count", accessor=lambda r: r.pk * 1000, numeric=True),
        Col("empty", "Empty", accessor=lambda r: None, numeric=True),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_written_in_python_match_the_template_loop(language):
    moment = timezone.make_aware(dt.datetime(2026, 3, 4, 23, 30), dt.UTC)  # the next day in Asia/Shanghai
    parent = Row(9, "Parent & <child>", 0, None, None)
    rows = [Row(1, "<script>alert(1)</script>", Decimal("12345.50"), dt.date(2026, 1, 2), moment, parent),
            Row(2, "西湖 “引号”", 7, dt.date(2025, 12, 31), moment), Row(3, "", None, None, None)]
    table = RowTable(rows)
    with override(language):
        html = table.body_html()
        assert html == template_rows(table)
    assert "<script>" not in html and "<b>safe</b>" in html and html.count("<tr>") == 3


@pytest.mark.django_db
def test_platform_tables_write_their_rows_as_before(world):
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.enterprises.tables import EnterpriseTable
    from industry_brain.projects.models import Project
    from industry_brain.projects.tables import ProjectTable
    from industry_brain.projects.tests.helpers import make_project

    make_project(district="330106", enterprise=world.ent_xihu, ecosystem=world.ecosystem)
    make_project(district="330109", enterprise=world.ent_xiaoshan, ecosystem=None)
    request = RequestFactory().get("/?sort=-name")
    request.user = world.user("city")
    for table_class, queryset in [(EnterpriseTable, Enterprise.objects.select_related("district", "industry")),
                                  (ProjectTable, Project.objects.select_related("district", "ecosystem"))]:
        table = table_class(list(queryset.order_by("pk")), request=request)
        assert table.rows
        with override("zh-hans"):
            assert table.body_html() == template_rows(table)
