"""Matchmaking pages: listings with their recommendations, events (registrations, meetings, intentions),
follow-up of deals, investment-attraction targets and the statistics. Every read restricts to the user; every
write goes through the services (which check scope again)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.permissions import can
from industry_brain.core.views import ObjectDetailView, ObjectListView
from industry_brain.core.workflow import steps_for

from . import selectors, services
from .choices import IntentionKind, IntentionStatus, ListingKind
from .filtersets import EventFilterSet, IntentionFilterSet, ListingFilterSet, TargetFilterSet
from .forms import (
    EventForm,
    IntentionForm,
    ListingForm,
    NoteForm,
    ProjectForTargetForm,
    ReasonForm,
    RegistrationForm,
    SignForm,
    TargetForm,
)
from .models import AttractionTarget, Event, Intention, Listing
from .tables import EventTable, IntentionTable, ListingTable, TargetTable
from .workflows import EVENT, INTENTION, TARGET


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for e in errs:
            form.add_error(field if field in form.fields else None, e)


def _step_message(request, exc) -> None:
    messages.error(request, str(getattr(exc, "message", exc)))


def _form_errors(form) -> ValidationError:
    return ValidationError([e["message"] for errs in form.errors.get_json_data().values() for e in errs])


def _require_scope(user, model) -> None:
    """A list nobody of the user's role may read answers 404 (the model's scope decides, not a role test)."""
    if not can(user, "view", model):
        raise Http404


# --- listings --------------------------------------------------------------------------------------------------

class ListingListView(ObjectListView):
    queryset = Listing.objects.select_related("enterprise", "node")
    filterset_class = ListingFilterSet
    table_class = ListingTable

    @property
    def title(self):
        return _("Supply and demand listings")

    def get_queryset(self, request):
        return selectors.listing_list(user=request.user)

    def get_extra_context(self, request):
        ctx = {}
        if can(request.user, "add", Listing):
            ctx["extra_actions"] = [("/matchmaking/listings/new/", _("Publish a listing"))]
        return ctx


class ListingCreateView(LoginRequiredMixin, View):
    template_name = "matchmaking/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "add", Listing):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = ListingForm(user=request.user, initial={"kind": request.GET.get("kind", "need")})
        return render(request, self.template_name, {"form": form, "title": _("Publish a listing")})

    def post(self, request):
        form = ListingForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            enterprise = data.pop("enterprise", None) or request.user.enterprise
            quantity = data.pop("quantity")
            data["capacity" if data["kind"] == ListingKind.OFFER else "volume"] = quantity
            try:
                listing = services.listing_publish(actor=request.user, enterprise=enterprise, data=data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Listing published. The recommended partners are listed below."))
                return redirect(listing.get_absolute_url())
        return render(request, self.template_name, {"form": form, "title": _("Publish a listing")}, status=400)


class ListingDetailView(ObjectDetailView):
    queryset = Listing.objects.select_related("enterprise", "node", "node__chain")
    template_name = "matchmaking/listing_detail.html"

    def get_extra_context(self, request, obj):
        return {"recommendations": selectors.recommendations(user=request.user, listing=obj),
                "may_change": can(request.user, "change", obj)}


class ListingActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        listing = Listing.objects.get_in_scope(request.user, pk)
        try:
            if action == "withdraw":
                services.listing_withdraw(actor=request.user, listing=listing)
            elif action == "renew":
                services.listing_renew(actor=request.user, listing=listing,
                                       expires_on=timezone.localdate() + dt.timedelta(days=180))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect(listing.get_absolute_url())


# --- events ------------------------------------------------------------------------------------------------------

class EventListView(ObjectListView):
    queryset = Event.objects.select_related("chain")
    filterset_class = EventFilterSet
    table_class = EventTable
    template_name = "matchmaking/event_list.html"

    @property
    def title(self):
        return _("Matchmaking events")

    def get_queryset(self, request):
        _require_scope(request.user, Event)
        return selectors.event_list(user=request.user)

    def get_extra_context(self, request):
        ctx = {"stats": selectors.event_stats(user=request.user)}
        if can(request.user, "add", Event):
            ctx["extra_actions"] = [("/matchmaking/events/new/", _("Plan an event"))]
        return ctx


class EventCreateView(LoginRequiredMixin, View):
    template_name = "matchmaking/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "add", Event):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": EventForm(user=request.user),
                                                    "title": _("Plan an event")})

    def post(self, request):
        form = EventForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                event = services.event_create(actor=request.user, data=form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                _errors_to_form(form, exc)
            else:
                return redirect(event.get_absolute_url())
        return render(request, self.template_name, {"form": form, "title": _("Plan an event")}, status=400)


class EventDetailView(ObjectDetailView):
    queryset = Event.objects.select_related("chain")
    template_name = "matchmaking/event_detail.html"

    def get_extra_context(self, request, obj):
        user = request.user
        organiser = can(user, "change", obj)
        intentions = selectors.intention_list(user=user).filter(event=obj)
        return {
            "organiser": organiser,
            "steps": EVENT.allowed(obj, user),
            "registrations": selectors.registrations_for(user=user, event=obj)[:500],
            "meetings": selectors.meetings_for(user=user, event=obj)[:500],
            "intentions": intentions[:500],
            "registration_form": RegistrationForm(user=user),
            "intention_form": IntentionForm(user=user) if organiser or can(user, "add", Intention) else None,
            "timeline": steps_for(obj),
        }


class EventActionView(LoginRequiredMixin, View):
    """POST steps of an event page: workflow steps, registration, meeting schedule, a new intention."""

    def post(self, request, pk, action):
        event = Event.objects.get_in_scope(request.user, pk)
        try:
            if action in EVENT.transitions:
                services.event_step(actor=request.user, event=event, action=action)
            elif action == "register":
                form = RegistrationForm(request.POST, user=request.user)
                if not form.is_valid():
                    raise _form_errors(form)
                firm = form.cleaned_data.get("enterprise") or request.user.enterprise
                services.registration_create(actor=request.user, event=event, enterprise=firm,
                                             role=form.cleaned_data["role"])
            elif action == "schedule":
                n = services.meetings_schedule(actor=request.user, event=event)
                messages.success(request, _("%(n)s one-to-one meetings scheduled.") % {"n": n})
            elif action == "intention":
                form = IntentionForm(request.POST, user=request.user)
                if not form.is_valid():
                    raise _form_errors(form)
                services.intention_declare(actor=request.user, data=dict(form.cleaned_data, event=event))
            else:
                raise Http404
        except (ValidationError, TransitionNotAllowed) as exc:
            _step_message(request, exc if isinstance(exc, TransitionNotAllowed) else " ".join(exc.messages))
        return redirect(event.get_absolute_url())


# --- intentions -----------------------------------------------------------------------------------------------

class IntentionListView(ObjectListView):
    queryset = Intention.objects.all()
    filterset_class = IntentionFilterSet
    table_class = IntentionTable

    @property
    def title(self):
        return _("Deals and their follow-up")

    def get_queryset(self, request):
        _require_scope(request.user, Intention)
        return selectors.intention_list(user=request.user)


class IntentionDetailView(ObjectDetailView):
    queryset = Intention.objects.select_related("event", "buyer", "seller", "owner", "repeat_of")
    template_name = "matchmaking/intention_detail.html"

    def get_extra_context(self, request, obj):
        return {"steps": INTENTION.allowed(obj, request.user), "sign_form": SignForm(), "reason_form": ReasonForm(),
                "timeline": steps_for(obj)}


class IntentionActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        it = Intention.objects.get_in_scope(request.user, pk)
        try:
            if action in ("sign", "deliver"):
                form = SignForm(request.POST)
                if not form.is_valid():
                    raise _form_errors(form)
                d = form.cleaned_data
                if action == "sign":
                    services.intention_sign(actor=request.user, intention=it, amount=d["amount"], signed_on=d["date"])
                else:
                    services.intention_deliver(actor=request.user, intention=it, amount=d["amount"],
                                               delivered_on=d["date"])
            elif action == "drop":
                services.intention_drop(actor=request.user, intention=it, reason=request.POST.get("reason", ""))
            else:
                raise Http404
        except ValidationError as exc:
            _step_message(request, " ".join(exc.messages))
        except TransitionNotAllowed as exc:
            _step_message(request, exc)
        else:
            messages.success(request, _("Saved."))
        return redirect(it.get_absolute_url())


# --- investment-attraction targets ------------------------------------------------------------------------------

class TargetListView(ObjectListView):
    queryset = AttractionTarget.objects.all()
    filterset_class = TargetFilterSet
    table_class = TargetTable
    template_name = "matchmaking/target_list.html"

    @property
    def title(self):
        return _("Investment-attraction targets")

    def get_queryset(self, request):
        if not can(request.user, "view", AttractionTarget):
            raise Http404
        return selectors.target_list(user=request.user)

    def get_extra_context(self, request):
        return {"target_form": TargetForm(user=request.user) if can(request.user, "add", AttractionTarget) else None}

    def post(self, request):
        if not can(request.user, "add", AttractionTarget):
            raise Http404
        form = TargetForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, " ".join(_form_errors(form).messages))
            return redirect("matchmaking:target_list")
        node = form.cleaned_data["node"]
        try:
            target = services.target_create(actor=request.user, data=dict(form.cleaned_data, chain=node.chain))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("matchmaking:target_list")
        return redirect(target.get_absolute_url())


class TargetDetailView(ObjectDetailView):
    queryset = AttractionTarget.objects.select_related("chain", "node", "project")
    template_name = "matchmaking/target_detail.html"

    def get_extra_context(self, request, obj):
        return {"steps": TARGET.allowed(obj, request.user), "note_form": NoteForm(),
                "project_form": ProjectForTargetForm(initial={"name": obj.name}), "timeline": steps_for(obj)}


class TargetActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        target = AttractionTarget.objects.get_in_scope(request.user, pk)
        try:
            if action == "sign":
                form = ProjectForTargetForm(request.POST)
                if not form.is_valid():
                    raise _form_errors(form)
                services.target_sign(actor=request.user, target=target, project=form.cleaned_data)
            elif action in TARGET.transitions:
                services.target_step(actor=request.user, target=target, action=action,
                                     note=request.POST.get("note", ""))
            else:
                raise Http404
        except ValidationError as exc:
            _step_message(request, " ".join(exc.messages))
        except TransitionNotAllowed as exc:
            _step_message(request, exc)
        return redirect(target.get_absolute_url())


# --- statistics --------------------------------------------------------------------------------------------------

class StatsView(LoginRequiredMixin, View):
    """The events' funnel in the source's words, with declared and signed amounts apart, by month."""

    def get(self, request):
        user = request.user
        _require_scope(user, Event)
        stats = selectors.event_stats(user=user)
        deals = selectors.intention_list(user=user).filter(event__isnull=False).order_by()
        monthly = list(deals.annotate(m=TruncMonth("event__date")).values("m").annotate(
            declared=Sum("amount", filter=Q(kind=IntentionKind.ORDER)),
            signed=Sum("signed_amount", filter=Q(kind=IntentionKind.ORDER,
                                                 status__in=[IntentionStatus.SIGNED, IntentionStatus.DELIVERED])),
            n=Count("pk")).order_by("m"))
        months = [r["m"].strftime("%Y-%m") for r in monthly if r["m"]]
        chart = {
            "tooltip": {"trigger": "axis"},
            "legend": {"data": [_("Orders declared"), _("Orders signed")]},
            "grid": {"left": 60, "right": 20, "bottom": 40, "top": 40},
            "xAxis": {"type": "category", "data": months},
            "yAxis": {"type": "value", "name": _("100M yuan")},
            "series": [
                {"name": _("Orders declared"), "type": "bar",
                 "data": [round(float(r["declared"] or 0) / 10_000, 2) for r in monthly if r["m"]]},
                {"name": _("Orders signed"), "type": "bar",
                 "data": [round(float(r["signed"] or 0) / 10_000, 2) for r in monthly if r["m"]]},
            ],
        }
        overdue = selectors.follow_up_overdue(user=user).count()
        return render(request, "matchmaking/stats.html", {"stats": stats, "chart": chart, "overdue": overdue})


# --- chain gaps ---------------------------------------------------------------------------------------------------

class GapOverviewView(LoginRequiredMixin, View):
    """Every chain the user may study with its completeness score (the city: all; a work team: its own)."""

    def get(self, request):
        from industry_brain.chains.models import Chain

        from .gaps import FORMULA, chain_gaps

        if not can(request.user, "read_gaps", Chain):
            raise Http404
        chains = Chain.objects.select_related("ecosystem").order_by("ecosystem", "order", "id")
        rows = [chain_gaps(c) | {"ecosystem": c.ecosystem.name} for c in chains if can(request.user, "read_gaps", c)]
        return render(request, "matchmaking/gap_overview.html", {"rows": rows, "formula": FORMULA})


class GapDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        from industry_brain.chains.models import Chain

        from .gaps import chain_gaps, suggested_targets

        chain = Chain.objects.filter(pk=pk).first() if 0 < pk <= 2_147_483_647 else None
        if chain is None or not can(request.user, "read_gaps", chain):
            raise Http404
        gaps = chain_gaps(chain, user=request.user)
        weakest = [r for r in sorted(gaps["nodes"], key=lambda r: r["gap_rank"] or 10**6) if r["gap_rank"]][:3]
        nodes = {n.pk: n for n in chain.nodes.all()}
        suggestions = [{"node": r, "firms": suggested_targets(nodes[r["node"]], limit=8)} for r in weakest]
        chart = {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0, "data": [_("Met locally (%)"), _("From outside the province (%)")]},
            "grid": {"left": 110, "right": 30, "top": 40, "bottom": 30},
            "xAxis": {"type": "value", "max": 100, "name": "%"},
            "yAxis": {"type": "category", "data": [r["name"] for r in gaps["nodes"]]},
            "series": [
                {"name": _("Met locally (%)"), "type": "bar",
                 "data": [None if r["local_share"] is None else round(r["local_share"] * 100, 1)
                          for r in gaps["nodes"]]},
                {"name": _("From outside the province (%)"), "type": "bar",
                 "data": [None if r["outside_share"] is None else round(r["outside_share"] * 100, 1)
                          for r in gaps["nodes"]]},
            ],
        }
        return render(request, "matchmaking/gap_detail.html", {
            "chain": chain, "gaps": gaps, "suggestions": suggestions, "chart": chart,
            "may_add": can(request.user, "add", AttractionTarget)})
