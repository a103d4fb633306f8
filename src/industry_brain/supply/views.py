"""Pages of the supply module: scenarios (map coloured by TTS, ranked table, losses by chain and district, Excel
download, run with progress), comparison, the enterprise's risk card, the link import and emergency mode."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from industry_brain.core.excel import workbook_response
from industry_brain.core.models import District
from industry_brain.core.permissions import can
from industry_brain.core.views import ExcelImportView
from industry_brain.enterprises.models import Enterprise

from . import selectors, services
from .forms import BomLineForm, LinkForm, ProfileForm, RecoveryForm
from .importers import LinkImporter
from .models import (
    BomLine,
    Emergency,
    ExternalFirm,
    FirmProfile,
    MatchReview,
    RecoveryEstimate,
    Scenario,
    ScenarioResult,
    SupplyLink,
)
from .regions import REGIONS, region_name

RESULTS_PER_PAGE = 50


class ScenarioListView(LoginRequiredMixin, View):
    """Saved scenarios with their last run, the pre-screen counts and a form for a new scenario."""

    def get(self, request):
        user = request.user
        if not can(user, "view", Scenario):
            if user.enterprise_id:  # a firm's account reads its own risk card
                return redirect("supply:risk_card", pk=user.enterprise_id)
            raise Http404
        return render(request, "supply/scenario_list.html", {
            "scenarios": selectors.scenario_list(user=user)[:100],
            "prescreen": selectors.prescreen_summary(user=user),
            "regions": [(code, str(r[0])) for code, r in REGIONS.items()],
            "districts": District.objects.order_by("code"),
            "reviews": selectors.match_review_list(user=user).filter(status="pending")[:20],
        })

    def post(self, request):
        user = request.user
        if not can(user, "run", Scenario):
            raise Http404
        try:
            sc = services.scenario_create(
                actor=user, name=request.POST.get("name", ""), periods=int(request.POST.get("periods") or 0),
                regions=request.POST.getlist("regions"), districts=request.POST.getlist("districts"),
                capacity_loss=request.POST.get("capacity_loss") or "1")
        except (ValidationError, ValueError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("supply:scenario_list")
        services.scenario_run(actor=user, scenario=sc)
        return redirect(sc.get_absolute_url())


def _scenario(request, pk: int) -> Scenario:
    if not can(request.user, "view", Scenario):
        raise Http404
    return Scenario.objects.select_related("last_run").defer("last_run__snapshot").get_in_scope(request.user, pk)


class ScenarioDetailView(LoginRequiredMixin, View):
    """One scenario: run status (polled while queued or running), the map of affected firms coloured by TTS, the
    ranked table with alternatives and the losses summed by chain and by district, all within the reader's scope."""

    def get(self, request, pk: int):
        sc = _scenario(request, pk)
        run = sc.last_run
        pending = sc.runs.filter(status__in=["queued", "running"]).order_by("-id").first()
        if request.headers.get("HX-Request") and request.GET.get("part") == "status":
            return render(request, "supply/_run_status.html", {"scenario": sc, "pending": pending, "run": run})
        results = selectors.result_list(user=request.user, run=run)
        flagged_only = request.GET.get("flagged") == "1"
        if flagged_only:
            results = results.filter(flagged=True)
        try:
            page = max(int(request.GET.get("page") or 1), 1)
        except ValueError:
            page = 1
        # Rank order is stored: a page is a slice by rank, one query, whatever the page number.
        rows = list(results[(page - 1) * RESULTS_PER_PAGE: page * RESULTS_PER_PAGE + 1])
        has_next = len(rows) > RESULTS_PER_PAGE
        rows = rows[:RESULTS_PER_PAGE]
        losses = selectors.scenario_losses(user=request.user, run=run)
        map_cfg = {
            "boundaries": reverse("core:district_boundaries"),
            "points": selectors.scenario_map_points(user=request.user, run=run),
            "periods": sc.periods,
            "labels": {"tts": _("time to survive (days)"), "stops": _("stops on day"), "lost": _(
                "lost output value (10k yuan)"), "capped": _("beyond the horizon"), "legend": _("days survived"),
                "days": _("days")},
        }
        can_raise = can(request.user, "raise_demand", ScenarioResult)
        return render(request, "supply/scenario_detail.html", {
            "scenario": sc, "run": run, "pending": pending, "rows": rows, "losses": losses,
            "map_json": json.dumps(map_cfg, ensure_ascii=False, separators=(",", ":")),
            "regions": [region_name(r) for r in sc.regions], "can_raise": can_raise,
            "page": page, "has_next": has_next, "flagged_only": flagged_only,
            "first_rank": (page - 1) * RESULTS_PER_PAGE + 1,
        })


