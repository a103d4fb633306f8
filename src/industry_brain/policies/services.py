"""Every write of the policies app: the catalogue, set-based evaluation, the 免申即享 steps and the ledger."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import Role
from industry_brain.core import context
from industry_brain.core.events import event_record
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import Event, WorkflowStep
from industry_brain.core.permissions import ensure_can_after_write
from industry_brain.core.workdays import add_working_days

from . import rollup, rules
from .choices import Basis, EntrySource, Mode, Period, Size, Status
from .models import Eligibility, LedgerEntry, Policy, PolicyItem, RuleVersion
from .variables import VARIABLES, load_columns
from .workflows import eligibility_workflow as wf

BATCH = 5_000


# --- catalogue ----------------------------------------------------------------------------------------------


@transaction.atomic
def policy_create(*, actor, data: dict[str, Any]) -> Policy:
    policy = Policy(**data)
    policy.full_clean()
    policy.save()
    ensure_can_after_write(actor, policy)
    event_record(kind="policy.created", message=str(policy), obj=policy, actor=actor)
    return policy


@transaction.atomic
def item_save(*, actor, item: PolicyItem, data: dict[str, Any]) -> PolicyItem:
    """Create or change an item's catalogue fields (its rule is versioned separately)."""
    for k, v in data.items():
        setattr(item, k, v)
    item.full_clean()
    item.save()
    ensure_can_after_write(actor, item, "change")
    return item


def _check_rule(conditions, exclusions, amount, params) -> None:
    errors = rules.validate_rule(conditions=conditions, exclusions=exclusions, amount=amount, params=params)
    if errors:
        raise ValidationError({"conditions": errors})


@transaction.atomic
def version_create(*, actor, item: PolicyItem, effective_from: dt.date, conditions, exclusions=(), amount,
                   params=None, tests=(), period: str = Period.LAST_FISCAL_YEAR, effective_to=None,
                   reference: str = "") -> RuleVersion:
    """A new rule version from a date; the version before it ends the day before. Its stored test cases must
    pass, so a rule that contradicts its own examples is refused."""
    exclusions, params, tests = list(exclusions or []), dict(params or {}), list(tests or [])
    _check_rule(conditions, exclusions, amount, params)
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = RuleVersion(item=item, number=number, effective_from=effective_from, effective_to=effective_to,
                          conditions=conditions, exclusions=exclusions, amount=amount, params=params, tests=tests,
                          period=period, reference=reference)
    failed = [c for c in rules.run_test_cases(version) if not c["ok"]]
    if failed:
        raise ValidationError({"tests": [_("Test case “%(name)s” fails: expected %(e)s, got %(g)s.") % {
            "name": c["name"], "e": c["expected"], "g": c["got"]} for c in failed]})
    version.full_clean()
    version.save()
    item.versions.filter(effective_to__isnull=True, effective_from__lt=effective_from).exclude(pk=version.pk).update(
        effective_to=effective_from - dt.timedelta(days=1))
    ensure_can_after_write(actor, version, "add")
    event_record(kind="policy.rule_versioned", message=f"{item}: v{number}", obj=item, actor=actor,
                 data={"version": number, "from": effective_from.isoformat()})
    return version


# --- evaluation (set-based) ---------------------------------------------------------------------------------


def versions_on(items, day: dt.date) -> dict[int, RuleVersion]:
    """The rule version in force on `day` for each item, in one query."""
    from django.db.models import Q

    chosen: dict[int, RuleVersion] = {}
    for v in (RuleVersion.objects.filter(item__in=[i.pk for i in items], effective_from__lte=day)
              .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day)).order_by("item_id", "effective_from",
                                                                                       "number")):
        chosen[v.item_id] = v  # the latest start wins
    return chosen


def fiscal_year_for(version: RuleVersion, item: PolicyItem, as_of: dt.date) -> int:
    if version.period == Period.LAST_FISCAL_YEAR:
        return item.budget_year - 1
    return as_of.year - 1


