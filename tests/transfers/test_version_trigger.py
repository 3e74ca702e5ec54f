"""The FileVersion trigger after migration assessments 0005: ASM-5 still refuses every change and deletion of a
submitted version, except an UPDATE that changes nothing but rpa_id (a transfer, RISK-1) and a rewrite or deletion
inside a transaction that has run `SET LOCAL hnap.version_rewrite = 'retention'` (S11-4)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from assessments.factories import submitted_file
from assessments.models import FileVersion
from hnap.factories import RPAFactory

pytestmark = pytest.mark.django_db

REFUSED = "kept unchanged"


def _version() -> FileVersion:
    return FileVersion.objects.get(file=submitted_file(), number=1)


def _execute(sql: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_asm5_risk1_an_update_of_rpa_id_alone_is_allowed_and_keeps_every_other_column() -> None:
    version = _version()
    receiving = RPAFactory()
    before = FileVersion.objects.filter(pk=version.pk).values().get()
    FileVersion.objects.filter(pk=version.pk).update(rpa_id=receiving.pk)
    after = FileVersion.objects.filter(pk=version.pk).values().get()
    assert after.pop("rpa_id") == receiving.pk
    before.pop("rpa_id")
    assert after == before


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE assessments_fileversion SET outcome = 'not_met' WHERE id = %s",
        "UPDATE assessments_fileversion SET content = '{}'::jsonb WHERE id = %s",
        "UPDATE assessments_fileversion SET number = number + 10 WHERE id = %s",
        "UPDATE assessments_fileversion SET submitted_at = submitted_at - interval '1 day' WHERE id = %s",
        "DELETE FROM assessments_fileversion WHERE id = %s",
    ],
)
def test_asm5_any_other_update_or_delete_is_still_refused(sql: str) -> None:
    version = _version()
    before = FileVersion.objects.filter(pk=version.pk).values().get()
    with pytest.raises(Exception, match=REFUSED):
        _execute(sql, [version.pk])
    assert FileVersion.objects.filter(pk=version.pk).values().get() == before


def test_asm5_an_update_of_rpa_id_together_with_another_column_is_refused() -> None:
    version = _version()
    receiving = RPAFactory()
    with pytest.raises(Exception, match=REFUSED):
        _execute(
            "UPDATE assessments_fileversion SET rpa_id = %s, outcome = 'not_met' WHERE id = %s",
            [receiving.pk, version.pk],
        )
    version.refresh_from_db()
    assert version.rpa_id != receiving.pk and version.outcome == "met"


@pytest.mark.parametrize("value", ["", "transfer", "Retention", "retention "])
def test_asm5_another_value_of_the_setting_does_not_open_the_trigger(value: str) -> None:
    version = _version()
    with pytest.raises(Exception, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('hnap.version_rewrite', %s, true)", [value])
        cursor.execute("DELETE FROM assessments_fileversion WHERE id = %s", [version.pk])
    assert FileVersion.objects.filter(pk=version.pk).exists()


def test_s11_4_retention_may_rewrite_and_delete_inside_its_own_transaction() -> None:
    version = _version()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL hnap.version_rewrite = 'retention'")
        cursor.execute("UPDATE assessments_fileversion SET content = '{}'::jsonb WHERE id = %s", [version.pk])
        assert FileVersion.objects.get(pk=version.pk).content == {}
        cursor.execute("DELETE FROM assessments_fileversion WHERE id = %s", [version.pk])
    assert not FileVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_asm5_the_retention_setting_lapses_when_its_transaction_ends() -> None:
    """SET LOCAL belongs to one transaction: the next one (and a session that never set it) is refused again."""
    version = _version()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL hnap.version_rewrite = 'retention'")
        cursor.execute("UPDATE assessments_fileversion SET outcome = outcome WHERE id = %s", [version.pk])
    with pytest.raises(Exception, match=REFUSED):
        _execute("DELETE FROM assessments_fileversion WHERE id = %s", [version.pk])
    # Outside a transaction (autocommit) SET LOCAL has no effect on the next statement.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL hnap.version_rewrite = 'retention'")
        with pytest.raises(Exception, match=REFUSED):
            cursor.execute("DELETE FROM assessments_fileversion WHERE id = %s", [version.pk])
    assert FileVersion.objects.filter(pk=version.pk).exists()
