"""Everything hnap holds on one candidate (DATA-1), found the same way by the subject-access export and by
retention: every model with a ForeignKey path to Candidate (discovered from the models, so a new one is not
silently missed), plus the records tied to the candidate another way (their sign-in's notifications and
enquiries, deadlines about their records), plus the audit history (pghistory events) of all of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pghistory.models
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from candidates.models import Candidate

# Kinds of record with a ForeignKey path to Candidate that the export and retention cover, in the archive's order,
# with what each is. tests/dataprotection/test_records.py fails when a model with such a path is in neither this
# list nor NOT_EXPORTED: a new model is listed (and described) on purpose, never missed.
EXPORTED_KINDS: dict[str, str] = {
    "candidates.candidate": "The candidate's registration record",
    "candidates.employerdeclaration": "Employer's declarations (REG-3)",
    "candidates.level2evidence": "Level 2 evidence and the copies uploaded (S11-1)",
    "candidates.disabilitydisclosure": "Disability disclosure and adjustments (REG-8)",
    "candidates.changereport": "Changes reported (REG-7)",
    "candidates.invoice": "Invoices",
    "candidates.invoiceline": "Invoice lines",
    "candidates.payment": "Payments",
    "assessments.assessment": "Assessment bookings",
    "assessments.assessmentfile": "Assessment files (the draft)",
    "assessments.taskdocument": "Written tasks and evidence documents sent",
    "assessments.documentissue": "Issues raised about the documents (PREP-3)",
    "assessments.fileversion": "Submitted versions of the assessment file (ASM-5)",
    "assessments.scrutinydecision": "Scrutiny decisions (SCR-1..SCR-3)",
    "assessments.preparationfeedback": "Feedback on preparation (PREP-1, PREP-2)",
    "assessments.result": "Results and result letters (MOD-12)",
    "moderation.sampleentry": "Moderation sample entries",
    "moderation.moderationdecision": "Moderation decisions",
    "moderation.reviewpending": "Review-pending flags (MOD-7)",
    "appeals.appeal": "Appeals and their letters (APP-1..APP-4)",
    "appeals.referral": "Appeals referred to the Partnership (APP-6)",
    "appeals.reviewpanel": "Review panels (APP-6, APP-7)",
    "dataprotection.anonymisation": "Retention: when the personal data were anonymised",
}
# Models with a path to Candidate that are deliberately not exported, and why.
NOT_EXPORTED: dict[str, str] = {
    "dataprotection.subjectaccessexport": "the export itself: its archive is what is handed over",
}
# Tied to the candidate otherwise than by a ForeignKey path (see `_linked`).
LINKED_KINDS: dict[str, str] = {
    "hnap.user": "The candidate's sign-in (no password)",
    "hnap.notification": "Notifications sent to the candidate's sign-in",
    "appeals.enquiry": "Enquiries the candidate raised (by sign-in or email address)",
    "appeals.enquirymessage": "Messages of those enquiries",
    "hnap.deadline": "Deadlines about the candidate's records",
    "hnap.deadlinenotice": "Reminders and escalations of those deadlines",
    "transfers.transfer": "Transfers of this candidate alone to another RPA (RISK-1)",
    "transfers.transferredcandidate": "Transfers that moved the candidate (the sending RPA's record of them)",
}
# Never written to an archive (secrets, or meaningless outside hnap).
_OMITTED_FIELDS = {"password", "nonce", "last_login"}
_MAX_DEPTH = 4


def _is_event(model: type[models.Model]) -> bool:
    return issubclass(model, pghistory.models.Event)


def candidate_paths(model: type[models.Model]) -> list[str]:
    """Every lookup from `model` to Candidate along forward ForeignKeys (at most four steps), shortest first."""
    if model is Candidate:
        return ["pk"]
    found: list[str] = []

    def walk(current: type[models.Model], prefix: str, seen: frozenset[type[models.Model]], depth: int) -> None:
        for f in current._meta.get_fields():
            if not (f.concrete and f.is_relation and (f.many_to_one or f.one_to_one)) or f.related_model is None:
                continue
            target = f.related_model
            if target is Candidate:
                found.append(f"{prefix}{f.name}")
            elif depth > 1 and target not in seen and not _is_event(target):
                walk(target, f"{prefix}{f.name}__", seen | {target}, depth - 1)

    walk(model, "", frozenset({model}), _MAX_DEPTH)
    return sorted(set(found), key=lambda p: (p.count("__"), p))


@cache
def candidate_linked_models() -> dict[str, list[str]]:
    """Every model (audit-event models aside) with a ForeignKey path to Candidate: label -> its lookups."""
    linked = {}
    for model in apps.get_models():
        if _is_event(model):
            continue
        paths = candidate_paths(model)
        if paths:
            linked[model._meta.label_lower] = paths
    return linked


def export_kinds() -> list[str]:
    """The kinds the export walks: the listed ones in order, then any model found with a path to Candidate but not
    listed (exported anyway, so a new model's records are never dropped from an archive)."""
    found = candidate_linked_models()
    listed = [label for label in EXPORTED_KINDS if label in found]
    extra = sorted(set(found) - set(EXPORTED_KINDS) - set(NOT_EXPORTED))
    return listed + extra


def describe(label: str) -> str:
    return EXPORTED_KINDS.get(label) or LINKED_KINDS.get(label) or f"Records of {label} (not yet described)"


@dataclass
class CandidateRecords:
    """The candidate's records by kind (label -> records), and their audit history by kind."""

    candidate: Candidate
    records: dict[str, list[models.Model]] = field(default_factory=dict)

    def all(self) -> Iterator[tuple[str, models.Model]]:
        for label, rows in self.records.items():
            for row in rows:
                yield label, row


def _filter_for(label: str, candidate: Candidate) -> Q:
    condition = Q(pk__in=[])
    for path in candidate_linked_models()[label]:
        condition |= Q(**{path: candidate.pk})
    return condition


def candidate_records(*, candidate: Candidate) -> CandidateRecords:
    """Every record held on the candidate, kind by kind (one query per kind)."""
    held = CandidateRecords(candidate=candidate)
    for label in export_kinds():
        model = apps.get_model(label)
        held.records[label] = list(model._default_manager.filter(_filter_for(label, candidate)).order_by("pk"))
    held.records.update(_linked(candidate=candidate, held=held))
    return held


def _linked(*, candidate: Candidate, held: CandidateRecords) -> dict[str, list[models.Model]]:
    from appeals.models import Enquiry, EnquiryMessage
    from hnap.models import Deadline, DeadlineNotice, Notification, User
    from transfers.models import Transfer, TransferredCandidate

    user_id = candidate.user_id
    match = Q(pk__in=[])
    if user_id:
        match |= Q(raised_by_id=user_id)
    if candidate.email:
        match |= Q(email__iexact=candidate.email)
    enquiries = Enquiry.objects.filter(rpa_id=candidate.rpa_id).filter(match)
    enquiry_list = list(enquiries.order_by("pk"))
    # Deadlines point at their subject generically (content type + id): those about any record held above.
    subjects = Q(pk__in=[])
    for label, rows in [*held.records.items(), ("appeals.enquiry", enquiry_list)]:
        if rows:
            content_type = ContentType.objects.get_for_model(apps.get_model(label))
            subjects |= Q(content_type=content_type, object_id__in=[r.pk for r in rows])
    deadlines = list(Deadline.objects.filter(subjects).order_by("pk"))
    return {
        "hnap.user": list(User.objects.filter(pk=user_id)) if user_id else [],
        "hnap.notification": list(Notification.objects.filter(user_id=user_id).order_by("pk")) if user_id else [],
        "appeals.enquiry": enquiry_list,
        "appeals.enquirymessage": list(EnquiryMessage.objects.filter(enquiry__in=enquiry_list).order_by("pk")),
        "hnap.deadline": deadlines,
        "hnap.deadlinenotice": list(DeadlineNotice.objects.filter(deadline__in=deadlines).order_by("pk")),
        # A transfer keeps the candidate by id (the sender may no longer read them), not by a ForeignKey.
        "transfers.transfer": list(Transfer.objects.filter(candidate_id_chosen=candidate.pk).order_by("pk")),
        "transfers.transferredcandidate": list(
            TransferredCandidate.objects.filter(candidate_ref=candidate.pk).order_by("pk")
        ),
    }


@cache
def _event_models() -> dict[type[models.Model], type[models.Model]]:
    return {
        model.pgh_tracked_model: model  # type: ignore[attr-defined]
        for model in apps.get_models()
        if _is_event(model) and getattr(model, "pgh_tracked_model", None) is not None
    }


def history_models(label: str) -> type[models.Model] | None:
    """The audit-event model that keeps the history of `label`'s records, if it is audited."""
    return _event_models().get(apps.get_model(label))


def candidate_history(*, held: CandidateRecords) -> dict[str, list[dict[str, Any]]]:
    """The audit history (DATA-1: who, when, what) of every record held, by kind (one query per audited kind)."""
    history: dict[str, list[dict[str, Any]]] = {}
    for label, rows in held.records.items():
        event_model = history_models(label)
        if event_model is None or not rows:
            continue
        events = event_model._default_manager.filter(pgh_obj_id__in=[r.pk for r in rows]).select_related("pgh_context")
        history[label] = [
            {
                "record": event.pgh_obj_id,  # type: ignore[attr-defined]
                "when": event.pgh_created_at,  # type: ignore[attr-defined]
                "change": event.pgh_label,  # type: ignore[attr-defined]
                "context": event.pgh_context.metadata if event.pgh_context_id else {},  # type: ignore[attr-defined]
                "values": record_values(event, skip_pgh=True),
            }
            for event in events.order_by("pgh_created_at", "pgh_id")
        ]
    return history


def file_fields(model: type[models.Model]) -> list[tuple[str, str]]:
    """The stored encrypted files of a model: (path field, key-id field) pairs (`letter_path` + `letter_key_id`,
    `stored_path` + `key_id`)."""
    names = {f.name for f in model._meta.concrete_fields}
    pairs = []
    for name in sorted(names):
        if not name.endswith("_path"):
            continue
        key = name[: -len("_path")] + "_key_id"
        key = key if key in names else "key_id"
        if key in names:
            pairs.append((name, key))
    return pairs


def record_values(obj: models.Model, *, skip_pgh: bool = False) -> dict[str, Any]:
    """A record's stored values by field name (foreign keys as ids), secrets left out."""
    values: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in _OMITTED_FIELDS or (skip_pgh and f.name.startswith("pgh_")):
            continue
        values[f.name] = getattr(obj, f.attname)
    return values
