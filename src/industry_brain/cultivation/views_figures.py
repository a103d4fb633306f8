"""Pages of the tier figures: the enterprise sees its own figures (year, source, verified or returned) and reports
them; the district or city bureau lists the figures awaiting verification within its scope and verifies or returns
each with a reason. Writes through services_figures (services.tier_figures_report / tier_figures_verify)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from industry_brain.core.permissions import can
from industry_brain.enterprises.models import Enterprise

from . import services_figures
from .forms_figures import FiguresReportForm, ReturnForm
from .models import EnterpriseTierFigures


def _own_enterprise(user) -> Enterprise:
    """The firm of an enterprise account; everyone else gets 404 (the pages of 'my figures' are the firm's own)."""
    if not user.enterprise_id:
        raise Http404
    return Enterprise.objects.get(pk=user.enterprise_id)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


class MyFiguresView(LoginRequiredMixin, View):
    def get(self, request):
        enterprise = _own_enterprise(request.user)
        rows = EnterpriseTierFigures.objects.restrict(request.user, "view").filter(enterprise=enterprise)
        years = [{"row": r, "figures": services_figures.figure_rows(r)} for r in rows.order_by("-year")]
        return render(request, "cultivation/figures_mine.html", {"enterprise": enterprise, "years": years})


class FiguresReportView(LoginRequiredMixin, View):
    def _form(self, request, data=None):
        enterprise = _own_enterprise(request.user)
        latest = EnterpriseTierFigures.objects.filter(enterprise=enterprise).order_by("-year").first()
        return enterprise, FiguresReportForm(data, instance=None, initial=(
            {f: getattr(latest, f) for f in FiguresReportForm.Meta.fields} if latest else {}))

    def _render(self, request, form, status=200):
        return render(request, "cultivation/form.html", {
            "form": form, "title": _("Report my tier figures"), "back": reverse("cultivation:figures_mine"),
            "intro": _("Figures of the year before the application. Leave a figure empty if you do not report it; "
                       "each reported figure waits for the district bureau's verification.")}, status=status)

    def get(self, request):
        return self._render(request, self._form(request)[1])

    def post(self, request):
        enterprise, form = self._form(request, request.POST)
        if form.is_valid():
            try:
                services_figures.tier_figures_submit(actor=request.user, enterprise=enterprise,
                                                     year=form.cleaned_data["year"], values=form.values())
            except PermissionDenied:
                raise
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Figures reported; they wait for the bureau's verification."))
                return redirect("cultivation:figures_mine")
        return self._render(request, form, status=400)


class FiguresPendingView(LoginRequiredMixin, View):
    def get(self, request):
        if not can(request.user, "verify_figures", Enterprise):
            raise Http404
        rows = list(services_figures.awaiting_verification(request.user)[:200])
        items = [{"row": r, "pending": [f for f in services_figures.figure_rows(r) if f["state"] == "reported"]}
                 for r in rows]
        return render(request, "cultivation/figures_pending.html", {"items": items})


class FiguresDetailView(LoginRequiredMixin, View):
    def _row(self, request, pk):
        return EnterpriseTierFigures.objects.select_related("enterprise").get_in_scope(request.user, pk, "view")

    def _render(self, request, row, form=None, status=200):
        may_verify = can(request.user, "verify_figures", row.enterprise) and \
            EnterpriseTierFigures.objects.permits(request.user, row, "change")
        return render(request, "cultivation/figures_detail.html", {
            "row": row, "figures": services_figures.figure_rows(row), "may_verify": may_verify,
            "form": form or ReturnForm()}, status=status)

    def get(self, request, pk):
        return self._render(request, self._row(request, pk))

    def post(self, request, pk):
        row = self._row(request, pk)
        if not (can(request.user, "verify_figures", row.enterprise)
                and EnterpriseTierFigures.objects.permits(request.user, row, "change")):
            raise PermissionDenied(_("Only a bureau verifies figures."))
        action = request.POST.get("action")
        form = ReturnForm(request.POST)
        if action == "verify":
            form.fields["reason"].required = False
        if action not in ("verify", "return") or not form.is_valid():
            if action not in ("verify", "return"):
                form.add_error(None, _("Choose verify or return."))
            return self._render(request, row, form, status=400)
        try:
            if action == "verify":
                services_figures.tier_figures_verify_one(actor=request.user, figures=row,
                                                         field=form.cleaned_data["field"])
            else:
                services_figures.tier_figures_return(actor=request.user, figures=row, field=form.cleaned_data["field"],
                                                     reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
            return self._render(request, row, form, status=400)
        messages.success(request, _("Figure verified.") if action == "verify" else _("Figure returned."))
        return redirect("cultivation:figures_detail", pk=row.pk)
