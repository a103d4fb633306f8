"""Excel import of supply links with entity matching of the supplier names (all rows or none; every bad row named).

Each row: a supplier (name, optional credit code, region, address), the local customer (credit code), the material,
share of the customer's need and monthly volume; optionally the units of the material per unit the customer makes
and the customer's stock of it (its bill-of-materials line). Suppliers are resolved in this order: credit code of a
registered enterprise or known external firm; otherwise the most similar known firm (≥ 0.8 linked at once;
0.5–0.8 linked to a new external firm and queued for a person to confirm or reject; below that a new external
firm)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industry_brain.core.excel import Column, ExcelImporter, RowError
from industry_brain.enterprises.models import Enterprise

from . import matching, services
from .models import ExternalFirm, Material
from .permissions import supply_firms
from .services import _region_ok


class LinkRowForm(forms.Form):
    supplier_name = forms.CharField(max_length=200)
    supplier_uscc = forms.CharField(max_length=18, required=False)
    supplier_region = forms.CharField(max_length=6, required=False)
    supplier_address = forms.CharField(max_length=300, required=False)
    customer_uscc = forms.CharField(max_length=18)
    material = forms.CharField(max_length=100)
    unit = forms.CharField(max_length=20, required=False)
    share = forms.DecimalField(min_value=0, max_value=1, max_digits=6, decimal_places=4)
    monthly_volume = forms.DecimalField(min_value=0, max_digits=16, decimal_places=2)
    per_unit = forms.DecimalField(min_value=Decimal("0.000001"), max_digits=14, decimal_places=6, required=False)
    input_stock = forms.DecimalField(min_value=0, max_digits=16, decimal_places=2, required=False)


class LinkImporter(ExcelImporter):
    form_class = LinkRowForm
    columns = [
        Column("supplier_name", "供应商名称", "上海精测半导体材料有限公司", gettext_lazy("Required.")),
        Column("supplier_uscc", "供应商统一社会信用代码", "", gettext_lazy("Optional; matched exactly when given.")),
        Column("supplier_region", "供应商所在地区", "310000", gettext_lazy(
            "GB/T 2260 prefecture code (上海 310000, 苏州 320500) or a two-letter country code; required for a "
            "supplier outside the registry.")),
        Column("supplier_address", "供应商地址", "", gettext_lazy("Optional; helps matching.")),
        Column("customer_uscc", "客户统一社会信用代码", "", gettext_lazy("The local enterprise supplied.")),
        Column("material", "物料名称", "光刻胶", gettext_lazy("A new name creates the material.")),
        Column("unit", "计量单位", "千克", gettext_lazy("For a new material; default 件.")),
        Column("share", "占需求比例", 0.6, gettext_lazy("Share of the customer's need, 0 to 1.")),
        Column("monthly_volume", "月供应量", 1200, gettext_lazy("Units per month.")),
        Column("per_unit", "单位产品用量", 1, gettext_lazy("Optional: units of this material per unit the customer "
                                                          "makes (bill of materials).")),
        Column("input_stock", "客户库存", 0, gettext_lazy("Optional: the customer's stock of this material.")),
    ]

    def __init__(self, *, actor):
        super().__init__(actor=actor)
        self.plan: dict[int, dict] = {}
        self.counts = {"matched_exact": 0, "matched_auto": 0, "review": 0, "new_firms": 0}

    def _customer_q(self):
        """The customers the importer may record links for: its supply `add` scope (every firm for the city)."""
        return supply_firms(self.actor, "add")

    def validate_rows(self, rows):
        errors: list[RowError] = []
        cust_codes = {d["customer_uscc"].upper() for _n, d in rows}
        q = self._customer_q()
        customers = Enterprise.objects.filter(uscc__in=cust_codes)
        customers = customers.filter(q) if q is not None else customers.none()
        customers = {e.uscc: e for e in customers}
        sup_codes = {d["supplier_uscc"].upper() for _n, d in rows if d["supplier_uscc"]}
        ent_by_code = dict(Enterprise.objects.filter(uscc__in=sup_codes).values_list("uscc", "pk"))
        ext_by_code = dict(ExternalFirm.objects.filter(uscc__in=sup_codes).values_list("uscc", "pk"))
        index = None
        seen: dict[tuple, int] = {}
        H = {c.field: c.header for c in self.columns}
        for number, d in rows:
            cust = customers.get(d["customer_uscc"].upper())
            if cust is None:
                errors.append(RowError(number, H["customer_uscc"], _(
                    "No enterprise with this credit code in your scope.")))
                continue
            code = d["supplier_uscc"].upper()
            plan = {"customer": cust.pk, "data": d}
            if code and code in ent_by_code:
                plan["supplier"] = ("e", ent_by_code[code])
                plan["how"] = "exact"
            elif code and code in ext_by_code:
                plan["supplier"] = ("x", ext_by_code[code])
                plan["how"] = "exact"
            else:
                if index is None:
                    index = self._index()
                best = index.best(d["supplier_name"], d["supplier_address"])
                if best and best[1] >= matching.AUTO:
                    plan["supplier"], plan["how"], plan["score"] = best[0], "auto", best[1]
                else:
                    region = (d["supplier_region"] or "").upper()
                    if not _region_ok(region):
                        errors.append(RowError(number, H["supplier_region"], _(
                            "A supplier outside the registry needs its region: a six-digit prefecture code such "
                            "as 310000 or a two-letter country code.")))
                        continue
                    plan["supplier"] = ("new", (matching.clean_name(d["supplier_name"]), region))
                    plan["how"] = "new"
                    if best and best[1] >= matching.REVIEW:
                        plan["candidate"], plan["score"] = best[0], best[1]
            if plan["supplier"] == ("e", cust.pk):
                errors.append(RowError(number, H["supplier_name"], _("An enterprise cannot supply itself.")))
                continue
            key = (plan["supplier"], cust.pk, d["material"].strip())
            if key in seen:
                errors.append(RowError(number, H["material"], _(
                    "Same supplier, customer and material as row %(row)s.") % {"row": seen[key]}))
                continue
            seen[key] = number
            self.plan[number] = plan
        return errors

    def _index(self) -> matching.Index:
        firms = [(("e", pk), n, a) for pk, n, a in Enterprise.objects.values_list("pk", "name", "address")]
        firms += [(("x", pk), n, a) for pk, n, a in ExternalFirm.objects.values_list("pk", "name", "address")]
        return matching.Index(firms)

    def write(self, rows):
        """Through supply's services, as the pages and API write: unknown materials by `material_create`, new
        external firms by `external_firm_create`, doubtful matches by `match_review_queue`, the links and bill-of-
        materials lines by the set-based `links_upsert` (same rules, events and change log as `link_create`)."""
        actor = self.actor
        materials = {m.name: m for m in Material.objects.filter(name__in={d["material"].strip() for _n, d in rows})}
        plans = [self.plan[number] for number, _d in rows]
        known_e = Enterprise.objects.in_bulk({p["customer"] for p in plans} | {
            p["supplier"][1] for p in plans if p["supplier"][0] == "e"} | {
            p["candidate"][1] for p in plans if p.get("candidate", ("",))[0] == "e"})
        known_x = ExternalFirm.objects.in_bulk({p["supplier"][1] for p in plans if p["supplier"][0] == "x"} | {
            p["candidate"][1] for p in plans if p.get("candidate", ("",))[0] == "x"})
        new_firms: dict[tuple, ExternalFirm] = {}
        links: list[dict] = []
        for number, d in rows:
            plan = self.plan[number]
            name = d["material"].strip()
            if name not in materials:
                materials[name] = services.material_create(actor=actor, name=name, unit=d["unit"] or "件")
            kind, ref = plan["supplier"]
            if kind == "new":
                firm = new_firms.get(ref)
                if firm is None:
                    firm = services.external_firm_create(
                        actor=actor, name=d["supplier_name"], region=ref[1],
                        uscc=(d["supplier_uscc"] or "").upper(), address=d["supplier_address"] or "")
                    new_firms[ref] = firm
                    self.counts["new_firms"] += 1
                    cand = plan.get("candidate")
                    if cand:
                        services.match_review_queue(
                            actor=actor, new_firm=firm, score=plan["score"],
                            candidate_enterprise=known_e[cand[1]] if cand[0] == "e" else None,
                            candidate_external=known_x[cand[1]] if cand[0] == "x" else None)
                        self.counts["review"] += 1
                supplier = {"supplier_external": firm}
            else:
                self.counts["matched_exact" if plan["how"] == "exact" else "matched_auto"] += 1
                supplier = {"supplier_enterprise": known_e[ref]} if kind == "e" else {
                    "supplier_external": known_x[ref]}
            links.append({"customer": known_e[plan["customer"]], "material": materials[name], **supplier,
                          "share": d["share"], "monthly_volume": d["monthly_volume"], "per_unit": d.get("per_unit"),
                          "inventory": d.get("input_stock")})
        created, corrected = services.links_upsert(actor=actor, rows=links)
        return len(created), len(corrected)