def compute_item(item: PolicyItem, version: RuleVersion, columns, as_of: dt.date):
    """Result codes and amounts of one item over loaded columns (no writes)."""
    return rules.evaluate_columns(conditions=version.conditions, exclusions=version.exclusions,
                                  amount=version.amount, params=version.params, cols=columns.cols, n=columns.n,
                                  on=as_of)


def evaluate_items(*, actor, items, as_of: dt.date | None = None, store: bool = True) -> dict[int, dict]:
    """Evaluate items over the whole registry: one load of the columns they read, vectorised rules, then the
    firms found eligible or unknown stored as candidates with their snapshot (inputs, version). Rows already
    published or further keep their own snapshot; only candidates are recomputed. Returns counts per item."""
    as_of = as_of or timezone.localdate()
    items = list(items)
    for item in items:
        if not item.is_owned_by(actor):
            raise PermissionDenied(_("Only the issuer of the policy evaluates its items."))
    plans = []
    by_year: dict[int, list] = {}
    in_force = versions_on(items, as_of)
    for item in items:
        version = in_force.get(item.pk)
        if version is None:
            raise ValidationError({"item": [_("%(item)s has no rule in force on %(day)s.") % {
                "item": item, "day": as_of.isoformat()}]})
        plans.append((item, version))
        by_year.setdefault(fiscal_year_for(version, item, as_of), []).append((item, version))
    counts: dict[int, dict] = {}
    for year, group in by_year.items():
        names = set()
        for _item, version in group:
            names |= set(rules.rule_vars(version.conditions, version.exclusions, version.amount))
        columns = load_columns(sorted(names), as_of=as_of, fiscal_year=year)
        for item, version in group:
            code, money = compute_item(item, version, columns, as_of)
            counts[item.pk] = {"eligible": int((code == rules.TRUE).sum()),
                               "unknown": int((code == rules.UNKNOWN).sum()),
                               "ineligible": int((code == rules.FALSE).sum())}
            if store:
                _store(actor=actor, item=item, version=version, columns=columns, code=code, money=money,
                       as_of=as_of)
                event_record(kind="policy.evaluated", message=f"{item}: {counts[item.pk]}", obj=item, actor=actor,
                             data={**counts[item.pk], "version": version.number, "as_of": as_of.isoformat()})
    if store:
        for group_name in {i.exclusive_group for i in items if i.exclusive_group}:
            resolve_exclusive_group(group_name)
    return counts


@transaction.atomic
def _store(*, actor, item, version, columns, code, money, as_of) -> None:
    # Candidates are replaced set-based: pointers to them are cleared first, then one DELETE (no per-row
    # collection; only candidates, which no payment or ledger row refers to).
    stale = Eligibility.objects.filter(item=item, status=Status.CANDIDATE)
    Eligibility.objects.filter(superseded_by__in=stale.values("pk")).update(superseded_by=None)
    stale._raw_delete(stale.db)
    settled = np.fromiter(Eligibility.objects.filter(item=item).values_list("enterprise_id", flat=True),
                          dtype=np.int64)
    names = rules.rule_vars(version.conditions, version.exclusions, version.amount)
    idx = np.nonzero(code != rules.FALSE)[0]
    if len(settled):
        idx = idx[~np.isin(columns.ids[idx], settled)]
    if not len(idx):
        return
    # Column at a time: the snapshots, the missing figures of unknown standings, the amounts.
    inputs = columns.inputs_rows(idx, names)
    unknown = (code[idx] == rules.UNKNOWN).tolist()
    amounts = [None if a != a else Decimal(str(round(a, 2))) for a in money[idx].tolist()]
    now = timezone.now()
    rows = [{"item_id": item.pk, "enterprise_id": pk, "version_id": version.pk, "result": None if unk else True,
             "amount": amount, "inputs": snap,
             "missing": [n for n in names if snap[n][0] is None] if unk else [], "supplied": {},
             "status": Status.CANDIDATE, "computed_at": now, "as_of": as_of, "bank_name": "", "bank_account": "",
             "reason": "", "created": now, "updated": now}
            for pk, unk, amount, snap in zip(columns.ids[idx].tolist(), unknown, amounts, inputs, strict=True)]
    fast_insert(Eligibility, rows)


