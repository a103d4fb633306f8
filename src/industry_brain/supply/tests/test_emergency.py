"""Emergency mode end to end: activation by the city, white list proposed from the risk results and confirmed by
the city (workflow), a transport pass raised as a demand routed to the emergency team with a one-working-day
deadline, daily status reports, the daily ledger, deactivation kept for review."""

import datetime as dt

import pytest
from django.utils import timezone

from industry_brain.core.workdays import add_working_days
from industry_brain.core.workflow import steps_for
from industry_brain.demands.models import Demand
from industry_brain.supply import services
from industry_brain.supply.models import Emergency, WhitelistEntry

from .helpers import small_network

pytestmark = pytest.mark.django_db


def test_emergency_walk_through(api, world):
    small_network(world)
    city_user = world.user("city")
    sc = services.scenario_create(actor=city_user, name="上海管控", regions=["310000"], periods=30)
    services.scenario_run(actor=city_user, scenario=sc)
    city = api.as_user(city_user)
    payload = {"name": "上海管控应急保障", "regions": ["310000"], "started_on": "2026-04-01",
               "reason": "上海疫情管控，物流受阻", "coordinator": world.department.pk, "scenario": sc.pk}
    r = city.post("/api/v1/emergencies/", payload, format="json")
    assert r.status_code == 201, r.json()
    em = r.json()["id"]
    assert r.json()["active"] is True
    # Only the city activates.
    assert api.as_user(world.user("district")).post("/api/v1/emergencies/", {
        "name": "x", "started_on": "2026-04-01", "reason": "x", "coordinator": world.department.pk},
        format="json").status_code == 403
    city = api.as_user(city_user)  # one client: credentials follow the last as_user()
    proposed = city.post(f"/api/v1/emergencies/{em}/whitelist/propose/")
    assert proposed.status_code == 200 and proposed.json()["proposed"] >= 1
    wl = city.get(f"/api/v1/emergencies/{em}/whitelist/").json()
    entry = next(w for w in wl if w["enterprise"] == world.ent_xihu.pk)  # flagged: stops on day 6
    assert entry["status"] == "proposed" and entry["reason"]
    ok = city.post(f"/api/v1/emergencies/{em}/whitelist/decide/", {"entry": entry["id"], "action": "confirm"},
                   format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed", ok.json()
    again = city.post(f"/api/v1/emergencies/{em}/whitelist/decide/", {"entry": entry["id"], "action": "confirm"},
                      format="json")
    assert again.status_code == 409
    assert [s.action for s in steps_for(WhitelistEntry.objects.get(pk=entry["id"]))] == ["confirm"]

    ent = api.as_user(world.user("enterprise"))
    rq = ent.post(f"/api/v1/emergencies/{em}/requests/", {"kind": "transport_pass", "title": "晶圆运输车辆通行证",
                                                          "description": "上海来货车辆需通行证"}, format="json")
    assert rq.status_code == 201, rq.json()
    demand = Demand.objects.get(pk=rq.json()["demand"])
    assert demand.department == world.department and demand.status == "accepted" and demand.urgency == "urgent"
    assert demand.due_date == add_working_days(timezone.localdate(demand.accepted_at), 1)  # the city's day

    day = dt.date(2026, 4, 2)
    rep = ent.post(f"/api/v1/emergencies/{em}/daily-reports/", {"date": day.isoformat(), "status": "partial",
                                                                "capacity_use": "0.55", "issue": "晶圆库存仅剩三天"},
                   format="json")
    assert rep.status_code == 201, rep.json()
    bad = ent.post(f"/api/v1/emergencies/{em}/daily-reports/", {"date": day.isoformat(), "status": "closed",
                                                                "capacity_use": "2"}, format="json")
    assert bad.status_code == 400 and {"status", "capacity_use"} <= set(bad.json())
    # 萧山's firm is not on the confirmed list: its report is refused.
    other = api.as_user(world.user("enterprise_other")).post(
        f"/api/v1/emergencies/{em}/daily-reports/", {"date": day.isoformat(), "status": "operating",
                                                     "capacity_use": "1"}, format="json")
    assert other.status_code in (400, 404)
    ledger = api.as_user(world.user("department")).get(f"/api/v1/emergencies/{em}/ledger/",
                                                       {"date": day.isoformat()}).json()
    row = next(x for x in ledger["rows"] if x["enterprise"] == world.ent_xihu.pk)
    assert row["status"] == "partial" and row["capacity_use"] == 0.55 and ledger["reported"] == 1

    city = api.as_user(city_user)
    off = city.post(f"/api/v1/emergencies/{em}/deactivate/")
    assert off.status_code == 200 and off.json()["active"] is False and off.json()["ended_on"]
    assert city.post(f"/api/v1/emergencies/{em}/deactivate/").status_code == 409
    # Kept for review: still listed, its ledger still answers; no new reports.
    assert Emergency.objects.filter(pk=em).exists()
    ent = api.as_user(world.user("enterprise"))
    late = ent.post(f"/api/v1/emergencies/{em}/daily-reports/", {"date": "2026-04-03", "status": "operating",
                                                                 "capacity_use": "1"}, format="json")
    assert late.status_code == 400
