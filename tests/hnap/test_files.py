"""Private encrypted files (S11-4): uploads are checked by content, size and name; stored encrypted; keys rotate
without downtime."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings
from PIL import Image

from candidates.factories import pdf_with
from hnap.files import (
    MAX_UPLOAD_BYTES,
    current_key_id,
    file_delete,
    file_read_decrypted,
    file_reencrypt,
    file_store_encrypted,
    upload_check,
)


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


class TestUploadCheck:
    @pytest.mark.parametrize(
        ("name", "content", "mime"),
        [
            ("certificate.pdf", pdf_with("ok"), "application/pdf"),
            ("Scan 01.PNG", png_bytes(), "image/png"),
            ("photo.jpeg", jpeg_bytes(), "image/jpeg"),
            ("photo.jpg", jpeg_bytes(), "image/jpeg"),
        ],
    )
    def test_s11_4_accepts_pdf_jpeg_png_by_content(self, name: str, content: bytes, mime: str) -> None:
        checked = upload_check(name=name, content=content)
        assert checked.content_type == mime and checked.size == len(content) and len(checked.sha256) == 64

    @pytest.mark.parametrize(
        ("name", "content", "says"),
        [
            ("notes.pdf", b"just some text pretending to be a PDF", "must be a PDF, JPEG or PNG"),
            ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "must be a PDF, JPEG or PNG"),
            ("cert.pdf.exe", pdf_with("x"), "program's extension"),
            ("cert.exe.pdf", pdf_with("x"), "program's extension"),
            ("cert.svg", b"<svg onload=alert(1)>", "program's extension"),
            ("../../etc/passwd.pdf", pdf_with("x"), "folder path"),
            ("..\\..\\windows\\cert.pdf", pdf_with("x"), "folder path"),
            ("/etc/cert.pdf", pdf_with("x"), "folder path"),
            ("cert\x00.pdf", pdf_with("x"), "folder path"),
            ("scan.png", pdf_with("x"), "name must end in .pdf"),
            ("scan.pdf", png_bytes(), "name must end in .png"),
            ("scan", pdf_with("x"), "name must end in .pdf"),
            ("broken.pdf", b"%PDF-1.4\nno end of file marker", "incomplete or damaged"),
            ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "damaged"),
            ("empty.pdf", b"", "empty"),
        ],
    )
    def test_hostile_or_wrong_uploads_are_refused_with_the_reason(self, name: str, content: bytes, says: str) -> None:
        with pytest.raises(ValidationError) as error:
            upload_check(name=name, content=content)
        assert says in " ".join(error.value.messages)

    def test_an_oversized_upload_is_refused_with_its_size(self) -> None:
        content = pdf_with("x") + b"0" * MAX_UPLOAD_BYTES
        with pytest.raises(ValidationError, match=r"smaller than 10 MB \(it is 10.0 MB\)"):
            upload_check(name="big.pdf", content=content)

    @pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
    def test_a_decompression_bomb_image_is_refused(self) -> None:
        bomb = png_bytes((12000, 12000))  # small file, 144 megapixels
        assert len(bomb) < MAX_UPLOAD_BYTES
        with pytest.raises(ValidationError, match="too large in pixels"):
            upload_check(name="bomb.png", content=bomb)

    def test_a_name_with_odd_characters_is_made_safe(self) -> None:
        checked = upload_check(name='cert<script>"x".pdf', content=pdf_with("x"))
        assert checked.name == "cert_script__x_.pdf"


class TestEncryptedStorage:
    def test_s11_4_stored_encrypted_and_read_back(self) -> None:
        upload = upload_check(name="c.pdf", content=pdf_with("secret grade"))
        path, key_id = file_store_encrypted(upload=upload, folder="test")
        try:
            raw = (Path(settings.MEDIA_ROOT) / path).read_bytes()
            assert b"secret grade" not in raw
            assert key_id == current_key_id()
            assert file_read_decrypted(path=path) == upload.content
        finally:
            file_delete(path=path)
        assert not (Path(settings.MEDIA_ROOT) / path).exists()

    def test_key_rotation_old_files_stay_readable_until_reencrypted(self) -> None:
        old = settings.HNAP_FILE_KEYS
        new_key = f"k9:{Fernet.generate_key().decode()}"
        upload = upload_check(name="c.pdf", content=pdf_with("rotate me"))
        path, old_id = file_store_encrypted(upload=upload, folder="test")
        try:
            with override_settings(HNAP_FILE_KEYS=[new_key, *old]):
                assert current_key_id() == "k9"
                assert file_read_decrypted(path=path) == upload.content  # old key still reads
                assert file_reencrypt(path=path) == "k9"
            with override_settings(HNAP_FILE_KEYS=[new_key]):  # old key dropped after re-encryption
                assert file_read_decrypted(path=path) == upload.content
            with override_settings(HNAP_FILE_KEYS=old), pytest.raises(ImproperlyConfigured, match="No configured key"):
                file_read_decrypted(path=path)
        finally:
            file_delete(path=path)
        assert old_id != "k9"

    @pytest.mark.parametrize("keys", [[], ["no-separator"], ["id:"]])
    def test_missing_or_malformed_keys_say_how_to_set_them(self, keys: list[str]) -> None:
        with override_settings(HNAP_FILE_KEYS=keys), pytest.raises(ImproperlyConfigured, match="HNAP_FILE_KEYS"):
            current_key_id()
