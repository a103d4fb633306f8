"""The evaluation (opening, escalation, clearing, history, project levels, events), rule versions, and the
supervision workflow (due dates in working days, escalation, respond/accept/reject, closing)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import Event
from industry_brain.projects import services
from industry_brain.projects.models import Project, ProjectWarning, SupervisionOrder, WarningRule
from industry_brain.projects.services import add_working_days

from .helpers import make_project

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)
D = dt.timedelta


def evaluate(today=TODAY):
    return services.warning_evaluate_all(today=today)


class TestEvaluation:
    def test_opens_escalates_and_clears_with_history(self, world):
        p = make_project(planned_signed=TODAY - D(days=40))
        counts = evaluate()
        w = ProjectWarning.objects.get(project=p, rule__code="P01")
        assert (w.level, w.cleared_at, w.escalated_at) == ("yellow", None, None)
        assert w.facts["days_overdue"] == 40 and w.facts["yellow_after_days"] == 30
        assert counts["opened"] >= 1
        p.refresh_from_db()
        assert p.warning_level == "yellow"

        evaluate(TODAY + D(days=60))  # 100 days overdue: the same warning turns red
        w.refresh_from_db()
        assert w.level == "red" and w.escalated_at is not None and w.cleared_at is None
        assert ProjectWarning.objects.filter(project=p, rule__code="P01").count() == 1
        p.refresh_from_db()
        assert p.warning_level == "red"

        services.project_record_milestone(actor=world.user("city"), project=p, milestone="signed",
                                          date=TODAY + D(days=60), today=TODAY + D(days=60))
        counts = evaluate(TODAY + D(days=60))
        w.refresh_from_db()
        assert w.cleared_at is not None and counts["cleared"] >= 1
        p.refresh_from_db()
        assert p.warning_level == "green"
        assert ProjectWarning.objects.filter(project=p).count() == 1  # kept as history
        kinds = set(Event.objects.filter(object_id=str(w.pk)).values_list("kind", flat=True))
        assert {"warning.raised", "warning.escalated", "warning.cleared"} <= kinds

    def test_re_evaluation_is_idempotent(self, world):
        make_project(planned_signed=TODAY - D(days=40))
        evaluate()
        counts = evaluate()
        assert counts["opened"] == counts["escalated"] == counts["cleared"] == 0
        assert ProjectWarning.objects.count() == 1

    def test_project_level_is_the_highest_active_warning(self, world):
        p = make_project(planned_start=TODAY - D(days=40))  # P01 yellow only
        q = make_project(planned_start=TODAY - D(days=120))  # P01 red and P03 red
        evaluate()
        levels = dict(Project.objects.values_list("pk", "warning_level"))
        assert levels[p.pk] == "yellow" and levels[q.pk] == "red"
        assert set(ProjectWarning.objects.filter(project=q).values_list("rule__code", flat=True)) == {"P01", "P03"}

    def test_deactivating_a_rule_clears_its_warnings(self, world):
        p = make_project(planned_start=TODAY - D(days=120))
        evaluate()
        services.rule_update(actor=world.user("city"), rule=WarningRule.objects.get(code="P03"),
                             data={"is_active": False})
        evaluate()
        assert not ProjectWarning.objects.filter(project=p, rule__code="P03", cleared_at__isnull=True).exists()

    def test_only_the_city_evaluates(self, world):
        with pytest.raises(PermissionDenied):
            services.warning_evaluate_all(actor=world.user("district"), today=TODAY)


class TestRuleVersions:
    def test_editing_thresholds_makes_a_version_and_warnings_keep_theirs(self, world):
        rule = WarningRule.objects.get(code="P01")
        p = make_project(planned_signed=TODAY - D(days=40))
        evaluate()
        services.rule_update(actor=world.user("city"), rule=rule,
                             data={"thresholds": {"yellow_after_days": 10, "red_after_days": 35}})
        rule.refresh_from_db()
        assert rule.version == 2 and rule.versions.count() == 2
        evaluate()
        w = ProjectWarning.objects.get(project=p, rule=rule)
        assert w.level == "red" and w.rule_version == 2

    def test_bad_thresholds_and_non_city_editors_are_refused(self, world):
        rule = WarningRule.objects.get(code="P01")
        with pytest.raises(ValidationError):
            services.rule_update(actor=world.user("city"), rule=rule,
                                 data={"thresholds": {"yellow_after_days": 50, "red_after_days": 20}})
        with pytest.raises(PermissionDenied):
            services.rule_update(actor=world.user("district"), rule=rule, data={"name": "x"})
        rule.refresh_from_db()
        assert rule.version == 1


class TestSupervision:
    def test_due_date_over_the_national_day_holiday(self):
        # 2025-10-01..08 is the National Day and Mid-Autumn holiday; Saturday 2025-10-11 is a working day.
        assert add_working_days(dt.date(2025, 9, 30), 3) == dt.date(2025, 10, 11)

    def test_red_warning_opens_an_order_due_in_working_days(self, world):
        p = make_project(planned_start=dt.date(2025, 5, 1))
        services.warning_evaluate_all(today=dt.date(2025, 9, 30), working_days=3)
        order = SupervisionOrder.objects.get(project=p, warning__rule__code="P03")
        assert order.issued_on == dt.date(2025, 9, 30)
        assert order.due_date == dt.date(2025, 10, 11)
        assert order.unit == world.xihu and order.status == "open" and order.level == "reminder"
        assert Event.objects.filter(kind="supervision.opened", object_id=str(order.pk)).exists()

    def test_yellow_warnings_open_no_order(self, world):
        make_project(planned_signed=TODAY - D(days=40))
        evaluate()
        assert not SupervisionOrder.objects.exists()

    def test_overdue_orders_climb_the_ladder(self, world):
        p = make_project(planned_start=TODAY - D(days=120))
        evaluate()
        order = SupervisionOrder.objects.get(project=p, warning__rule__code="P03")
        first_due = order.due_date
        later = first_due + D(days=1)
        evaluate(later)
        order.refresh_from_db()
        assert order.level == "supervision" and order.due_date == add_working_days(later, 3)
        later2 = order.due_date + D(days=1)
        evaluate(later2)
        order.refresh_from_db()
        assert order.level == "interview" and order.escalated_on == later2
        evaluate(order.due_date + D(days=5))
        order.refresh_from_db()
        assert order.level == "interview"  # the last step
        assert Event.objects.filter(kind="supervision.escalated", object_id=str(order.pk)).count() == 2

    def _order(self, world, enterprise=None):
        p = make_project(planned_start=TODAY - D(days=120), enterprise=enterprise)
        evaluate()
        return SupervisionOrder.objects.get(project=p, warning__rule__code="P03")

    def test_district_responds_city_accepts(self, world):
        order = self._order(world)
        services.supervision_respond(actor=world.user("district"), order=order, cause="土地指标未落实",
                                     measures="协调规资局", expected_recovery=TODAY + D(days=30), today=TODAY)
        order.refresh_from_db()
        assert order.status == "responded"
        with pytest.raises(PermissionDenied):  # nobody reviews their own response
            services.supervision_review(actor=world.user("district"), order=order, accept=True, today=TODAY)
        services.supervision_review(actor=world.user("city"), order=order, accept=True, today=TODAY)
        order.refresh_from_db()
        assert order.status == "accepted" and order.closed_at is not None
        with pytest.raises(TransitionNotAllowed):
            services.supervision_respond(actor=world.user("district"), order=order, cause="a", measures="b",
                                         expected_recovery=TODAY, today=TODAY)

    def test_enterprise_responds_district_rejects_then_awaits_again(self, world):
        order = self._order(world, enterprise=world.ent_xihu)
        services.supervision_respond(actor=world.user("enterprise"), order=order, cause="资金未到位",
                                     measures="引入银团贷款", expected_recovery=TODAY + D(days=60), today=TODAY)
        with pytest.raises(ValidationError):  # a rejection says why
            services.supervision_review(actor=world.user("district"), order=order, accept=False, today=TODAY)
        services.supervision_review(actor=world.user("district"), order=order, accept=False, comment="措施不具体",
                                    today=TODAY)
        order.refresh_from_db()
        assert order.status == "rejected" and order.due_date == add_working_days(TODAY, 3)
        assert order.responses.get().decision == "rejected"
        with pytest.raises(TransitionNotAllowed):
            services.supervision_review(actor=world.user("city"), order=order, accept=True, today=TODAY)

    def test_who_may_respond(self, world):
        order = self._order(world)
        for key in ("district_other", "chain_team", "enterprise_other", "cadre"):
            with pytest.raises(PermissionDenied):
                services.supervision_respond(actor=world.user(key), order=order, cause="a", measures="b",
                                             expected_recovery=TODAY, today=TODAY)
        with pytest.raises(ValidationError) as exc:
            services.supervision_respond(actor=world.user("district"), order=order, cause="", measures="b",
                                         expected_recovery=TODAY - D(days=1), today=TODAY)
        assert {"cause", "expected_recovery"} <= set(exc.value.message_dict)

    def test_order_closes_when_the_warning_clears(self, world):
        order = self._order(world)
        services.project_record_milestone(actor=world.user("city"), project=order.project, milestone="start",
                                          date=TODAY, today=TODAY)
        evaluate()
        order.refresh_from_db()
        from django.conf import settings
        from django.utils import translation

        with translation.override(settings.LANGUAGE_CODE):
            assert order.status == "closed" and order.close_reason == translation.gettext("warning cleared")
        assert Event.objects.filter(kind="supervision.closed", object_id=str(order.pk)).exists()