def resolve_exclusive_group(group: str) -> int:
    """"Pay the higher one, never both": among an enterprise's eligible standings in one group, a standing
    already beyond the candidate stage wins; otherwise the highest amount. The others become ineligible,
    pointing at the one that wins. Returns how many were superseded."""
    active = [Status.CANDIDATE, Status.NOTIFIED, Status.CONFIRMED, Status.PAYABLE, Status.PAID, Status.HELD]
    rows = list(Eligibility.objects.filter(item__exclusive_group=group, result=True, superseded_by__isnull=True,
                                           status__in=active)
                .values_list("pk", "enterprise_id", "status", "amount").order_by("enterprise_id"))
    by_firm: dict[int, list] = {}
    for pk, firm, status, amount in rows:
        by_firm.setdefault(firm, []).append((pk, status, amount or Decimal(0)))
    losers: dict[int, list[int]] = {}
    for standings in by_firm.values():
        if len(standings) < 2:
            continue
        standings.sort(key=lambda s: (s[1] != Status.CANDIDATE, s[2], -s[0]), reverse=True)
        winner = standings[0][0]
        losers.setdefault(winner, []).extend(s[0] for s in standings[1:] if s[1] == Status.CANDIDATE)
    n = 0
    for winner, pks in losers.items():
        n += Eligibility.objects.filter(pk__in=pks).update(result=False, superseded_by=winner)
    return n


def catalogue_in_force(day: dt.date) -> list[tuple[PolicyItem, RuleVersion]]:
    """The active items with the rule version in force on `day`, in catalogue order, in one query (an item with
    no rule in force that day is left out)."""
    from django.db.models import Q

    chosen: dict[int, RuleVersion] = {}
    for v in (RuleVersion.objects.filter(item__is_active=True, effective_from__lte=day)
              .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day)).select_related("item")
              .defer("tests").order_by("item__policy", "item__code", "item_id", "effective_from", "number")):
        chosen[v.item_id] = v  # the latest start wins; the first row of an item fixed its place
    return [(v.item, v) for v in chosen.values()]


def evaluate_for_enterprise(*, enterprise, items, as_of: dt.date | None = None, supplied: dict | None = None,
                            in_force: dict[int, RuleVersion] | None = None):
    """Live results of items for one firm (the firm's policy page): [(item, version, outcome, inputs)].
    `in_force` (item id → version) spares the query for the versions when the caller holds them."""
    as_of = as_of or timezone.localdate()
    out = []
    by_year: dict[int, list] = {}
    in_force = versions_on(items, as_of) if in_force is None else in_force
    for item in items:
        version = in_force.get(item.pk)
        if version is not None:
            by_year.setdefault(fiscal_year_for(version, item, as_of), []).append((item, version))
    for year, group in by_year.items():
        names = set()
        for _item, version in group:
            names |= set(rules.rule_vars(version.conditions, version.exclusions, version.amount))
        columns = load_columns(sorted(names), as_of=as_of, fiscal_year=year, enterprise_ids=[enterprise.pk])
        if not columns.n:
            continue
        all_values, all_inputs = columns.values_at(0, names), columns.inputs_at(0, names)  # once, not per item
        for item, version in group:
            names_i = rules.rule_vars(version.conditions, version.exclusions, version.amount)
            values = {n: all_values[n] for n in names_i}
            inputs = {n: [*all_inputs[n]] for n in names_i}
            for k, v in (supplied or {}).items():
                if k in values and values[k] is None:
                    values[k] = v
                    inputs[k] = [v, year if VARIABLES[k].yearly else None, _("declared by the enterprise")]
            outcome = rules.evaluate_one(conditions=version.conditions, exclusions=version.exclusions,
                                         amount=version.amount, params=version.params, values=values, on=as_of)
            out.append((item, version, outcome, inputs))
    return out


