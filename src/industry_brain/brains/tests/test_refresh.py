"""The set-based refresh links the same firms, by the same rule, as the row-by-row refresh it replaced."""

import pytest
from django.db.models import Q

from industry_brain.brains import services
from industry_brain.brains.models import Brain, BrainFirm
from industry_brain.chains.models import ChainMembership
from industry_brain.enterprises.models import Enterprise
from industry_brain.supply.models import ExternalFirm, Material, SupplyLink
from industry_brain.testing import make_enterprise

pytestmark = pytest.mark.django_db


def links_row_by_row(brain: Brain) -> tuple[dict[int, tuple[int | None, str]], int]:
    """The previous refresh, kept as the reference: the node members first (each at its first membership), then
    the firms of the industries and those named by a keyword, each firm once; outside suppliers of the linked
    firms plus those linked by hand."""
    node_ids = list(brain.nodes.values_list("pk", flat=True))
    rows: dict[int, tuple[int | None, str]] = {}
    for e, n in ChainMembership.objects.counted().filter(node_id__in=node_ids).order_by("enterprise_id", "id") \
            .values_list("enterprise_id", "node_id"):
        rows.setdefault(e, (n, "node"))
    industries = list(brain.industries.values_list("pk", flat=True))
    q = Q(industry_id__in=industries) if industries else Q(pk__in=[])
    for w in (brain.keywords or "").split():
        q |= Q(name__contains=w)
    for e, industry in Enterprise.objects.filter(q).values_list("pk", "industry_id"):
        rows.setdefault(e, (None, "industry" if industry in industries else "keyword"))
    supplying = set(SupplyLink.objects.filter(customer_id__in=list(rows), supplier_external__isnull=False)
                    .values_list("supplier_external_id", flat=True))
    supplying |= set(brain.external_firms.values_list("pk", flat=True))
    return rows, len(supplying)


@pytest.fixture
def crafted(world):
    up, mid, down = (world.chain.nodes.get(segment=s) for s in ("upstream", "midstream", "downstream"))
    two_nodes = make_enterprise("杭州两环节纺织有限公司", "330106", "17", node=mid, figures=False)
    ChainMembership.objects.create(enterprise=two_nodes, node=up)  # a later membership: the first one counts
    proposed = make_enterprise("杭州提议中有限公司", "330106", figures=False)
    ChainMembership.objects.create(enterprise=proposed, node=up, status="proposed")  # not counted
    fibre = make_enterprise("杭州某化纤有限公司", "330109", "28", figures=False)
    fibre_named = make_enterprise("杭州化纤纺织有限公司", "330109", "28", figures=False)  # industry wins over name
    dyer = make_enterprise("杭州纺织印染有限公司", "330106", "17", figures=False)
    make_enterprise("杭州无关机械有限公司", "330106", "34", figures=False)
    pta = Material.objects.create(name="PTA（测试）", unit="吨")
    suppliers = [ExternalFirm.objects.create(name=f"外地供应商{i}", region="320500") for i in range(4)]
    for firm, ext in ((fibre, suppliers[0]), (dyer, suppliers[0]), (dyer, suppliers[1]), (proposed, suppliers[2])):
        SupplyLink.objects.create(supplier_external=ext, customer=firm, material=pta, share=1, monthly_volume=10)
    brain = services.brain_save(actor=world.user("city"), data={
        "code": "fibre", "name": "化纤", "keywords": "纺织 化纤", "nodes": [up, mid], "industries": ["28"],
        "external_firms": [suppliers[1], suppliers[3]]})
    return {"brain": brain, "two_nodes": two_nodes, "mid": mid, "proposed": proposed, "fibre_named": fibre_named}


def test_the_database_refresh_equals_the_row_by_row_one(crafted):
    brain = crafted["brain"]
    expected, external = links_row_by_row(brain)
    stored = {e: (n, via) for e, n, via in BrainFirm.objects.filter(brain=brain).values_list(
        "enterprise_id", "node_id", "via")}
    assert stored == expected
    assert (brain.linked_local, brain.linked_external) == (len(expected), external)
    # The cases the reference decides: first membership, proposals left out, the industry before the keyword,
    # an outside firm counted once whether it supplies or is linked by hand (or both).
    assert stored[crafted["two_nodes"].pk] == (crafted["mid"].pk, "node")
    assert crafted["proposed"].pk not in stored
    assert stored[crafted["fibre_named"].pk] == (None, "industry")
    assert external == 3


def test_a_second_refresh_replaces_the_links(crafted):
    brain = crafted["brain"]
    brain.keywords = ""
    brain.save(update_fields=["keywords"])
    brain.industries.set([])
    services.brain_refresh(brain=brain)
    expected, external = links_row_by_row(brain)
    assert set(BrainFirm.objects.filter(brain=brain).values_list("enterprise_id", flat=True)) == set(expected)
    assert all(via == "node" for _n, via in expected.values())
    assert (brain.linked_local, brain.linked_external) == (len(expected), external)
