"""The recognised factories' map in Chromium: drawn by the shared chart helper (IB.chart), district names shown
under the points, names in the tooltip escaped, no console error."""

import pytest
from django.test import Client

from industry_brain.factories.models import FactoryApplication
from industry_brain.testing import login_page

from .test_pages import FORM, step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_factory_map_is_drawn_through_the_shared_chart_helper(browser_page, world):
    clients = {}
    for key in ("enterprise", "district", "city"):
        clients[key] = Client()
        clients[key].force_login(world.user(key))
    assert clients["enterprise"].post("/factories/applications/new/", FORM).status_code == 302
    app = FactoryApplication.objects.get()
    for who, name in (("district", "district_review"), ("city", "evaluate"), ("city", "publicise")):
        assert step(clients[who], app, name).status_code == 302
    FactoryApplication.objects.filter(pk=app.pk).update(notice_until="2025-01-01")
    assert step(clients["city"], app, "recognise").status_code == 302

    page = browser_page
    login_page(page, world.user("city").username)
    page.goto(f"{page.base_url}/factories/")
    page.wait_for_selector("#factory-map[data-point-count='1']", state="attached", timeout=20000)
    drawn = page.evaluate("""(() => { const o = IB.charts['factory-map'].getOption();
        return {labels: o.geo[0].label.show, series: o.series.map(s => s.name),
                tip: o.tooltip[0].formatter({seriesType: 'scatter', name: '<b>甲</b>', seriesName: '智能工厂',
                                             value: [120, 30, 2025]})}; })()""")
    assert drawn["labels"] is True and len(drawn["series"]) == 1
    assert drawn["tip"] == "&lt;b&gt;甲&lt;/b&gt; · 智能工厂 · 2025"
    assert page.console_errors == []
