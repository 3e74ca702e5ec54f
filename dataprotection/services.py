"""Writes of data protection (DATA-1, S11-4): subject-access exports (built, downloaded once, expired), retention
applied per RPA (or a dry run of it), re-encryption under the current key, and the breach register."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate, Level2Evidence
from dataprotection.models import (
    Anonymisation,
    Breach,
    ExportState,
    KeyRotation,
    RetentionPolicy,
    RetentionRun,
    SubjectAccessExport,
)
from dataprotection.records import (
    CandidateRecords,
    candidate_history,
    candidate_records,
    describe,
    file_fields,
    history_models,
    record_values,
)
from hnap.files import (
    CheckedUpload,
    current_key_id,
    file_delete,
    file_read_decrypted,
    file_reencrypt,
    file_store_encrypted,
)
from hnap.models import RPA, Notification, User
from hnap.roles import Role

# --- subject access (DATA-1) -----------------------------------------------------------------------------------


def retention_policy_for(*, rpa: RPA) -> RetentionPolicy:
    """The RPA's retention periods (the defaults until it sets its own)."""
    policy, _ = RetentionPolicy.objects.get_or_create(rpa=rpa)
    return policy


@transaction.atomic
def export_request(*, candidate: Candidate, acting_user: User) -> SubjectAccessExport:
    """Ask for a subject-access export of `candidate`; a worker builds it after commit."""
    from dataprotection.tasks import export_build as build_task

    export = SubjectAccessExport.objects.create(rpa_id=candidate.rpa_id, candidate=candidate, requested_by=acting_user)
    transaction.on_commit(lambda: build_task.delay(export.pk))
    return export


def _progress(export: SubjectAccessExport, percent: int, note: str) -> None:
    # Written outside any transaction, so the page polling it sees each step as it happens.
    SubjectAccessExport.objects.filter(pk=export.pk).update(progress=min(percent, 100), progress_note=note[:200])