def eligibility_trace(eligibility: Eligibility) -> list[dict]:
    """The trace of a stored standing, re-derived from its snapshot with its own rule version."""
    v = eligibility.version
    values = {k: (frozenset(x[0]) if VARIABLES[k].kind == "set" and x[0] is not None else x[0])
              for k, x in (eligibility.inputs or {}).items()}
    outcome = rules.evaluate_one(conditions=v.conditions, exclusions=v.exclusions, amount=v.amount, params=v.params,
                                 values=values, on=eligibility.as_of)
    trace = rules.trace_with_values(outcome["trace"], eligibility.inputs or {})
    if eligibility.superseded_by_id:
        trace.append({"condition": _("Not paid together with a higher item of the same group (就高不重复)"),
                      "var": "", "value": eligibility.superseded_by_id, "passed": False, "year": None,
                      "source": _("cross-item rule")})
    return trace


def firm_policy_page(*, actor, as_of: dt.date | None = None) -> dict[str, list[dict]]:
    """The firm's own policy page: every active item in force, split into eligible, unknown (a figure is
    missing) and the others with the conditions they do not meet. An item the firm holds a standing for is shown
    from it (result, amount, the trace of its snapshot: read by the firm's index); the others are evaluated live
    on the firm's current figures (one query per source for the firm alone). Opening the page is the read receipt
    of the notices it shows (one UPDATE, only when one is unread). Entries: `item`, `standing`, `result`,
    `amount`, `trace`, `needs`."""
    as_of = as_of or timezone.localdate()
    plans = catalogue_in_force(as_of)
    standings = {e.item_id: e for e in Eligibility.objects.restrict(actor, "view")
                 .filter(enterprise_id=actor.enterprise_id).select_related("version").defer("version__tests")
                 .order_by()}  # no default ordering: it would join the items, policies and firm
    live_items = [item for item, _v in plans if item.pk not in standings]
    live = {}
    if live_items:
        live = {item.pk: (outcome, inputs) for item, _v, outcome, inputs in evaluate_for_enterprise(
            enterprise=actor.enterprise, items=live_items, as_of=as_of, in_force={i.pk: v for i, v in plans})}
    page: dict[str, list[dict]] = {"eligible": [], "unknown": [], "other": []}
    unread = []
    # Choice labels translated once per page (`get_FOO_display` translates every choice of the field per call).
    choices, labels = {"mode": dict(Mode.choices), "status": dict(Status.choices)}, {}

    def label(field: str, code: str) -> str:
        if (field, code) not in labels:
            labels[field, code] = str(choices[field].get(code, code))
        return labels[field, code]

    for item, _version in plans:
        standing = standings.get(item.pk)
        if standing is not None:
            trace, result, amount = eligibility_trace(standing), standing.result, standing.amount
            if standing.read_at is None and standing.status != Status.CANDIDATE:
                unread.append(standing.pk)
        elif item.pk in live:
            outcome, inputs = live[item.pk]
            trace, result, amount = rules.trace_with_values(outcome["trace"], inputs), outcome["result"], \
                outcome["amount"]
        else:  # the firm is not in the registry's columns
            continue
        section = "eligible" if result is True else "unknown" if result is None else "other"
        page[section].append({"item": item, "standing": standing, "result": result, "amount": amount,
                              "trace": trace, "needs": [t for t in trace if t["passed"] is False],
                              "mode_label": label("mode", item.mode),
                              "status_label": label("status", standing.status) if standing else ""})
    if unread:  # the read receipt (as eligibility_mark_read, for every notice on the page at once)
        Eligibility.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=timezone.now())
    return page


# --- the 免申即享 steps ---------------------------------------------------------------------------------------


