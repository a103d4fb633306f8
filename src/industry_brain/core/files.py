"""Uploaded files: kept outside every public URL, accepted by content, served only to readers in scope.

- Storage: `private_storage()` writes under settings.PRIVATE_FILES_ROOT (var/private), which no URL maps to. Each
  stored name is `<folder>/<yyyy>/<mm>/<random>.<sniffed extension>`: the uploader's name and extension are never
  used on disk (the original name is kept by the owning model where it has one).
- Accepted types, by their first bytes (never by the name or the browser's claim): PDF; PNG, JPEG, GIF, WebP;
  Office documents (OOXML .docx/.xlsx/.pptx and legacy OLE .doc/.xls/.ppt); ZIP, 7z, RAR. At most
  settings.FILE_UPLOAD_MAX_BYTES. HTML, SVG, scripts and everything else are refused with the field named.
- Serving: `/files/<name>` (the URL a FileField's `.url` gives) looks the name up among the file fields stored
  privately, answers 404 unless the signed-in user may view the owning object (`Model.objects.restrict`), and sends
  the file as an attachment with the sniffed type, `nosniff` and a sandboxing CSP; with
  settings.FILES_X_ACCEL_PREFIX set the proxy sends the bytes (`X-Accel-Redirect`, deploy/nginx).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import zipfile
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 8192


@dataclasses.dataclass(frozen=True)
class FileKind:
    ext: str
    mime: str


PDF = FileKind("pdf", "application/pdf")
KINDS = {
    "pdf": PDF,
    "png": FileKind("png", "image/png"),
    "jpg": FileKind("jpg", "image/jpeg"),
    "gif": FileKind("gif", "image/gif"),
    "webp": FileKind("webp", "image/webp"),
    "docx": FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": FileKind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "ole": FileKind("doc", "application/x-ole-storage"),  # legacy .doc/.xls/.ppt share one container format
    "zip": FileKind("zip", "application/zip"),
    "7z": FileKind("7z", "application/x-7z-compressed"),
    "rar": FileKind("rar", "application/vnd.rar"),
}
ACCEPTED_LABEL = _("PDF, PNG, JPEG, GIF, WebP, Word, Excel, PowerPoint, ZIP, 7z or RAR")


def _zip_kind(fileobj) -> FileKind | None:
    """A ZIP container: an Office Open XML document when it says so, else a plain archive."""
    try:
        with zipfile.ZipFile(fileobj) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" in names:
        for prefix, key in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return KINDS[key]
    return KINDS["zip"]


def sniff(fileobj) -> FileKind | None:
    """The accepted type of a file by its content, or None. Reads the head (and a ZIP's directory) and
    rewinds."""
    pos = fileobj.tell() if hasattr(fileobj, "tell") else 0
    try:
        fileobj.seek(0)
        head = fileobj.read(SNIFF_BYTES)
        if head.startswith(b"%PDF-"):
            return KINDS["pdf"]
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return KINDS["png"]
        if head.startswith(b"\xff\xd8\xff"):
            return KINDS["jpg"]
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return KINDS["gif"]
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return KINDS["webp"]
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            return KINDS["ole"]
        if head.startswith(b"7z\xbc\xaf\x27\x1c"):
            return KINDS["7z"]
        if head.startswith((b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")):
            return KINDS["rar"]
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            fileobj.seek(0)
            return _zip_kind(fileobj)
        return None
    finally:
        fileobj.seek(pos)


def max_bytes() -> int:
    return int(getattr(settings, "FILE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def validate_upload(fileobj) -> FileKind:
    """Refuse what is too large or not an accepted type (by content). Raises ValidationError with the reason."""
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    if size > max_bytes():
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)},
                              code="file_too_large")
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    kind = sniff(fileobj)
    if kind is None:
        raise ValidationError(_("This type of file is not accepted; accepted are %(types)s.")
                              % {"types": ACCEPTED_LABEL}, code="file_type")
    return kind


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_FILES_ROOT. `url()` is the checked download view, never a path on disk."""

    def __init__(self):
        super().__init__(base_url=None)

    # Read from the settings at each use (not frozen when the model class is built), like MEDIA_ROOT.
    @property
    def base_location(self):
        return str(settings.PRIVATE_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        return reverse("core:private_file", args=[name])

    def _save(self, name, content):
        # The last line of defence for services that store files without a form: the type is checked again
        # and the stored name gets a random stem and the sniffed extension.
        kind = validate_upload(content)
        folder = os.path.dirname(name)
        name = os.path.join(folder, f"{secrets.token_urlsafe(16)}.{kind.ext}")
        return super()._save(name, content)


_storage: PrivateStorage | None = None


def private_storage() -> PrivateStorage:
    """The storage of every FileField holding uploads (a callable, so that migrations refer to it by name)."""
    global _storage
    if _storage is None:
        _storage = PrivateStorage()
    return _storage


@deconstructible
class UploadTo:
    """`upload_to` filing uploads by folder and month; the stem is replaced on save (PrivateStorage)."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{timezone.localdate():%Y/%m}/{filename}"

    def __eq__(self, other):
        return isinstance(other, UploadTo) and other.folder == self.folder


# ------------------------------------------------------------------------------------------------ serving

def private_file_fields() -> list[tuple[type, str]]:
    """Every (model, field) whose files live in the private storage: the only files `/files/<name>` serves."""
    from django.apps import apps
    from django.db.models import FileField

    return [(model, f.name) for model in apps.get_models() for f in model._meta.get_fields()
            if isinstance(f, FileField) and isinstance(f.storage, PrivateStorage)]


def find_owner(name: str):
    """The model instance holding the stored name, or None."""
    for model, field in private_file_fields():
        obj = model._base_manager.filter(**{field: name}).first()
        if obj is not None:
            return model, obj
    return None


def file_response(name: str, *, download_name: str) -> HttpResponse:
    storage = private_storage()
    try:
        fh = storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    kind = sniff(fh) or FileKind("bin", "application/octet-stream")
    prefix = getattr(settings, "FILES_X_ACCEL_PREFIX", "")
    if prefix:
        fh.close()
        response = HttpResponse(content_type=kind.mime)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(fh, content_type=kind.mime)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(download_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_private_file(request, name: str):
    """GET /files/<name>: the file to a signed-in user who may view its owner; 404 for everyone else."""
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if ".." in name.split("/") or name.startswith("/"):
        raise Http404
    found = find_owner(name)
    if found is None:
        raise Http404
    model, obj = found
    if not model.objects.restrict(request.user, "view").filter(pk=obj.pk).exists():
        raise Http404
    download = getattr(obj, "name", "") or os.path.basename(name)
    ext = os.path.splitext(name)[1]
    if ext and not download.lower().endswith(ext.lower()):
        download = os.path.splitext(download)[0] + ext  # the sniffed type decides how the saved copy opens
    return file_response(name, download_name=download)


def move_public_uploads(model, field: str) -> int:
    """Move the files of `model.field` still lying in the public MEDIA_ROOT into the private storage (same name);
    used once by the migrations that made the fields private. Returns the number of files moved."""
    import shutil
    from pathlib import Path

    media = Path(settings.MEDIA_ROOT)
    target_root = Path(settings.PRIVATE_FILES_ROOT)
    moved = 0
    for name in model._base_manager.exclude(**{field: ""}).values_list(field, flat=True).iterator():
        source, target = media / name, target_root / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), str(target))
            moved += 1
    return moved
