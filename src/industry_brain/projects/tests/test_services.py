"""Lifecycle: every transition allowed or refused, dates out of order, midway registration, cancellation,
progress reports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import Event
from industry_brain.projects import services
from industry_brain.projects.models import MilestoneRecord, ProgressReport, Project

from .helpers import make_project

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)
D = dt.timedelta


def create(world, user="city", **data):
    base = {"code": f"C-{Project.objects.count() + 1}", "name": "新建项目", "district": "330106",
            "investor_name": "某投资方", "total_investment": Decimal(20000)}
    return services.project_create(actor=world.user(user), data={**base, **data}, today=TODAY)


def record(world, project, milestone, day, user="city"):
    return services.project_record_milestone(actor=world.user(user), project=project, milestone=milestone, date=day,
                                             today=TODAY)


class TestLifecycle:
    def test_full_path_reserve_to_full_production(self, world):
        p = create(world, planned_signed=TODAY - D(days=300), planned_land=TODAY - D(days=250),
                   planned_start=TODAY - D(days=200), planned_completion=TODAY - D(days=100),
                   planned_production=TODAY - D(days=50), planned_full_production=TODAY - D(days=10))
        assert p.stage == "reserve"
        expected = [("signed", "signed"), ("land", "land"), ("start", "construction"), ("completion", "completed"),
                    ("production", "production"), ("full_production", "full_production")]
        for i, (milestone, stage) in enumerate(expected):
            p = record(world, p, milestone, TODAY - D(days=300 - i * 50))
            assert p.stage == stage
        assert MilestoneRecord.objects.filter(project=p).count() == 6
        assert Event.objects.filter(kind="project.milestone_recorded", object_id=str(p.pk)).count() == 6

    def test_skipping_a_planned_milestone_is_refused(self, world):
        p = create(world, planned_signed=TODAY - D(days=100), planned_land=TODAY - D(days=50),
                   planned_start=TODAY - D(days=20))
        with pytest.raises(TransitionNotAllowed, match="Land supply|供地"):
            record(world, record(world, p, "signed", TODAY - D(days=90)), "start", TODAY - D(days=10))

    def test_unplanned_milestones_may_be_skipped(self, world):
        p = create(world, planned_start=TODAY - D(days=120))  # e.g. a renovation on its own land
        p = record(world, p, "start", TODAY - D(days=5))
        assert p.stage == "construction"

    def test_dates_out_of_order_are_refused_with_the_field(self, world):
        p = create(world, actual_signed=TODAY - D(days=100))
        with pytest.raises(ValidationError) as exc:
            record(world, p, "land", TODAY - D(days=200))
        assert "actual_land" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            create(world, planned_start=TODAY, planned_completion=TODAY - D(days=1))
        assert "planned_completion" in exc.value.message_dict

    def test_future_actual_dates_are_refused(self, world):
        p = create(world)
        with pytest.raises(ValidationError) as exc:
            record(world, p, "signed", TODAY + D(days=1))
        assert "actual_signed" in exc.value.message_dict

    def test_removing_a_recorded_milestone_is_refused(self, world):
        p = create(world, actual_signed=TODAY - D(days=10))
        with pytest.raises(TransitionNotAllowed):
            services.project_update(actor=world.user("city"), project=p, data={"actual_signed": None}, today=TODAY)

    def test_correcting_a_recorded_date_keeps_the_stage(self, world):
        p = create(world, actual_signed=TODAY - D(days=10))
        p = services.project_update(actor=world.user("city"), project=p, data={"actual_signed": TODAY - D(days=12)},
                                    today=TODAY)
        assert p.stage == "signed" and p.actual_signed == TODAY - D(days=12)

    def test_stage_cannot_be_set_directly(self, world):
        p = create(world)
        with pytest.raises(TransitionNotAllowed):
            services.project_update(actor=world.user("city"), project=p, data={"stage": "construction"}, today=TODAY)

    def test_created_midway_with_its_actual_dates(self, world):
        p = create(world, planned_signed=TODAY - D(days=400), actual_signed=TODAY - D(days=390),
                   planned_land=TODAY - D(days=300), actual_land=TODAY - D(days=310),
                   planned_start=TODAY - D(days=200), actual_start=TODAY - D(days=180), annual_plan=Decimal(5000))
        assert p.stage == "construction"
        assert p.plans.get(year=2026).amount == Decimal(5000)
        assert MilestoneRecord.objects.filter(project=p).count() == 3

    def test_created_midway_with_a_gap_is_refused(self, world):
        with pytest.raises(TransitionNotAllowed):
            create(world, planned_land=TODAY - D(days=300), actual_start=TODAY - D(days=100))

    def test_cancel_from_an_open_stage_and_nothing_after(self, world):
        p = create(world, actual_signed=TODAY - D(days=10))
        p = services.project_update(actor=world.user("district"), project=p,
                                    data={"stage": "cancelled", "cancel_reason": "投资方撤资"}, today=TODAY)
        assert p.stage == "cancelled" and p.cancelled_on == TODAY
        with pytest.raises(TransitionNotAllowed):
            record(world, p, "land", TODAY)
        with pytest.raises(TransitionNotAllowed):
            services.project_cancel(actor=world.user("city"), project=p, reason="again", today=TODAY)

    def test_a_fully_producing_project_cannot_be_cancelled(self, world):
        p = make_project(actual_full_production=TODAY - D(days=3))
        with pytest.raises(TransitionNotAllowed):
            services.project_cancel(actor=world.user("city"), project=p, reason="x", today=TODAY)


class TestWhoWrites:
    def test_district_registers_only_in_its_district(self, world):
        assert create(world, "district").district_id == "330106"
        with pytest.raises(ValidationError) as exc:
            create(world, "district", district="330109")
        assert "district" in exc.value.message_dict

    @pytest.mark.parametrize("role", ["chain_team", "department", "cadre", "enterprise"])
    def test_other_roles_do_not_register(self, world, role):
        with pytest.raises(PermissionDenied):
            create(world, role)

    def test_default_responsible_unit_is_the_district_bureau(self, world):
        assert create(world).responsible_org == world.xihu

    def test_enterprise_records_milestones_but_not_the_plan(self, world):
        p = make_project(enterprise=world.ent_xihu, planned_signed=TODAY - D(days=5))
        p = record(world, p, "signed", TODAY - D(days=1), user="enterprise")
        assert p.stage == "signed"
        with pytest.raises(ValidationError) as exc:
            services.project_update(actor=world.user("enterprise"), project=p,
                                    data={"total_investment": Decimal(1)}, today=TODAY)
        assert "total_investment" in exc.value.message_dict

    def test_enterprise_cannot_touch_another_enterprises_project(self, world):
        p = make_project(enterprise=world.ent_xiaoshan, district="330109")
        with pytest.raises(PermissionDenied):
            record(world, p, "signed", TODAY, user="enterprise")


class TestProgressReports:
    def test_cumulative_follows_even_for_a_late_month(self, world):
        p = make_project(actual_start=TODAY - D(days=200), enterprise=world.ent_xihu)
        for period, amount in (("2026-08", 100), ("2026-10", 50)):
            services.progress_report_submit(actor=world.user("enterprise"), project=p, period=period,
                                            investment=Decimal(amount), today=TODAY)
        late = services.progress_report_submit(actor=world.user("district"), project=p, period="2026-09",
                                               investment=Decimal(30), today=TODAY)
        assert late.cumulative == Decimal(130)
        assert ProgressReport.objects.get(project=p, period=dt.date(2026, 10, 1)).cumulative == Decimal(180)
        p.refresh_from_db()
        assert p.invested_total == Decimal(180) and p.last_report_period == dt.date(2026, 10, 1)

    def test_one_report_per_month_and_no_future_month(self, world):
        p = make_project(actual_start=TODAY - D(days=200))
        services.progress_report_submit(actor=world.user("city"), project=p, period="2026-10", investment=1,
                                        today=TODAY)
        with pytest.raises(ValidationError) as exc:
            services.progress_report_submit(actor=world.user("city"), project=p, period="2026-10", investment=1,
                                            today=TODAY)
        assert "period" in exc.value.message_dict
        with pytest.raises(ValidationError):
            services.progress_report_submit(actor=world.user("city"), project=p, period="2026-12", investment=1,
                                            today=TODAY)
        with pytest.raises(ValidationError) as exc:
            services.progress_report_submit(actor=world.user("city"), project=p, period="2026-09", investment=-1,
                                            today=TODAY)
        assert "investment" in exc.value.message_dict

    def test_chain_team_cannot_report(self, world):
        p = make_project(actual_start=TODAY - D(days=200), chain=world.chain)
        with pytest.raises(PermissionDenied):
            services.progress_report_submit(actor=world.user("chain_team"), project=p, period="2026-10",
                                            investment=1, today=TODAY)