def fast_insert(model, rows: list[dict]) -> None:
    """Insert many rows without building a model instance per row. On PostgreSQL one COPY streams them (JSON
    fields serialised here, the other values adapted by the driver); elsewhere one prepared statement
    (executemany) with the values prepared by the model's own fields."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    if connection.vendor == "postgresql":
        import enum
        import json

        from django.db import models as m

        q = connection.ops.quote_name
        keys = [f.attname if f.attname in rows[0] else f.name for f in fields]
        as_json = [isinstance(f, m.JSONField) for f in fields]
        copy_sql = (f"COPY {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) FROM STDIN")
        def value(v, is_json):
            if is_json:
                return json.dumps(v, ensure_ascii=False)
            return v.value if isinstance(v, enum.Enum) else v  # choices by their stored value, not their name

        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for r in rows:
                copy.write_row([value(r[k], j) for k, j in zip(keys, as_json, strict=True)])
        return
    sql = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
           f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        for k in range(0, len(rows), BATCH):
            cursor.executemany(sql, [[f.get_db_prep_save(r[f.attname if f.attname in r else f.name], connection)
                                      for f in fields] for r in rows[k:k + BATCH]])


def _bulk_steps(qs, *, action: str, from_status: str, to_status: str, actor, note: str = "") -> None:
    """Set-based steps write one timeline step and one event per changed object, as single edits do, with
    INSERT … SELECT over the standings `qs` selects (call it before the update that changes their status)."""
    ct = ContentType.objects.get_for_model(Eligibility).pk
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    label = getattr(actor, "username", "") or context.current_actor_label() or "system"
    user_id = int(actor.pk) if getattr(actor, "pk", None) else None
    user_sql = str(user_id) if user_id is not None else "NULL"
    ids_sql, ids_params = qs.values("pk").query.sql_with_params()
    q = connection.ops.quote_name
    eligibility = q(Eligibility._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(WorkflowStep._meta.db_table)} (workflow, content_type_id, object_id, action, "
            f"from_status, to_status, at, actor_id, actor_label, note, data) "
            f"SELECT %s, {int(ct)}, CAST(e.id AS TEXT), %s, %s, %s, %s, {user_sql}, %s, %s, '{{}}' "
            f"FROM {eligibility} e WHERE e.id IN ({ids_sql})",
            [wf.name, action, from_status, to_status, now, label, note, *ids_params])
        cursor.execute(
            f"INSERT INTO {q(Event._meta.db_table)} (at, kind, user_id, actor_label, request_id, content_type_id, "
            f"object_id, message, data) "
            f"SELECT %s, %s, {user_sql}, %s, %s, {int(ct)}, CAST(e.id AS TEXT), %s, "
            f"'{{\"from\": \"{from_status}\", \"to\": \"{to_status}\"}}' "
            f"FROM {eligibility} e WHERE e.id IN ({ids_sql})",
            [now, wf[action].event, label, context.current_request_id() or "", str(wf[action].past), *ids_params])


@transaction.atomic
def item_publish(*, actor, item: PolicyItem, today: dt.date | None = None) -> int:
    """Publish an item's reviewed list: every eligible candidate is notified, with a deadline in official working
    days. Unknown standings stay candidates until the firm supplies its figures."""
    if not item.is_owned_by(actor):
        raise PermissionDenied(_("Only the issuer of the policy publishes its list."))
    today = today or timezone.localdate()
    qs = Eligibility.objects.filter(item=item, status=Status.CANDIDATE, result=True, superseded_by__isnull=True)
    deadline = add_working_days(today, item.confirm_working_days)
    users = list(_firm_users(qs.values("enterprise_id")))  # read before the update moves the standings on
    _bulk_steps(qs, action="publish", from_status=Status.CANDIDATE, to_status=Status.NOTIFIED, actor=actor)
    n = qs.update(status=Status.NOTIFIED, notified_at=timezone.now(), deadline=deadline)
    _notify_benefit(users, item, deadline)
    return n


def _firm_users(enterprise_ids):
    from industry_brain.accounts.models import User

    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=enterprise_ids, is_active=True)


def _notify_benefit(users, item: PolicyItem, deadline: dt.date) -> None:
    """The published standing reaches each listed firm's inbox (the platform's notifications, delivered after
    commit), with what to do and by when."""
    from industry_brain.demands.choices import NotificationKind
    from industry_brain.demands.notifications import notify

    notify(users=users, kind=NotificationKind.POLICY_BENEFIT,
           text=_("You are eligible for %(item)s: confirm or decline by %(deadline)s") % {
               "item": item, "deadline": deadline.isoformat()},
           link=reverse("policies:my_policies"))


def eligibility_publish(*, actor, eligibility: Eligibility, today: dt.date | None = None) -> Eligibility:
    if eligibility.result is not True or eligibility.superseded_by_id:
        wf.check("publish", eligibility, actor)
        raise TransitionNotAllowed(_("Only an eligible standing is published; an unknown one waits for its figures."))
    today = today or timezone.localdate()

    def apply(obj, t):
        obj.notified_at = timezone.now()
        obj.deadline = add_working_days(today, obj.item.confirm_working_days)

    done = wf.run("publish", eligibility, actor=actor, apply=apply, extra_fields=["notified_at", "deadline"])
    _notify_benefit(_firm_users([done.enterprise_id]), done.item, done.deadline)
    return done


def eligibility_mark_read(*, actor, eligibility: Eligibility) -> None:
    """The firm opened its notice (a read receipt: the honest measure instead of push counts)."""
    if actor.enterprise_id is not None and actor.enterprise_id == eligibility.enterprise_id and \
            eligibility.read_at is None and eligibility.status != Status.CANDIDATE:
        Eligibility.objects.filter(pk=eligibility.pk, read_at__isnull=True).update(read_at=timezone.now())


ACCOUNT_RE = re.compile(r"^[0-9]{8,30}$")


def eligibility_confirm(*, actor, eligibility: Eligibility, bank_name: str, bank_account: str) -> Eligibility:
    account = re.sub(r"[\s-]", "", bank_account or "")
    wf.check("confirm", eligibility, actor)
    if not (bank_name or "").strip():
        raise ValidationError({"bank_name": [_("Name the bank.")]})
    if not ACCOUNT_RE.match(account):
        raise ValidationError({"bank_account": [_("A bank account number has 8 to 30 digits.")]})

    def apply(obj, t):
        obj.bank_name, obj.bank_account, obj.confirmed_at = bank_name.strip(), account, timezone.now()
        obj.read_at = obj.read_at or obj.confirmed_at

    return wf.run("confirm", eligibility, actor=actor, apply=apply,
                  extra_fields=["bank_name", "bank_account", "confirmed_at", "read_at"])


def eligibility_decline(*, actor, eligibility: Eligibility, reason: str = "") -> Eligibility:
    def apply(obj, t):
        obj.reason = reason[:500]

    return wf.run("decline", eligibility, actor=actor, apply=apply, note=reason, extra_fields=["reason"])


def eligibility_approve(*, actor, eligibility: Eligibility) -> Eligibility:
    return wf.run("approve", eligibility, actor=actor)


def _ledger_from(obj: Eligibility, amount: Decimal, when: dt.date, note: str) -> LedgerEntry:
    e = obj.enterprise
    entry = LedgerEntry.objects.create(
        year=when.year, month=when.month, kind=obj.item.measure_kind, basis=Basis.MEASURED, amount=amount,
        district_id=e.district_id, industry_id=e.industry_id,
        size=Size.ABOVE_SCALE if e.is_above_scale else Size.BELOW_SCALE, policy_id=obj.item.policy_id,
        enterprise=e, department_id=obj.item.policy.department_id, source=EntrySource.WORKFLOW, eligibility=obj,
        note=note[:300])
    rollup.add(entry)
    return entry


def eligibility_pay(*, actor, eligibility: Eligibility, amount: Decimal | None = None,
                    paid_on: dt.date | None = None) -> Eligibility:
    """Pay: within the budget year and the item's cap; the payment enters the ledger."""
    paid_on = paid_on or timezone.localdate()

    def apply(obj, t):
        value = Decimal(amount) if amount is not None else obj.amount
        if value is None or value <= 0:
            raise ValidationError({"amount": [_("Give the amount paid.")]})
        item = obj.item
        if paid_on.year > item.budget_year:
            raise TransitionNotAllowed(_("The budget year %(y)s is over: nothing is paid after it.") % {
                "y": item.budget_year})
        if item.budget_cap is not None:
            spent = Eligibility.objects.filter(item=item, status=Status.PAID).aggregate(s=Sum("paid_amount"))["s"] \
                or Decimal(0)
            if spent + value > item.budget_cap:
                raise TransitionNotAllowed(_("The item's budget cap (%(cap)s 万元) would be exceeded.") % {
                    "cap": item.budget_cap})
        obj.paid_amount, obj.paid_at = value, timezone.now()
        _ledger_from(obj, value, paid_on, str(item))

    return wf.run("pay", eligibility, actor=actor, apply=apply, extra_fields=["paid_amount", "paid_at"])


