"""Base page views: restriction, filtering, sorting, pagination and the HTMX fragment rendering."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from . import registry
from .changelog import history_for
from .excel import workbook_response
from .forms import ImportUploadForm
from .pagination import CappedCountPaginator
from .permissions import can


class ObjectListView(LoginRequiredMixin, View):
    """A list page: `queryset`, `filterset_class`, `table_class`, `template_name`.

    HTMX requests (filter changes, sorting, paging) get only the results fragment.
    """

    queryset = None
    filterset_class = None
    table_class = None
    template_name = "core/object_list.html"
    fragment_template = "core/_results.html"
    paginate_by = 50
    title = ""
    extra_actions: list[tuple[str, str]] = []

    def get_queryset(self, request):
        return self.queryset.all().restrict(request.user, "view")

    def get_extra_context(self, request) -> dict:
        return {}

    def ordering(self, request) -> list[str]:
        """The requested sort column, ties broken by id in the same direction, so that one (column, id) index
        serves both directions of a sort, for the first page and for deep ones."""
        order = self.table_class.ordering_for(request.GET.get("sort"))
        if order.lstrip("-") in ("pk", "id"):
            return [order]
        return [order, "-pk" if order.startswith("-") else "pk"]

    def get(self, request, *args, **kwargs):
        qs = self.get_queryset(request)
        filterset = self.filterset_class(request.GET or None, queryset=qs, request=request) if self.filterset_class \
            else None
        if filterset is not None:
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
            if filterset.is_bound and not filterset.is_valid():
                qs = qs.none()
        if filterset is not None:
            friendly_filter_form(filterset.form)
        qs = qs.order_by(*self.ordering(request))
        try:
            per_page = min(int(request.GET.get("per_page", self.paginate_by)), 200)
        except ValueError:
            per_page = self.paginate_by
        paginator = CappedCountPaginator(qs, per_page)
        page = paginator.get_page(request.GET.get("page"))
        table = self.table_class(page.object_list, request=request)
        ctx = {
            "title": self.title,
            "filterset": filterset,
            "filter_form": filterset.form if filterset is not None else None,
            "table": table,
            "page_obj": page,
            "paginator": paginator,
            "query_without_page": _query_without(request, "page"),
            # The filters on screen: export, map and every derived link carry them (links marked
            # `data-keep-query` are kept in step by app.js after each HTMX swap as well).
            "current_query": current_query(request),
            "active_filters": len(filter_summary(filterset)),
            "extra_actions": self.extra_actions,
        }
        ctx.update(self.get_extra_context(request))
        if request.htmx and request.htmx.target == "results":
            return render(request, self.fragment_template, ctx)
        return render(request, self.template_name, ctx)


def _query_without(request, key: str) -> str:
    params = request.GET.copy()
    params.pop(key, None)
    return params.urlencode()


def friendly_filter_form(form) -> None:
    """Filters read as people expect: an empty choice is 全部 (never `---------` or 未知), yes/no filters offer
    全部/是/否, and multiple choices are checkbox lists (shown as a dropdown by the list template).

    Every list page renders its filter form, so the form is also made cheap to render: model choices are read
    by one plain query each (`fetch_choices_at_once`) and the plain widgets write their HTML in Python
    (`fast_widget`, the same markup as Django's templates)."""
    from django import forms as djforms

    from .autocomplete import FILTER_PICKERS, Autocomplete
    from .filters import fetch_choices_at_once
    from .widgets import fast_widget

    for name, field in form.fields.items():
        widget = field.widget
        if name in FILTER_PICKERS and isinstance(field, djforms.DecimalField | djforms.IntegerField
                                                  | djforms.ModelChoiceField):
            # An id filter over a large table (enterprise, project, cadre …): a picker by name or code.
            field.widget = Autocomplete(FILTER_PICKERS[name])
        elif isinstance(widget, djforms.NullBooleanSelect):
            widget.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]
        elif isinstance(field, djforms.ModelChoiceField) and not isinstance(field, djforms.ModelMultipleChoiceField):
            field.empty_label = _("All")  # read lazily by the field's choice iterator
        elif isinstance(field, djforms.MultipleChoiceField | djforms.ModelMultipleChoiceField):
            if isinstance(widget, djforms.SelectMultiple) and not isinstance(widget, djforms.CheckboxSelectMultiple):
                new = djforms.CheckboxSelectMultiple(attrs=widget.attrs)
                new.choices = widget.choices
                field.widget = new
        elif hasattr(field, "empty_label") and isinstance(field, djforms.ChoiceField):
            # django-filter's choice fields: a static list, rewritten with 全部 as its empty choice.
            field.empty_label = _("All")
            field.widget.choices = [("", _("All")), *[c for c in field.widget.choices if c[0] not in ("", None)]]
        elif isinstance(field, djforms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] in ("", None):
                field.choices = [("", _("All")), *choices[1:]]
        fetch_choices_at_once(field)
        fast_widget(field.widget)


