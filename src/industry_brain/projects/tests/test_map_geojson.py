"""The map's features built by PostgreSQL are the features the Python template builds: same properties, names
escaped as JSON (quotes, backslashes, control characters, Chinese kept), investments without trailing zeros."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict

from industry_brain.projects import selectors
from industry_brain.projects.models import Project

from .helpers import make_project

pytestmark = pytest.mark.django_db

NAMES = ['普通项目', '带"引号"的项目', "反斜杠\\项目", "换行\n项目", "制表\t项目", "emoji 🏭 项目", "控制\x01字符"]


def _python_features(qs) -> list[dict]:
    """The features as the template path writes them (what every database but PostgreSQL uses)."""
    rows = qs.filter(lat__isnull=False).values_list("id", "name", "stage", "warning_level", "total_investment",
                                                     "lon", "lat")
    text = ",".join(selectors._FEATURE % (float(lon), float(lat), pid, selectors._json_string(name), stage, level,
                                          selectors._json_number(float(inv)))
                    for pid, name, stage, level, inv, lon, lat in rows)
    return json.loads(f"[{text}]")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database-built features are PostgreSQL's")
def test_database_features_equal_the_template_features(world):
    for k, name in enumerate(NAMES):
        p = make_project(total=[10_000, 1, 0][k % 3], lat=30.123456 + k / 1000, lon=120.987654 - k / 1000)
        Project.objects.filter(pk=p.pk).update(name=name)
    Project.objects.filter(pk=p.pk).update(total_investment=Decimal("12.50"), fixed_investment=Decimal("10.00"))
    make_project(lat=None, lon=None)
    qs = Project.objects.all()
    text = selectors._features_in_database(qs.filter(lat__isnull=False).order_by())
    built = {f["properties"]["id"]: f for f in json.loads(f"[{text}]")}
    expected = {f["properties"]["id"]: f for f in _python_features(qs)}
    assert built.keys() == expected.keys() and len(built) == len(NAMES)
    for pk, feature in built.items():
        assert feature["properties"] == expected[pk]["properties"]
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == pytest.approx(expected[pk]["geometry"]["coordinates"], abs=1e-5)
    assert {f["properties"]["name"] for f in built.values()} == set(NAMES)
    assert built[p.pk]["properties"]["total_investment"] == 12.5


def test_map_of_a_scope_that_sees_nothing_is_an_empty_collection(world):
    make_project()
    raw, _packed = selectors.map_geojson(user=world.user("city"), queryset=Project.objects.none(),
                                         params=QueryDict("stage=none"))
    assert json.loads(raw) == {"type": "FeatureCollection", "features": []}


MAP_ACCOUNTS = ["city_admin", "xihu_officer", "xiaoshan_officer", "chain_iot", "dept_transport", "cadre_demo",
                "enterprise_demo"]


def test_map_points_equal_the_plain_located_projects_for_every_role_and_filter(seeded, client):
    """The map's answer (short keys, built by the database or the template) holds, for every demo role and filter,
    exactly the located projects of the role's restricted and filtered queryset, with their name, stage, warning
    level, investment and coordinates to 5 decimals; the gzip answer is the same document."""
    import gzip

    from django.core.cache import cache

    from industry_brain.projects.filtersets import ProjectFilterSet

    assert set(selectors.MAP_PROPERTIES) == {"id", "name", "stage", "warning_level", "total_investment"}
    seen = 0
    for username in MAP_ACCOUNTS:
        user = seeded[username]
        client.force_login(user)
        for query in ("", "warning_level=red", "district=330106", "stage=construction", "search=XM"):
            plain_qs = ProjectFilterSet(QueryDict(query), queryset=Project.objects.restrict(user, "view")).qs
            plain = {pid: {"id": pid, "name": name, "stage": stage, "warning_level": level,
                           "total_investment": float(inv), "coordinates": [round(float(lon), 5), round(float(lat), 5)]}
                     for pid, name, stage, level, inv, lon, lat in plain_qs.filter(lat__isnull=False).values_list(
                         "id", "name", "stage", "warning_level", "total_investment", "lon", "lat")}
            cache.clear()
            body = client.get(f"/api/v1/projects/map/?{query}").content
            cache.clear()
            packed = client.get(f"/api/v1/projects/map/?{query}", HTTP_ACCEPT_ENCODING="gzip")
            assert packed["Content-Encoding"] == "gzip" and gzip.decompress(packed.content) == body
            shown = {}
            for f in json.loads(body)["features"]:
                assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
                assert set(f["properties"]) == set(selectors.MAP_PROPERTIES)
                shown[f["properties"]["id"]] = {**f["properties"], "coordinates": f["geometry"]["coordinates"]}
            assert shown.keys() == plain.keys(), (username, query)
            for pid, props in shown.items():
                # 5 decimals (a value halfway between two may round either way: PostgreSQL rounds numeric half up)
                assert props["coordinates"] == pytest.approx(plain[pid]["coordinates"], abs=1.01e-5), (username, pid)
                assert all(len(str(c).partition(".")[2]) <= 5 for c in props["coordinates"])
                assert {k: v for k, v in props.items() if k != "coordinates"} == \
                    {k: v for k, v in plain[pid].items() if k != "coordinates"}, (username, pid)
            seen += len(shown)
    assert seen > 0


def test_data_version_changes_when_a_project_is_added_changed_or_removed(world):
    import datetime as dt

    from django.utils import timezone

    first = make_project()
    versions = [selectors.data_version()]
    second = make_project()
    versions.append(selectors.data_version())
    Project.objects.filter(pk=first.pk).update(warning_level="red", updated=timezone.now() + dt.timedelta(seconds=1))
    versions.append(selectors.data_version())
    second.delete()
    versions.append(selectors.data_version())
    assert len(set(versions)) == len(versions), versions
    assert selectors.data_version() == versions[-1]  # nothing changed: same version
