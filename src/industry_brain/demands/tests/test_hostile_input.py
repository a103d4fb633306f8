"""Hostile and wrong input on demands: a 400 naming the field, nothing stored."""

import pytest
from rest_framework.test import APIClient

from industry_brain.demands.models import Demand

pytestmark = pytest.mark.django_db


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_two_megabyte_description_is_refused(world):
    api = api_for(world.user("enterprise"))
    response = api.post("/api/v1/demands/", {"category": "logistics.road", "urgency": "normal", "title": "超长",
                                             "description": "x" * 2_000_000}, format="json")
    assert response.status_code == 400 and "description" in response.json()
    assert not Demand.objects.exists()


def test_the_service_bounds_the_description_for_every_channel(world):
    from django.core.exceptions import ValidationError

    from .helpers import raise_demand

    with pytest.raises(ValidationError) as info:
        raise_demand(world, description="x" * 5001)
    assert "description" in info.value.message_dict


def test_stats_period_with_from_after_to_is_a_400_naming_from(world):
    response = api_for(world.user("city")).get("/api/v1/demands/stats/?from=2026-06-01&to=2026-01-01")
    assert response.status_code == 400 and "from" in response.json()
    assert api_for(world.user("city")).get("/api/v1/demands/stats/?from=2026-01-01&to=2026-06-01").status_code == 200


def test_list_period_with_from_after_to_is_a_400_naming_the_start(world):
    response = api_for(world.user("city")).get("/api/v1/demands/?submitted_from=2026-06-01&submitted_to=2026-01-01")
    assert response.status_code == 400 and "submitted_from" in response.json()
    ok = api_for(world.user("city")).get("/api/v1/demands/?submitted_from=2026-01-01&submitted_to=2026-06-01")
    assert ok.status_code == 200
