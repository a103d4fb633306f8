"""Each warning rule at its threshold boundaries (just inside, just outside; yellow vs red)."""

import datetime as dt

import pytest

from industry_brain.projects import rules
from industry_brain.projects.models import WarningRule

from .helpers import add_plan, add_reports, make_project, month

pytestmark = pytest.mark.django_db
D = dt.timedelta


def run(code: str, today: dt.date) -> dict:
    return rules.evaluate_rule(WarningRule.objects.get(code=code), today)


class TestCalendarHelpers:
    def test_add_months_clips_to_month_end(self):
        assert rules.add_months(dt.date(2026, 5, 31), -3) == dt.date(2026, 2, 28)
        assert rules.add_months(dt.date(2026, 1, 15), -1) == dt.date(2025, 12, 15)

    def test_expected_month_waits_for_the_due_day(self):
        assert rules.expected_month(dt.date(2026, 11, 10), 10) == dt.date(2026, 9, 1)
        assert rules.expected_month(dt.date(2026, 11, 11), 10) == dt.date(2026, 10, 1)


class TestMilestoneOverdue:
    today = dt.date(2026, 11, 26)

    def test_grace_period_boundary(self):
        on_grace = make_project(planned_signed=self.today - D(days=30))
        past_grace = make_project(planned_signed=self.today - D(days=31))
        result = run("P01", self.today)
        assert on_grace.pk not in result
        assert result[past_grace.pk][0] == "yellow"
        assert result[past_grace.pk][1]["milestone"] == "signed"
        assert result[past_grace.pk][1]["days_overdue"] == 31

    def test_red_boundary(self):
        yellow = make_project(planned_signed=self.today - D(days=90))
        red = make_project(planned_signed=self.today - D(days=91))
        result = run("P01", self.today)
        assert result[yellow.pk][0] == "yellow"
        assert result[red.pk][0] == "red"
        assert result[red.pk][1]["red_after_days"] == 90

    def test_next_milestone_follows_the_stage_and_skips_unplanned(self):
        # Signed and land supplied on time; the start is the next planned milestone (completion unplanned).
        p = make_project(planned_signed=self.today - D(days=400), actual_signed=self.today - D(days=400),
                         planned_land=self.today - D(days=300), actual_land=self.today - D(days=300),
                         planned_start=self.today - D(days=45))
        met = make_project(planned_start=self.today - D(days=200), actual_start=self.today - D(days=150))
        result = run("P01", self.today)
        assert result[p.pk][1]["milestone"] == "start"
        assert met.pk not in result  # construction stage with no later planned milestone

    def test_cancelled_and_fully_producing_projects_are_not_judged(self):
        cancelled = make_project(planned_signed=self.today - D(days=200), stage="cancelled")
        result = run("P01", self.today)
        assert cancelled.pk not in result


class TestInvestmentBehind:
    # On 2026-07-15 June's reports are due (day 15 > 10): six months elapsed, schedule = 50%.
    today = dt.date(2026, 7, 15)

    def _project(self, ytd):
        p = make_project(actual_start=dt.date(2025, 6, 1), planned_start=dt.date(2025, 6, 1))
        add_plan(p, 2026, 100)
        add_reports(p, {month(2026, 1): ytd, month(2025, 12): 500})  # last year's money does not count
        return p

    def test_ten_points_behind_is_yellow_and_just_less_is_green(self):
        at10 = self._project(40)
        under10 = self._project(40.01)
        result = run("P02", self.today)
        assert result[at10.pk][0] == "yellow"
        assert result[at10.pk][1]["points_behind"] == 10.0
        assert result[at10.pk][1]["schedule_pct"] == 50.0
        assert under10.pk not in result

    def test_thirty_points_is_yellow_more_is_red(self):
        at30 = self._project(20)
        over30 = self._project(19.99)
        result = run("P02", self.today)
        assert result[at30.pk][0] == "yellow"
        assert result[over30.pk][0] == "red"
        assert result[over30.pk][1]["ytd_investment"] == 19.99

    def test_reports_after_the_due_month_and_projects_without_plan_are_ignored(self):
        p = make_project(actual_start=dt.date(2025, 6, 1), planned_start=dt.date(2025, 6, 1))
        add_plan(p, 2026, 100)
        add_reports(p, {month(2026, 7): 100})  # July is not due yet on 15 July
        no_plan = make_project(actual_start=dt.date(2025, 6, 1), planned_start=dt.date(2025, 6, 1))
        result = run("P02", self.today)
        assert result[p.pk][0] == "red"
        assert no_plan.pk not in result

    def test_nothing_is_due_before_januarys_reports(self):
        p = self._project(0)
        assert p.pk not in run("P02", dt.date(2026, 2, 10))  # no month of 2026 due yet
        assert p.pk not in run("P02", dt.date(2026, 2, 11))  # January due: 8.33 points behind, under 10
        assert run("P02", dt.date(2026, 3, 11))[p.pk][0] == "yellow"  # two months: 16.67 points behind


