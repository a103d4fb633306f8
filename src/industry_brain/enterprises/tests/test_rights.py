"""Create and change rights go through the scope rule after the write, and named rights through `can`."""

import pytest

from industry_brain.core.permissions import can, rule
from industry_brain.enterprises import services
from industry_brain.enterprises.models import Enterprise
from industry_brain.testing import ALL_ROLES, new_uscc

pytestmark = pytest.mark.django_db

MAY_ADD = {"city", "district", "district_other"}
MAY_CHANGE_REGISTRATION_OF_XIHU = {"city", "district"}
MAY_VIEW_READS_OF_XIHU = {"city", "enterprise"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_named_rights_and_add_are_answered_by_can(world, role):
    user = world.user(role)
    assert can(user, "add", Enterprise) == (role in MAY_ADD)
    assert can(user, "change_registration", world.ent_xihu) == (role in MAY_CHANGE_REGISTRATION_OF_XIHU)
    assert can(user, "view_reads", world.ent_xihu) == (role in MAY_VIEW_READS_OF_XIHU)


def test_a_scope_action_cannot_be_declared_as_a_rule():
    with pytest.raises(ValueError):
        rule(Enterprise, "change", lambda user, obj: True)


def _data(district):
    from industry_brain.core.models import District, IndustryDivision

    return {"uscc": new_uscc(district), "name": "杭州新登记测试有限公司",
            "district": District.objects.get(code=district), "industry": IndustryDivision.objects.get(code="39")}


def test_a_district_registers_only_in_its_own_district_checked_on_the_saved_row(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=world.user("district"), data=_data("330109"))
    assert not Enterprise.objects.filter(name="杭州新登记测试有限公司").exists()
    created = services.enterprise_create(actor=world.user("district"), data=_data("330106"))
    assert created.pk and created.district_id == "330106"


def test_a_district_cannot_move_a_firm_out_and_nothing_is_written(world):
    from django.core.exceptions import PermissionDenied

    from industry_brain.core.models import District

    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.user("district"), enterprise=world.ent_xihu,
                                   data={"district": District.objects.get(code="330109")})
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.district_id == "330106"


def test_the_enterprise_page_lists_confirmed_memberships_only(client, world):
    from industry_brain.chains import memberships

    node = world.chain.nodes.get(segment="upstream")
    memberships.membership_add(actor=world.user("chain_team"), node=node, enterprise=world.ent_xiaoshan)
    client.force_login(world.user("city"))
    page = client.get(f"/enterprises/{world.ent_xiaoshan.pk}/").content.decode()
    assert node.name not in page


# where each role registers firms (the import's row check): the xihu district (330106), the xiaoshan one (330109)
REGISTERS_IN = {"city": {"330106", "330109"}, "district": {"330106"}, "district_other": {"330109"}}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_register_in_district_is_answered_by_can(world, role):
    from industry_brain.core.models import District

    user = world.user(role)
    where = REGISTERS_IN.get(role, set())
    assert can(user, "register_in_district", Enterprise) == bool(where)
    for code in ("330106", "330109"):
        assert can(user, "register_in_district", Enterprise(district=District.objects.get(code=code))) == \
            (code in where)
    assert can(user, "register_in_district", world.ent_xiaoshan) == ("330109" in where)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_an_import_file_registers_only_where_the_importer_may(world, role):
    from industry_brain.core.models import District
    from industry_brain.enterprises.importers import EnterpriseImporter

    where = REGISTERS_IN.get(role, set())
    rows = [(2, {"uscc": new_uscc("330106"), "district": District.objects.get(code="330106")}),
            (3, {"uscc": world.ent_xiaoshan.uscc, "district": District.objects.get(code="330106")})]
    errors = {(e.row, e.column) for e in EnterpriseImporter(actor=world.user(role)).validate_rows(rows)}
    assert ((2, "区县代码") in errors) == ("330106" not in where)
    assert ((3, "区县代码") in errors) == ("330106" not in where)
    # a firm on record in xiaoshan stays the xiaoshan bureau's (and the city's)
    assert ((3, "统一社会信用代码") in errors) == ("330109" not in where)
