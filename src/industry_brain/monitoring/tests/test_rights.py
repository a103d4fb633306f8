"""Monitoring's named rights and reporting scopes, per role: each answered by `can` or the declared scope, allowed
and refused, and the pages and importer that ask them."""

import datetime as dt

import pytest

from industry_brain.core.permissions import can
from industry_brain.monitoring import selectors
from industry_brain.monitoring.importers import MonthlyReportImporter
from industry_brain.monitoring.models import MonthlyReport
from industry_brain.testing import ALL_ROLES

from .conftest import add_report

pytestmark = pytest.mark.django_db

MAY_VIEW_POSITION = {"enterprise", "enterprise_other"}
MAY_READ_REPORTS = {"city", "district", "district_other", "chain_team", "enterprise", "enterprise_other"}
MAY_CORRECT = MAY_READ_REPORTS - {"chain_team"}
SEES_XIHU_REPORT = {"city", "district", "chain_team", "enterprise"}  # the work team reads, but corrects nothing
# whose missing reports of a month each role follows: the xihu firm (330106), the xiaoshan firm (330109)
MISSING_SEEN = {"city": {"xihu", "xiaoshan"}, "district": {"xihu"}, "district_other": {"xiaoshan"},
                "enterprise": {"xihu"}, "enterprise_other": {"xiaoshan"}}
# for which firms a role's file may report
IMPORTS_FOR = {"city": {"xihu", "xiaoshan"}, "district": {"xihu"}, "district_other": {"xiaoshan"}}


def _firms(world, enterprises) -> set[str]:
    names = {world.ent_xihu.pk: "xihu", world.ent_xiaoshan.pk: "xiaoshan"}
    return {names[e.pk] for e in enterprises if e.pk in names}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_report_rights_are_answered_by_can(world, role):
    user = world.user(role)
    assert can(user, "view_position", MonthlyReport) == (role in MAY_VIEW_POSITION)
    assert can(user, "view", MonthlyReport) == (role in MAY_READ_REPORTS)
    assert can(user, "change", MonthlyReport) == (role in MAY_CORRECT)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_own_position_only_for_the_enterprise(world, role):
    from django.http import Http404

    add_report(world.ent_xihu, "2026-09", 100)
    add_report(world.ent_xiaoshan, "2026-09", 100)
    user = world.user(role)
    if role in MAY_VIEW_POSITION:
        assert selectors.enterprise_position(user=user, period=dt.date(2026, 9, 1))["industry"] == \
            user.enterprise.industry
    else:
        with pytest.raises(Http404):
            selectors.enterprise_position(user=user, period=dt.date(2026, 9, 1))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_missing_reports_within_the_reporting_scope(world, role):
    missing = selectors.missing_reports(user=world.user(role), period=dt.date(2026, 9, 1))
    assert _firms(world, missing) == MISSING_SEEN.get(role, set())


@pytest.mark.parametrize("role", ALL_ROLES)
def test_an_import_file_reports_only_for_firms_in_the_importers_scope(world, role):
    importer = MonthlyReportImporter(actor=world.user(role))
    period = dt.date(2026, 9, 1)
    rows = [(n, {"uscc": e.uscc, "period": period, "reason": ""}) for n, e in
            enumerate((world.ent_xihu, world.ent_xiaoshan), start=2)]
    errors = importer.validate_rows(rows)
    assert _firms(world, importer.firms.values()) == IMPORTS_FOR.get(role, set())
    assert len(errors) == 2 - len(IMPORTS_FOR.get(role, set()))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_report_list_opens_to_readers_and_offers_corrections_to_those_who_may(world, client, role):
    add_report(world.ent_xihu, "2026-09", 100)
    client.force_login(world.user(role))
    res = client.get("/monitoring/reports/")
    if role not in MAY_READ_REPORTS:
        assert res.status_code == 404
        return
    assert res.status_code == 200
    page = res.content.decode()
    assert (world.ent_xihu.name in page) == (role in SEES_XIHU_REPORT)
    assert ("/correct/" in page) == (role in SEES_XIHU_REPORT and role in MAY_CORRECT)
