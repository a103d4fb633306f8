"""In an API body, an id outside the caller's scope answers exactly like an id that does not exist.

Every writable relation field of the projects and demands APIs looks its object up among what the caller may see
(`core.api.ScopedPrimaryKeyRelatedField`), so a POST or PATCH cannot tell "exists but not yours" from "does not
exist". Each endpoint below sends the same body twice, once naming an object outside the caller's scope and once
an id that does not exist, and compares the two answers (status, fields, message with the id masked). A structural
test keeps every writable relation field of these APIs scoped, unless it points at a directory everybody reads.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect

import pytest
from rest_framework import serializers

from industry_brain.core.api import ScopedPrimaryKeyRelatedField


def _missing_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 10_000


def _answer(response, value) -> tuple[int, dict]:
    """Status and body, with the named id masked (the message repeats the id that was sent)."""
    text = response.content.decode().replace(f'\\"{value}\\"', "<id>").replace(f"“{value}”", "<id>")
    return response.status_code, text


def assert_same_as_missing(send, field: str, out_of_scope: int, missing: int) -> dict:
    outside, absent = send(out_of_scope), send(missing)
    assert outside.status_code == 400, outside.content
    assert _answer(outside, out_of_scope) == _answer(absent, missing)
    assert list(outside.json()) == [field]
    return outside.json()


@pytest.fixture
def xiaoshan_cadre(world):
    from industry_brain.demands.models import Cadre

    return Cadre.objects.create(code="T-XS-01", name="萧山测试干部", organisation=world.xiaoshan)


# ------------------------------------------------------------------------------------------------ projects

def test_project_patch_enterprise(api, world):
    """The investor firm's account names another firm as its project's investor."""
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.projects.tests.helpers import make_project

    project = make_project(enterprise=world.ent_xihu)
    client = api.as_user(world.user("enterprise"))
    assert_same_as_missing(
        lambda pk: client.patch(f"/api/v1/projects/{project.pk}/", {"enterprise": pk}, format="json"),
        "enterprise", world.ent_xiaoshan.pk, _missing_id(Enterprise))


def test_project_post_enterprise(api, world):
    """A chain team (which sees only its chain's firms) registers a project for a firm outside them: the body's
    firm is missing to it before any right is weighed."""
    from industry_brain.enterprises.models import Enterprise

    client = api.as_user(world.user("chain_team"))
    body = {"code": "REL-1", "name": "关系字段项目", "district": "330109", "total_investment": "100"}
    assert_same_as_missing(
        lambda pk: client.post("/api/v1/projects/", {**body, "enterprise": pk}, format="json"),
        "enterprise", world.ent_xiaoshan.pk, _missing_id(Enterprise))


# ------------------------------------------------------------------------------------------------- demands

def test_assignment_post_cadre(api, world, xiaoshan_cadre):
    """西湖's bureau names 萧山's cadre."""
    from industry_brain.demands.models import Cadre

    client = api.as_user(world.user("district"))
    assert_same_as_missing(
        lambda pk: client.post("/api/v1/assignments/", {"cadre": pk, "enterprise": world.ent_xihu.pk},
                               format="json"),
        "cadre", xiaoshan_cadre.pk, _missing_id(Cadre))


def test_visit_post_cadre(api, world, xiaoshan_cadre):
    from industry_brain.demands.models import Cadre

    client = api.as_user(world.user("district"))
    assert_same_as_missing(
        lambda pk: client.post("/api/v1/visits/", {"cadre": pk, "enterprise": world.ent_xihu.pk,
                                                   "date": "2025-06-03", "mode": "phone"}, format="json"),
        "cadre", xiaoshan_cadre.pk, _missing_id(Cadre))


def test_visit_post_enterprise(api, world):
    """A cadre logs a visit to a firm it does not serve."""
    from industry_brain.enterprises.models import Enterprise

    client = api.as_user(world.user("cadre"))
    assert_same_as_missing(
        lambda pk: client.post("/api/v1/visits/", {"enterprise": pk, "date": "2025-06-03", "mode": "phone"},
                               format="json"),
        "enterprise", world.ent_xiaoshan.pk, _missing_id(Enterprise))


DEMAND = {"category": "finance.loan", "title": "流动资金贷款", "description": "流动资金缺口"}


def test_demand_post_enterprise(api, world):
    from industry_brain.enterprises.models import Enterprise

    client = api.as_user(world.user("cadre"))
    assert_same_as_missing(lambda pk: client.post("/api/v1/demands/", {**DEMAND, "enterprise": pk}, format="json"),
                           "enterprise", world.ent_xiaoshan.pk, _missing_id(Enterprise))


def test_demand_post_visit(api, world, xiaoshan_cadre):
    """A cadre links its demand to another cadre's visit."""
    from industry_brain.demands.models import Visit

    other = Visit.objects.create(date=dt.date(2025, 6, 1), cadre=xiaoshan_cadre, enterprise=world.ent_xiaoshan)
    client = api.as_user(world.user("cadre"))
    assert_same_as_missing(
        lambda pk: client.post("/api/v1/demands/", {**DEMAND, "enterprise": world.ent_xihu.pk, "visit": pk},
                               format="json"),
        "visit", other.pk, _missing_id(Visit))


def test_demand_accept_handler(api, world):
    """The handler must be a department's account: another account's id answers like a missing one."""
    from industry_brain.accounts.models import User
    from industry_brain.demands import services
    from industry_brain.demands.models import DemandCategory

    demand = services.demand_create(actor=world.user("enterprise"), category=DemandCategory.objects.get(
        code="finance.loan"), title="t", description="d")
    client = api.as_user(world.user("city"))
    assert_same_as_missing(
        lambda pk: client.post(f"/api/v1/demands/{demand.pk}/accept/", {"department": world.department.pk,
                                                                        "handler": pk}, format="json"),
        "handler", world.user("cadre").pk, _missing_id(User))


def test_cadre_post_user(api, world):
    """A cadre's platform account must be a cadre's: another account's id answers like a missing one."""
    from industry_brain.accounts.models import User

    client = api.as_user(world.user("district"))
    assert_same_as_missing(
        lambda pk: client.post("/api/v1/cadres/", {"code": "T-REL", "name": "干部", "organisation": world.xihu.pk,
                                                   "user": pk}, format="json"),
        "user", world.user("enterprise").pk, _missing_id(User))


# ---------------------------------------------------------------------------------------------- structure

# Relation fields that point at a directory every signed-in user reads (no id is outside anyone's scope), or at
# accounts chosen by their function (the queryset is that set of accounts).
DIRECTORIES = {
    ("ProjectSerializer", "district"): "GB/T 2260 districts (reference data)",
    ("ProjectSerializer", "industry"): "GB/T 4754 divisions (reference data)",
    ("DemandCreateSerializer", "category"): "the demand taxonomy (reference data)",
    ("CadreSerializer", "organisation"): "the directory of organisations (public inside the platform)",
    ("CadreSerializer", "user"): "cadre accounts (the queryset is that set)",
    ("AcceptSerializer", "handler"): "department accounts (the queryset is that set)",
}

# Serializers that only answer (read-only endpoints: warnings, supervision orders, a demand's timeline); their
# relation fields are never read from a body.
OUTPUT_ONLY = {"WarningSerializer", "SupervisionSerializer", "TimelineStepSerializer"}


def _writable_relations():
    for module_name in ("industry_brain.projects.api.serializers", "industry_brain.demands.api.serializers"):
        module = importlib.import_module(module_name)
        for name, klass in inspect.getmembers(module, inspect.isclass):
            if (not issubclass(klass, serializers.BaseSerializer) or klass.__module__ != module_name
                    or name in OUTPUT_ONLY):
                continue
            for field_name, field in klass().fields.items():
                relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
                if isinstance(relation, serializers.RelatedField) and not field.read_only:
                    yield name, field_name, relation


def test_every_writable_relation_field_is_scoped():
    found = list(_writable_relations())
    assert found, "the scan found no relation field at all"
    unscoped = [f"{s}.{f} ({type(r).__name__})" for s, f, r in found
                if not isinstance(r, ScopedPrimaryKeyRelatedField) and (s, f) not in DIRECTORIES]
    assert not unscoped, "Writable relation fields that look ids up beyond the caller's scope: " + ", ".join(unscoped)
