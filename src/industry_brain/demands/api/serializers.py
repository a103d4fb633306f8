"""API serializers of the enterprise service: one per operation (read, create, each workflow step)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from industry_brain.accounts.choices import Role
from industry_brain.accounts.models import User
from industry_brain.accounts.selectors import departments
from industry_brain.chains.models import ChainNode
from industry_brain.core.api import ScopedPrimaryKeyRelatedField
from industry_brain.enterprises.models import Enterprise

from ..choices import Satisfaction, Urgency, VisitMode
from ..models import (
    Assignment,
    Cadre,
    Demand,
    DemandCategory,
    DemandStep,
    Notification,
    SystemicAlert,
    Visit,
)
from ..workflows import DEMAND, SYSTEMIC_ALERT


def _date(value):
    return value.isoformat() if value else None


def _dt(value):
    return timezone.localtime(value).isoformat() if value else None


def _allowed(workflow, serializer, obj) -> list[str]:
    """The steps the requesting user may take on `obj` now (the engine's answer; empty without a request)."""
    request = serializer.context.get("request")
    return workflow.allowed_names(obj, getattr(request, "user", None)) if request is not None else []


def allowed_actions_field(workflow):
    # Plain strings, the possible ones named in the description: each workflow has its own steps, and one enum per
    # workflow under one field name would make the schema's component names collide.
    return extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text=_(
        "The steps the caller may take now (of: %(steps)s).") % {"steps": ", ".join(workflow.transitions)}))


class CadreSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    enterprise_count = serializers.IntegerField(read_only=True, help_text=_("Enterprises currently served"))
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(role=Role.CADRE), required=False,
                                              allow_null=True)

    class Meta:
        model = Cadre
        fields = ["id", "code", "name", "organisation", "organisation_name", "phone", "email", "user",
                  "enterprise_count"]


class AssignmentSerializer(serializers.ModelSerializer):
    # Named by id among what the caller may see: an id outside its scope answers like a missing one.
    cadre = ScopedPrimaryKeyRelatedField(queryset=Cadre.objects.all())
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    district = serializers.CharField(source="enterprise.district_id", read_only=True)
    started_on = serializers.DateField(required=False)

    class Meta:
        model = Assignment
        fields = ["id", "cadre", "cadre_name", "enterprise", "enterprise_name", "district", "started_on", "ended_on"]
        read_only_fields = ["ended_on"]
        validators: list = []  # the service validates (and answers 400 with the field)


class AssignmentEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False)


class VisitSerializer(serializers.ModelSerializer):
    cadre = ScopedPrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False)
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    mode = serializers.ChoiceField(choices=VisitMode.choices)
    demands = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "date", "cadre", "enterprise", "enterprise_name", "mode", "notes", "demands"]


class DemandCategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = DemandCategory
        fields = ["id", "code", "name", "parent"]


class TimelineStepSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = DemandStep
        fields = ["action", "actor", "at", "from_status", "to_status", "department", "note"]


def _timeline(demand, tz=None) -> list[dict]:
    """The demand's steps: the page's tuples when `selectors.attach_timelines` read them, else its steps. `tz`: the
    current time zone, looked up once per response (each `timezone.localtime` looks it up again)."""
    rows = getattr(demand, "timeline_rows", None)
    if rows is None:
        rows = [(s.action, s.actor_label, s.at, s.from_status, s.to_status, s.department_id, s.note)
                for s in demand.steps.all()]
    tz = tz or timezone.get_current_timezone()
    return [{"action": action, "actor": actor, "at": at.astimezone(tz).isoformat() if at else None,
             "from_status": from_status, "to_status": to_status, "department": department, "note": note}
            for action, actor, at, from_status, to_status, department, note in rows]


