"""The faster reads say what the plain ones say, for every demo role: the list's narrower rows (names of related
rows only) serialise and render as whole rows do, and the home panel's one aggregate gives the counts of the two
inbox querysets."""

import pytest
from django.test import RequestFactory

from industry_brain.core.context import acting_as
from industry_brain.projects import panels, selectors
from industry_brain.projects.api.serializers import ProjectSerializer
from industry_brain.projects.filtersets import ProjectFilterSet
from industry_brain.projects.models import Project
from industry_brain.projects.tables import ProjectTable

pytestmark = pytest.mark.django_db

ACCOUNTS = ["city_admin", "xihu_officer", "xiaoshan_officer", "chain_iot", "dept_transport", "cadre_demo",
            "enterprise_demo"]


@pytest.fixture
def supervised(seeded):
    """The tiny world four months on: red warnings with orders, some answered (awaiting review)."""
    import datetime as dt

    from industry_brain.projects import services
    from industry_brain.projects.models import SupervisionOrder

    later = dt.date.today() + dt.timedelta(days=120)
    with acting_as(None, label="job:evaluate_warnings"):
        services.warning_evaluate_all(today=later)
    city = seeded["city_admin"]
    for order in SupervisionOrder.objects.filter(status="open").order_by("pk")[::3]:
        services.supervision_respond(actor=city, order=order, cause="c", measures="m",
                                     expected_recovery=later + dt.timedelta(days=30), today=later)
    return seeded


def _rows(qs, query: str):
    from django.http import QueryDict

    return list(ProjectFilterSet(QueryDict(query), queryset=qs).qs.order_by("-total_investment", "code"))


def test_list_rows_equal_the_plain_rows_for_every_role(seeded, django_assert_max_num_queries):
    import datetime as dt

    from django.utils import timezone

    from industry_brain.projects.models import YearlyPlan

    year = timezone.localdate().year
    seen = 0
    for username in ACCOUNTS:
        user = seeded[username]
        plain_qs = Project.objects.restrict(user, "view").select_related(
            "district", "enterprise", "ecosystem", "chain", "industry")
        for query in ("", "warning_level=red", "district=330106", "stage=construction", "search=XM"):
            fast, plain = _rows(selectors.project_list(user=user), query), _rows(plain_qs, query)
            assert [p.pk for p in fast] == [p.pk for p in plain], (username, query)
            plans = dict(YearlyPlan.objects.filter(year=year, project__in=[p.pk for p in plain])
                         .values_list("project_id", "amount"))
            for p in plain:
                p.current_plans = [YearlyPlan(amount=plans[p.pk])] if p.pk in plans else []
            with django_assert_max_num_queries(0):  # nothing deferred is read
                assert ProjectSerializer(fast, many=True).data == ProjectSerializer(plain, many=True).data
                table, whole = ProjectTable(fast), ProjectTable(plain)
                assert list(table.body()) == list(whole.body()), (username, query)
            seen += len(fast)
    assert seen > 0
    assert dt.date.today()  # the plans above are this year's, as the list's


def test_home_panel_counts_equal_the_inbox_querysets_for_every_role(supervised):
    answered = reviewed = 0
    for username in ACCOUNTS:
        user = supervised[username]
        counts = selectors.supervision_inbox_counts(user=user)
        answer = selectors.supervisions_awaiting_response(user=user)
        review = selectors.supervisions_awaiting_review(user=user)
        assert counts == {"answer": answer.count(), "review": review.count()}, username
        answered, reviewed = answered + counts["answer"], reviewed + counts["review"]
        request = RequestFactory().get("/")
        request.user = user
        panel = panels.projects_home_panel(request)
        if panel is None:
            continue
        texts = [i["text"] for i in panel["items"] if i["kind"] in ("overdue", "answer", "review")]
        expected = ([f"{o.project.code} {o.project.name}" for o in answer[:8]]
                    + [f"{o.project.code} {o.project.name}" for o in review[:8]])
        if user.role == "enterprise":
            texts = texts[:len(expected)]
        assert [t.split(": ", 1)[1] for t in texts] == expected, username
        # The bureaus' figures are the lists' own totals (one query per list): the red projects, then the counts.
        if user.role in ("city", "district"):
            assert [s["value"] for s in panel["stats"]] == [
                f"{selectors.red_projects(user=user).count():,}", f"{counts['answer']:,}", f"{counts['review']:,}"]
    assert answered > 0 and reviewed > 0


def test_detail_page_reads_the_plain_restricted_project_for_every_role(seeded, client):
    """The detail page reads its project by primary key without ORDER BY or LIMIT (a cheaper plan for the joined
    read): for every demo role it shows the project the plain restricted read gives, and answers 404 for the others."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    sample = sorted({ids[0], ids[len(ids) // 2], ids[-1], *Project.objects.filter(enterprise__isnull=False)
                     .values_list("pk", flat=True)[:2]})
    shown = 0
    for username in ACCOUNTS:
        user = seeded[username]
        client.force_login(user)
        for pk in sample:
            plain = Project.objects.restrict(user, "view").filter(pk=pk).first()
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(f"/projects/{pk}/")
            if plain is None:
                assert r.status_code == 404, (username, pk)
                continue
            assert r.status_code == 200, (username, pk)
            obj = r.context["object"]
            assert (obj.pk, obj.name, obj.stage, obj.district.name) == (plain.pk, plain.name, plain.stage,
                                                                         plain.district.name), (username, pk)
            reads = [q["sql"] for q in ctx.captured_queries
                     if q["sql"].startswith('SELECT "projects_project"."id", "projects_project"."created"')]
            assert len(reads) == 1 and "LIMIT" not in reads[0] and "ORDER BY" not in reads[0], (username, pk)
            shown += 1
    assert shown > len(sample)  # more than one role sees some of them


def test_detail_page_queries_do_not_grow_with_reports_records_and_responses_by_more_people(supervised, client):
    """The people the detail page names (who reported, recorded, answered an order) come with their rows: more
    reports, records and responses by more users cost no more queries, and each is named with its organisation."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from industry_brain.core.labels import person
    from industry_brain.projects.models import MilestoneRecord, ProgressReport, SupervisionResponse

    response = SupervisionResponse.objects.select_related("order__project").order_by("pk").first()
    assert response is not None
    project = response.order.project
    city = supervised["city_admin"]
    client.force_login(city)

    def queries() -> tuple[int, str]:
        client.get(f"/projects/{project.pk}/")
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(f"/projects/{project.pk}/")
        assert r.status_code == 200
        return len(ctx.captured_queries), r.content.decode()

    before, _ = queries()
    people = [supervised[name] for name in ("xihu_officer", "dept_transport", "enterprise_demo", "chain_iot")]
    first = dt.date(2001, 1, 1)
    for k, user in enumerate(people):
        ProgressReport.objects.create(project=project, period=first.replace(month=k + 1), investment=1, cumulative=1,
                                      reported_by=user)
        MilestoneRecord.objects.create(project=project, milestone="signed", date=first, note=f"r{k}",
                                       recorded_by=user)
        SupervisionResponse.objects.create(order=response.order, cause="c", measures="m", expected_recovery=first,
                                           responded_by=user, responded_at=timezone.now())
    after, html = queries()
    assert after == before, (before, after)
    from django.utils.html import escape

    for user in people:
        assert escape(person(user)) in html, person(user)
