"""Scope expectations of the chains routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md): for each
URL name (page) or API route name, each method, the status every role gets."""

from industry_brain.testing.scope_matrix import case

EXPECTATIONS = {
    "chain-detail": case(kwargs=lambda w: {"pk": w.chain.pk}, everyone=200),
    "chain-list": case(everyone=200),
    "chain-master-designate": case("post", kwargs=lambda w: {"pk": w.chain_master.pk}, everyone=403, city=200),
    "chain-master-detail": case(kwargs=lambda w: {"pk": w.chain_master.pk}, everyone=200),
    "chain-master-list": [
        case(setup=lambda w: w.chain_master, everyone=200),
        case("post", everyone=400),
    ],
    "chain-master-revoke": case("post", kwargs=lambda w: {"pk": w.chain_master.pk}, everyone=400),
    "chain-membership-detail": [
        case(
            kwargs=lambda w: {"pk": w.membership(w.ent_xihu).pk},
            everyone=200,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
        case(
            "delete",
            kwargs=lambda w: {"pk": w.membership(w.ent_xihu).pk},
            everyone=403,
            city=204,
            chain_team=204,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
    ],
    "chain-membership-list": [
        case(everyone=200),
        case("post", everyone=400),
    ],
    "chains:chain_detail": [
        case(kwargs=lambda w: {"pk": w.chain.pk}, everyone=200),
        case(kwargs=lambda w: {"pk": w.other_chain.pk}, everyone=200),
    ],
    "chains:chain_master_action": case("post", kwargs=lambda w: {"pk": w.chain.pk, "action": "nominate"}, everyone=302),
    "chains:ecosystem_detail": case(kwargs=lambda w: {"pk": w.ecosystem.pk}, everyone=200),
    "chains:ecosystem_list": case(everyone=200),
    "ecosystem-detail": case(kwargs=lambda w: {"pk": w.ecosystem.pk}, everyone=200),
    "ecosystem-list": case(everyone=200),
}
