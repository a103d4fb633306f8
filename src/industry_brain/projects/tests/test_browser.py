"""The one map in Debian's Chromium: districts and points drawn, a filter changes what is shown, no console
errors."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from industry_brain.core.geo import random_point_in_district
from industry_brain.projects import services
from industry_brain.testing import build_world, login_page

from .helpers import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_one_map_draws_points_and_filters(browser_page):
    services.rules_ensure_defaults()
    world = build_world()
    rng = random.Random(5)
    today = timezone.localdate()
    for i in range(12):
        district = ["330106", "330109", "330110"][i % 3]
        lon, lat = random_point_in_district(district, rng)
        late = i < 3  # three projects start late: red
        make_project(district=district, lat=lat, lon=lon, total=5000 + 1000 * i,
                     planned_start=today - dt.timedelta(days=150 if late else -60))
    make_project(lat=None, lon=None)  # not located: not drawn
    services.warning_evaluate_all(today=today)
    page = browser_page
    login_page(page, world.user("city").username)
    page.goto(f"{page.base_url}/projects/map/")
    page.wait_for_selector("#project-map[data-point-count='12']", state="attached", timeout=15000)
    assert page.evaluate("window.IB.charts['project-map'].getOption().geo[0].map") == "hangzhou"
    regions = page.evaluate("echarts.getMap('hangzhou').geoJSON.features.length")
    assert regions == 13
    page.select_option("select[name=warning_level]", "red")
    page.wait_for_selector("#project-map[data-point-count='3']", state="attached", timeout=15000)
    assert "3" in page.inner_text("#map-count")
    page.select_option("select[name=warning_level]", "")
    page.select_option("select[name=district]", "330109")
    page.wait_for_selector("#project-map[data-point-count='4']", state="attached", timeout=15000)
    assert page.console_errors == []
