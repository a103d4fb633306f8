"""Rules as data, evaluated with three values (true / false / unknown).

A rule version holds:

- `conditions`: an AND/OR tree. A node is `{"all": [...]}`, `{"any": [...]}` or a leaf
  `{"var": "revenue", "op": ">=", "value": 2000}`; a value may name a dated parameter: `{"param": "threshold"}`.
- `exclusions`: leaves; a firm for which any exclusion holds is not eligible.
- `amount`: `{"fixed": 30}`, `{"fixed": {"param": "award"}}`, `{"tiers": {"var": ..., "steps": [[min, amount], ...]}}`
  (the highest step whose minimum the figure reaches), `{"tiers": {"var": ..., "map": {"code": amount}}}`,
  `{"rate": {"var": ..., "per": 0.1, "cap": 200}}`.
- `params`: dated parameters `{"award": [{"from": "2022-01-01", "value": 20}, {"from": "2025-01-01", "value": 30}]}`.
- `tests`: OpenFisca-style cases `{"name", "inputs": {var: value}, "result": true|false|null, "amount": x}`.

Three values follow Kleene's logic with FALSE < UNKNOWN < TRUE: AND is the minimum, OR the maximum. A missing
figure gives UNKNOWN, never FALSE, so a firm lacking one figure is asked for it (快申快享) instead of being told
it is ineligible. The same semantics run in two ways: `evaluate_one` for one firm (pages, the short form, the
per-firm baseline) and `evaluate_columns` over whole registry columns (numpy), which the test suite checks
against each other.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import numpy as np

from .variables import VARIABLES, Variable

FALSE, UNKNOWN, TRUE = 0, 1, 2
OPS = {">=", ">", "<=", "<", "==", "!=", "in", "not_in", "has", "lacks", "is_true", "is_false"}
OP_TEXT = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠", "in": "∈", "not_in": "∉",
           "has": "∋", "lacks": "∌", "is_true": "", "is_false": "≠"}


class RuleError(ValueError):
    """A rule that cannot be evaluated (unknown variable, operator, parameter); names where."""


def to_py(code: int) -> bool | None:
    return None if code == UNKNOWN else code == TRUE


# --- validation ------------------------------------------------------------------------------------------


def leaves(node) -> list[dict]:
    if isinstance(node, dict) and ("all" in node or "any" in node):
        out = []
        for child in node.get("all", node.get("any", [])):
            out += leaves(child)
        return out
    return [node] if node else []


def validate_rule(*, conditions, exclusions, amount, params) -> list[str]:
    """Every problem of a rule as readable messages (empty: fine)."""
    errors = []

    def check_node(node, where):
        if not isinstance(node, dict):
            errors.append(f"{where}: not an object")
            return
        if "all" in node or "any" in node:
            children = node.get("all", node.get("any"))
            if not isinstance(children, list) or not children:
                errors.append(f"{where}: all/any needs a non-empty list")
                return
            for i, c in enumerate(children):
                check_node(c, f"{where}.{i + 1}")
            return
        check_leaf(node, where)

    def check_leaf(leaf, where):
        var = leaf.get("var")
        if var not in VARIABLES:
            errors.append(f"{where}: unknown variable {var!r}")
            return
        op = leaf.get("op")
        if op not in OPS:
            errors.append(f"{where}: unknown operator {op!r}")
        value = leaf.get("value")
        if isinstance(value, dict) and "param" in value and value["param"] not in (params or {}):
            errors.append(f"{where}: unknown parameter {value['param']!r}")

    if conditions:
        check_node(conditions, "conditions")
    if not isinstance(exclusions, list):
        errors.append("exclusions: a list of conditions")
    else:
        for i, leaf in enumerate(exclusions):
            check_leaf(leaf, f"exclusions.{i + 1}")
    if not isinstance(amount, dict) or not ({"fixed", "tiers", "rate"} & set(amount)):
        errors.append("amount: one of fixed, tiers, rate")
    else:
        for key in ("tiers", "rate"):
            if key in amount and amount[key].get("var") not in VARIABLES:
                errors.append(f"amount.{key}: unknown variable {amount[key].get('var')!r}")
    for name, values in (params or {}).items():
        if not isinstance(values, list) or not all(isinstance(v, dict) and "from" in v and "value" in v
                                                   for v in values):
            errors.append(f"params.{name}: a list of {{from, value}}")
    return errors


# --- parameters and labels ----------------------------------------------------------------------------------


def param_value(params: dict, name: str, on: dt.date):
    """The value of a dated parameter on a day: the latest entry starting on or before it."""
    values = sorted((params or {}).get(name, []), key=lambda v: v["from"])
    chosen = None
    for v in values:
        if dt.date.fromisoformat(str(v["from"])) <= on:
            chosen = v["value"]
    if chosen is None:
        raise RuleError(f"parameter {name!r} has no value on {on.isoformat()}")
    return chosen


def resolve(value, params: dict, on: dt.date):
    if isinstance(value, dict) and "param" in value:
        return param_value(params, value["param"], on)
    return value


def leaf_label(leaf: dict, params: dict, on: dt.date) -> str:
    var: Variable = VARIABLES[leaf["var"]]
    value = resolve(leaf.get("value"), params, on)
    op = leaf["op"]
    if leaf.get("label"):
        return str(leaf["label"])
    label = var.text("label")
    if op == "is_true":
        return label
    if op == "is_false":
        return f"{label} {OP_TEXT[op]} {var.yes_word()}"
    shown = "、".join(var.display(v) for v in value) if isinstance(value, list) else var.display(value)
    unit = f" {var.text('unit')}" if var.unit and not isinstance(value, list) else ""
    return f"{label} {OP_TEXT[op]} {shown}{unit}"


# --- one firm ---------------------------------------------------------------------------------------------


def _leaf_one(leaf: dict, values: dict, params: dict, on: dt.date) -> int:
    raw = values.get(leaf["var"])
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return UNKNOWN
    op = leaf["op"]
    target = resolve(leaf.get("value"), params, on)
    if op == "is_true":
        return TRUE if raw else FALSE
    if op == "is_false":
        return FALSE if raw else TRUE
    if op == "has":
        return TRUE if target in raw else FALSE
    if op == "lacks":
        return FALSE if target in raw else TRUE
    if op == "in":
        return TRUE if raw in target else FALSE
    if op == "not_in":
        return FALSE if raw in target else TRUE
    if op == "==":
        return TRUE if raw == target else FALSE
    if op == "!=":
        return FALSE if raw == target else TRUE
    a, b = float(raw), float(target)
    ok = {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]
    return TRUE if ok else FALSE


def _node_one(node, values, params, on, trace, path) -> int:
    if "all" in node or "any" in node:
        codes = [_node_one(c, values, params, on, trace, f"{path}.{i + 1}")
                 for i, c in enumerate(node.get("all", node.get("any")))]
        return min(codes) if "all" in node else max(codes)
    code = _leaf_one(node, values, params, on)
    trace.append({"path": path, "var": node["var"], "condition": leaf_label(node, params, on), "passed": to_py(code)})
    return code


def amount_one(spec: dict, values: dict, params: dict, on: dt.date) -> Decimal | None:
    if "fixed" in spec:
        return Decimal(str(resolve(spec["fixed"], params, on)))
    if "tiers" in spec:
        t = spec["tiers"]
        raw = values.get(t["var"])
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            return None
        if "map" in t:
            hit = t["map"].get(str(raw))
            return Decimal(str(hit)) if hit is not None else Decimal("0")
        chosen = Decimal("0")
        for minimum, amount in t["steps"]:
            if float(raw) >= float(resolve(minimum, params, on)):
                chosen = Decimal(str(resolve(amount, params, on)))
        return chosen
    if "rate" in spec:
        r = spec["rate"]
        raw = values.get(r["var"])
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            return None
        value = Decimal(str(raw)) * Decimal(str(resolve(r["per"], params, on)))
        if r.get("cap") is not None:
            value = min(value, Decimal(str(resolve(r["cap"], params, on))))
        return value.quantize(Decimal("0.01"))
    raise RuleError("amount: one of fixed, tiers, rate")


def amount_vars(spec: dict) -> list[str]:
    for key in ("tiers", "rate"):
        if key in spec:
            return [spec[key]["var"]]
    return []


def rule_vars(conditions, exclusions, amount) -> list[str]:
    names = [leaf["var"] for leaf in leaves(conditions)] + [leaf["var"] for leaf in exclusions or []]
    names += amount_vars(amount or {})
    return list(dict.fromkeys(names))


def evaluate_one(*, conditions, exclusions, amount, params, values: dict, on: dt.date) -> dict[str, Any]:
    """One firm: `{"result": True|False|None, "trace": [...], "missing": [...], "amount": Decimal|None}`.

    Exclusions: any exclusion TRUE makes the result FALSE; an exclusion that cannot be checked keeps it UNKNOWN."""
    trace: list[dict] = []
    code = _node_one(conditions, values, params, on, trace, "c") if conditions else TRUE
    worst_exclusion = FALSE
    for i, leaf in enumerate(exclusions or []):
        x = _leaf_one(leaf, values, params, on)
        trace.append({"path": f"x.{i + 1}", "var": leaf["var"], "exclusion": True,
                      "condition": leaf_label(leaf, params, on), "passed": to_py(2 - x)})
        worst_exclusion = max(worst_exclusion, x)
    code = min(code, 2 - worst_exclusion)
    money = amount_one(amount, values, params, on) if code != FALSE else None
    if code == TRUE and money is None:
        code = UNKNOWN  # eligible, but the amount's figure is missing
    missing = [t["var"] for t in trace if t["passed"] is None]
    if code != FALSE and money is None:
        missing += amount_vars(amount)
    return {"result": to_py(code), "trace": trace, "missing": list(dict.fromkeys(missing)), "amount": money}


def trace_with_values(trace: list[dict], inputs: dict) -> list[dict]:
    """The trace enriched with the figure, its year and its source (inputs hold `[value, year, source]`)."""
    out = []
    for t in trace:
        value, year, source = (inputs.get(t["var"]) or [None, None, ""])[:3]
        var = VARIABLES[t["var"]]
        out.append({**t, "value": value, "shown": var.display(value) if value is not None else None,
                    "year": year, "source": source, "label": var.text("label")})
    return out


def run_test_cases(version) -> list[dict]:
    """Run the OpenFisca-style cases stored beside a rule; each answer says whether it held."""
    out = []
    for case in version.tests or []:
        on = dt.date.fromisoformat(case["on"]) if case.get("on") else version.effective_from
        values = {k: (set(v) if VARIABLES[k].kind == "set" else v) for k, v in case.get("inputs", {}).items()}
        got = evaluate_one(conditions=version.conditions, exclusions=version.exclusions, amount=version.amount,
                           params=version.params, values=values, on=on)
        ok = got["result"] == case.get("result")
        if ok and "amount" in case and case["amount"] is not None:
            ok = got["amount"] is not None and float(got["amount"]) == float(case["amount"])
        out.append({"name": case.get("name", ""), "ok": ok, "expected": case.get("result"),
                    "got": got["result"], "amount": got["amount"], "expected_amount": case.get("amount")})
    return out


# --- whole columns (set-based) ------------------------------------------------------------------------------


def _leaf_columns(leaf: dict, cols: dict, params: dict, on: dt.date, n: int) -> np.ndarray:
    var = VARIABLES[leaf["var"]]
    col = cols[leaf["var"]]
    op = leaf["op"]
    target = resolve(leaf.get("value"), params, on)
    out = np.full(n, UNKNOWN, dtype=np.int8)
    if var.kind in ("number", "bool"):
        known = ~np.isnan(col)
        if op == "is_true":
            hit = col == 1
        elif op == "is_false":
            hit = col == 0
        elif op in ("==", "!="):
            hit = col == float(target)
            if op == "!=":
                hit = ~hit
        else:
            b = float(target)
            hit = {">=": col >= b, ">": col > b, "<=": col <= b, "<": col < b}[op]
    elif var.kind == "code":
        known = col != None  # noqa: E711  (object array: element-wise comparison with None)
        if op in ("in", "not_in"):
            hit = np.isin(col, list(target))
        else:
            hit = col == target
        if op in ("not_in", "!="):
            hit = ~hit
    elif var.kind == "set":
        known = np.ones(n, dtype=bool)
        if col.dtype.kind in "iu":  # a mask per firm (variables.load_columns): one bit per member
            from .variables import tier_bit

            members = (col & tier_bit(target)) != 0
        else:
            members = np.fromiter((target in s for s in col), dtype=bool, count=n)
        hit = members if op == "has" else ~members
    else:  # pragma: no cover - the registry declares only these kinds
        raise RuleError(f"unknown variable kind {var.kind}")
    out[known & hit] = TRUE
    out[known & ~hit] = FALSE
    return out


def _node_columns(node, cols, params, on, n, leaf_out, path) -> np.ndarray:
    if "all" in node or "any" in node:
        parts = [_node_columns(c, cols, params, on, n, leaf_out, f"{path}.{i + 1}")
                 for i, c in enumerate(node.get("all", node.get("any")))]
        return np.minimum.reduce(parts) if "all" in node else np.maximum.reduce(parts)
    code = _leaf_columns(node, cols, params, on, n)
    leaf_out[path] = code
    return code


def amount_columns(spec: dict, cols: dict, params: dict, on: dt.date, n: int) -> np.ndarray:
    """Amounts as float (NaN: unknown)."""
    if "fixed" in spec:
        return np.full(n, float(resolve(spec["fixed"], params, on)))
    if "tiers" in spec:
        t = spec["tiers"]
        col = cols[t["var"]]
        if "map" in t:
            out = np.zeros(n)
            for code, amount in t["map"].items():
                out[col == code] = float(amount)
            out[col == None] = np.nan  # noqa: E711
            return out
        out = np.zeros(n)
        for minimum, amount in t["steps"]:
            out[col >= float(resolve(minimum, params, on))] = float(resolve(amount, params, on))
        out[np.isnan(col)] = np.nan
        return out
    r = spec["rate"]
    col = cols[r["var"]].astype(float)
    out = col * float(resolve(r["per"], params, on))
    if r.get("cap") is not None:
        out = np.minimum(out, float(resolve(r["cap"], params, on)))
    return np.round(out, 2)


def evaluate_columns(*, conditions, exclusions, amount, params, cols: dict, n: int, on: dt.date):
    """All firms at once: (result codes int8, amounts float with NaN for unknown)."""
    leaf_out: dict[str, np.ndarray] = {}
    code = _node_columns(conditions, cols, params, on, n, leaf_out, "c") if conditions \
        else np.full(n, TRUE, dtype=np.int8)
    for leaf in exclusions or []:
        code = np.minimum(code, 2 - _leaf_columns(leaf, cols, params, on, n))
    money = amount_columns(amount, cols, params, on, n)
    code = np.where((code == TRUE) & np.isnan(money), UNKNOWN, code).astype(np.int8)
    return code, money
