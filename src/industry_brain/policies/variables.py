"""The variable registry: every figure a rule may read, where it comes from, and how to load it for the whole
registry at once (one query per source, aligned on enterprise ids) or for one firm.

Nothing is collected twice (一数一源): figures come from the enterprises app (registry fields, yearly figures),
tier recognitions from the cultivation app (`cultivation.selectors.current_tiers`), factory levels from the
factories app (`factories.selectors.factory_levels`), the projects app, and fact lists departments load into this
app (小微企业名录, negative lists, state-owned leases). A figure that is absent is UNKNOWN (NaN / None), never zero.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The registry's texts (labels, sources, units, choice names) translated once per language: they are constants,
# and one firm's page shows them some hundreds of times (a gettext call each otherwise).
_TEXTS: dict[tuple, str] = {}
YES, NO = _("yes"), _("no")


def _text(key: tuple, lazy) -> str:
    key = (*key, get_language())
    hit = _TEXTS.get(key)
    if hit is None:
        hit = _TEXTS[key] = str(lazy)
    return hit


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

    def text(self, attr: str) -> str:
        """`label`, `source` or `unit` in the active language."""
        return _text((self.name, attr), getattr(self, attr))

    def choice_text(self, value) -> str:
        for code, label in self.choices:
            if code == value:
                return _text((self.name, "choice", code), label)
        return str(value)

    def display(self, value) -> str:
        if value is None:
            return "—"
        if self.kind == "bool":
            return _text(("", "yes"), YES) if value else _text(("", "no"), NO)
        if self.kind == "set":
            return "、".join(self.choice_text(v) for v in sorted(value)) or "—"
        if self.kind == "code":
            return self.choice_text(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    def yes_word(self) -> str:
        return _text(("", "yes"), YES)


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
VALUE_FACTS = {"monthly_rent"}


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
            if VARIABLES[name].kind == "set" and isinstance(v, int | np.integer):
                v = tiers_from_mask(v)
            elif isinstance(v, float | np.floating):
                v = None if np.isnan(v) else float(v)
            elif isinstance(v, np.bool_):
                v = bool(v)
            out[name] = v
        return out

    def python_values(self, name: str, idx: np.ndarray) -> list:
        """The values of one variable for the rows `idx`, as `values_at` gives them (None for missing, a sorted
        list for a set), converted a column at a time."""
        col = self.cols[name][idx]
        if VARIABLES[name].kind == "set" and col.dtype.kind in "iu":
            sets = {m: sorted(tiers_from_mask(m)) for m in np.unique(col).tolist()}  # a few distinct masks
            return [sets[m] for m in col.tolist()]
        if col.dtype.kind == "f":
            return [None if v != v else v for v in col.tolist()]  # NaN is the only value unequal to itself
        if col.dtype.kind == "b":
            return col.tolist()
        return [sorted(v) if isinstance(v, frozenset) else v for v in col.tolist()]

    def inputs_rows(self, idx: np.ndarray, names) -> list[dict]:
        """The snapshots (`inputs_at`) of the rows `idx`, built a column at a time (labels translated once)."""
        meta = [(n, self.years.get(n), VARIABLES[n].text("source")) for n in names]
        values = [self.python_values(n, idx) for n, _y, _s in meta]
        return [{n: [values[k][r], y, src] for k, (n, y, src) in enumerate(meta)} for r in range(len(idx))]

    def inputs_at(self, i: int, names) -> dict:
        """The snapshot kept with an eligibility: `{var: [value, year, source]}`."""
        values = self.values_at(i, names)
        return {n: [sorted(v) if isinstance(v, frozenset) else v, self.years.get(n), VARIABLES[n].text("source")]
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


# Firms per call of another app's selector (`current_tiers`, `factory_levels`): one query each, within SQLite's
# bound on query parameters.
SELECTOR_CHUNK = 30_000
ASK_DIRECTLY = 1_000  # up to this many firms, the selectors are given the ids without looking for records first
FIGURE_FIELDS = ["revenue", "main_revenue", "rd_expense", "employees", "rd_staff", "invention_patents", "net_profit",
                 "export_revenue"]
# Derived figures and the stored ones they are computed from.
DERIVED = {"rd_intensity": ("rd_expense", "revenue"), "rd_staff_share": ("rd_staff", "employees"),
           "revenue_growth": ("revenue",)}


def tier_bit(tier: str) -> int:
    """The bit of a tier in the `tiers` column (an integer mask per firm; 0 when the tier is not one we know)."""
    order = [c[0] for c in VARIABLES["tiers"].choices]
    return 1 << order.index(tier) if tier in order else 0


def tiers_from_mask(mask: int) -> frozenset:
    return frozenset(c[0] for k, c in enumerate(VARIABLES["tiers"].choices) if int(mask) >> k & 1)


def _float_rows(qs, fields) -> np.ndarray:
    """The rows of `qs` as one float matrix: the database casts the decimals to floats (no Decimal per value) and
    numpy turns the tuples into a matrix in one call (a NULL becomes NaN)."""
    from django.db import connection
    from django.db.models import FloatField
    from django.db.models.functions import Cast

    casts = {f"_f{k}": Cast(f, FloatField()) for k, f in enumerate(fields)}
    sql, params = qs.annotate(**casts).values_list(*casts).query.sql_with_params()
    with connection.cursor() as cursor:  # the driver's floats as they come: no per-value converter of the ORM
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return np.empty((0, len(fields)))
    return np.array(rows, dtype=float)


def load_columns(names, *, as_of: dt.date, fiscal_year: int, enterprise_ids=None) -> Columns:
    """Load the named variables for all enterprises (or the given ids) as numpy columns: one query per source,
    only the fields the rules read, no Python object per firm beyond the rows the database driver returns."""
    from industry_brain.enterprises.models import Enterprise

    names = list(dict.fromkeys(names))
    groups = {VARIABLES[n].group for n in names}
    base = Enterprise.objects.all()
    if enterprise_ids is not None:
        base = base.filter(pk__in=list(enterprise_ids))
    cols: dict[str, np.ndarray] = {}
    years: dict[str, int | None] = {}
    if "enterprise" in groups:
        ids = _enterprise_columns(base, names, as_of, cols)
    else:
        ids = np.array(base.order_by("pk").values_list("pk", flat=True), dtype=np.int64)
    n = len(ids)
    if "figures" in groups:
        _figure_columns(ids, names, fiscal_year, enterprise_ids, cols, years)
    if "tiers" in groups:
        cols["tiers"] = _tier_mask(ids, as_of)
        years["tiers"] = None
    if "facts" in groups:
        _fact_columns(ids, names, enterprise_ids, cols, years)
    if "projects" in groups:
        from django.db.models import FloatField, Sum
        from django.db.models.functions import Cast

        from industry_brain.projects.models import Project

        qs = Project.objects.filter(enterprise__isnull=False)
        if enterprise_ids is not None:
            qs = qs.filter(enterprise_id__in=list(enterprise_ids))
        sums = list(qs.values("enterprise_id").annotate(s=Cast(Sum("total_investment"), FloatField()))
                    .values_list("enterprise_id", "s").order_by("enterprise_id"))
        cols["project_investment"] = _align(ids, [s[0] for s in sums], [s[1] or 0.0 for s in sums], fill=0.0)
    assert all(len(c) == n for c in cols.values())
    return Columns(ids=ids, cols=cols, years=years)


def _enterprise_columns(base, names, as_of: dt.date, cols: dict) -> np.ndarray:
    fields = ["pk", "district_id", "industry_id", "is_above_scale", "is_listed", "founded_on"]
    if "industry_section" in names:
        fields.append("industry__section_id")  # the division's section, joined in the same query
    rows = list(base.order_by("pk").values_list(*fields))
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    cols["district"] = np.array([r[1] for r in rows], dtype=object)
    cols["industry"] = np.array([r[2] for r in rows], dtype=object)
    if "industry_section" in names:
        cols["industry_section"] = np.array([r[6] for r in rows], dtype=object)
    cols["is_above_scale"] = np.fromiter((r[3] for r in rows), dtype=bool, count=len(rows)).astype(float)
    cols["is_listed"] = np.fromiter((r[4] for r in rows), dtype=bool, count=len(rows)).astype(float)
    if "firm_age" in names:
        founded = np.array([r[5] for r in rows], dtype="datetime64[D]")
        days = (np.datetime64(as_of, "D") - founded).astype("timedelta64[D]")
        age = np.floor_divide(days.astype(np.int64), 365).astype(float)
        age[np.isnat(founded)] = np.nan
        cols["firm_age"] = age
    return ids


def _figure_columns(ids, names, fiscal_year: int, enterprise_ids, cols: dict, years: dict) -> None:
    from industry_brain.enterprises.models import YearlyFigures

    wanted = [n for n in names if VARIABLES[n].group == "figures"]
    fields = list(dict.fromkeys(f for n in wanted for f in DERIVED.get(n, (n,))))
    figs = YearlyFigures.objects.all()
    if enterprise_ids is not None:
        figs = figs.filter(enterprise_id__in=list(enterprise_ids))
    # The fiscal year and, for growth, the year before: one query, split by year.
    wanted_years = [fiscal_year, fiscal_year - 1] if "revenue_growth" in wanted else [fiscal_year]
    both = _float_rows(figs.filter(year__in=wanted_years).order_by(), ["enterprise_id", "year", *fields])
    this = both[both[:, 1] == fiscal_year]
    keys = this[:, 0].astype(np.int64)
    for k, f in enumerate(fields):
        cols[f] = _align(ids, keys, this[:, 2 + k])
    with np.errstate(divide="ignore", invalid="ignore"):
        if "rd_intensity" in wanted:
            cols["rd_intensity"] = np.where(cols["revenue"] > 0, cols["rd_expense"] / cols["revenue"] * 100, np.nan)
        if "rd_staff_share" in wanted:
            cols["rd_staff_share"] = np.where(cols["employees"] > 0, cols["rd_staff"] / cols["employees"] * 100,
                                              np.nan)
        if "revenue_growth" in wanted:
            prev = both[both[:, 1] == fiscal_year - 1]
            before = _align(ids, prev[:, 0].astype(np.int64), prev[:, 2 + fields.index("revenue")])
            cols["revenue_growth"] = np.where(before > 0, (cols["revenue"] / before - 1) * 100, np.nan)
    for f in [*fields, *wanted]:
        years[f] = fiscal_year


def _chunked(ids: np.ndarray):
    for k in range(0, len(ids), SELECTOR_CHUNK):
        yield ids[k:k + SELECTOR_CHUNK].tolist()


def _on_record(ids: np.ndarray, key_query) -> np.ndarray:
    """The ids among `ids` that appear in `key_query` (enterprise ids with a record). The selectors of the other
    apps answer for the firms they are given, at a cost per firm; a firm with no record at all cannot hold
    anything, so only the few on record are asked (about 13,000 of 360,000 at province scale). A few firms (one
    firm's page) are asked directly."""
    if len(ids) <= ASK_DIRECTLY:
        return ids
    keys = np.fromiter(key_query.order_by().distinct(), dtype=np.int64)
    return ids[np.isin(ids, keys)]


def _tier_mask(ids: np.ndarray, as_of: dt.date) -> np.ndarray:
    """Tier recognitions held on `as_of`, as the cultivation app publishes them (`current_tiers`): one bit per
    tier in an integer per firm (a firm with none holds 0, which is known, not missing). Only firms with a
    recognition on record in the registry are asked."""
    from industry_brain.cultivation.selectors import current_tiers
    from industry_brain.enterprises.models import Recognition

    keys, masks = [], []
    for chunk in _chunked(_on_record(ids, Recognition.objects.values_list("enterprise_id", flat=True))):
        for pk, held in current_tiers(chunk, on=as_of).items():
            mask = 0
            for r in held:
                mask |= tier_bit(r["tier"])
            keys.append(pk)
            masks.append(mask)
    return _align(ids, keys, masks, dtype=np.int64, fill=0)


def _factory_levels(ids: np.ndarray) -> np.ndarray:
    """The highest recognised factory level of each firm, as the factories app publishes them (`factory_levels`);
    "" for a firm with none (known: the factories app keeps every recognition). Only firms with a factory
    application on record are asked."""
    from industry_brain.factories.models import FactoryApplication
    from industry_brain.factories.selectors import factory_levels

    keys, levels = [], []
    for chunk in _chunked(_on_record(ids, FactoryApplication.objects.values_list("enterprise_id", flat=True))):
        for pk, rows in factory_levels(chunk).items():
            keys.append(pk)
            levels.append(rows[0]["level"])  # highest level first
    return _align(ids, keys, levels, dtype=object, fill="")


def _fact_columns(ids, names, enterprise_ids, cols: dict, years: dict) -> None:
    """The department lists the rules read, in one query: each loaded list with its entries (only the given firms'
    when ids are given), a list with no entry still telling that it is loaded."""
    from django.db.models import FilteredRelation, Q

    from .models import FactList

    n = len(ids)
    listed = [x for x in names if x in LIST_FACTS | VALUE_FACTS]
    entries: dict[str, tuple[list, list]] = {}
    if listed:
        lists = FactList.objects.filter(variable__in=listed)
        if enterprise_ids is not None:
            lists = lists.annotate(entry=FilteredRelation(
                "entries", condition=Q(entries__enterprise_id__in=list(enterprise_ids))))
            rows = lists.values_list("variable", "entry__enterprise_id", "entry__value")
        else:
            rows = lists.values_list("variable", "entries__enterprise_id", "entries__value")
        for variable, pk, value in rows.order_by():
            keys, values = entries.setdefault(variable, ([], []))
            if pk is not None:
                keys.append(pk)
                values.append(value)
    for name in names:
        if VARIABLES[name].group != "facts":
            continue
        if name == "factory_level":
            cols[name] = _factory_levels(ids)
            years[name] = None
            continue
        if name not in entries:  # the list is not loaded: unknown for everyone
            cols[name] = np.full(n, np.nan) if VARIABLES[name].kind != "code" else np.full(n, None, dtype=object)
            continue
        keys, values = entries[name]
        if name in LIST_FACTS:
            cols[name] = _align(ids, keys, [1.0] * len(keys), fill=0.0)
        else:  # a value list (monthly rent)
            cols[name] = _align(ids, keys, [float(v or "nan") for v in values])
        years[name] = None
