"""The monthly briefing (月度工业经济运行简报) written by the platform from the stored indicators.

Every number is computed first and kept in `figures` with the indicator it comes from (dimension, key, month,
field); the text is filled from templates in the wording of municipal briefings (同比增长/下降, 加快/回落,
收窄/扩大, 拉动…个百分点). Then the briefing is rendered to Word (python-docx) and PDF (LibreOffice when
installed, else the small built-in PDF writer in `pdf.py`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile

from django.db import transaction
from django.db.models import Max

from .models import Briefing, Dimension, Indicator

EDITOR_NOTE = "（下步工作由编辑填写。）"


def _pct(value) -> str:
    return f"{abs(value):.1f}%"


def growth_phrase(g) -> str:
    if g is None:
        return "无可比数据"
    return f"同比增长{_pct(g)}" if g >= 0 else f"同比下降{_pct(g)}"


def change_phrase(g, g_before, before_label: str) -> str:
    """加快/回落 (or 降幅收窄/扩大 when both are negative) against the previous period."""
    if g is None or g_before is None:
        return ""
    delta = round(g, 1) - round(g_before, 1)
    if abs(delta) < 0.05:
        return f"增速与{before_label}持平"
    if g < 0 and g_before < 0:
        return f"降幅比{before_label}{'收窄' if delta > 0 else '扩大'}{abs(delta):.1f}个百分点"
    return f"增速比{before_label}{'加快' if delta > 0 else '回落'}{abs(delta):.1f}个百分点"


def yi(wan) -> str:
    """万元 → 亿元 with one decimal."""
    return f"{(wan or 0) / 10000:.1f}"


def period_label(period: dt.date) -> str:
    return f"{period.month}月" if period.month == 1 else f"1—{period.month}月"


class Figures:
    """The numbers of one briefing, each with the indicator it was read from."""

    def __init__(self, period: dt.date):
        self.period = period
        self.items: dict[str, dict] = {}

    def take(self, name: str, row: Indicator | None, field: str):
        value = getattr(row, field) if row is not None else None
        self.items[name] = {"value": value, "indicator": None if row is None else {
            "period": row.period.strftime("%Y-%m"), "dimension": row.dimension, "key": row.key, "field": field}}
        return value


def compose(period: dt.date, *, warnings: dict | None = None, movers: dict | None = None,
            demands: list[str] | None = None) -> tuple[str, list[dict], dict]:
    """Title, sections ({heading, paragraphs, table?, chart?}) and the figures used."""
    rows = Indicator.objects.filter(period=period)
    city = rows.filter(dimension=Dimension.CITY).first()
    prev_period = (period.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    prev_city = Indicator.objects.filter(period=prev_period, dimension=Dimension.CITY).first() \
        if period.month > 1 else None
    f = Figures(period)
    label = period_label(period)
    va = f.take("va_cum", city, "va_cum")
    g = f.take("va_growth_cum", city, "va_growth_cum")
    gm = f.take("va_growth_month", city, "va_growth_month")
    g_before = f.take("va_growth_cum_previous", prev_city, "va_growth_cum")
    prev_label = period_label(prev_period) if prev_city is not None else ""
    judgement = "平稳增长" if g is not None and g >= 0 else "承压运行"
    title = f"{period.year}年{label}全市规上工业经济运行简报"
    change = change_phrase(g, g_before, prev_label)
    head = (f"{label}，全市实现规上工业增加值{yi(va)}亿元（测算），{growth_phrase(g)}"
            + (f"，{change}" if change else "")
            + (f"；其中{period.month}月当月{growth_phrase(gm).replace('同比', '')}" if period.month > 1 else "")
            + "。")
    output = f.take("output_cum", city, "output_cum")
    output_g = f.take("output_growth_cum", city, "output_growth_cum")
    ratio = f.take("sales_ratio_cum", city, "sales_ratio_cum")
    export = f.take("export_cum", city, "export_cum")
    export_g = f.take("export_growth_cum", city, "export_growth_cum")
    p2 = (f"全市规上工业总产值{yi(output)}亿元，{growth_phrase(output_g)}；产销率{(ratio or 0):.1f}%；"
          f"出口交货值{yi(export)}亿元，{growth_phrase(export_g)}。")
    sections = [{"heading": f"一、总体运行：{judgement}", "paragraphs": [head, p2]}]

    # districts
    districts = list(rows.filter(dimension=Dimension.DISTRICT).order_by("rank", "key"))
    prev_d = {r.key: r.va_growth_cum for r in Indicator.objects.filter(period=prev_period,
                                                                        dimension=Dimension.DISTRICT)}
    rising = sum(1 for r in districts if r.va_growth_cum is not None and prev_d.get(r.key) is not None
                 and r.va_growth_cum > prev_d[r.key])
    parts = []
    table = []
    for r in districts:
        gr = f.take(f"district:{r.key}:va_growth_cum", r, "va_growth_cum")
        f.take(f"district:{r.key}:va_cum", r, "va_cum")
        parts.append(f"{r.label}{growth_phrase(gr).replace('同比', '')}")
        table.append([r.label, yi(r.va_cum), "-" if gr is None else f"{gr:.1f}", r.rank or "-"])
    sections.append({"heading": "二、分区县运行情况",
                     "paragraphs": [f"{len(districts)}个区、县（市）中，{rising}个增加值增速较上月回升。"
                                    + "按增速排列：" + "，".join(parts) + "。"],
                     "table": {"headers": ["区、县（市）", "增加值（亿元）", "同比增长（%）", "位次"], "rows": table},
                     "chart": {"title": "各区、县（市）规上工业增加值增速（%）",
                               "values": [[r.label, r.va_growth_cum or 0] for r in districts]}})

    # ecosystems and chains
    ecos = list(rows.filter(dimension=Dimension.ECOSYSTEM).order_by("rank", "key"))
    eco_parts = []
    for r in ecos:
        gr = f.take(f"ecosystem:{r.key}:va_growth_cum", r, "va_growth_cum")
        pull = f.take(f"ecosystem:{r.key}:va_pull_cum", r, "va_pull_cum")
        eco_parts.append(f"{r.label}{growth_phrase(gr).replace('同比', '')}"
                         + (f"，拉动全市增速{pull:.1f}个百分点" if pull is not None else ""))
    sections.append({"heading": "三、分产业生态圈运行情况",
                     "paragraphs": ["；".join(eco_parts) + "。" if eco_parts else "暂无生态圈数据。"]})

    # industries
    inds = [r for r in rows.filter(dimension=Dimension.INDUSTRY) if r.va_growth_cum is not None]
    up = sum(1 for r in inds if r.va_growth_cum > 0)
    f.items["industries_growing"] = {"value": up, "indicator": {"period": period.strftime("%Y-%m"),
                                                                 "dimension": "industry", "field": "va_growth_cum>0"}}
    f.items["industries"] = {"value": len(inds), "indicator": {"period": period.strftime("%Y-%m"),
                                                               "dimension": "industry", "field": "count"}}
    share = up / len(inds) * 100 if inds else 0
    pulls = sorted(inds, key=lambda r: r.va_pull_cum or 0, reverse=True)
    top = pulls[:3]
    drags = [r for r in pulls[::-1][:2] if (r.va_pull_cum or 0) < 0]
    ind_text = f"{len(inds)}个行业大类中有{up}个行业增加值实现增长，增长面为{share:.1f}%。"
    if top:
        ind_text += ("、".join(r.label for r in top) + "增长较快，分别拉动规上工业增加值增速"
                     + "、".join(f"{(r.va_pull_cum or 0):.1f}" for r in top) + "个百分点。")
        for r in top:
            f.take(f"industry:{r.key}:va_pull_cum", r, "va_pull_cum")
    if drags:
        ind_text += "、".join(r.label for r in drags) + "下拉增速较多。"
    sections.append({"heading": "四、分行业运行情况", "paragraphs": [ind_text]})

    # new momentum
    schemes = list(rows.filter(dimension=Dimension.SCHEME).order_by("key"))
    nm = []
    for r in schemes:
        gr = f.take(f"scheme:{r.key}:va_growth_cum", r, "va_growth_cum")
        nm.append(f"{r.label}增加值{growth_phrase(gr)}")
    sections.append({"heading": "五、新动能", "paragraphs": [
        ("；".join(nm) + "。（按行业大类近似归类，口径以统计部门发布为准。）") if nm else "分类对照表未载入。"]})

    # profits
    rev = f.take("revenue_cum", city, "revenue_cum")
    rev_g = f.take("revenue_growth_cum", city, "revenue_growth_cum")
    prof = f.take("profit_cum", city, "profit_cum")
    prof_g = f.take("profit_growth_cum", city, "profit_growth_cum")
    loss = f.take("loss_share", city, "loss_share")
    sections.append({"heading": "六、经济效益", "paragraphs": [
        f"全市规上工业企业实现营业收入{yi(rev)}亿元，{growth_phrase(rev_g)}；利润总额{yi(prof)}亿元，"
        f"{growth_phrase(prof_g) if prof_g is not None else '上年同期为亏损或无可比数据'}；"
        f"亏损面{(loss or 0):.1f}%。"]})

    # investment and projects
    inv_par = []
    if city is not None:
        for key, name in (("industrial", "工业投资"), ("manufacturing", "制造业投资")):
            growth = f.take(f"investment:{key}", city, f"inv_{key}_growth_cum")
            inv_par.append(f"{name}{growth_phrase(growth)}")
    lag = []
    if warnings:
        lag = [f"{p.code} {p.name}" for p in warnings.get("red_list", [])]
        f.items["red_projects"] = {"value": warnings.get("red_projects"), "indicator": {"dimension": "projects",
                                                                                          "field": "warning=red"}}
    sections.append({"heading": "七、工业投资与重点项目", "paragraphs": [
        ("，".join(inv_par) + "（项目平台口径）。") if inv_par else "暂无投资数据。",
        (f"红色预警项目{warnings.get('red_projects', 0)}个，需重点督办：" + "；".join(lag) + "。") if lag
        else "暂无红色预警项目。"]})

    # key enterprises
    if movers:
        ups = "、".join(m["enterprise"].name for m in movers.get("up", [])[:5])
        downs = "、".join(m["enterprise"].name for m in movers.get("down", [])[:5] if m["change"] < 0)
        sections.append({"heading": "八、重点企业", "paragraphs": [
            (f"当月产值增量居前的企业：{ups}。" if ups else "") + (f"产值下降较多的企业：{downs}。" if downs else "")]})
    sections.append({"heading": "九、企业反映的主要问题", "paragraphs": demands or ["本月无逾期未办结诉求。"]})
    sections.append({"heading": "十、下步工作", "paragraphs": [EDITOR_NOTE]})
    return title, sections, {k: v for k, v in f.items.items()}


@transaction.atomic
def generate(*, actor, period: dt.date, context: dict | None = None) -> Briefing:
    """Write a new version of the month's briefing from the indicators."""
    title, sections, figures = compose(period, **(context or {}))
    version = (Briefing.objects.select_for_update().filter(period=period).aggregate(v=Max("version"))["v"] or 0) + 1
    return Briefing.objects.create(period=period, version=version, title=title, sections=sections, figures=figures,
                                   author=actor if getattr(actor, "pk", None) else None,
                                   note="platform" if actor is None else "")


