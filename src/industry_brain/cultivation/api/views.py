"""API viewsets of tier cultivation. Restriction comes from the base viewsets (out of scope is 404); writes and
workflow steps call the services."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from industry_brain.core.api import RestrictedListCreateViewSet, RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from industry_brain.core.permissions import can
from industry_brain.enterprises.models import Enterprise

from .. import selectors, services
from ..models import (
    EnterpriseTierFigures,
    EvaluationRun,
    RecognitionApplication,
    RecognitionRound,
    TierEvaluation,
    TierRuleSet,
)
from .serializers import (
    PoolRowSerializer,
    RecognitionApplicationSerializer,
    RecognitionRoundSerializer,
    RunSerializer,
    StepSerializer,
    TierEvaluationSerializer,
    TierFiguresSerializer,
    TierRuleSetSerializer,
    VerifySerializer,
)


def details_for(rows) -> dict:
    """The indicator detail of a page of evaluations: one engine call per rule set on the page's firms."""
    by_set = defaultdict(list)
    for r in rows:
        by_set[(r.rule_set, r.run.as_of)].append(r.enterprise_id)
    out = {}
    for (rs, as_of), ids in by_set.items():
        for d in selectors.evaluate_firms(ids=sorted(set(ids)), rule_set=rs, as_of=as_of):
            out[(d["enterprise"], rs.pk)] = d
    return out


class TierRuleSetViewSet(RestrictedListCreateViewSet):
    """Rule-set versions with their rules, source and verification tag. The city adds a version (its rules given
    or copied from an earlier version); earlier evaluations keep the version they used."""

    queryset = TierRuleSet.objects.all()
    serializer_class = TierRuleSetSerializer

    def get_queryset(self):
        return selectors.rulesets(user=self.request.user).order_by("tier", "-effective_from", "id")

    def create(self, request, *args, **kwargs):
        if not can(request.user, "add", TierRuleSet):  # only the city adds versions: refused before the input is read
            raise PermissionDenied()
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        rules = data.pop("rules", [])
        copy_from = data.pop("copy_from", None)
        serializer.instance = services.ruleset_create(actor=self.request.user, data=data, rules=rules,
                                                      copy_from=copy_from)


class TierEvaluationViewSet(RestrictedReadOnlyViewSet):
    """Per firm and tier: eligible (null = a figure is missing), score, and every indicator with the figure used,
    its year and source, the threshold and the gap. Defaults to the latest run; `?run=` picks another."""

    queryset = TierEvaluation.objects.all()
    serializer_class = TierEvaluationSerializer
    filterset_fields = ["enterprise", "tier", "eligible", "run"]

    def get_queryset(self):
        qs = selectors.evaluations(user=self.request.user)
        if self.action == "list" and "run" not in self.request.query_params:
            run = selectors.latest_run(user=self.request.user)
            qs = qs.filter(run=run) if run else qs.none()
        return qs.order_by("enterprise_id", "tier", "id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "details": getattr(self, "_details", {})}

    def list(self, request, *args, **kwargs):
        firm = request.query_params.get("enterprise", "")
        if firm.isdigit() and len(firm) < 19:
            # one firm: every tier of the run, the stored rows and the tiers where it was not in play decided again
            page = self.paginate_queryset(self._firm_rows(int(firm)))
        else:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._details = details_for(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _firm_rows(self, enterprise_id: int) -> list[TierEvaluation]:
        p = self.request.query_params
        run_id = p.get("run", "")
        if run_id:
            run = EvaluationRun.objects.restrict(self.request.user, "view").filter(
                pk=int(run_id) if run_id.isdigit() and len(run_id) < 19 else 0).first()
        else:
            run = selectors.latest_run(user=self.request.user)
        if run is None:
            return []
        rows = selectors.evaluations_of(user=self.request.user, enterprise_id=enterprise_id, run=run,
                                        tier=p.get("tier") or None)
        if p.get("eligible") in ("true", "false", "True", "False"):
            want = p["eligible"].lower() == "true"
            rows = [r for r in rows if r.eligible is want]
        return rows

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self._details = details_for([obj])
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=RunSerializer, responses={201: dict})
    @action(detail=False, methods=["post"], serializer_class=RunSerializer)
    def run(self, request):
        s = RunSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        run = services.evaluation_run(actor=request.user, as_of=s.validated_data.get("as_of"),
                                      application_type=s.validated_data["application_type"])
        return Response({"run": run.pk, "as_of": run.as_of, "seconds": run.seconds, "counts": run.counts},
                        status=status.HTTP_201_CREATED)


class CultivationPoolViewSet(RestrictedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """培育库: firms close to a tier, ranked by nearness (fewest failing criteria, smallest gaps), with what they
    miss in their own figures. `?tier=` (default little_giant), `?district=`, `?chain=`."""

    queryset = TierEvaluation.objects.all()
    serializer_class = PoolRowSerializer

    def get_queryset(self):
        p = self.request.query_params
        chain = p.get("chain")
        return selectors.pool(user=self.request.user, tier=p.get("tier") or "little_giant",
                              district=p.get("district") or None,
                              chain=int(chain) if chain and chain.isdigit() else None)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        ctx = {**self.get_serializer_context(), "details": details_for(page)}
        return self.get_paginated_response(PoolRowSerializer(page, many=True, context=ctx).data)


class TierCardViewSet(RestrictedViewSetMixin, viewsets.GenericViewSet):
    """The enterprise's card: its tiers and, for every tier, what it meets and misses. `/tier-cards/{enterprise}/`."""

    queryset = Enterprise.objects.all()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def retrieve(self, request, pk=None):
        as_of = request.query_params.get("as_of")
        import datetime as dt

        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"as_of": ["YYYY-MM-DD"]}) from None
        if not str(pk).isdigit() or len(str(pk)) > 18:
            raise NotFound()
        card = selectors.enterprise_card(user=request.user, enterprise=int(pk), as_of=day)
        enterprise = card["enterprise"]
        return Response({
            "enterprise": enterprise.pk, "name": enterprise.name, "as_of": day, "held": card["held"],
            "next_tier": card["next_tier"],
            "tiers": [{"tier": t["tier"], "rule_set": t["rule_set"].pk, "version": t["rule_set"].version,
                       "verification": t["verification"], "held": t["held"], "eligible": t.get("eligible"),
                       "score": t.get("score"), "route": t.get("route", []), "no_criteria": t.get("no_criteria", False),
                       "indicators": t.get("indicators", [])} for t in card["tiers"]]})