def _extension(content: bytes) -> str:
    for magic, extension in ((b"%PDF-", ".pdf"), (b"\xff\xd8\xff", ".jpg"), (b"\x89PNG", ".png")):
        if content.startswith(magic):
            return extension
    return ".bin"


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def export_archive(
    *, held: CandidateRecords, on_step: Callable[[int, str], None] | None = None
) -> tuple[bytes, dict[str, int]]:
    """The ZIP of everything held: README.txt (the index), records/<kind>.json, history.json (who changed what,
    when) and files/ (each stored file decrypted). Returns the bytes and the count of records by kind."""
    candidate = held.candidate
    counts: dict[str, int] = {}
    files: list[tuple[str, str, int]] = []
    missing: list[str] = []
    steps = len(held.records) + 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for step, (label, rows) in enumerate(held.records.items(), start=1):
            entries = []
            for row in rows:
                values = record_values(row)
                for path_field, key_field in file_fields(type(row)):
                    values.pop(key_field, None)
                    path = values.get(path_field)
                    if not path:
                        continue
                    try:
                        content = file_read_decrypted(path=path)
                    except FileNotFoundError:
                        values[path_field] = None
                        missing.append(f"{label} {row.pk}")
                        continue
                    name = f"files/{label.replace('.', '-')}/{row.pk}-{path_field.removesuffix('_path')}"
                    name += _extension(content)
                    archive.writestr(name, content)
                    values[path_field] = name  # where it is in the archive, not on hnap's disks
                    files.append((name, label, row.pk))
                entries.append(values)
            counts[label] = len(entries)
            archive.writestr(f"records/{label}.json", _json(entries))
            if on_step:
                on_step(step * 90 // steps, f"{describe(label)}: {len(entries)}")
        history = candidate_history(held=held)
        archive.writestr("history.json", _json(history))
        archive.writestr("README.txt", _readme(candidate=candidate, counts=counts, files=files, missing=missing,
                                                history_count=sum(len(v) for v in history.values())))  # fmt: skip
    return buffer.getvalue(), counts


def _readme(
    *, candidate: Candidate, counts: dict[str, int], files: list[tuple[str, str, int]], missing: list[str],
    history_count: int,
) -> str:  # fmt: skip
    lines = [
        f"Subject access export: everything {candidate.rpa} holds on candidate {candidate.reference}",
        f"Made {timezone.localtime():%d %B %Y %H:%M} under UK GDPR article 15 and the Data Protection Act 2018.",
        "",
        "records/<kind>.json  every record of that kind, field by field (ids of related records as numbers)",
        "history.json         every recorded change to those records: when, what, who and from where",
        "files/               each stored file, decrypted",
        "",
        "Records held, by kind:",
    ]
    lines += [f"  {label:40} {count:5}  {describe(label)}" for label, count in counts.items()]
    lines += ["", f"Recorded changes: {history_count}", "", "Files:"]
    lines += [f"  {name}  ({label} {pk})" for name, label, pk in files] or ["  (none)"]
    if missing:
        lines += ["", "Files recorded but no longer stored (deleted under the retention periods):"]
        lines += [f"  {item}" for item in missing]
    return "\n".join(lines) + "\n"


def export_build(*, export_id: int) -> SubjectAccessExport | None:
    """Build the archive of a queued export, report progress as it goes, store it encrypted, and start its expiry
    clock (RetentionPolicy.export_link_days)."""
    claimed = SubjectAccessExport.objects.filter(
        pk=export_id, state__in=[ExportState.QUEUED, ExportState.RUNNING]
    ).update(state=ExportState.RUNNING, progress=1, progress_note="Finding every record held")
    if not claimed:
        return None  # already built, downloaded or gone
    export = SubjectAccessExport.objects.select_related("candidate", "rpa").get(pk=export_id)
    try:
        held = candidate_records(candidate=export.candidate)
        _progress(export, 5, "Records found; writing the archive")
        content, counts = export_archive(held=held, on_step=lambda p, note: _progress(export, 5 + p, note))
        _progress(export, 97, "Encrypting the archive")
        upload = CheckedUpload(
            content=content,
            name=f"subject-access-{export.candidate.reference}.zip",
            content_type="application/zip",
            sha256=hashlib.sha256(content).hexdigest(),
        )
        path, key_id = file_store_encrypted(upload=upload, folder=f"exports/{export.rpa_id}")
    except Exception as error:
        SubjectAccessExport.objects.filter(pk=export_id).update(state=ExportState.FAILED, error=str(error)[:2000])
        raise
    days = retention_policy_for(rpa=export.rpa).export_link_days
    now = timezone.now()
    with transaction.atomic():
        export = SubjectAccessExport.objects.select_for_update().get(pk=export_id)
        export.state = ExportState.READY
        export.progress, export.progress_note = 100, "Ready"
        export.file_path, export.file_key_id, export.file_size = path, key_id, len(content)
        export.contents = counts
        export.ready_at, export.expires_at = now, now + timedelta(days=days)
        export.save()
    return export


@transaction.atomic
def export_download(*, export: SubjectAccessExport, acting_user: User) -> tuple[bytes, str]:
    """The archive, once: only the administrator who asked for it, only until it expires; it is deleted as it goes."""
    export = SubjectAccessExport.objects.select_for_update().select_related("candidate").get(pk=export.pk)
    if export.requested_by_id != acting_user.pk:
        raise PermissionDenied("Only the administrator who asked for this export may download it.")
    if export.state == ExportState.DOWNLOADED:
        raise ValidationError("This archive has already been downloaded, and is deleted. Ask for a new export.")
    if not export.available:
        raise ValidationError("This archive is not available (it has expired or is not ready). Ask for a new export.")
    content = file_read_decrypted(path=export.file_path)
    path = export.file_path
    export.state, export.downloaded_at, export.downloaded_by = ExportState.DOWNLOADED, timezone.now(), acting_user
    export.file_path = ""
    export.save(update_fields=["state", "downloaded_at", "downloaded_by", "file_path"])
    transaction.on_commit(lambda: file_delete(path=path))
    return content, f"subject-access-{export.candidate.reference}.zip"


def exports_expire(*, now: datetime | None = None) -> int:
    """Delete the archives whose link has expired; returns how many."""
    now = now or timezone.now()
    count = 0
    for export in SubjectAccessExport.objects.filter(state=ExportState.READY, expires_at__lte=now):
        with transaction.atomic():
            path = export.file_path
            SubjectAccessExport.objects.filter(pk=export.pk).update(state=ExportState.EXPIRED, file_path="")
            if path:
                transaction.on_commit(lambda path=path: file_delete(path=path))  # type: ignore[misc]
        count += 1
    return count


# --- retention (DATA-1, S11-4) ---------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    import calendar

    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _released_before(rpa: RPA, cutoff: datetime) -> Any:
    """The RPA's candidates whose every result is released, the last before `cutoff` (the clock of retention)."""
    return (
        Candidate.objects.filter(rpa=rpa)
        .annotate(last_release=Max("results__released_at"))
        .filter(last_release__lt=cutoff)
        .exclude(results__released_at__isnull=True)
    )


def retention_due(*, rpa: RPA, now: datetime | None = None) -> dict[str, Any]:
    """What the RPA's retention periods make due now: the evidence copies to delete and the candidates to
    anonymise, with the two cut-off times."""
    now = now or timezone.now()
    policy = retention_policy_for(rpa=rpa)
    evidence_before = months_before(now, policy.evidence_months)
    anonymise_before = months_before(now, 12 * policy.anonymise_years)
    evidence = (
        Level2Evidence.objects.filter(candidate__in=_released_before(rpa, evidence_before).values("pk"))
        .exclude(file_path="")
        .select_related("candidate")
        .order_by("candidate_id", "pk")
    )
    candidates = (
        _released_before(rpa, anonymise_before)
        .exclude(pk__in=Anonymisation.objects.values("candidate_id"))
        .order_by("pk")
    )
    return {
        "evidence_before": evidence_before,
        "anonymise_before": anonymise_before,
        "evidence": list(evidence),
        "candidates": list(candidates),
    }


def retention_apply(
    *, rpa: RPA, dry_run: bool, acting_user: User | None = None, now: datetime | None = None
) -> RetentionRun:
    """Apply the RPA's retention periods (or, dry, only record what they would do): delete Level 2 evidence copies
    past their period, anonymise candidates past theirs keeping the aggregate figures; report it in a run."""
    due = retention_due(rpa=rpa, now=now)
    run = RetentionRun.objects.create(
        rpa=rpa,
        dry_run=dry_run,
        evidence_before=due["evidence_before"],
        anonymise_before=due["anonymise_before"],
        started_by=acting_user,
    )
    evidence_refs = sorted({e.candidate.reference for e in due["evidence"]})
    anonymised_refs = [c.reference for c in due["candidates"]]
    if dry_run:
        files = versions = 0
        for candidate in due["candidates"]:
            held = candidate_records(candidate=candidate)
            files += sum(1 for _, row in held.all() for p, _k in file_fields(type(row)) if getattr(row, p))
            versions += len(held.records.get("assessments.fileversion", []))
        run.evidence_deleted, run.candidates_anonymised = len(due["evidence"]), len(due["candidates"])
        run.files_deleted, run.versions_rewritten = files, versions
    else:
        for evidence in due["evidence"]:
            with transaction.atomic():
                path = evidence.file_path
                Level2Evidence.objects.filter(pk=evidence.pk).update(file_path="")
                transaction.on_commit(lambda path=path: file_delete(path=path))  # type: ignore[misc]
            run.evidence_deleted += 1
        for candidate in due["candidates"]:
            done = candidate_anonymise(candidate=candidate, run=run)
            run.candidates_anonymised += 1
            run.files_deleted += done["files"]
            run.versions_rewritten += done["versions"]
            run.history_removed += done["history"]
    run.details = {"evidence_deleted_for": evidence_refs, "anonymised": anonymised_refs}
    run.finished_at = timezone.now()
    run.save()
    if not dry_run and rpa.lead_id and (run.evidence_deleted or run.candidates_anonymised):
        Notification.objects.create(
            user_id=rpa.lead_id,
            subject=f"Retention applied: {run.evidence_deleted} evidence copies deleted, "
            f"{run.candidates_anonymised} candidates anonymised",
            body=f"The nightly retention run of {rpa} deleted {run.evidence_deleted} Level 2 evidence copies and "
            f"anonymised {run.candidates_anonymised} candidates ({run.files_deleted} files deleted, "
            f"{run.versions_rewritten} file versions rewritten).",
            link=reverse("retention-run-detail", args=[run.pk]),
        )
    return run


# Names of text columns that carry a person's details (anything else of that kind is a code or a choice).
_PERSONAL_PARTS = (
    "name", "phone", "title", "organisation", "address", "postcode", "declarer_role", "subject", "chosen_label",
)  # fmt: skip
# The two records whose dates stay as aggregate figures, at month precision.
_MONTH_PRECISION = {"candidates.candidate", "assessments.result"}


def _month(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if isinstance(value, date):
        return value.replace(day=1)
    return value


def _scrubbed(label: str, obj: models.Model) -> dict[str, Any]:
    """The anonymised values of one record's personal fields (free text, names, contact details, drafts)."""
    changes: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.is_relation or f.name in {"reference", "kind", "state", "outcome"}:
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.EmailField):
            new: Any = "" if f.blank else f"anonymised-{obj._meta.model_name}-{obj.pk}@example.invalid"
        elif isinstance(f, models.TextField):
            new = "" if f.blank else "Anonymised."
        elif isinstance(f, models.CharField) and not f.choices and any(p in f.name for p in _PERSONAL_PARTS):
            new = "" if f.blank else "Anonymised"
        elif isinstance(f, models.JSONField) and f.name in ("draft", "content"):
            new = {}
        elif f.name == "date_of_birth":
            new = None
        elif label in _MONTH_PRECISION and isinstance(f, models.DateField):
            new = _month(value)
        else:
            continue
        if new != value:
            changes[f.attname] = new
    return changes


@transaction.atomic
def candidate_anonymise(*, candidate: Candidate, run: RetentionRun | None = None) -> dict[str, int]:
    """Anonymise one candidate: every record held on them loses its personal details and stored files, the history
    of those records (which repeats the details) goes, their sign-in is closed; outcomes, counts and month-precision
    dates stay for the aggregate figures."""
    # The one sanctioned way to rewrite submitted versions (assessments migration 0005).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL hnap.version_rewrite = 'retention'")
    held = candidate_records(candidate=candidate)
    paths: list[str] = []
    history = 0
    for label, rows in held.records.items():
        model = apps.get_model(label)
        if label in ("hnap.user", "hnap.notification"):
            continue
        for row in rows:
            changes = _scrubbed(label, row)
            for path_field, _key in file_fields(model):
                if getattr(row, path_field):
                    paths.append(getattr(row, path_field))
                    changes[path_field] = ""
            if label == "candidates.candidate":
                changes["user_id"] = None
            if changes:
                model._default_manager.filter(pk=row.pk).update(**changes)
    user = cast(User | None, next(iter(held.records.get("hnap.user", [])), None))
    if user is not None and set(user.memberships.values_list("role", flat=True)) <= {Role.CANDIDATE}:
        Notification.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(
            email=f"anonymised-user-{user.pk}@example.invalid",
            full_name="Anonymised",
            is_active=False,
            password=make_password(None),
        )
        held.records.setdefault("hnap.user", [user])
    # The history repeats every detail just removed (including this transaction's own updates): it goes too.
    for label, rows in held.records.items():
        event_model = history_models(label)
        if event_model is not None and rows:
            deleted, _ = event_model._default_manager.filter(pgh_obj_id__in=[r.pk for r in rows]).delete()
            history += deleted
    Anonymisation.objects.create(rpa_id=candidate.rpa_id, candidate=candidate, run=run)
    for path in paths:
        transaction.on_commit(lambda path=path: file_delete(path=path))  # type: ignore[misc]
    return {
        "files": len(paths),
        "versions": len(held.records.get("assessments.fileversion", [])),
        "history": history,
    }


# --- key rotation (S11-4) --------------------------------------------------------------------------------------


def encrypted_file_kinds() -> list[tuple[str, str, str]]:
    """Every stored encrypted file's (model label, path field, key-id field), found from the models."""
    kinds = []
    for model in apps.get_models():
        for path_field, key_field in file_fields(model):
            kinds.append((model._meta.label_lower, path_field, key_field))
    return sorted(kinds)


def _stale(label: str, path_field: str, key_field: str, key_id: str) -> Any:
    model = apps.get_model(label)
    return model._default_manager.exclude(**{path_field: ""}).exclude(**{key_field: key_id})


def key_rotation_start() -> KeyRotation:
    """Start (or resume) re-encrypting every stored file under the current first key of HNAP_FILE_KEYS."""
    key_id = current_key_id()
    running = KeyRotation.objects.filter(key_id=key_id, finished_at__isnull=True).first()
    if running:
        return running
    total = sum(_stale(*kind, key_id).count() for kind in encrypted_file_kinds())
    return KeyRotation.objects.create(key_id=key_id, total=total)


def key_rotation_step(*, rotation: KeyRotation, batch_size: int = 50) -> bool:
    """Re-encrypt the next batch (in id order, kind by kind, from where it got to); returns whether more remain.
    Each file is rewritten whole and then renamed into place, so readers always find a readable file; the old keys
    still decrypt anything not yet rewritten."""
    rotation = KeyRotation.objects.get(pk=rotation.pk)
    if rotation.finished_at:
        return False
    left = batch_size
    for label, path_field, key_field in encrypted_file_kinds():
        kind = f"{label}.{path_field}"
        after = rotation.cursor.get(kind, 0)
        rows = list(
            _stale(label, path_field, key_field, rotation.key_id)
            .filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", path_field)[:left]
        )
        model = apps.get_model(label)
        for pk, path in rows:
            try:
                key_id = file_reencrypt(path=path)
            except FileNotFoundError:
                key_id = None  # deleted meanwhile (retention): nothing to rewrite
            if key_id:
                model._default_manager.filter(pk=pk, **{path_field: path}).update(**{key_field: key_id})
            rotation.cursor[kind] = pk
            rotation.done += 1
            left -= 1
        KeyRotation.objects.filter(pk=rotation.pk).update(cursor=rotation.cursor, done=rotation.done)
        if left == 0:
            return True
    KeyRotation.objects.filter(pk=rotation.pk).update(
        finished_at=timezone.now(), total=max(rotation.total, rotation.done)
    )
    return False


# --- breach register -------------------------------------------------------------------------------------------


@transaction.atomic
def breach_record(*, rpa: RPA, acting_user: User | None, **fields: Any) -> Breach:
    """Record a personal-data breach in the RPA's register; the ICO question always has its reason."""
    if fields.get("ico_reported") and not fields.get("ico_reported_at"):
        raise ValidationError({"ico_reported_at": "Enter when the ICO was told."})
    if fields.get("contained_at") and fields["contained_at"] < fields["found_at"]:
        raise ValidationError({"contained_at": "The breach cannot be contained before it was found."})
    if not (fields.get("ico_reason") or "").strip():
        raise ValidationError({"ico_reason": "Say why the ICO was, or was not, told."})
    year = timezone.localdate().year
    count = Breach.objects.filter(rpa=rpa, recorded_at__year=year).count() + 1
    breach = Breach(rpa=rpa, recorded_by=acting_user, reference=f"BR-{rpa.pk}-{year}-{count:03d}", **fields)
    while Breach.objects.filter(reference=breach.reference).exists():
        count += 1
        breach.reference = f"BR-{rpa.pk}-{year}-{count:03d}"
    breach.save()
    return breach
