"""The variable registry: every figure a rule may read, where it comes from, and how to load it for the whole
registry at once (one query per source, aligned on enterprise ids) or for one firm.

Nothing is collected twice (一数一源): figures come from the enterprises app (registry fields, yearly figures,
recognitions), the projects app, and fact lists departments load into this app (小微企业名录, negative lists,
factory levels while the factories app publishes none, state-owned leases). A figure that is absent is UNKNOWN
(NaN / None), never zero.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class Variable:
    name: str
    label: Any
    kind: str  # number | bool | code | set
    group: str  # enterprise | figures | tiers | facts | projects
    source: Any
    unit: str = ""
    yearly: bool = False
    choices: tuple[tuple[str, Any], ...] = ()

    def display(self, value) -> str:
        if value is None:
            return "—"
        if self.kind == "bool":
            return str(_("yes") if value else _("no"))
        if self.kind == "set":
            names = dict(self.choices)
            return "、".join(str(names.get(v, v)) for v in sorted(value)) or "—"
        if self.kind == "code":
            return str(dict(self.choices).get(value, value))
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    def yes_word(self) -> str:
        return str(_("yes"))


def _tier_choices():
    from industry_brain.enterprises.choices import Tier

    return tuple((t.value, t.label) for t in Tier)


FACTORY_LEVELS = (("digital_workshop", _("Digital workshop")), ("smart_factory", _("Smart factory")),
                  ("future_factory", _("Future factory")))
REGISTRY_SOURCE = _("enterprise registry (market regulation)")
STATS_SOURCE = _("yearly figures (statistics and tax)")

_VARS = [
    Variable("district", _("district"), "code", "enterprise", REGISTRY_SOURCE),
    Variable("industry", _("industry division (GB/T 4754)"), "code", "enterprise", REGISTRY_SOURCE),
    Variable("industry_section", _("industry section (GB/T 4754)"), "code", "enterprise", REGISTRY_SOURCE),
    Variable("is_above_scale", _("above designated size (规上)"), "bool", "enterprise", _("statistics bureau")),
    Variable("is_listed", _("listed company"), "bool", "enterprise", REGISTRY_SOURCE),
    Variable("firm_age", _("years since registration"), "number", "enterprise", REGISTRY_SOURCE, _("years")),
    Variable("revenue", _("revenue"), "number", "figures", STATS_SOURCE, _("10k yuan"), True),
    Variable("main_revenue", _("main-business revenue"), "number", "figures", STATS_SOURCE, _("10k yuan"), True),
    Variable("rd_expense", _("R&D expense"), "number", "figures", STATS_SOURCE, _("10k yuan"), True),
    Variable("rd_intensity", _("R&D expense / revenue"), "number", "figures", STATS_SOURCE, "%", True),
    Variable("employees", _("employees"), "number", "figures", STATS_SOURCE, _("persons"), True),
    Variable("rd_staff", _("R&D staff"), "number", "figures", STATS_SOURCE, _("persons"), True),
    Variable("rd_staff_share", _("R&D staff / employees"), "number", "figures", STATS_SOURCE, "%", True),
    Variable("invention_patents", _("invention patents"), "number", "figures", _("intellectual property office"),
             "", True),
    Variable("net_profit", _("net profit"), "number", "figures", STATS_SOURCE, _("10k yuan"), True),
    Variable("export_revenue", _("export revenue"), "number", "figures", STATS_SOURCE, _("10k yuan"), True),
    Variable("revenue_growth", _("revenue growth on the year before"), "number", "figures", STATS_SOURCE, "%",
             True),
    Variable("tiers", _("tier recognitions held"), "set", "tiers", _("tier recognitions (economy and information)"),
             choices=()),
    Variable("factory_level", _("future-factory level"), "code", "facts", _("factory recognitions"),
             choices=FACTORY_LEVELS),
    Variable("is_small_micro", _("on the small and micro enterprise directory"), "bool", "facts",
             _("market regulation directory")),
    Variable("dishonest", _("on the list of dishonest judgement debtors"), "bool", "facts", _("courts")),
    Variable("abnormal_operation", _("on the list of abnormal operations"), "bool", "facts", _("market regulation")),
    Variable("major_incident", _("major safety, quality or environmental incident in the last year"), "bool", "facts",
             _("emergency management, ecology and environment")),
    Variable("state_lease_tenant", _("tenant of state-owned premises"), "bool", "facts", _("state assets")),
    Variable("monthly_rent", _("monthly rent of state-owned premises"), "number", "facts", _("state assets"),
             _("10k yuan")),
    Variable("project_investment", _("investment of its industrial projects"), "number", "projects",
             _("investment project platform"), _("10k yuan")),
]
VARIABLES: dict[str, Variable] = {v.name: v for v in _VARS}
# Fact lists: membership is all a list says; a list not loaded leaves the variable unknown.
LIST_FACTS = {"is_small_micro", "dishonest", "abnormal_operation", "major_incident", "state_lease_tenant"}
VALUE_FACTS = {"monthly_rent", "factory_level"}


def _fix_tier_choices():
    # Tier labels come from the enterprises app; bound lazily to keep import order free.
    object.__setattr__(VARIABLES["tiers"], "choices", _tier_choices())


_fix_tier_choices()


# --- loading ------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Columns:
    """Registry columns aligned on `ids` (sorted enterprise ids), with the year each yearly figure is of."""

    ids: np.ndarray
    cols: dict[str, np.ndarray]
    years: dict[str, int | None]

    @property
    def n(self) -> int:
        return len(self.ids)

    def values_at(self, i: int, names) -> dict:
        out = {}
        for name in names:
            v = self.cols[name][i]
            if isinstance(v, float | np.floating):
                v = None if np.isnan(v) else float(v)
            elif isinstance(v, np.bool_):
                v = bool(v)
            out[name] = v
        return out

    def inputs_at(self, i: int, names) -> dict:
        """The snapshot kept with an eligibility: `{var: [value, year, source]}`."""
        values = self.values_at(i, names)
        return {n: [sorted(v) if isinstance(v, frozenset) else v, self.years.get(n), str(VARIABLES[n].source)]
                for n, v in values.items()}


def _align(ids: np.ndarray, keys, values, dtype=float, fill=np.nan) -> np.ndarray:
    out = np.full(len(ids), fill, dtype=dtype)
    if len(keys):
        keys = np.asarray(keys)
        pos = np.searchsorted(ids, keys)
        ok = (pos < len(ids))
        ok[ok] = ids[pos[ok]] == keys[ok]
        vals = np.asarray(values, dtype=dtype)
        out[pos[ok]] = vals[ok]
    return out


def load_columns(names, *, as_of: dt.date, fiscal_year: int, enterprise_ids=None) -> Columns:
    """Load the named variables for all enterprises (or the given ids): one query per source."""
    from industry_brain.enterprises.models import Enterprise, YearlyFigures

    names = list(dict.fromkeys(names))
    groups = {VARIABLES[n].group for n in names}
    base = Enterprise.objects.all()
    if enterprise_ids is not None:
        base = base.filter(pk__in=list(enterprise_ids))
    cols: dict[str, np.ndarray] = {}
    years: dict[str, int | None] = {}
    rows = list(base.order_by("pk").values_list("pk", "district_id", "industry_id", "industry__section_id",
                                                 "is_above_scale", "is_listed", "founded_on"))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    n = len(ids)
    if "enterprise" in groups:
        cols["district"] = np.array([r[1] for r in rows], dtype=object)
        cols["industry"] = np.array([r[2] for r in rows], dtype=object)
        cols["industry_section"] = np.array([r[3] for r in rows], dtype=object)
        cols["is_above_scale"] = np.array([1.0 if r[4] else 0.0 for r in rows])
        cols["is_listed"] = np.array([1.0 if r[5] else 0.0 for r in rows])
        cols["firm_age"] = np.array([((as_of - r[6]).days // 365) if r[6] else np.nan for r in rows], dtype=float)
    if "figures" in groups:
        fields = ["revenue", "main_revenue", "rd_expense", "employees", "rd_staff", "invention_patents", "net_profit",
                  "export_revenue"]
        wanted_years = [fiscal_year, fiscal_year - 1] if "revenue_growth" in names else [fiscal_year]
        figs = YearlyFigures.objects.filter(year__in=wanted_years)
        if enterprise_ids is not None:
            figs = figs.filter(enterprise_id__in=list(enterprise_ids))
        data = list(figs.values_list("enterprise_id", "year", *fields))
        this = [r for r in data if r[1] == fiscal_year]
        keys = [r[0] for r in this]
        for k, f in enumerate(fields):
            cols[f] = _align(ids, keys, [float(r[2 + k]) for r in this])
        with np.errstate(divide="ignore", invalid="ignore"):
            cols["rd_intensity"] = np.where(cols["revenue"] > 0, cols["rd_expense"] / cols["revenue"] * 100, np.nan)
            cols["rd_staff_share"] = np.where(cols["employees"] > 0, cols["rd_staff"] / cols["employees"] * 100,
                                              np.nan)
            if "revenue_growth" in names:
                prev = [r for r in data if r[1] == fiscal_year - 1]
                before = _align(ids, [r[0] for r in prev], [float(r[2]) for r in prev])
                cols["revenue_growth"] = np.where(before > 0, (cols["revenue"] / before - 1) * 100, np.nan)
        for f in [*fields, "rd_intensity", "rd_staff_share", "revenue_growth"]:
            years[f] = fiscal_year
    if "tiers" in groups:
        held: dict[int, set] = {}
        for pk, tier in _current_tiers(as_of, enterprise_ids):
            held.setdefault(pk, set()).add(tier)
        empty = frozenset()
        cols["tiers"] = np.array([frozenset(held[i]) if i in held else empty for i in ids.tolist()], dtype=object)
        years["tiers"] = None
    if "facts" in groups:
        from .models import EnterpriseFact, FactList

        lists = {fl.variable: fl for fl in FactList.objects.filter(variable__in=[x for x in names if x in
                                                                                  LIST_FACTS | VALUE_FACTS])}
        for name in names:
            if VARIABLES[name].group != "facts":
                continue
            if name == "factory_level" and name not in lists:
                levels = _factory_levels(enterprise_ids)
                if levels is not None:
                    cols[name] = _align(ids, [k for k, _v in levels], [v for _k, v in levels], dtype=object,
                                        fill=None)
                    continue
            fl = lists.get(name)
            if fl is None:
                cols[name] = np.full(n, np.nan) if VARIABLES[name].kind != "code" else np.full(n, None, dtype=object)
                continue
            entries = EnterpriseFact.objects.filter(fact_list=fl)
            if enterprise_ids is not None:
                entries = entries.filter(enterprise_id__in=list(enterprise_ids))
            pairs = list(entries.values_list("enterprise_id", "value"))
            keys = [p[0] for p in pairs]
            if name in LIST_FACTS:
                cols[name] = _align(ids, keys, [1.0] * len(keys), fill=0.0)
            elif VARIABLES[name].kind == "number":
                cols[name] = _align(ids, keys, [float(p[1] or "nan") for p in pairs])
            else:  # a loaded list of levels: a firm not on it has none ("" is known, unlike None)
                cols[name] = _align(ids, keys, [p[1] for p in pairs], dtype=object, fill="")
            years[name] = None
    if "projects" in groups:
        from django.db.models import Sum

        from industry_brain.projects.models import Project

        qs = Project.objects.filter(enterprise__isnull=False)
        if enterprise_ids is not None:
            qs = qs.filter(enterprise_id__in=list(enterprise_ids))
        sums = list(qs.values("enterprise_id").annotate(s=Sum("total_investment")).values_list("enterprise_id", "s")
                    .order_by("enterprise_id"))
        cols["project_investment"] = _align(ids, [s[0] for s in sums], [float(s[1] or 0) for s in sums], fill=0.0)
    return Columns(ids=ids, cols=cols, years=years)


def _current_tiers(as_of: dt.date, enterprise_ids=None):
    """(enterprise id, tier) pairs held on `as_of`: from the cultivation app when it publishes them, otherwise the
    registry's recognitions still valid on that day."""
    try:
        from industry_brain.cultivation.selectors import current_tiers  # type: ignore[attr-defined]
    except ImportError:
        current_tiers = None
    if current_tiers is not None:
        try:
            return list(current_tiers(as_of=as_of, enterprise_ids=enterprise_ids))
        except TypeError:
            pass
    from django.db.models import Q

    from industry_brain.enterprises.models import Recognition

    qs = Recognition.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of), year__lte=as_of.year)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    return list(qs.values_list("enterprise_id", "tier"))


def _factory_levels(enterprise_ids=None):
    """(enterprise id, highest level) from the factories app when it publishes them; None otherwise."""
    try:
        from industry_brain.factories.selectors import factory_levels  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return list(factory_levels(enterprise_ids=enterprise_ids))
    except TypeError:
        return None