class TestStartOverdue:
    today = dt.date(2026, 11, 26)

    def test_three_months_boundary(self):
        on_cutoff = make_project(planned_start=dt.date(2026, 8, 26))
        past = make_project(planned_start=dt.date(2026, 8, 25))
        result = run("P03", self.today)
        assert on_cutoff.pk not in result
        assert result[past.pk][0] == "red"

    def test_started_projects_are_not_flagged(self):
        started = make_project(planned_start=dt.date(2026, 1, 1), actual_start=dt.date(2026, 6, 1))
        assert started.pk not in run("P03", self.today)


class TestReportMissing:
    today = dt.date(2026, 11, 26)  # October is due

    def test_last_month_missing_is_yellow_two_months_red(self):
        ok = make_project(actual_start=dt.date(2025, 1, 5))
        add_reports(ok, {month(2026, 10): 10})
        one = make_project(actual_start=dt.date(2025, 1, 5))
        add_reports(one, {month(2026, 9): 10})
        two = make_project(actual_start=dt.date(2025, 1, 5))
        add_reports(two, {month(2026, 8): 10})
        result = run("P04", self.today)
        assert ok.pk not in result
        assert result[one.pk][0] == "yellow" and result[one.pk][1]["months_missing"] == 1
        assert result[two.pk][0] == "red" and result[two.pk][1]["months_missing"] == 2

    def test_projects_that_entered_reporting_recently_are_not_expected_to_have_reported(self):
        fresh = make_project(actual_land=dt.date(2026, 11, 3))  # enters land stage this month
        october = make_project(actual_land=dt.date(2026, 10, 20))  # must report October only
        result = run("P04", self.today)
        assert fresh.pk not in result
        assert result[october.pk][0] == "yellow"

    def test_before_the_due_day_the_previous_month_counts(self):
        p = make_project(actual_start=dt.date(2025, 1, 5))
        add_reports(p, {month(2026, 9): 10})
        assert p.pk not in run("P04", dt.date(2026, 11, 10))
        assert run("P04", dt.date(2026, 11, 11))[p.pk][0] == "yellow"

    def test_reserve_projects_do_not_report(self):
        p = make_project(planned_start=dt.date(2026, 12, 1))
        assert p.pk not in run("P04", self.today)


class TestInvestmentStalled:
    today = dt.date(2026, 11, 26)  # window August–October

    def test_three_months_without_investment_is_red(self):
        stalled = make_project(actual_start=dt.date(2026, 1, 10))
        add_reports(stalled, {month(2026, 7): 50, month(2026, 8): 0, month(2026, 9): 0, month(2026, 10): 0})
        moving = make_project(actual_start=dt.date(2026, 1, 10))
        add_reports(moving, {month(2026, 8): 5, month(2026, 9): 0, month(2026, 10): 0})
        result = run("P05", self.today)
        assert result[stalled.pk][0] == "red"
        assert result[stalled.pk][1]["from"] == "2026-08"
        assert moving.pk not in result

    def test_projects_started_within_the_window_or_completed_are_exempt(self):
        recent = make_project(actual_start=dt.date(2026, 8, 15))
        done = make_project(actual_start=dt.date(2025, 1, 10), actual_completion=dt.date(2026, 3, 1))
        result = run("P05", self.today)
        assert recent.pk not in result and done.pk not in result


def test_a_rule_capped_at_yellow_never_raises_red():
    rule = WarningRule.objects.get(code="P03")
    rule.level = "yellow"
    rule.save()
    p = make_project(planned_start=dt.date(2026, 1, 1))
    assert rules.evaluate_rule(rule, dt.date(2026, 11, 26))[p.pk][0] == "yellow"


def test_threshold_validation():
    assert rules.threshold_errors("milestone_overdue", {"yellow_after_days": 30, "red_after_days": 90}) == []
    assert rules.threshold_errors("milestone_overdue", {"yellow_after_days": 100, "red_after_days": 90})
    assert rules.threshold_errors("start_overdue", {"months": "3"})