class ScenarioRunView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        sc = _scenario(request, pk)
        services.scenario_run(actor=request.user, scenario=sc)
        return redirect(sc.get_absolute_url())


class ScenarioExportView(LoginRequiredMixin, View):
    """The ranked results of the last run within the reader's scope, as .xlsx."""

    def get(self, request, pk: int):
        sc = _scenario(request, pk)
        rows = selectors.result_list(user=request.user, run=sc.last_run)
        headers = [_("Rank"), _("Enterprise"), _("Credit code"), _("District"), _("Chain"),
                   _("Time to survive (days)"), _("Time to recover (days)"), _("Stops on day"), _("Missing material"),
                   _("Lost output value (10k yuan)"), _("Risk exposure index"), _("Alternative suppliers")]
        data = ([r.rank, r.enterprise.name, r.enterprise.uscc, r.district.name, r.chain.name if r.chain_id else "",
                 (f"≥{r.tts_days:g}" if r.tts_capped else round(r.tts_days, 2)), round(r.ttr_days, 2),
                 r.stops_on_day or "", r.missing_material.name if r.missing_material_id else "",
                 round(r.lost_value, 2), round(r.rei, 4), "；".join(a["name"] for a in r.alternatives)]
                for r in rows.iterator(chunk_size=2000))
        return workbook_response(f"{sc.name}.xlsx", headers, data)