class DemandSerializer(serializers.ModelSerializer):
    """A demand as the API shows it; `category` is the category's stable code (e.g. "logistics.road")."""

    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.__str__", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    district = serializers.CharField(source="district_id", read_only=True)
    department_name = serializers.SerializerMethodField()
    satisfaction = serializers.SerializerMethodField()
    project = serializers.IntegerField(source="project_id", read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    timeline = TimelineStepSerializer(source="steps", many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Demand
        fields = ["id", "enterprise", "enterprise_name", "district", "category", "category_name", "urgency", "title",
                  "description", "channel", "status", "department", "department_name", "handler", "due_date",
                  "is_overdue", "resolution", "satisfaction", "rating_comment", "submitted_at", "accepted_at",
                  "resolved_at", "closed_at", "transfer_count", "reopen_count", "escalation_level", "is_flagged",
                  "chain", "chain_node", "project", "visit", "cadre", "timeline", "allowed_actions"]
        read_only_fields = fields

    @allowed_actions_field(DEMAND)
    def get_allowed_actions(self, obj) -> list[str]:
        return _allowed(DEMAND, self, obj)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_department_name(self, obj) -> str | None:
        return obj.department.name if obj.department_id else None

    @extend_schema_field(serializers.ChoiceField(choices=Satisfaction.choices, allow_null=True))
    def get_satisfaction(self, obj) -> str | None:
        return obj.satisfaction or None

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def to_representation(self, obj):
        """Built directly (same fields as declared above): lists of up to 1,000 demands with their timelines
        must serialise in a few milliseconds, which DRF's per-field machinery does not."""
        today = timezone.localdate()
        tz = timezone.get_current_timezone()

        def _dt(value):  # timezone.localtime(value).isoformat(), the zone looked up once
            return value.astimezone(tz).isoformat() if value else None

        if hasattr(obj, "list_enterprise_name"):  # a list page's row (selectors.with_list_names)
            enterprise_name, category_code = obj.list_enterprise_name, obj.list_category_code
            parent = obj.list_category_parent_name  # as DemandCategory.__str__
            category_name = f"{parent} / {obj.list_category_name}" if parent is not None else obj.list_category_name
            department_name = obj.list_department_name if obj.department_id else None
        else:
            enterprise_name, category_code, category_name = obj.enterprise.name, obj.category.code, str(obj.category)
            department_name = obj.department.name if obj.department_id else None
        return {
            "id": obj.pk, "enterprise": obj.enterprise_id, "enterprise_name": enterprise_name,
            "district": obj.district_id, "category": category_code, "category_name": category_name,
            "urgency": obj.urgency, "title": obj.title, "description": obj.description, "channel": obj.channel,
            "status": obj.status, "department": obj.department_id,
            "department_name": department_name, "handler": obj.handler_id,
            "due_date": _date(obj.due_date), "is_overdue": obj.is_overdue(today), "resolution": obj.resolution,
            "satisfaction": obj.satisfaction or None, "rating_comment": obj.rating_comment,
            "submitted_at": _dt(obj.submitted_at), "accepted_at": _dt(obj.accepted_at),
            "resolved_at": _dt(obj.resolved_at), "closed_at": _dt(obj.closed_at),
            "transfer_count": obj.transfer_count, "reopen_count": obj.reopen_count,
            "escalation_level": obj.escalation_level, "is_flagged": obj.is_flagged, "chain": obj.chain_id,
            "chain_node": obj.chain_node_id, "project": obj.project_id, "visit": obj.visit_id, "cadre": obj.cadre_id,
            "timeline": _timeline(obj, tz),
            "allowed_actions": _allowed(DEMAND, self, obj),
        }


class DemandFlagSerializer(serializers.Serializer):
    demand = serializers.IntegerField(source="similar_to_id")
    kind = serializers.CharField()
    score = serializers.FloatField()


class DemandDetailSerializer(DemandSerializer):
    similar = DemandFlagSerializer(source="flags", many=True, read_only=True)
    cohandling = serializers.SerializerMethodField()

    class Meta(DemandSerializer.Meta):
        fields = [*DemandSerializer.Meta.fields, "similar", "cohandling"]
        read_only_fields = fields

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["similar"] = [{"demand": f.similar_to_id, "kind": f.kind, "score": f.score} for f in obj.flags.all()]
        data["cohandling"] = self.get_cohandling(obj)
        return data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_cohandling(self, obj) -> list:
        return [{"id": t.id, "department": t.department_id, "status": t.status, "request": t.request,
                 "response": t.response} for t in obj.cohandling_tasks.all()]


class DemandCreateSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False,
                                              help_text=_("Optional for enterprise users (their own)"))
    category = serializers.SlugRelatedField(slug_field="code", queryset=DemandCategory.objects.all(),
                                            help_text=_("Category code, e.g. logistics or logistics.road"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    chain_node = ScopedPrimaryKeyRelatedField(queryset=ChainNode.objects.all(), required=False, allow_null=True)
    project = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    visit = ScopedPrimaryKeyRelatedField(queryset=Visit.objects.all(), required=False, allow_null=True)


class AcceptSerializer(serializers.Serializer):
    department = ScopedPrimaryKeyRelatedField(queryset=departments())
    handler = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(role=Role.DEPARTMENT), required=False,
                                                 allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StartSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TransferSerializer(serializers.Serializer):
    department = ScopedPrimaryKeyRelatedField(queryset=departments())
    reason = serializers.CharField()


class CohandleSerializer(serializers.Serializer):
    department = ScopedPrimaryKeyRelatedField(queryset=departments())
    request = serializers.CharField()


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField()


class RateSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class StatsQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is declared under that name below.
    to = serializers.DateField(required=False)
    district = serializers.CharField(required=False, max_length=6)
    category = serializers.CharField(required=False, max_length=40)
    department = serializers.IntegerField(required=False)
    chain = serializers.IntegerField(required=False)
    cadre = serializers.IntegerField(required=False)
    by = serializers.ChoiceField(required=False, choices=["category", "department", "district", "chain", "cadre",
                                                          "month"])


StatsQuerySerializer._declared_fields["from"] = serializers.DateField(required=False)


def _stats_query_validate(self, attrs):
    if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
        raise serializers.ValidationError({"from": [_("The start date is after the end date.")]})
    return attrs


StatsQuerySerializer.validate = _stats_query_validate


class StatsSerializer(serializers.Serializer):
    collected = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolution_rate = serializers.FloatField(allow_null=True, help_text=_("percent: resolved ÷ collected"))
    on_time_rate = serializers.FloatField(allow_null=True, help_text=_("percent: resolved by due date ÷ resolved"))
    satisfaction_rate = serializers.FloatField(allow_null=True, help_text=_(
        "percent: (satisfied + basically satisfied) ÷ rated"))
    reopened = serializers.IntegerField()
    reopen_rate = serializers.FloatField(allow_null=True)
    avg_handling_days = serializers.FloatField(allow_null=True)
    rated = serializers.IntegerField()
    open = serializers.IntegerField()
    transferred = serializers.IntegerField()
    escalated = serializers.IntegerField()
    summary = serializers.CharField()
    breakdown = serializers.ListField(child=serializers.DictField(), required=False)


class SystemicAlertSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.__str__", read_only=True)
    district = serializers.CharField(source="district_id", read_only=True, allow_null=True)
    demands = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = SystemicAlert
        fields = ["id", "scope_kind", "district", "chain", "category", "category_name", "window_start", "window_end",
                  "enterprise_count", "status", "note", "demands", "allowed_actions"]
        read_only_fields = fields

    @allowed_actions_field(SYSTEMIC_ALERT)
    def get_allowed_actions(self, obj) -> list[str]:
        return _allowed(SYSTEMIC_ALERT, self, obj)


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "link", "demand", "created", "read_at"]
        read_only_fields = fields
