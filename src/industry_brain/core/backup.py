"""Backup and restore of one installation: the database as a portable dump plus the uploaded files, with checksums.

Archive (an uncompressed tar; its members are compressed where that helps):
  manifest.json            format version, time, database vendor, applied migrations, per-model row counts and
                           content checksums, per-member SHA-256
  database.ibjsonl.gz      Django's JSON lines of every model (timestamps to the microsecond, natural keys for
                           content types), so a SQLite backup restores into PostgreSQL and back
  files/<root>/<path>      every uploaded file (the private store and the legacy media folder)

Restore: verify every member's checksum, migrate the (empty) target database, empty the tables the migrations
filled, load the dump in one transaction, copy the files, then dump the restored database again and compare each
model's row count and content checksum with the manifest. Any difference fails the restore.

Generic over every installed model (dumpdata): core imports no domain app.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "industry-brain-backup/1"
# Rebuilt by `migrate` (content types, permissions) or throw-away (sessions): not part of a backup.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
CHUNK = 1 << 20


class BackupError(Exception):
    pass


@dataclass
class Summary:
    models: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    mismatches: list[str] = field(default_factory=list)


def file_roots() -> dict[str, Path]:
    """The directories holding uploaded files, by the name they have inside the archive."""
    roots = {"media": Path(settings.MEDIA_ROOT)}
    private = getattr(settings, "PRIVATE_FILES_ROOT", None)
    if private:
        roots["private"] = Path(private)
    return roots


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def dump_database(path: Path) -> None:
    """Every model's rows as JSON lines, ordered by primary key (dumpdata), gzip-compressed."""
    raw = path.with_suffix("")
    call_command("dumpdata", format="ibjsonl", natural_foreign=True, exclude=EXCLUDED, use_base_manager=True,
                 output=str(raw), verbosity=0)
    with open(raw, "rb") as src, gzip.open(path, "wb", compresslevel=6) as dst:
        shutil.copyfileobj(src, dst, CHUNK)
    raw.unlink()


def model_digests(dump: Path) -> dict[str, dict]:
    """Row count and SHA-256 of each model's lines in a dump (dumpdata orders rows by primary key)."""
    digests: dict[str, hashlib._Hash] = defaultdict(hashlib.sha256)
    counts: Counter = Counter()
    with gzip.open(dump, "rb") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            label = json.loads(line)["model"]
            digests[label].update(canonical(line))
            counts[label] += 1
    return {label: {"rows": counts[label], "sha256": digests[label].hexdigest()} for label in sorted(counts)}


def canonical(line: bytes) -> bytes:
    """One row in a form that does not depend on the database engine: keys sorted, timestamps in UTC as stored."""
    return json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def applied_migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    out: dict[str, list[str]] = defaultdict(list)
    for app, name in MigrationRecorder(connection).applied_migrations():
        out[app].append(name)
    return {app: sorted(names) for app, names in sorted(out.items())}


def backup(output: Path) -> Summary:
    """Write the archive to `output` (written to a temporary name first, renamed when complete)."""
    output = Path(output)
    summary = Summary()
    with tempfile.TemporaryDirectory(prefix="ib-backup-") as tmp:
        dump = Path(tmp) / "database.ibjsonl.gz"
        dump_database(dump)
        models = model_digests(dump)
        members = {"database.ibjsonl.gz": sha256_file(dump)}
        files: list[tuple[str, Path]] = []
        for root_name, root in file_roots().items():
            if not root.is_dir():
                continue
            for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
                arcname = f"files/{root_name}/{path.relative_to(root).as_posix()}"
                members[arcname] = sha256_file(path)
                files.append((arcname, path))
                summary.bytes += path.stat().st_size
        manifest = {
            "format": FORMAT, "created": timezone.now().isoformat(), "vendor": connection.vendor,
            "migrations": applied_migrations(), "models": models, "members": members,
        }
        partial = output.with_name(f".{output.name}.partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname="database.ibjsonl.gz")
            for arcname, path in files:
                tar.add(path, arcname=arcname, recursive=False)
        os.chmod(partial, 0o600)  # the archive holds confidential figures
        partial.replace(output)
    summary.models = len(models)
    summary.rows = sum(m["rows"] for m in models.values())
    summary.files = len(files)
    return summary


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return not Path(name).is_absolute() and ".." not in parts


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError("not an Industry Brain backup: manifest.json missing or unreadable") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def verify_archive(archive: Path, workdir: Path) -> dict:
    """Extract every member into `workdir` and check its SHA-256 against the manifest (nothing extra, nothing
    missing, no path outside the archive)."""
    with tarfile.open(archive, "r") as tar:
        manifest = read_manifest(tar)
        expected = dict(manifest["members"])
        for member in tar.getmembers():
            if member.name == "manifest.json":
                continue
            if not member.isfile() or not _safe_member(member.name) or member.name not in expected:
                raise BackupError(f"unexpected archive member {member.name!r}")
            target = workdir / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            if sha256_file(target) != expected.pop(member.name):
                raise BackupError(f"checksum mismatch: {member.name}")
        if expected:
            raise BackupError(f"members missing from the archive: {', '.join(sorted(expected))}")
    return manifest


def database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    return not get_user_model()._base_manager.exists()


def restore(archive: Path, *, force: bool = False) -> Summary:
    """Restore `archive` into this installation's database and file store. The database must hold no users
    (a fresh, or freshly migrated, database) unless `force`."""
    summary = Summary()
    with tempfile.TemporaryDirectory(prefix="ib-restore-") as tmp:
        work = Path(tmp)
        manifest = verify_archive(Path(archive), work)
        call_command("migrate", interactive=False, verbosity=0)
        if not force and not database_is_empty():
            raise BackupError("the database is not empty (it has users); restore into an empty database")
        # The migrations' own rows (reference data) are part of the dump: empty every table, then load the dump.
        call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            call_command("loaddata", str(work / "database.ibjsonl.gz"), verbosity=0)
        for arcname in manifest["members"]:
            if not arcname.startswith("files/"):
                continue
            _, root_name, rel = arcname.split("/", 2)
            root = file_roots().get(root_name)
            if root is None:
                raise BackupError(f"no file store for {arcname}")
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / arcname, target)
            if sha256_file(target) != manifest["members"][arcname]:
                raise BackupError(f"checksum mismatch after copying {arcname}")
            summary.files += 1
            summary.bytes += target.stat().st_size
        # Dump what was restored and compare it model by model with what was backed up.
        check = work / "restored.ibjsonl.gz"
        dump_database(check)
        restored = model_digests(check)
        for label in sorted(set(manifest["models"]) | set(restored)):
            want, got = manifest["models"].get(label), restored.get(label)
            if want != got:
                summary.mismatches.append(f"{label}: backed up {want}, restored {got}")
        summary.models = len(restored)
        summary.rows = sum(m["rows"] for m in restored.values())
    if summary.mismatches:
        raise BackupError("restored data differ from the backup:\n" + "\n".join(summary.mismatches))
    return summary
