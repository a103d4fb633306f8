"""The milestone timeline in Chromium: the label of the "today" line is drawn beside it at a row where no milestone
sits near today (not on the axis labels, not over a point). Screenshot with SCREENSHOTS=1."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from industry_brain.testing import SCREENSHOTS as SHOTS
from industry_brain.testing import build_world, login_page

from .helpers import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_today_marker_label_keeps_clear_of_milestone_labels(browser_page):
    world = build_world()
    today = timezone.localdate()
    d = dt.timedelta
    # A milestone on the top row just after today and one on the second row at today: the label must go lower.
    project = make_project(planned_signed=today + d(days=5), planned_land=today - d(days=2),
                           planned_start=today + d(days=60), planned_completion=today + d(days=300),
                           planned_production=today + d(days=400), planned_full_production=today + d(days=500))
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    login_page(page, world.user("city").username)
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    page.wait_for_selector("#timeline-chart canvas")
    page.wait_for_timeout(500)
    if os.environ.get("SCREENSHOTS"):
        page.locator("#timeline-chart").screenshot(path=str(SHOTS / "project-timeline-today.png"))
    # Pixel boxes: the label "今天" (drawn right of its anchor) against every milestone point.
    found = page.evaluate("""(() => {
        const chart = IB.charts['timeline-chart'], o = chart.getOption();
        const px = v => chart.convertToPixel({gridIndex: 0}, v);
        const marker = o.series[2];
        return {row: marker.data[0][1], side: marker.label.position, anchor: px(marker.data[0]),
                points: o.series.slice(0, 2).flatMap(s => s.data.map(px)),
                axisY: chart.convertToPixel({gridIndex: 0}, [marker.data[0][0], '达产'])[1]};
    })()""")
    assert found["row"] == "开工" and found["side"] == "right"
    x, y = found["anchor"]
    for px, py in found["points"]:
        assert not (abs(py - y) < 14 and x - 8 <= px <= x + 40), (found, px, py)  # nothing under the label
    assert page.console_errors == []