@transaction.atomic
def edit(*, actor, briefing: Briefing, sections: list[dict], note: str = "") -> Briefing:
    """An edit is saved as a new version; the figures stay those the text was generated from."""
    version = (Briefing.objects.select_for_update().filter(period=briefing.period)
               .aggregate(v=Max("version"))["v"] or 0) + 1
    return Briefing.objects.create(period=briefing.period, version=version, title=briefing.title, sections=sections,
                                   figures=briefing.figures, author=actor, note=note[:200] or "edited")


# ------------------------------------------------------------------------------------------- rendering

def to_docx(briefing: Briefing) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from .charts import bar_chart_png

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    h = doc.add_heading(briefing.title, level=0)
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(f"第{briefing.version}版 · 生成于{briefing.created:%Y-%m-%d}")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in briefing.sections:
        doc.add_heading(section["heading"], level=1)
        for text in section.get("paragraphs", []):
            p = doc.add_paragraph(text)
            p.paragraph_format.first_line_indent = Pt(24)
        chart = section.get("chart")
        if chart and chart.get("values"):
            doc.add_picture(io.BytesIO(bar_chart_png([v for _k, v in chart["values"]])), width=Cm(15))
            cap = doc.add_paragraph(chart["title"] + "（自左至右：" + "、".join(k for k, _v in chart["values"]) + "）")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        table = section.get("table")
        if table:
            t = doc.add_table(rows=1, cols=len(table["headers"]))
            t.style = "Table Grid"
            for cell, text in zip(t.rows[0].cells, table["headers"], strict=True):
                cell.text = str(text)
            for row in table["rows"]:
                cells = t.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = str(text)
    doc.add_paragraph("注：规上工业增加值及其增速为平台按价格指数缩减法测算，以统计部门发布数据为准。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_pdf(briefing: Briefing) -> bytes:
    """PDF through LibreOffice (headless) when installed; otherwise the built-in text PDF writer."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "briefing.docx")
            with open(src, "wb") as fh:
                fh.write(to_docx(briefing))
            subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", tmp, src], check=True,
                           capture_output=True, timeout=120)
            with open(os.path.join(tmp, "briefing.pdf"), "rb") as fh:
                return fh.read()
    from .pdf import text_pdf

    lines = [("title", briefing.title)]
    for section in briefing.sections:
        lines.append(("heading", section["heading"]))
        lines += [("text", t) for t in section.get("paragraphs", [])]
        table = section.get("table")
        if table:
            lines += [("text", "　".join(str(c) for c in table["headers"]))]
            lines += [("text", "　".join(str(c) for c in row)) for row in table["rows"]]
    lines.append(("text", "注：规上工业增加值及其增速为平台按价格指数缩减法测算，以统计部门发布数据为准。"))
    return text_pdf(lines)


class PlatformReader:
    """The platform itself as reader, for the scheduled briefing (a city-level document)."""

    pk = None
    role = "city"
    is_city = True
    is_superuser = True
    is_authenticated = True
    is_active = True
    username = "platform"


def generate_for(*, actor, period: dt.date) -> Briefing:
    """Gather what the briefing needs from the other modules (within the reader's scope) and write a version."""
    from django.http import Http404

    from . import selectors

    reader = actor or PlatformReader()
    warnings = selectors.cockpit_warnings(user=reader)
    demands = [f"{d.enterprise.name}反映“{d.title}”，已逾期未办结。" for d in warnings["overdue_list"]]
    try:
        movers = selectors.top_movers(user=reader, dimension="city", key="all", period=period)
    except Http404:
        movers = None
    return generate(actor=actor, period=period, context={
        "warnings": warnings, "movers": movers, "demands": demands or None})
