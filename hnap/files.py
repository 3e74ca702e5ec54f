"""Private, encrypted file storage (S11-4): uploads checked by content, size and name; stored encrypted; read
only through views that apply hnap.access.

Keys come from the environment (HNAP_FILE_KEYS: "id:fernet-key,id:fernet-key", the first writes, every one
reads), so a key can be rotated without downtime: put the new key first, re-encrypt in the background
(`manage.py reencrypt_files --background`: dataprotection's batches of `file_reencrypt`), then drop the old key.
Files live under MEDIA_ROOT, which no URL serves.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import HttpResponse
from django.utils.http import content_disposition_header

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Accepted types, recognised by their first bytes (never by the name or the browser's claim).
_SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
]
ACCEPTED_DESCRIPTION = "a PDF, JPEG or PNG file"
# Extensions that make a double-extension name dangerous wherever the file is later opened.
_EXECUTABLE_SUFFIXES = {
    ".exe", ".bat", ".cmd", ".com", ".scr", ".js", ".vbs", ".ps1", ".sh", ".php", ".html", ".htm", ".svg",
    ".jar", ".msi", ".dll", ".py", ".hta",
}  # fmt: skip


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: its bytes, a safe name, its type by content, and its digest."""

    content: bytes
    name: str
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _keys() -> list[tuple[str, Fernet]]:
    raw = getattr(settings, "HNAP_FILE_KEYS", [])
    keys = []
    for entry in raw:
        key_id, sep, key = entry.partition(":")
        if not sep or not key_id or not key:
            raise ImproperlyConfigured("HNAP_FILE_KEYS entries are 'id:fernet-key', separated by commas.")
        keys.append((key_id, Fernet(key.encode())))
    if not keys:
        raise ImproperlyConfigured(
            "HNAP_FILE_KEYS is not set: give at least one 'id:key' (make a key with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)."
        )
    return keys


def current_key_id() -> str:
    """The id of the key that encrypts new files."""
    return _keys()[0][0]


def _storage() -> FileSystemStorage:
    # Private: no base_url, so nothing here can ever be turned into a public link.
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


def upload_size_check(*, size: int | None) -> None:
    """Refuse a file over MAX_UPLOAD_BYTES by the size Django counted while receiving it, before anyone reads it.

    Every upload path (forms and API) calls this first: Django spools a large upload to a temporary file, so the
    bytes reach memory only when read, and an oversized one never is."""
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB "
            f"(it is {size / 1024 / 1024:.1f} MB).",
            code="size",
        )


def upload_check(*, name: str, content: bytes) -> CheckedUpload:
    """Accept a PDF, JPEG or PNG of at most 10 MB whose name is plain and agrees with its content; else say why."""
    if len(content) == 0:
        raise ValidationError("The selected file is empty.", code="empty")
    upload_size_check(size=len(content))
    raw_name = name or ""
    if "\x00" in raw_name or ".." in raw_name or PurePosixPath(raw_name).name != PureWindowsPath(raw_name).name:
        raise ValidationError("The file name must not contain a folder path.", code="name")
    base = PurePosixPath(raw_name).name
    if base != raw_name or not base or base.startswith("."):
        raise ValidationError("The file name must not contain a folder path.", code="name")
    suffixes = [s.lower() for s in PurePosixPath(base).suffixes]
    if any(s in _EXECUTABLE_SUFFIXES for s in suffixes):
        raise ValidationError(
            f"The selected file must be {ACCEPTED_DESCRIPTION}; '{base}' has a program's extension.", code="type"
        )
    detected = next(((mime, exts) for magic, mime, exts in _SIGNATURES if content.startswith(magic)), None)
    if detected is None:
        raise ValidationError(f"The selected file must be {ACCEPTED_DESCRIPTION}.", code="type")
    mime, extensions = detected
    if not suffixes or suffixes[-1] not in extensions:
        raise ValidationError(
            f"The file's name says it is not what it contains: it is a {mime.split('/')[1].upper()} file, so its "
            f"name must end in {' or '.join(extensions)}.",
            code="type",
        )
    if mime != "application/pdf":
        _check_image(content)
    elif b"%%EOF" not in content[-2048:]:
        raise ValidationError("The selected PDF is incomplete or damaged. Save it again and upload it.", code="damaged")
    safe = _display_name(base)
    return CheckedUpload(content=content, name=safe, content_type=mime, sha256=hashlib.sha256(content).hexdigest())


def _display_name(base: str, limit: int = 150) -> str:
    """The name shown for a stored file: plain characters only, and cut in its stem so the extension survives."""
    safe = re.sub(r"[^A-Za-z0-9._ -]", "_", base)
    if len(safe) <= limit:
        return safe
    suffix = PurePosixPath(safe).suffix
    return safe[: limit - len(suffix)] + suffix


def _check_image(content: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            # A decompression bomb (a tiny file that expands to gigapixels) is refused before it is decoded.
            if image.width * image.height > 80_000_000:
                raise ValidationError("The selected image is too large in pixels.", code="size")
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        # Pillow refuses a picture over twice its own pixel limit while opening it: a bomb, not a damaged file.
        raise ValidationError("The selected image is too large in pixels.", code="size") from error
    except Exception as error:
        raise ValidationError("The selected image is damaged and cannot be opened.", code="damaged") from error


def file_store_encrypted(*, upload: CheckedUpload, folder: str) -> tuple[str, str]:
    """Encrypt `upload` with the current key and store it privately; returns (path, key id)."""
    key_id, fernet = _keys()[0]
    path = f"{folder}/{uuid.uuid4().hex}.enc"
    saved = _storage().save(path, ContentFile(fernet.encrypt(upload.content)))
    return saved, key_id


def file_read_decrypted(*, path: str) -> bytes:
    """The plain bytes of a stored file, trying every configured key (old ones stay readable during rotation)."""
    with _storage().open(path, "rb") as handle:
        token = handle.read()
    for _, fernet in _keys():
        try:
            return fernet.decrypt(token)
        except InvalidToken:
            continue
    raise ImproperlyConfigured(f"No configured key in HNAP_FILE_KEYS decrypts {path}.")


def file_reencrypt(*, path: str) -> str:
    """Rewrite a stored file under the current key (key rotation); returns the current key id.

    The new ciphertext is written beside the file and renamed over it (atomic on one filesystem), so a reader at any
    moment finds either the old file (which an old key still decrypts) or the new one, never half of one."""
    plain = file_read_decrypted(path=path)
    key_id, fernet = _keys()[0]
    target = Path(_storage().path(path))
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        partial.write_bytes(fernet.encrypt(plain))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return key_id


def private_attachment(*, content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A private download: never cached, never sniffed or run by the browser; a type hnap does not accept is served
    as plain bytes."""
    accepted = {mime for _, mime, _ in _SIGNATURES}
    response = HttpResponse(
        content, content_type=content_type if content_type in accepted else "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def file_delete(*, path: str) -> None:
    """Remove a stored file (retention, or a failed step's clean-up)."""
    _storage().delete(path)