class TierFiguresViewSet(RestrictedListCreateViewSet):
    """Figures the criteria need beyond the registry, per enterprise and year: the enterprise reports
    (self-reported), the bureau enters or verifies (verified)."""

    queryset = EnterpriseTierFigures.objects.all()
    serializer_class = TierFiguresSerializer
    filterset_fields = ["enterprise", "year"]

    def get_queryset(self):
        return EnterpriseTierFigures.objects.restrict(self.request.user, "view").order_by("enterprise_id", "-year")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise")
        if not Enterprise.objects.restrict(self.request.user, "view").filter(pk=enterprise.pk).exists():
            raise NotFound()
        year = data.pop("year")
        serializer.instance = services.tier_figures_report(actor=self.request.user, enterprise=enterprise, year=year,
                                                           values=data)

    @extend_schema(request=VerifySerializer, responses=TierFiguresSerializer)
    @action(detail=True, methods=["post"], serializer_class=VerifySerializer)
    def verify(self, request, pk=None):
        obj = self.get_object()
        s = VerifySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        obj = services.tier_figures_verify(actor=request.user, figures=obj, fields=s.validated_data["fields"])
        return Response(TierFiguresSerializer(obj).data)


class RecognitionRoundViewSet(RestrictedListCreateViewSet):
    queryset = RecognitionRound.objects.all()
    serializer_class = RecognitionRoundSerializer

    def get_queryset(self):
        return RecognitionRound.objects.restrict(self.request.user, "view").order_by("-year", "id")

    def create(self, request, *args, **kwargs):
        if not can(request.user, "add", RecognitionRound):
            raise PermissionDenied()
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.round_create(actor=self.request.user, data=serializer.validated_data)


def _step(name, attr=None):
    def step(self, request, pk=None):
        app = self.get_object()
        s = StepSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        note = data.pop("note", "")
        app = services.application_step(actor=request.user, application=app, action=name, data=data, note=note)
        return Response(RecognitionApplicationSerializer(app, context={"request": request}).data)

    step.__name__ = attr or name.replace("-", "_")  # before @action: the router maps the method by this name
    step = action(detail=True, methods=["post"], url_path=name, url_name=name, serializer_class=StepSerializer)(step)
    return extend_schema(request=StepSerializer, responses=RecognitionApplicationSerializer)(step)


class RecognitionApplicationViewSet(RestrictedListCreateViewSet):
    """Applications (or nominations) in a round: submit → precheck → district-approve → city-approve (expert
    score) → publicise (notice in working days; object / answer-objection) → recognise; reject; revoke.
    A step the status does not allow answers 409."""

    queryset = RecognitionApplication.objects.all()
    serializer_class = RecognitionApplicationSerializer
    filterset_fields = ["round", "enterprise", "status"]

    def get_queryset(self):
        return selectors.applications(user=self.request.user).order_by("-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        if not Enterprise.objects.restrict(self.request.user, "view").filter(pk=d["enterprise"].pk).exists():
            raise NotFound()
        serializer.instance = services.application_create(
            actor=self.request.user, round=d["round"], enterprise=d["enterprise"],
            application_type=d.get("application_type", "new"), statement=d.get("statement", ""))

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "title": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}},
        responses={201: dict})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        """Attach an evidence file (audit report, certificate, market-share proof) before the pre-check."""
        app = self.get_object()
        self.check_scope(app, "change")  # refused before the input is read
        upload = request.FILES.get("file")
        if upload is None:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"file": ["required"]})
        ev = services.evidence_add(actor=request.user, application=app,
                                   title=(request.data.get("title") or upload.name)[:200], file=upload)
        return Response({"id": ev.pk, "title": ev.title}, status=status.HTTP_201_CREATED)

    submit = _step("submit")
    precheck = _step("precheck")
    district_approve = _step("district-approve")
    city_approve = _step("city-approve")
    publicise = _step("publicise")
    object_ = _step("object", "object_")
    answer_objection = _step("answer-objection")
    recognise = _step("recognise")
    reject = _step("reject")
    revoke = _step("revoke")
