"""Scope expectations of the industry-brain routes (tests/test_scope_matrix.py, docs/scope.md). The brain covers the
team's chain node of ent_xihu: every bureau role reads its published aggregates, ent_xihu's users read it as a linked
firm, the other firm's users find nothing. Only the city configures; only a linked firm's users share data."""

from industry_brain.testing.scope_matrix import case


def brain(w):
    if not hasattr(w, "_brain"):
        from industry_brain.brains.services import brain_save

        w._brain = brain_save(actor=w.user("city"), data={
            "code": "scope", "name": "测试大脑", "nodes": [w.chain.nodes.get(segment="midstream")]})
    return w._brain


def pk(w):
    return {"pk": brain(w).pk}


def pk_action(action):
    return lambda w: {"pk": brain(w).pk, "action": action}


READERS = {"enterprise_other": 404}
EXPECTATIONS = {
    "brain-list": [case(setup=brain, everyone=200), case("post", everyone=400, note="the empty body is refused first")],
    "brain-detail": case(kwargs=pk, everyone=200, **READERS),
    "brain-refresh": case("post", kwargs=pk, everyone=403, city=200, **READERS),
    "brain-opt-in": case("post", kwargs=pk, everyone=403, enterprise=201, **READERS),
    "brain-reports": [
        case(kwargs=pk, everyone=200, **READERS),
        case("post", kwargs=pk, everyone=403, enterprise=400, **READERS),
    ],
    "brains:brain_list": case(setup=brain, everyone=200),
    "brains:brain_detail": case(kwargs=pk, everyone=200, **READERS),
    "brains:brain_create": [case(everyone=403, city=200), case("post", everyone=403, city=400)],
    "brains:brain_edit": [case(kwargs=pk, everyone=403, city=200), case("post", kwargs=pk, everyone=403, city=400)],
    "brains:brain_action": case("post", kwargs=pk_action("opt-in"), everyone=403, enterprise=302, **READERS),
}
