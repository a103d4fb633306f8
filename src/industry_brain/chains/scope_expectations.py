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
        case(setup=lambda w: w.proposal, everyone=200),
        case(
            "post",
            data=lambda w: {"node": w.chain.nodes.get(segment="upstream").pk, "enterprise": w.ent_xiaoshan.pk},
            everyone=403,
            city=201,
            chain_team=201,
            note="the city places, the team proposes, nobody else may",
        ),
    ],
    "chains:chain_detail": [
        case(setup=lambda w: w.proposal, kwargs=lambda w: {"pk": w.chain.pk}, everyone=200),
        case(kwargs=lambda w: {"pk": w.other_chain.pk}, everyone=200),
    ],
    "chains:chain_panels": case(kwargs=lambda w: {"pk": w.chain.pk}, everyone=200),
    "chains:chain_master_action": case("post", kwargs=lambda w: {"pk": w.chain.pk, "action": "nominate"}, everyone=302),
    "chains:membership_action": [
        case(
            "post",
            kwargs=lambda w: {"pk": w.chain.pk, "action": "confirm"},
            data=lambda w: {"membership": w.proposal.pk},
            everyone=404,
            city=302,
            chain_team=302,
            note="the team sees its proposal but is refused with a message; nobody else finds it",
        ),
        case(
            "post",
            kwargs=lambda w: {"pk": w.chain.pk, "action": "add"},
            data=lambda w: {"node": w.chain.nodes.get(segment="upstream").pk, "uscc": w.ent_xiaoshan.uscc},
            everyone=302,
            note="a refused placement comes back to the chain page with the reason",
        ),
    ],
    "chain-membership-confirm": case(
        "post", kwargs=lambda w: {"pk": w.proposal.pk}, everyone=404, city=200, chain_team=403
    ),
    "chain-membership-reject": case(
        "post",
        kwargs=lambda w: {"pk": w.proposal.pk},
        data={"note": "不属于本链"},
        everyone=404,
        city=200,
        chain_team=403,
    ),
    "chains:ecosystem_detail": case(kwargs=lambda w: {"pk": w.ecosystem.pk}, everyone=200),
    "chains:ecosystem_list": case(everyone=200),
    "ecosystem-detail": case(kwargs=lambda w: {"pk": w.ecosystem.pk}, everyone=200),
    "ecosystem-list": case(everyone=200),
}