def current_query(request) -> str:
    """The list's filters as a query string, without the page and sort (derived views start at their top)."""
    params = request.GET.copy()
    for key in ("page", "sort", "per_page"):
        params.pop(key, None)
    return "&".join(f"{k}={quote(v)}" for k, values in params.lists() for v in values if v != "")


def filter_summary(filterset) -> list[str]:
    """The chosen filters as readable words (`智能物联`, `专精特新中小企业`, `规上：是`), for file names and titles."""
    if filterset is None or not filterset.is_bound or not filterset.is_valid():
        return []
    from .autocomplete import FILTER_PICKERS

    words = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()) or (hasattr(value, "exists") and not value.exists()):
            continue
        field = filterset.form.fields[name]
        if isinstance(value, bool):
            words.append(f"{field.label}：{_('Yes') if value else _('No')}")
            continue
        if name in FILTER_PICKERS and not hasattr(value, "pk"):
            # A picker's id: the chosen row's name, looked up within the reader's scope.
            words.append(_picked_label(FILTER_PICKERS[name], filterset.request, value))
            continue
        values = list(value) if isinstance(value, list | tuple) or hasattr(value, "exists") else [value]
        choices = dict(getattr(field, "choices", None) or []) if not hasattr(field, "queryset") else {}
        for v in values:
            words.append(str(choices.get(v, choices.get(str(v), v))))
    return words


def _picked_label(source_name: str, request, value) -> str:
    from django.http import QueryDict

    from .autocomplete import get_source, lookup

    source = get_source(source_name)
    user = getattr(request, "user", None)
    if source is None or user is None:
        return str(value)
    found = lookup(source, user, QueryDict(f"id={int(value)}"))["results"]
    return found[0]["label"] if found else str(value)


def export_filename(base: str, filterset, extension: str = "xlsx") -> str:
    """`企业名录_智能物联_专精特新中小企业_2026-12-03.xlsx`: what the file holds and on which day (Asia/Shanghai)."""
    parts = [base, *filter_summary(filterset), timezone.localdate().isoformat()]
    name = "_".join(re.sub(r'[\\/:*?"<>|\s]+', "", str(p))[:40] for p in parts if str(p).strip())
    return f"{name}.{extension}"


class ObjectExportView(LoginRequiredMixin, View):
    """The Excel export of a list: the same restriction and FilterSet as the page, so the workbook holds
    exactly the rows on screen. Subclasses give `filterset_class`, `filename_base`, `headers` and `row(obj)`."""

    queryset = None
    filterset_class = None
    filename_base = "export"
    headers: list = []
    limit = 100_000
    order_by: tuple[str, ...] = ("pk",)

    def get_queryset(self, request):
        return self.queryset.all().restrict(request.user, "view")

    def row(self, obj) -> list:
        raise NotImplementedError

    def filtered(self, request):
        qs = self.get_queryset(request)
        filterset = self.filterset_class(request.GET or None, queryset=qs, request=request)
        if filterset.is_bound:
            qs = filterset.qs if filterset.is_valid() else qs.none()
        return filterset, qs

    def get(self, request):
        filterset, qs = self.filtered(request)
        rows = (self.row(obj) for obj in qs.order_by(*self.order_by)[:self.limit].iterator(chunk_size=2000))
        return workbook_response(export_filename(str(self.filename_base), filterset), [str(h) for h in self.headers],
                                 rows)


class ObjectDetailView(LoginRequiredMixin, View):
    """A detail page of one object in the user's scope; anything else is 404."""

    queryset = None
    template_name = ""
    history = True

    def get_object(self, request, pk):
        return self.queryset.all().get_in_scope(request.user, pk)

    def get_extra_context(self, request, obj) -> dict:
        return {}

    def get(self, request, pk, *args, **kwargs):
        obj = self.get_object(request, pk)
        label = obj._meta.label_lower
        panels = [p for p in (fn(request, obj) for fn in registry.detail_panels.get(label, [])) if p]
        ctx = {"object": obj, "panels": panels,
               "history": history_for(obj, 30) if self.history else None}
        ctx.update(self.get_extra_context(request, obj))
        return render(request, self.template_name, ctx)


# The kinds of to-do items, in the order the home page lists them. Panels tag an item with `kind` (one of these),
# `due` (a date), `action` (the one button's label) and optionally `collapse` (items with the same key are shown
# once, with a count: one line for forty warnings of the same rule).
TODO_KINDS = [
    ("overdue", gettext_lazy("Overdue")),
    ("accept", gettext_lazy("To accept")),
    ("answer", gettext_lazy("To answer")),
    ("review", gettext_lazy("To review")),
    ("alert", gettext_lazy("Alerts and reminders")),
]