def _reasoned(step: str, *, actor, eligibility: Eligibility, reason: str, extra=None) -> Eligibility:
    if not (reason or "").strip():
        wf.check(step, eligibility, actor)
        raise ValidationError({"reason": [_("Give the reason.")]})

    def apply(obj, t):
        obj.reason = reason.strip()[:500]
        if extra:
            extra(obj)

    return wf.run(step, eligibility, actor=actor, apply=apply, note=reason, extra_fields=["reason"])


def eligibility_hold(*, actor, eligibility: Eligibility, reason: str) -> Eligibility:
    return _reasoned("hold", actor=actor, eligibility=eligibility, reason=reason)


def eligibility_release(*, actor, eligibility: Eligibility) -> Eligibility:
    return wf.run("release", eligibility, actor=actor)


def eligibility_clawback(*, actor, eligibility: Eligibility, reason: str) -> Eligibility:
    def reverse(obj):
        _ledger_from(obj, -(obj.paid_amount or Decimal(0)), timezone.localdate(), f"{_('claw-back')}: {obj.item}")

    return _reasoned("clawback", actor=actor, eligibility=eligibility, reason=reason, extra=reverse)


@transaction.atomic
def eligibilities_expire(*, today: dt.date | None = None, actor=None) -> int:
    """Overdue is waived: notices not confirmed by their deadline (official working days) expire."""
    today = today or timezone.localdate()
    qs = Eligibility.objects.filter(status=Status.NOTIFIED, deadline__lt=today)
    _bulk_steps(qs, action="expire", from_status=Status.NOTIFIED, to_status=Status.EXPIRED, actor=actor,
                note=str(_("not confirmed by the deadline")))
    return qs.update(status=Status.EXPIRED)