class RaiseDemandView(LoginRequiredMixin, View):
    def post(self, request, pk: int, row: int):
        sc = _scenario(request, pk)
        result = selectors.result_list(user=request.user, run=sc.last_run).filter(pk=row).first()
        if result is None:
            raise Http404
        try:
            demand = services.result_raise_demand(actor=request.user, result=result,
                                                  alternative=int(request.POST.get("alternative", -1)))
        except (ValidationError, PermissionDenied, ValueError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(sc.get_absolute_url())
        messages.success(request, _("Demand %(id)s raised with the evidence.") % {"id": demand.pk})
        return redirect(demand.get_absolute_url())


class PostNeedView(LoginRequiredMixin, View):
    """The chosen alternative (or all of them) and the missing material as a matchmaking need."""

    def post(self, request, pk: int, row: int):
        sc = _scenario(request, pk)
        result = selectors.result_list(user=request.user, run=sc.last_run).filter(pk=row).first()
        if result is None:
            raise Http404
        raw = request.POST.getlist("alternative")
        try:
            chosen = [int(x) for x in raw] if raw else None
            listing = services.result_post_need(actor=request.user, result=result, alternatives=chosen)
        except (ValidationError, PermissionDenied, ValueError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(sc.get_absolute_url())
        messages.success(request, _("Matchmaking need %(id)s posted with the evidence.") % {"id": listing.pk})
        return redirect(listing.get_absolute_url())


class ScenarioCompareView(LoginRequiredMixin, View):
    def get(self, request):
        if not can(request.user, "view", Scenario):
            raise Http404
        ids = [int(x) for x in request.GET.getlist("s") if x.isdigit()][:4]
        scenarios = list(selectors.scenario_list(user=request.user).filter(pk__in=ids))
        runs = [s.last_run for s in scenarios if s.last_run_id]
        return render(request, "supply/scenario_compare.html", {
            "rows": selectors.compare_runs(user=request.user, runs=runs)})


class RiskCardPageView(LoginRequiredMixin, View):
    """An enterprise's risk card: its production, inputs with stocks, suppliers with shares and recovery times
    (each with a correction form for those who may change them) and its time to survive in the last scenario."""

    def get(self, request, pk: int):
        user = request.user
        card = selectors.risk_card(user=user, enterprise_id=pk)
        ent = Enterprise.objects.get(pk=pk)
        for entry in card["inputs"]:
            for s in entry["suppliers"]:
                site = Enterprise(pk=s["supplier_enterprise"]) if s["supplier_enterprise"] else ExternalFirm(
                    pk=s["supplier_external"])
                s["may_set_recovery"] = can(user, "set_recovery", site)
        return render(request, "supply/risk_card.html", {
            "card": card, "can_change": can(user, "correct_supply", ent),
            "own_site": user.enterprise_id == pk and can(user, "set_recovery", ent)})


def _changeable(user, enterprise_id: int) -> Enterprise | None:
    """The enterprise when the user may correct its supply inputs (city; its district; the firm itself)."""
    ent = Enterprise.objects.filter(pk=enterprise_id).first()
    return ent if ent is not None and can(user, "correct_supply", ent) else None


class _InputFormView(LoginRequiredMixin, View):
    """One correction form: 404 outside the user's scope; field errors named on the page; the service writes all
    or nothing and its validation errors come back on the fields they name."""

    form_class: type = None
    title = ""

    def target(self, request, **kwargs):
        raise NotImplementedError

    def initial(self, target) -> dict:
        return {}

    def save(self, request, target, data: dict) -> None:
        raise NotImplementedError

    def back(self, target) -> str:
        return reverse("supply:risk_card", args=[target["enterprise"].pk])

    def render_form(self, request, target, form, status=200):
        return render(request, "supply/input_form.html", {
            "form": form, "title": self.title, "target": target, "back": self.back(target),
            "can_delete": getattr(self, "deletable", False)}, status=status)

    def get(self, request, **kwargs):
        target = self.target(request, **kwargs)
        return self.render_form(request, target, self.form_class(initial=self.initial(target)))

    def post(self, request, **kwargs):
        target = self.target(request, **kwargs)
        if getattr(self, "deletable", False) and request.POST.get("delete"):
            self.remove(request, target)
            messages.success(request, _("Deleted."))
            return redirect(self.back(target))
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.save(request, target, form.cleaned_data)
            except ValidationError as exc:
                for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Saved."))
                return redirect(self.back(target))
        return self.render_form(request, target, form, status=400)


class ProfileEditView(_InputFormView):
    form_class = ProfileForm
    title = gettext_lazy("Production profile")

    def target(self, request, pk):
        ent = _changeable(request.user, pk)
        if ent is None:
            raise Http404
        return {"enterprise": ent, "profile": FirmProfile.objects.filter(enterprise=ent).first()}

    def initial(self, target):
        p = target["profile"]
        return {} if p is None else {"product": p.product_id, "monthly_capacity": p.monthly_capacity,
                                     "monthly_output": p.monthly_output, "inventory": p.inventory,
                                     "unit_value": p.unit_value}

    def save(self, request, target, data):
        services.profile_set(actor=request.user, enterprise=target["enterprise"], **data)


class BomLineEditView(_InputFormView):
    form_class = BomLineForm
    title = gettext_lazy("Input and stock")

    def target(self, request, pk):
        ent = _changeable(request.user, pk)
        if ent is None:
            raise Http404
        return {"enterprise": ent}

    def initial(self, target):
        line = BomLine.objects.filter(enterprise=target["enterprise"], material_id=(
            self.request.GET.get("material") or "0")).first() if (self.request.GET.get("material") or "").isdigit() \
            else None
        return {} if line is None else {"material": line.material_id, "per_unit": line.per_unit,
                                        "inventory": line.inventory}

    def save(self, request, target, data):
        services.bom_set(actor=request.user, enterprise=target["enterprise"], **data)


class LinkEditView(_InputFormView):
    form_class = LinkForm
    title = gettext_lazy("Supply link")
    deletable = True

    def target(self, request, pk):
        link = SupplyLink.objects.restrict(request.user, "change").select_related(
            "customer", "material", "supplier_enterprise", "supplier_external").filter(pk=pk).first()
        if link is None:
            raise Http404
        return {"enterprise": link.customer, "link": link}

    def initial(self, target):
        return {"share": target["link"].share, "monthly_volume": target["link"].monthly_volume}

    def save(self, request, target, data):
        services.link_update(actor=request.user, link=target["link"], **data)

    def remove(self, request, target):  # not `delete`: that name would answer HTTP DELETE
        services.link_delete(actor=request.user, link=target["link"])


class RecoveryEditView(_InputFormView):
    """A supplier site's time to recover: the city for any site, an enterprise for its own site."""

    form_class = RecoveryForm
    title = gettext_lazy("Time to recover")

    def target(self, request, kind, pk):
        user = request.user
        if kind not in ("e", "x"):
            raise Http404
        site = (Enterprise if kind == "e" else ExternalFirm).objects.filter(pk=pk).first()
        if site is None or not can(user, "set_recovery", site):
            raise Http404
        back = request.GET.get("back") or ""
        customer = Enterprise.objects.filter(pk=int(back)).first() if back.isdigit() else None
        key = {"supplier_enterprise": site} if kind == "e" else {"supplier_external": site}
        return {"enterprise": customer or (site if kind == "e" else None), "site": site, "key": key,
                "estimate": RecoveryEstimate.objects.filter(**key).first()}

    def back(self, target):
        if target["enterprise"] is None:
            return reverse("supply:scenario_list")
        return reverse("supply:risk_card", args=[target["enterprise"].pk])

    def initial(self, target):
        e = target["estimate"]
        # Whoever sets any site's time (external sites included) is the bureau; a firm answers as the supplier.
        bureau = can(self.request.user, "set_recovery", ExternalFirm)
        return {"source": "bureau" if bureau else "supplier"} if e is None else {
            "ttr_days": e.ttr_days, "source": e.source, "note": e.note}

    def save(self, request, target, data):
        services.recovery_estimate_set(actor=request.user, **target["key"], **data)


class MatchReviewListView(LoginRequiredMixin, View):
    """Imported names similar (0.5–0.8) to a known firm, for the uploader (or the city) to confirm or reject."""

    def get(self, request):
        reviews = selectors.match_review_list(user=request.user).filter(status="pending").order_by("-score", "id")
        if not can(request.user, "decide", MatchReview):
            raise Http404
        return render(request, "supply/match_review_list.html", {"reviews": reviews[:200]})


class MatchDecideView(LoginRequiredMixin, View):
    def post(self, request, pk: int, action: str):
        review = selectors.match_review_list(user=request.user).filter(pk=pk).first()
        if review is None or action not in ("confirm", "reject"):
            raise Http404
        decide = services.match_confirm if action == "confirm" else services.match_reject
        try:
            decide(actor=request.user, review=review)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Match confirmed: the links now point to the known firm.") if
                             action == "confirm" else _("Match rejected: the new firm stays separate."))
        return redirect("supply:match_review_list")


class LinkImportView(ExcelImportView):
    importer_class = LinkImporter
    title = heading = gettext_lazy("Import supply links")
    instructions = gettext_lazy("One row per supplier, customer and material. Suppliers are matched by credit code, "
                                "then by name and address: similar names are linked at once (≥ 0.8) or queued for "
                                "you to confirm (0.5–0.8); others become new external firms.")
    template_filename = "supply-links-template.xlsx"
    success_url_name = "supply:scenario_list"
    import_model = SupplyLink


class EmergencyListView(LoginRequiredMixin, View):
    def get(self, request):
        qs = selectors.emergency_list(user=request.user)
        if not (can(request.user, "follow", Emergency) or qs.exists()):
            raise Http404
        return render(request, "supply/emergency_list.html", {"emergencies": qs})


class EmergencyDetailView(LoginRequiredMixin, View):
    """The emergency: white list, the daily dispatch ledger of a day (Excel export) and its requests."""

    def get(self, request, pk: int):
        em = Emergency.objects.select_related("coordinator", "scenario").get_in_scope(request.user, pk)
        try:
            day = dt.date.fromisoformat(request.GET.get("date") or dt.date.today().isoformat())
        except ValueError:
            day = dt.date.today()
        ledger = selectors.ledger(user=request.user, emergency=em, date=day)
        if request.GET.get("format") == "xlsx":
            headers = [_("Enterprise"), _("District"), _("Status"), _("Capacity use"), _("Blocking issue")]
            data = [[r["name"], r["district"], r["status_label"] or _("not reported"),
                     r["capacity_use"] if r["capacity_use"] is not None else "", r["issue"]] for r in ledger["rows"]]
            return workbook_response(f"{em.name}-{day.isoformat()}.xlsx", headers, data)
        return render(request, "supply/emergency_detail.html", {
            "emergency": em, "ledger": ledger, "day": day,
            "whitelist": selectors.whitelist(user=request.user, emergency=em),
            "regions": [region_name(r) for r in em.regions]})
