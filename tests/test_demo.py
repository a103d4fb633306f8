"""The demo data set: deterministic, valid codes, points inside their districts, the contract's accounts."""

import pytest
from django.core.management import call_command

from industry_brain.core.codes import validate_uscc
from industry_brain.core.geo import district_of_point

pytestmark = pytest.mark.django_db

ACCOUNTS = {"city_admin": "city", "xihu_officer": "district", "xiaoshan_officer": "district",
            "chain_iot": "chain_team", "dept_transport": "department", "cadre_demo": "cadre",
            "enterprise_demo": "enterprise", "enterprise_demo2": "enterprise"}


@pytest.fixture
def demo(settings):
    call_command("seed_demo", scale="tiny", quiet=True)


def test_accounts_of_the_api_contract(demo, settings):
    from industry_brain.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS)}
    assert {name: u.role for name, u in users.items()} == ACCOUNTS
    assert all(u.check_password(settings.DEMO_PASSWORD) for u in users.values())
    assert users["xihu_officer"].district_code == "330106" and users["xiaoshan_officer"].district_code == "330109"
    assert users["enterprise_demo"].enterprise_id != users["enterprise_demo2"].enterprise_id
    assert users["chain_iot"].organisation.ecosystem.name == "智能物联"


def test_enterprises_have_valid_codes_and_lie_in_their_district(demo):
    from industry_brain.enterprises.models import Enterprise

    rows = list(Enterprise.objects.values_list("uscc", "district_id", "lon", "lat")[:300])
    assert len(rows) == 300
    for uscc, district, lon, lat in rows:
        validate_uscc(uscc)
        assert district_of_point(float(lon), float(lat)) == district


def test_projects_lie_in_their_district_and_warnings_come_from_rules(demo):
    from industry_brain.projects.models import Project, ProjectWarning

    for district, lon, lat in Project.objects.exclude(lat=None).values_list("district_id", "lon", "lat")[:300]:
        assert district_of_point(float(lon), float(lat)) == district
    assert ProjectWarning.objects.exists()
    assert not ProjectWarning.objects.filter(rule__isnull=True).exists()


def test_a_second_run_reuses_the_data(demo):
    from industry_brain.enterprises.models import Enterprise

    first = list(Enterprise.objects.order_by("uscc").values_list("uscc", "name")[:50])
    assert first[0][0].startswith("91330")
    call_command("seed_demo", scale="tiny", quiet=True, if_empty=True)  # a second run reuses the data
    assert list(Enterprise.objects.order_by("uscc").values_list("uscc", "name")[:50]) == first


def test_demand_statistics_emerge_from_the_simulation(demo, api):
    from industry_brain.accounts.models import User

    stats = api.as_user(User.objects.get(username="city_admin")).get("/api/v1/demands/stats/").json()
    assert stats["collected"] > 0 and 0 < stats["resolved"] <= stats["collected"]
