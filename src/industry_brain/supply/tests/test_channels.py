"""Every channel through the services: the Excel import of supply links writes through supply's services (new
materials, new external firms, doubtful matches, and the links and bill-of-materials lines by the set-based
`links_upsert`), so it writes the same events and change log as the API and meets the same rights; a bad row still
writes nothing. Times to recover ask the page's `set_recovery` right on the API too."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from industry_brain.core.models import Event, ObjectChange
from industry_brain.supply import services
from industry_brain.supply.importers import LinkImporter
from industry_brain.supply.models import BomLine, ExternalFirm, MatchReview, Material, RecoveryEstimate, SupplyLink
from industry_brain.testing import ALL_ROLES, xlsx

from .helpers import small_network

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in LinkImporter.columns]


def _row(supplier, customer_uscc, material, share, volume, *, region="", per_unit="", stock=""):
    return [supplier, "", region, "", customer_uscc, material, "件", share, volume, per_unit, stock]


def trail(link):
    """The events and change-log entries written about one link: (kind, user, message) and (action, user)."""
    events = sorted((e.kind, e.user_id, e.message) for e in Event.objects.filter(
        object_id=str(link.pk), kind__startswith="supply.link"))
    changes = sorted((c.action, c.user_id) for c in ObjectChange.objects.filter(
        content_type__model="supplylink", object_id=str(link.pk)))
    return events, changes


def _shape(events_and_changes):
    events, changes = events_and_changes
    return [(k, u) for k, u, _m in events], changes


@pytest.fixture
def net(world):
    net = small_network(world)
    net["cable"] = Material.objects.create(name="线缆", unit="米")
    net["glue"] = Material.objects.create(name="胶水", unit="千克")
    return net


def test_an_import_writes_the_same_events_and_change_log_as_the_api(api, world, net):
    district = world.user("district")
    client = api.as_user(district)
    r = client.post("/api/v1/supply-links/", {"supplier_external": net["nb"].pk, "customer": world.ent_xihu.pk,
                                              "material": net["cable"].pk, "share": "0.4", "monthly_volume": "800"},
                    format="json")
    assert r.status_code == 201, r.content
    by_api = SupplyLink.objects.get(pk=r.json()["id"])
    result = LinkImporter(actor=district).run(xlsx(HEADERS, [
        _row(net["nb"].name, world.ent_xihu.uscc, "胶水", 0.4, 800)]))  # the same firm, matched by its name
    assert result.ok and (result.created, result.updated) == (1, 0), result.errors
    by_import = SupplyLink.objects.get(customer=world.ent_xihu, material=net["glue"])
    assert by_import.supplier_external == net["nb"]
    expected = ([("supply.link_created", district.pk)], [("create", district.pk)])
    assert _shape(trail(by_api)) == _shape(trail(by_import)) == expected
    assert trail(by_import)[0][0][2] == str(by_import)  # the event's text as the API writes it

    # A correction: the API's PATCH and a second import of the row both write a correction event and an update.
    assert client.patch(f"/api/v1/supply-links/{by_api.pk}/", {"share": "0.5"}, format="json").status_code == 200
    result = LinkImporter(actor=district).run(xlsx(HEADERS, [
        _row(net["nb"].name, world.ent_xihu.uscc, "胶水", 0.5, 800)]))
    assert result.ok and (result.created, result.updated) == (0, 1), result.errors
    by_import.refresh_from_db()
    assert by_import.share == Decimal("0.5")
    expected = ([("supply.link_corrected", district.pk), ("supply.link_created", district.pk)],
                [("create", district.pk), ("update", district.pk)])
    assert _shape(trail(by_api)) == _shape(trail(by_import)) == expected


def test_an_unchanged_reimport_logs_no_change_but_the_correction(world, net):
    city = world.user("city")
    row = _row(net["nb"].name, world.ent_xihu.uscc, "胶水", 0.3, 300, per_unit=2, stock=10)
    assert LinkImporter(actor=city).run(xlsx(HEADERS, [row])).ok
    assert LinkImporter(actor=city).run(xlsx(HEADERS, [row])).ok
    link = SupplyLink.objects.get(customer=world.ent_xihu, material=net["glue"])
    # As a save of the same values: no second change-log entry; the service still records the correction.
    assert _shape(trail(link)) == ([("supply.link_corrected", city.pk), ("supply.link_created", city.pk)],
                                   [("create", city.pk)])
    line = BomLine.objects.get(enterprise=world.ent_xihu, material=net["glue"])
    assert (line.per_unit, line.inventory) == (2, 10)
    assert ObjectChange.objects.filter(content_type__model="bomline", object_id=str(line.pk)).count() == 1


def test_new_materials_firms_and_matches_go_through_their_services(world, net):
    firm_account = world.user("enterprise")
    rows = [_row("苏州新测电子有限公司", world.ent_xihu.uscc, "光刻胶", 0.2, 50, region="320500"),
            _row("宁波树测新材料有限公司", world.ent_xihu.uscc, "晶圆", 0.1, 20, region="330200")]  # resembles 宁波树测
    result = LinkImporter(actor=firm_account).run(xlsx(HEADERS, rows))
    assert result.ok and result.created == 2, result.errors
    new_material = Material.objects.get(name="光刻胶")
    new_firm = ExternalFirm.objects.get(name="苏州新测电子有限公司")
    assert (new_firm.region, (new_firm.lat, new_firm.lon) != (None, None)) == ("320500", True)  # placed by region
    review = MatchReview.objects.get(candidate_external=net["nb"])
    assert review.uploaded_by == firm_account and review.status == "pending"
    for obj in (new_material, new_firm, review):
        assert ObjectChange.objects.filter(object_id=str(obj.pk), object_repr=str(obj), action="create",
                                           user=firm_account).exists(), obj


def test_a_bad_row_writes_nothing(world, net):
    before = {m: m.objects.count() for m in (SupplyLink, BomLine, Material, ExternalFirm, MatchReview, Event,
                                             ObjectChange)}
    rows = [_row("苏州新测电子有限公司", world.ent_xihu.uscc, "光刻胶", 0.2, 50, region="320500", per_unit=1),
            _row("宁波树测新材料有限公司", world.ent_xihu.uscc, "晶圆", 0.1, 20, region="330200"),
            _row(net["nb"].name, world.ent_xihu.uscc, "胶水", 1.5, 20)]  # share above 1
    result = LinkImporter(actor=world.user("city")).run(xlsx(HEADERS, rows))
    assert [(e.row, e.column) for e in result.errors] == [(4, "占需求比例")]
    assert {m: m.objects.count() for m in before} == before


def test_a_refusal_inside_the_services_rolls_the_whole_file_back(world, net, monkeypatch):
    """The importer's checks passed, but a service refuses at the end (as it would if the scope changed in the
    meantime): the materials and firms created before it are gone too."""
    before = {m: m.objects.count() for m in (SupplyLink, Material, ExternalFirm, Event, ObjectChange)}
    real = services.links_upsert

    def refusing(*, actor, rows):
        real(actor=actor, rows=rows)
        raise PermissionDenied("refused")

    monkeypatch.setattr(services, "links_upsert", refusing)
    result = LinkImporter(actor=world.user("city")).run(xlsx(HEADERS, [
        _row("苏州新测电子有限公司", world.ent_xihu.uscc, "光刻胶", 0.2, 50, region="320500")]))
    assert not result.ok
    assert {m: m.objects.count() for m in before} == before


def test_links_upsert_keeps_the_rules_of_the_single_services(world, net):
    one = {"customer": world.ent_xihu, "material": net["cable"], "supplier_external": net["nb"], "share": 1,
           "monthly_volume": 10}
    before = SupplyLink.objects.count()
    with pytest.raises(ValidationError):  # the same link twice
        services.links_upsert(actor=world.user("city"), rows=[one, dict(one)])
    with pytest.raises(ValidationError):  # a firm supplying itself
        services.links_upsert(actor=world.user("city"), rows=[{**one, "supplier_external": None,
                                                               "supplier_enterprise": world.ent_xihu}])
    with pytest.raises(ValidationError):  # no supplier
        services.links_upsert(actor=world.user("city"), rows=[{**one, "supplier_external": None}])
    with pytest.raises(PermissionDenied):  # another district's firm
        services.links_upsert(actor=world.user("district_other"), rows=[one])
    with pytest.raises(PermissionDenied):  # reads the members' inputs, does not record them
        services.links_upsert(actor=world.user("chain_team"), rows=[one])
    with pytest.raises(PermissionDenied):  # another firm's inputs
        services.links_upsert(actor=world.user("enterprise_other"), rows=[one])
    assert SupplyLink.objects.count() == before
    created, corrected = services.links_upsert(actor=world.user("enterprise"), rows=[one])
    assert len(created) == 1 and not corrected


# ---------------------------------------------------------------------------------------------- times to recover

# POST /api/v1/recovery-estimates/ for 西湖's own site and for 上海 (an external supplier of both firms): 201 with
# the `set_recovery` right; 403 for a site the caller sees without it; 400 on the field, as for an id that does
# not exist, for a site the caller does not see.
RECOVERY_API = {
    "city": (201, 201),
    "district": (403, 403),
    "district_other": (403, 403),
    "chain_team": (403, 403),
    "department": (400, 400),
    "department_other": (400, 400),
    "cadre": (403, 400),  # the cadre serves 西湖's firm
    "enterprise": (201, 403),  # 西湖's own account; 上海 is its supplier
    "enterprise_other": (400, 403),
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_api_asks_the_set_recovery_right(api, world, role):
    net = small_network(world)
    client = api.as_user(world.user(role))
    body = {"ttr_days": "14", "source": "supplier", "note": "估计"}
    own = client.post("/api/v1/recovery-estimates/", {**body, "supplier_enterprise": world.ent_xihu.pk},
                      format="json")
    external = client.post("/api/v1/recovery-estimates/", {**body, "supplier_external": net["sh"].pk},
                           format="json")
    assert (own.status_code, external.status_code) == RECOVERY_API[role], (own.content, external.content)
    if own.status_code == 400:
        assert "supplier_enterprise" in own.json()
    assert RecoveryEstimate.objects.filter(supplier_enterprise=world.ent_xihu).exists() is (
        RECOVERY_API[role][0] == 201)
    assert RecoveryEstimate.objects.filter(supplier_external=net["sh"]).exists() is (RECOVERY_API[role][1] == 201)


@pytest.mark.parametrize("role", ["district", "chain_team", "enterprise_other"])
def test_the_service_refuses_a_site_without_the_right(world, role):
    net = small_network(world)
    for site in ({"supplier_enterprise": world.ent_xihu}, {"supplier_external": net["sh"]}):
        with pytest.raises(PermissionDenied):
            services.recovery_estimate_set(actor=world.user(role), ttr_days=Decimal(3), source="bureau", **site)
    assert not RecoveryEstimate.objects.exists()
