"""The workflow engine itself, over a model that knows nothing of any workflow (auth's Group, its `name` used as
the status): declaration, the uniform refusals (403 who, 409 when), what a step writes (status, timeline step,
event) and what a refused step leaves behind (nothing)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import Event, WorkflowStep
from industry_brain.core.permissions import can
from industry_brain.core.workflow import REGISTRY, Transition, Workflow, steps_for, workflow_for
from industry_brain.testing import make_user

pytestmark = pytest.mark.django_db


def is_staff_member(user, obj) -> bool:
    return user.username.startswith("staff")


def is_author(user, obj) -> bool:
    return user.username.startswith("author")


@pytest.fixture
def wf():
    flow = Workflow("test_publication", model=Group, status_field="name", transitions=[
        Transition("submit", sources={"draft"}, target="submitted", may=is_author, label="Submit",
                   past="submitted", form="django.contrib.auth.forms.AuthenticationForm"),
        Transition("publish", sources={"submitted"}, target="published", may=is_staff_member,
                   event="publication.published", denied="Only staff publish."),
        Transition("decide", sources={"submitted"}, target=None, may=is_staff_member),
    ])
    yield flow
    REGISTRY.pop("test_publication", None)


@pytest.fixture
def people():
    return {"author": make_user("author1", "city"), "staff": make_user("staff1", "city"),
            "other": make_user("other1", "city")}


def test_a_transition_is_declared_once():
    with pytest.raises(ValueError):
        Workflow("test_twice", model=Group, transitions=[
            Transition("a", sources={"x"}, target="y", may=is_author),
            Transition("a", sources={"y"}, target="z", may=is_author)])
    REGISTRY.pop("test_twice", None)


def test_refusals_are_uniform(wf, people):
    g = Group.objects.create(name="draft")
    with pytest.raises(PermissionDenied) as denied:  # not the one to do it, whatever the status
        wf.check("publish", g, people["author"])
    assert str(denied.value) == "Only staff publish."
    with pytest.raises(TransitionNotAllowed):  # the one to do it, but not from this status
        wf.check("publish", g, people["staff"])
    with pytest.raises(TransitionNotAllowed):
        wf.check("no_such_step", g, people["staff"])
    assert wf.check("submit", g, people["author"]).name == "submit"


def test_allowed_answers_for_pages_and_api(wf, people):
    g = Group.objects.create(name="submitted")
    assert wf.allowed_names(g, people["staff"]) == ["publish", "decide"]
    assert wf.allowed_names(g, people["author"]) == []
    assert wf.allowed_names(g, None) == []
    assert wf.actions(g, people["staff"])[0] == {"name": "publish", "label": "publish"}
    assert can(people["staff"], "publish", g) and not can(people["other"], "publish", g)
    assert workflow_for(g) is wf


def test_a_step_sets_the_status_and_writes_step_and_event(wf, people):
    g = Group.objects.create(name="draft")
    out = wf.run("submit", g, actor=people["author"], note="first version", data={"pages": 3})
    assert out.name == "submitted" and Group.objects.get(pk=g.pk).name == "submitted"
    step = steps_for(g).get()
    assert (step.workflow, step.action, step.from_status, step.to_status, step.actor, step.note, step.data) == (
        "test_publication", "submit", "draft", "submitted", people["author"], "first version", {"pages": 3})
    event = Event.objects.get(object_id=str(g.pk))
    assert event.kind == "test_publication.submit" and event.user == people["author"]
    assert event.data == {"from": "draft", "to": "submitted", "pages": 3}
    wf.run("publish", out, actor=people["staff"])
    assert Event.objects.filter(kind="publication.published", object_id=str(g.pk)).exists()
    assert [s.action for s in steps_for(g, "test_publication")] == ["submit", "publish"]


def test_apply_decides_the_target_and_callables_see_the_result(wf, people):
    g = Group.objects.create(name="submitted")
    seen = []
    wf.run("decide", g, actor=people["staff"], apply=lambda obj, t: "rejected",
           note=lambda obj: f"now {obj.name}", message=lambda obj: f"{obj.name}!",
           after=lambda obj, t: seen.append((obj.name, t.name)))
    assert Group.objects.get(pk=g.pk).name == "rejected"
    assert steps_for(g).get().note == "now rejected"
    assert Event.objects.get(object_id=str(g.pk)).message == "rejected!"
    assert seen == [("rejected", "decide")]


def test_a_refused_or_failing_step_leaves_nothing(wf, people):
    g = Group.objects.create(name="draft")
    with pytest.raises(PermissionDenied):
        wf.run("submit", g, actor=people["staff"])

    def bad_input(obj, t):
        Group.objects.create(name="written inside the step")
        raise ValidationError({"pages": ["Give the number of pages."]})

    with pytest.raises(ValidationError):
        wf.run("submit", g, actor=people["author"], apply=bad_input)
    assert Group.objects.get(pk=g.pk).name == "draft"
    assert not Group.objects.filter(name="written inside the step").exists()
    assert not WorkflowStep.objects.exists() and not Event.objects.filter(object_id=str(g.pk)).exists()


def test_the_step_reads_the_locked_row_not_the_callers_copy(wf, people):
    g = Group.objects.create(name="draft")
    stale = Group.objects.get(pk=g.pk)
    wf.run("submit", g, actor=people["author"])
    with pytest.raises(TransitionNotAllowed):  # the caller's copy still says draft; the row says submitted
        wf.run("submit", stale, actor=people["author"])
    assert steps_for(g).count() == 1


def test_own_timeline_and_event_object(people):
    written = []
    home = Group.objects.create(name="home")
    flow = Workflow("test_own_timeline", model=Group, status_field="name",
                    step_writer=lambda obj, **kw: written.append(kw), event_object=lambda obj: home,
                    transitions=[Transition("close", sources={"open"}, target="closed", may=is_staff_member)])
    try:
        g = Group.objects.create(name="open")
        flow.run("close", g, actor=people["staff"], step={"department": "x"})
        assert written[0]["department"] == "x" and written[0]["from_status"] == "open"
        assert not WorkflowStep.objects.exists()
        assert Event.objects.get(kind="test_own_timeline.close").object_id == str(home.pk)
    finally:
        REGISTRY.pop("test_own_timeline", None)


def test_forms_and_serializers_may_be_named_by_path(wf):
    from django.contrib.auth.forms import AuthenticationForm

    assert wf["submit"].form_class is AuthenticationForm
    assert wf["publish"].form_class is None and wf["publish"].serializer_class is None


def test_every_declared_workflow_is_complete():
    """Every workflow of the platform: each transition has a label, its sources and target are choices of the
    status field, and the status field exists."""
    import django.apps

    django.apps.apps.get_models()  # every app's ready() has declared its workflows
    assert {"demand", "demand_cohandling", "systemic_alert", "supervision", "chain_master"} <= set(REGISTRY)
    for name, flow in REGISTRY.items():
        if name.startswith("test_"):
            continue
        field = flow.model._meta.get_field(flow.status_field)
        choices = {c[0] for c in field.choices or []}
        for t in flow:
            assert t.label, (name, t.name)
            if choices:
                assert set(t.sources) <= choices, (name, t.name)
                assert t.target is None or t.target in choices, (name, t.name)
