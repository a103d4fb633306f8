"""Confidential figures: shown only within scope, every read logged, the enterprise sees the log."""

import pytest

from industry_brain.enterprises.models import ConfidentialReadLog

pytestmark = pytest.mark.django_db


def test_reads_by_others_are_logged_and_visible_to_the_enterprise(api, client, world):
    api.as_user(world.user("cadre")).get(f"/api/v1/enterprises/{world.ent_xihu.pk}/figures/")
    client.force_login(world.user("district"))
    client.get(f"/enterprises/{world.ent_xihu.pk}/")
    log = ConfidentialReadLog.objects.filter(enterprise=world.ent_xihu)
    assert sorted(log.values_list("user__username", "channel")) == [("t_cadre", "api"), ("t_xihu", "page")]
    reads = api.as_user(world.user("enterprise")).get(f"/api/v1/enterprises/{world.ent_xihu.pk}/confidential-reads/")
    assert reads.status_code == 200
    assert {r["reader"] for r in reads.json()} == {"t_cadre", "t_xihu"}


def test_own_reads_are_not_logged(api, world):
    api.as_user(world.user("enterprise")).get(f"/api/v1/enterprises/{world.ent_xihu.pk}/figures/")
    assert not ConfidentialReadLog.objects.exists()


def test_out_of_scope_reader_sees_no_figures_and_nothing_is_logged(client, world):
    client.force_login(world.user("district_other"))
    body = client.get(f"/enterprises/{world.ent_xihu.pk}/").content.decode()
    assert "10,000" not in body and "10000" not in body
    assert not ConfidentialReadLog.objects.exists()


def test_other_enterprise_cannot_see_the_log(api, world):
    response = api.as_user(world.user("enterprise_other")).get(
        f"/api/v1/enterprises/{world.ent_xihu.pk}/confidential-reads/")
    assert response.status_code == 404


def test_district_user_cannot_see_the_log_of_an_enterprise_it_can_view(api, world):
    response = api.as_user(world.user("district")).get(
        f"/api/v1/enterprises/{world.ent_xihu.pk}/confidential-reads/")
    assert response.status_code == 404
