"""Excel in and out.

Import: a subclass of `ExcelImporter` names its columns and a Django form that validates one row. The
whole file is read and validated first; every bad row is reported with its row number, column and
reason; only when no row is wrong are all rows written, in one transaction (all or nothing).
Export: `workbook_response()` streams rows into an .xlsx download with a write-only workbook (constant memory;
the rows come from `queryset.iterator()`), from a temporary file, never from a workbook held in memory.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from . import context

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_ROWS = 50_000


@dataclasses.dataclass(frozen=True)
class Column:
    field: str  # form field name
    header: str  # the Chinese column header users see
    example: Any = ""
    help: str = ""


@dataclasses.dataclass
class RowError:
    row: int  # spreadsheet row number as users see it (header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, %(column)s: %(message)s") % {"row": self.row, "column": self.column,
                                                            "message": self.message}


@dataclasses.dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be read (not an xlsx, wrong headers, too many rows)."""


def _messages(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [f"{field}: {m}" if field != "__all__" else str(m)
                    for field, msgs in exc.message_dict.items() for m in msgs]
        return [str(m) for m in exc.messages]
    return [str(exc) or str(_("You may not do this."))]


class ExcelImporter:
    """Base class: set `columns`, `form_class`, and implement `validate_rows()` (optional, for checks that
    span rows, e.g. duplicates) and `write(rows)` which returns (created, updated)."""

    columns: Sequence[Column] = ()
    form_class: type[forms.Form]

    def __init__(self, *, actor):
        self.actor = actor

    # ----- reading -----
    def read(self, fileobj) -> list[tuple[int, dict]]:
        try:
            wb = load_workbook(fileobj, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types for a non-xlsx file
            raise ImportFileError(_("The file is not an Excel .xlsx workbook.")) from exc
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        try:
            header = [str(c).strip() if c is not None else "" for c in next(rows)]
        except StopIteration:
            raise ImportFileError(_("The workbook is empty.")) from None
        by_header = {c.header: c for c in self.columns}
        missing = [c.header for c in self.columns if c.header not in header and self.form_class.base_fields[
            c.field].required]
        if missing:
            raise ImportFileError(_("Missing columns: %(cols)s. Download the template and keep its headers.")
                                  % {"cols": "、".join(missing)})
        index = {i: by_header[h] for i, h in enumerate(header) if h in by_header}
        out: list[tuple[int, dict]] = []
        for number, values in enumerate(rows, start=2):
            # Every row read counts, blank ones too: a sheet of a million empty formatted rows is as much work
            # to read as a million filled ones.
            if number - 1 > MAX_IMPORT_ROWS:
                raise ImportFileError(_("At most %(n)s rows can be imported at once.") % {"n": MAX_IMPORT_ROWS})
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            data = {}
            for i, col in index.items():
                v = values[i] if i < len(values) else None
                if isinstance(v, str):
                    v = v.strip()
                if isinstance(v, float) and v.is_integer() and col.field in self.integer_like_fields():
                    v = int(v)
                data[col.field] = "" if v is None else v
            out.append((number, data))
        wb.close()
        return out

    @staticmethod
    def count_rows(fileobj) -> int:
        """Data rows the sheet declares (its dimension, blank rows included), without reading them: decides whether
        an upload runs as a background job (`core.imports`). Reads the rows when the sheet declares no size."""
        try:
            wb = load_workbook(fileobj, read_only=True, data_only=True)
        except Exception:  # not a workbook: the import itself reports it
            fileobj.seek(0)
            return 0
        try:
            ws = wb.worksheets[0]
            rows = ws.max_row
            if rows is None:
                rows = sum(1 for _r in ws.iter_rows(values_only=True))
            return max(0, rows - 1)
        finally:
            wb.close()
            fileobj.seek(0)

    def integer_like_fields(self) -> set[str]:
        return {name for name, f in self.form_class.base_fields.items()
                if isinstance(f, forms.CharField | forms.ChoiceField | forms.ModelChoiceField)}

    # ----- validating -----
    def form_kwargs(self) -> dict:
        return {}

    def clean_rows(self, raw: list[tuple[int, dict]]) -> tuple[list[tuple[int, dict]], list[RowError]]:
        cleaned, errors = self.clean_chunk(raw)
        errors.extend(self.validate_rows(cleaned))
        return cleaned, errors

    def clean_chunk(self, raw: list[tuple[int, dict]]) -> tuple[list[tuple[int, dict]], list[RowError]]:
        """Each row through the row form (checks within one row); `validate_rows` then checks across rows."""
        header_of = {c.field: c.header for c in self.columns}
        cleaned: list[tuple[int, dict]] = []
        errors: list[RowError] = []
        for number, data in raw:
            form = self.form_class(data=data, **self.form_kwargs())
            if form.is_valid():
                cleaned.append((number, form.cleaned_data))
            else:
                for field, messages in form.errors.items():
                    for message in messages:
                        errors.append(RowError(number, header_of.get(field, field if field != "__all__" else "-"),
                                               message))
        return cleaned, errors

    def validate_rows(self, rows: list[tuple[int, dict]]) -> list[RowError]:
        return []

    def write(self, rows: list[tuple[int, dict]]) -> tuple[int, int]:
        raise NotImplementedError

    def run(self, fileobj) -> ImportResult:
        """Validate everything, then write everything in one transaction, or nothing."""
        try:
            raw = self.read(fileobj)
        except ImportFileError as exc:
            return ImportResult(errors=[RowError(1, "-", str(exc))])
        if not raw:
            return ImportResult(errors=[RowError(1, "-", _("The workbook has no data rows."))])
        rows, errors = self.clean_rows(raw)
        if errors:
            errors.sort(key=lambda e: e.row)
            return ImportResult(errors=errors)
        try:
            # The rows are written as the importing user (the change log and events name them even when the import
            # runs outside a request, e.g. as a background job), keeping the request id when there is one.
            with context.acting_as(self.actor, label=getattr(self.actor, "username", "") or "",
                                   request_id=context.current_request_id() or None), transaction.atomic():
                created, updated = self.write(rows)
        except (ValidationError, PermissionDenied) as exc:
            # `write` goes through the services, which check again: their refusal rolls the whole file back
            # and is reported like a row error.
            return ImportResult(errors=[RowError(1, "-", message) for message in _messages(exc)])
        return ImportResult(created=created, updated=updated)

    # ----- template -----
    def template_response(self, filename: str) -> HttpResponse:
        headers = [c.header for c in self.columns]
        example = [c.example for c in self.columns]
        notes = [[c.header, str(c.help)] for c in self.columns]
        return workbook_response(filename, headers, [example], notes=notes)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell) -> None:
    """Keep user text a string in the sheet: openpyxl writes a value starting with "=" as a formula, and a
    spreadsheet re-evaluates a text cell starting with =, +, -, @ (or a tab/CR before them) when it is edited
    or the file is re-saved as CSV. The cell is typed as text and marked with Excel's quote prefix."""
    if cell.value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_workbook_to(fileobj, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
                      notes: Sequence[Sequence[str]] | None = None) -> int:
    """Write an .xlsx to `fileobj` with openpyxl's write-only workbook: each row is serialised as it is read, so
    memory stays flat whatever the number of rows (iterate the queryset with `.iterator()`). User text starting
    with a formula trigger is written as text (`as_text`). Returns the number of data rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title or str(_("Data")))
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(str(h)) * 2 + 4))
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font, cell.fill = bold, fill
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
                cell = WriteOnlyCell(ws, value=value)
                as_text(cell)
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
        count += 1
    if notes:
        ns = wb.create_sheet(str(_("notes")))
        ns.column_dimensions["A"].width = 20
        ns.column_dimensions["B"].width = 80
        ns.append([str(_("Column")), str(_("How to fill it in"))])
        for n in notes:
            ns.append([str(v) for v in n])
    wb.save(fileobj)
    return count


def write_workbook(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
                   notes: Sequence[Sequence[str]] | None = None) -> bytes:
    """The workbook as bytes (templates, tests, small sheets); exports go through `workbook_response`."""
    buf = io.BytesIO()
    write_workbook_to(buf, headers, rows, title=title, notes=notes)
    return buf.getvalue()


class WorkbookResponse(FileResponse):
    """An .xlsx download streamed from a temporary file (never held in memory). `content` reads that file, for
    callers that want the bytes of a small export (tests)."""

    def __init__(self, filelike, *args, **kwargs):
        self._workbook_file = filelike
        super().__init__(filelike, *args, **kwargs)

    @property
    def content(self) -> bytes:
        f = self._workbook_file
        position = f.tell()
        f.seek(0)
        data = f.read()
        f.seek(position)
        return data


def workbook_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                      notes: Sequence[Sequence[str]] | None = None) -> HttpResponse:
    """Stream an export: rows are written one by one to a temporary file by the write-only workbook, and the
    response streams that file (constant memory for 200,000 rows; see benchmarks/bench_export.py)."""
    tmp = tempfile.TemporaryFile()
    write_workbook_to(tmp, headers, rows, notes=notes)
    tmp.seek(0)
    return WorkbookResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX_MIME)