def _parse_supplied(eligibility: Eligibility, values: dict) -> dict:
    errors, out = {}, {}
    for name in eligibility.missing or []:
        raw = values.get(name)
        var = VARIABLES[name]
        if raw in (None, ""):
            errors[name] = [_("This figure is needed.")]
            continue
        if var.kind == "number":
            try:
                number = Decimal(str(raw))
            except InvalidOperation:
                errors[name] = [_("Enter a number.")]
                continue
            if number < 0:
                errors[name] = [_("Cannot be negative.")]
                continue
            out[name] = float(number)
        elif var.kind == "bool":
            if str(raw).lower() not in ("true", "false", "1", "0", "yes", "no"):
                errors[name] = [_("Answer yes or no.")]
                continue
            out[name] = str(raw).lower() in ("true", "1", "yes")
        else:
            out[name] = str(raw)
    if errors:
        raise ValidationError(errors)
    return out


def eligibility_supply(*, actor, eligibility: Eligibility, values: dict) -> Eligibility:
    """快申快享: the firm supplies only the figures that were missing; the rule is evaluated again with them
    (marked as declared by the enterprise). An eligible result then waits for the issuer's review and publication."""
    wf.check("supply", eligibility, actor)
    if eligibility.result is not None:
        raise TransitionNotAllowed(_("No figure is missing for this item."))
    supplied = _parse_supplied(eligibility, values)
    (item, version, outcome, inputs), = evaluate_for_enterprise(
        enterprise=eligibility.enterprise, items=[eligibility.item], as_of=eligibility.as_of,
        supplied=supplied) or [(None, None, None, None)]
    if outcome is None:
        raise TransitionNotAllowed(_("The item has no rule in force."))

    def apply(obj, t):
        obj.supplied = supplied
        obj.version = version
        obj.inputs = inputs
        obj.result = outcome["result"]
        obj.amount = outcome["amount"]
        obj.missing = outcome["missing"]

    return wf.run("supply", eligibility, actor=actor, apply=apply, data={"supplied": supplied},
                  extra_fields=["supplied", "version", "inputs", "result", "amount", "missing"])
