"""manage.py backup / restore: a backup restores into an empty database with identical row counts and checksums;
a damaged archive or a database in use is refused."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from industry_brain.core import backup

ROOT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.django_db


@pytest.fixture
def stores(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    (settings.PRIVATE_FILES_ROOT / "demands" / "2026").mkdir(parents=True)
    (settings.PRIVATE_FILES_ROOT / "demands" / "2026" / "letter.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2048))
    return tmp_path


def test_backup_restores_into_an_empty_database_with_identical_counts_and_checksums(world, stores, tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert {"manifest.json", "database.ibjsonl.gz", "files/private/demands/2026/letter.pdf"} <= names
    assert manifest["models"]["enterprises.enterprise"]["rows"] >= 2
    assert manifest["models"]["accounts.user"]["rows"] == len(world.users)

    # A separate installation: its own var directory and an empty embedded database, restored in another process.
    target = tmp_path / "restored"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update({"IB_VAR_DIR": str(target), "DEBUG": "1"})
    result = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = sum(m["rows"] for m in manifest["models"].values())
    assert f"{len(manifest['models'])} models, {rows} rows, 1 files" in result.stdout
    assert "checksums match" in result.stdout
    restored = target / "private" / "demands" / "2026" / "letter.pdf"
    assert restored.read_bytes() == (stores / "private" / "demands" / "2026" / "letter.pdf").read_bytes()

    # Restoring again into the now populated database is refused (nothing is overwritten by accident).
    again = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_tampered_archive_is_refused_before_anything_is_written(world, stores, tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive))
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.endswith("letter.pdf"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="checksum mismatch: files/private/demands/2026/letter.pdf"):
        call_command("restore", str(tampered))
    from industry_brain.enterprises.models import Enterprise

    assert Enterprise.objects.count() >= 2  # the database was not touched


def test_restore_refuses_a_database_with_users(world, stores, tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    assert backup.database_is_empty() is False
