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
