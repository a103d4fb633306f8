"""Industry brain pages: the list of brains, each brain's page, its configuration (the city), and a firm's consent
and monthly operating data with its own position."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from industry_brain.core.permissions import can

from . import selectors, services
from .forms import BrainForm, ReportForm
from .models import Brain


class BrainListView(LoginRequiredMixin, View):
    def get(self, request):
        return render(request, "brains/brain_list.html", {"brains": selectors.brain_list(user=request.user),
                                                          "may_add": can(request.user, "add", Brain)})


class BrainDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        brain = Brain.objects.get_in_scope(request.user, pk)
        user = request.user
        nodes = selectors.brain_nodes(brain)
        chart = {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 120, "right": 30, "top": 30, "bottom": 30},
            "xAxis": {"type": "value", "name": _("firms")},
            "yAxis": {"type": "category", "data": [f"{n['chain']}·{n['name']}" for n in nodes]},
            "series": [{"name": _("Linked local firms"), "type": "bar", "data": [n["local_firms"] for n in nodes],
                        "label": {"show": True, "position": "right"}}],
        }
        ctx = {"brain": brain, "nodes": nodes, "chart": chart, "materials": selectors.material_balance(brain),
               "figures": brain.stats or selectors.brain_aggregates_live(brain), "may_edit": can(user, "edit", brain),
               "may_share": can(user, "share_data", brain)}
        if ctx["may_share"]:
            ctx["opted_in"] = selectors.opted_in(enterprise=user.enterprise, brain=brain)
            ctx["position"] = selectors.position(enterprise=user.enterprise, brain=brain)
            ctx["report_form"] = ReportForm()
        return render(request, "brains/brain_detail.html", ctx)


class BrainFormView(LoginRequiredMixin, View):
    """Add or change a brain without code (the city bureau)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "edit", Brain):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _brain(self, pk):
        return Brain.objects.get(pk=pk) if pk else None

    def get(self, request, pk=None):
        brain = self._brain(pk)
        initial = {}
        if brain:
            initial = {"code": brain.code, "name": brain.name, "description": brain.description,
                       "keywords": brain.keywords, "nodes": brain.nodes.all(), "industries": brain.industries.all()}
        return render(request, "brains/brain_form.html", {"form": BrainForm(initial=initial), "brain": brain})

    def post(self, request, pk=None):
        brain = self._brain(pk)
        form = BrainForm(request.POST)
        if form.is_valid():
            try:
                brain = services.brain_save(actor=request.user, data=form.cleaned_data, brain=brain)
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    for e in errs:
                        form.add_error(field if field in form.fields else None, e)
            else:
                messages.success(request, _("Saved: %(n)s firms linked.") % {"n": brain.linked_firms})
                return redirect(brain.get_absolute_url())
        return render(request, "brains/brain_form.html", {"form": form, "brain": brain}, status=400)


class BrainFirmActionView(LoginRequiredMixin, View):
    """A firm's consent (`opt-in`) and its monthly operating data (`report`)."""

    def post(self, request, pk, action):
        brain = Brain.objects.get_in_scope(request.user, pk)
        if not can(request.user, "share_data", brain):
            raise PermissionDenied
        try:
            if action == "opt-in":
                services.opt_in(actor=request.user, brain=brain, enterprise=request.user.enterprise)
            elif action == "report":
                form = ReportForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items()])
                services.report_submit(actor=request.user, brain=brain, enterprise=request.user.enterprise,
                                       data=form.cleaned_data)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect(brain.get_absolute_url())