TODO_KINDS_SET = frozenset(k for k, _label in TODO_KINDS)


def todo_groups(items: list[dict]) -> list[dict]:
    """To-do items grouped by kind, repeated ones collapsed with a count, each group by due date.

    Items with the same `collapse` key (similar alerts on different objects) become one line with their number;
    the same line listed twice under one kind (a department's demand both new and due soon: same link, same text)
    is one to-do, not "×2"."""
    groups = []
    for kind, title in TODO_KINDS:
        rows: dict = {}
        counted: set = set()  # the (link, text) of the lines already counted under this kind
        for it in items:
            if it.get("kind") != kind:
                continue
            key = it.get("collapse") or it["url"]
            if key not in rows:
                rows[key] = {**it, "count": 0}
            if (it["url"], it["text"]) not in counted:
                counted.add((it["url"], it["text"]))
                rows[key]["count"] += 1
            due = it.get("due")
            if due and (rows[key].get("due") is None or due < rows[key]["due"]):
                rows[key]["due"] = due
        if rows:
            ordered = sorted(rows.values(), key=lambda r: (r.get("due") is None, r.get("due") or dt.date.max))
            groups.append({"kind": kind, "title": title, "items": ordered, "total": sum(r["count"] for r in ordered)})
    return groups


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role starts at its work: one to-do list (grouped by kind, each item with its due date and one action),
    the notifications apart, then the panels of key counts."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        panels, todo, notices = [], [], []
        for fn in registry.home_panels:
            panel = fn(self.request)
            if panel:
                # "items" must exist: a template lookup of a missing key would find dict.items instead.
                panel.setdefault("items", [])
                panel.setdefault("stats", [])
                todo += [it for it in panel["items"] if it.get("kind") in TODO_KINDS_SET]
                panel["items"] = [it for it in panel["items"] if it.get("kind") not in TODO_KINDS_SET]
                if panel.get("kind") == "notifications":
                    notices.append(panel)
                elif panel["items"] or panel["stats"]:
                    panels.append(panel)
        panels.sort(key=lambda p: p.get("order", 100))
        ctx["todo"] = todo_groups(todo)
        ctx["todo_total"] = sum(g["total"] for g in ctx["todo"])
        ctx["notices"] = notices
        ctx["panels"] = panels
        ctx["today"] = timezone.localdate()
        return ctx


def district_boundaries_view(request):
    """The district boundary FeatureCollection for maps (cached by browsers for a day)."""
    from .geo import district_boundaries

    response = JsonResponse(district_boundaries(), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = "private, max-age=86400"
    return response


class ExcelImportView(LoginRequiredMixin, View):
    """The import page of one ExcelImporter: template download, upload, every wrong row listed, all or nothing.

    Subclasses set `importer_class`, `template_filename`, `success_url_name`, `title`, `heading`, `instructions`
    and `import_model`: who may open the page is `can(user, "import", import_model)`, the right the app declares
    for that model (or a subclass overrides `allowed()`). Each row is then checked by the importer's services."""

    importer_class = None
    import_model = None
    template_name = "core/excel_import.html"
    template_filename = "template.xlsx"
    success_url_name = ""
    title = heading = instructions = ""

    def allowed(self, user) -> bool:
        return self.import_model is not None and can(user, "import", self.import_model)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def success_message(self, result) -> str:
        return _("Import finished: %(c)s created, %(u)s updated.") % {"c": result.created, "u": result.updated}

    def render_page(self, request, form, result=None, status=200):
        return render(request, self.template_name, {"form": form, "result": result, "title": self.title,
                                                    "heading": self.heading, "instructions": self.instructions},
                      status=status)

    def get(self, request):
        if request.GET.get("template"):
            return self.importer_class(actor=request.user).template_response(self.template_filename)
        return self.render_page(request, ImportUploadForm())

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            result = self.importer_class(actor=request.user).run(form.cleaned_data["file"])
            if result.ok:
                messages.success(request, self.success_message(result))
                return redirect(reverse(self.success_url_name))
        return self.render_page(request, form, result, status=400)


# ------------------------------------------------------------------------------------------------ error pages
# The platform's own pages (templates 404.html, 403.html, 500.html) for people, `{"detail": ...}` for the API.

def _is_api(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def _error(request, status: int, template: str, detail: str):
    if _is_api(request):
        return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, template, {"status": status}, status=status)


def page_not_found(request, exception=None):
    return _error(request, 404, "404.html", _("Not found."))


def permission_denied(request, exception=None):
    return _error(request, 403, "403.html", _("You do not have permission to perform this action."))


def server_error(request):
    """No template context beyond the request: whatever failed must not fail again while the page is drawn."""
    if _is_api(request):
        return JsonResponse({"detail": _("Server error: the problem has been recorded.")}, status=500,
                            json_dumps_params={"ensure_ascii": False})
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))
