"""S11-4 key rotation without downtime: with a new key first in HNAP_FILE_KEYS, a real Celery worker re-encrypts
every stored file in batches (resumable, reporting progress) while every file stays readable; then the old key can
be dropped."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command

from appeals.factories import released_result
from candidates.models import Level2Evidence
from dataprotection.models import KeyRotation
from dataprotection.services import encrypted_file_kinds, key_rotation_start, key_rotation_step
from dataprotection.tasks import key_rotation_run
from hnap.files import file_read_decrypted
from hnap.models import RPA

OLD_KEYS = list(settings.HNAP_FILE_KEYS)
NEW_KEY = f"rot1:{Fernet.generate_key().decode()}"


def _stored(rpa: RPA, count: int) -> list[Level2Evidence]:
    for n in range(count):
        released_result(rpa, last_name=f"Rotated{n}")
    return list(Level2Evidence.objects.filter(rpa=rpa).order_by("pk"))


def test_s11_4_the_kinds_of_stored_file_are_found_from_the_models() -> None:
    kinds = {(label, path) for label, path, _ in encrypted_file_kinds()}
    assert {
        ("candidates.level2evidence", "file_path"),
        ("assessments.taskdocument", "stored_path"),
        ("assessments.result", "letter_path"),
        ("appeals.appeal", "letter_path"),
        ("dataprotection.subjectaccessexport", "file_path"),
    } <= kinds


def test_s11_4_a_real_worker_re_encrypts_every_file_while_all_stay_readable(
    celery_worker_thread: Any, rpa_a: RPA, settings: Any
) -> None:
    """Given files written under the old key, when the new key is put first and the rotation task runs on a real
    worker in batches of two, then every file stays readable at every moment, progress rises to the total, every
    record names the new key, and with the old keys dropped every file still decrypts."""
    evidence = _stored(rpa_a, 4)
    plain = {e.pk: file_read_decrypted(path=e.file_path) for e in evidence}
    settings.HNAP_FILE_KEYS = [NEW_KEY, *OLD_KEYS]
    rotation = key_rotation_start()
    assert rotation.key_id == "rot1" and rotation.total >= len(evidence)

    key_rotation_run.delay(rotation.pk, 2)
    reads = 0
    deadline = time.monotonic() + 90
    progress = []
    while time.monotonic() < deadline:
        for e in evidence:
            assert file_read_decrypted(path=e.file_path) == plain[e.pk]  # readable throughout
            reads += 1
        rotation.refresh_from_db()
        progress.append(rotation.done)
        if rotation.finished_at:
            break
        time.sleep(0.05)
    assert rotation.finished_at, f"not finished: {rotation}"
    assert rotation.done == rotation.total and rotation.percent == 100
    assert progress == sorted(progress) and reads > len(evidence)
    assert set(Level2Evidence.objects.filter(rpa=rpa_a).values_list("file_key_id", flat=True)) == {"rot1"}

    settings.HNAP_FILE_KEYS = [NEW_KEY]
    for e in evidence:
        assert file_read_decrypted(path=e.file_path) == plain[e.pk]
        Fernet(NEW_KEY.split(":", 1)[1].encode()).decrypt((Path(settings.MEDIA_ROOT) / e.file_path).read_bytes())


@pytest.mark.django_db
def test_s11_4_a_rotation_resumes_where_it_stopped(rpa_a: RPA, settings: Any) -> None:
    """Given a rotation stopped after its first batch, when it is started again, then it continues from its place
    (nothing rewritten twice) and finishes; the command reports it."""
    evidence = _stored(rpa_a, 3)
    settings.HNAP_FILE_KEYS = [NEW_KEY, *OLD_KEYS]
    rotation = key_rotation_start()
    assert key_rotation_step(rotation=rotation, batch_size=2) is True
    rotation.refresh_from_db()
    assert rotation.done == 2
    first_two = [e.pk for e in evidence[:2]]
    assert set(Level2Evidence.objects.filter(pk__in=first_two).values_list("file_key_id", flat=True)) == {"rot1"}
    # "Restarted": the same rotation is found again and picks up from its cursor.
    assert key_rotation_start().pk == rotation.pk
    out = io.StringIO()
    call_command("reencrypt_files", "--batch", "2", stdout=out)
    rotation.refresh_from_db()
    assert rotation.finished_at and rotation.done == rotation.total
    assert "Done" in out.getvalue()
    assert KeyRotation.objects.count() == 1
    assert set(Level2Evidence.objects.filter(rpa=rpa_a).values_list("file_key_id", flat=True)) == {"rot1"}
