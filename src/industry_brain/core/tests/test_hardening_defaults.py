"""Secrets and defaults: each installation's own key, no start on the public key, a quiet health check,
an empty DATABASE_URL, import row limits that count blank rows, and exports that write user text as text."""

import io
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django import forms
from openpyxl import Workbook

from industry_brain.core import excel

ROOT = Path(__file__).resolve().parents[4]


def run_manage(args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG"}}
    env.update({"IB_VAR_DIR": str(tmp_path), **env_overrides})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_each_installation_generates_and_keeps_its_own_key(tmp_path):
    first = tmp_path / "one"
    second = tmp_path / "two"
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    keys = []
    for var in (first, first, second):
        result = run_manage(["shell", "-c", code], {"DEBUG": "1"}, var)
        assert result.returncode == 0, result.stderr
        keys.append(result.stdout.strip().splitlines()[-1])
    assert keys[0] == keys[1]  # kept across starts
    assert keys[0] != keys[2]  # another installation, another key
    assert len(keys[0]) >= 50 and not keys[0].startswith("django-insecure")
    key_file = first / "secret_key"
    assert key_file.read_text().strip() == keys[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_production_refuses_to_start_on_the_development_key(tmp_path):
    from django.conf import settings

    result = run_manage(["check"], {"DEBUG": "0", "SECRET_KEY": settings.DEVELOPMENT_SECRET_KEY}, tmp_path)
    assert result.returncode != 0
    assert "development key" in result.stderr
    # The same key is tolerated while developing (DEBUG=1): nothing is signed for real there.
    assert run_manage(["check"], {"DEBUG": "1", "SECRET_KEY": settings.DEVELOPMENT_SECRET_KEY},
                      tmp_path).returncode == 0


def test_empty_database_url_means_the_embedded_default(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_manage(["shell", "-c", code], {"DEBUG": "1", "DATABASE_URL": ""}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.sqlite3"


@pytest.mark.django_db
def test_health_check_reveals_no_settings(client, settings):
    settings.DEBUG = True
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


class _RowForm(forms.Form):
    name = forms.CharField()


class _Importer(excel.ExcelImporter):
    columns = [excel.Column("name", "名称")]
    form_class = _RowForm

    def write(self, rows):
        return len(rows), 0


def _workbook_with_blank_rows(filled: int, blank: int) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["名称"])
    for i in range(filled):
        ws.append([f"firm {i}"])
    for _ in range(blank):
        ws.append([None, ""])  # an empty string makes openpyxl keep the row
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


@pytest.mark.django_db
def test_import_row_limit_counts_blank_rows(monkeypatch):
    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 10)
    result = _Importer(actor=None).run(_workbook_with_blank_rows(3, 20))
    assert not result.ok
    assert "10" in result.errors[0].message
    # Within the limit, blank rows are skipped as before.
    assert _Importer(actor=None).run(_workbook_with_blank_rows(3, 5)).created == 3


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(1)", "\t=1", "\r=1"])
def test_exports_write_user_text_as_text_never_as_a_formula(text):
    data = excel.write_workbook(["名称"], [[text], ["plain"], [42]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data)).active
    cell = ws["A2"]
    assert cell.value == text and cell.data_type == "s"
    assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    assert ws["A3"].quotePrefix is False and ws["A4"].value == 42
