"""Reads of transfers (RISK-1): which candidates a transfer takes (open work only), which cannot move yet and why,
and the preview of everything that will move with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from assessments.models import Assessment, AssessmentState, Outcome, Result
from candidates.models import Candidate, CandidateStatus, PreparationCourse
from hnap.access import memberships_of
from hnap.models import Deadline
from hnap.roles import Role
from moderation.models import EventState, SampleEntry
from transfers.discovery import MovingModel, moving_models
from transfers.models import Transfer, TransferScope


def is_partnership_admin(user: Any) -> bool:
    """RISK-1 is the Partnership's decision: only its administrators approve and carry out a transfer."""
    return any(m.role == Role.PARTNERSHIP_ADMIN for m in memberships_of(user))


def open_work() -> Q:
    """A candidate whose work is open: not withdrawn or found ineligible, and not yet awarded HLTA status (a released
    "met" result). A released "not met" result may still be reassessed or appealed: that work is open too."""
    awarded = Result.objects.filter(candidate=OuterRef("pk"), released_at__isnull=False, outcome=Outcome.MET)
    return cast(Q, ~Q(status__in=[CandidateStatus.WITHDRAWN, CandidateStatus.NOT_ELIGIBLE]) & ~Exists(awarded))


def in_unclosed_event() -> Exists:
    """The candidate's file is in the sample of a moderation event that has not closed: it stays until it closes."""
    return Exists(SampleEntry.objects.filter(file__candidate=OuterRef("pk")).exclude(event__state=EventState.CLOSED))


def transfer_chosen(*, transfer: Transfer) -> QuerySet[Candidate]:
    """The sending RPA's candidates the transfer names (one, a course's cohort, or all), before the open-work rule."""
    chosen = Candidate.objects.filter(rpa_id=transfer.rpa_id)
    if transfer.scope == TransferScope.CANDIDATE:
        return chosen.filter(pk=transfer.candidate_id_chosen)
    if transfer.scope == TransferScope.COURSE:
        return chosen.filter(course_id=transfer.course_id_chosen)
    return chosen


def transfer_movable(*, transfer: Transfer) -> QuerySet[Candidate]:
    """The candidates that move when the transfer is carried out now: open work, not in an unclosed moderation event."""
    return transfer_chosen(transfer=transfer).filter(open_work()).exclude(in_unclosed_event())


def id_set(ids: list[int]) -> RawSQL:
    """`ids` as one array parameter (`pk__in=id_set(ids)`): one parameter whatever their number, and a plan that does
    not depend on the tables' statistics (freshly written rows have none)."""
    return RawSQL("SELECT unnest(%s::bigint[])", (ids,))


def records_moving(*, rpa_id: int, candidate_ids: list[int]) -> list[tuple[MovingModel, list[int]]]:
    """The ids of every record of `rpa_id` that moves with these candidates, per moving model, found step by step
    from each model's parent's ids (a file version from its file's), a fixed number of queries per model."""
    found: dict[type[Model], list[int]] = {}
    rows: list[tuple[MovingModel, list[int]]] = []
    for entry in moving_models():
        manager = entry.model._default_manager
        if entry.path == "pk":
            ids = list(manager.filter(rpa_id=rpa_id, pk__in=id_set(candidate_ids)).values_list("pk", flat=True))
        else:
            first = entry.path.split("__", 1)[0]
            parent = entry.model._meta.get_field(first).related_model
            if parent in found:
                lookup = {f"{first}__in": id_set(found[parent])}  # type: ignore[index]
            else:
                lookup = {f"{entry.path}__in": id_set(candidate_ids)}
            ids = list(manager.filter(rpa_id=rpa_id, **lookup).values_list("pk", flat=True).distinct())
        found[entry.model] = ids
        rows.append((entry, ids))
    return rows


def deadlines_of(*, rpa_id: int, rows: list[tuple[MovingModel, list[int]]]) -> list[int]:
    """The ids of the RPA's deadlines about these records (content type and object id), one query per model."""
    deadline_ids: list[int] = []
    for entry, ids in rows:
        if ids:
            deadline_ids += Deadline.objects.filter(
                rpa_id=rpa_id,
                content_type=ContentType.objects.get_for_model(entry.model),
                object_id__in=id_set(ids),
            ).values_list("pk", flat=True)
    return deadline_ids


@dataclass
class Preview:
    """What a transfer would move now: the candidates, the records of each kind, and what stays or changes."""

    candidates: list[Candidate]
    staying: list[tuple[Candidate, str]]
    records: list[tuple[str, int]]
    deadlines: int
    cross_rpa_kept: list[Assessment] = field(default_factory=list)
    courses_moving: list[PreparationCourse] = field(default_factory=list)


def transfer_preview(*, transfer: Transfer) -> Preview:
    """Everything that will move, counted per kind of record through the same relations the transfer follows."""
    movable = transfer_movable(transfer=transfer)
    moving = list(movable.select_related("school").order_by("last_name", "first_name", "pk"))
    movable_ids = movable.values("pk")
    staying: list[tuple[Candidate, str]] = []
    annotated = (
        transfer_chosen(transfer=transfer)
        .exclude(pk__in=movable_ids)
        .annotate(is_open=open_work(), in_event=in_unclosed_event())
        .order_by("last_name", "first_name", "pk")
    )
    for candidate in annotated:
        if not candidate.is_open:
            staying.append((candidate, "Work finished or ended: stays as the sending RPA's record."))
        else:
            staying.append((candidate, "File in a moderation event not yet closed: moves once the event closes."))
    rows = records_moving(rpa_id=transfer.rpa_id, candidate_ids=[c.pk for c in moving])
    records = [(str(entry.model._meta.verbose_name_plural).capitalize(), len(ids)) for entry, ids in rows if ids]
    deadlines = len(deadlines_of(rpa_id=transfer.rpa_id, rows=rows))
    kept = list(
        Assessment.objects.filter(candidate__in=movable_ids, state=AssessmentState.BOOKED, rpa_id=transfer.rpa_id)
        .exclude(assessor__rpa_id=transfer.to_rpa_id)
        .select_related("candidate", "assessor__user")
        .order_by("starts_at")
    )
    courses = list(
        PreparationCourse.objects.filter(rpa_id=transfer.rpa_id, candidates__in=movable_ids)
        .exclude(Exists(Candidate.objects.filter(course=OuterRef("pk")).exclude(pk__in=movable_ids)))
        .distinct()
        .select_related("pop")
    )
    return Preview(
        candidates=moving,
        staying=staying,
        records=records,
        deadlines=deadlines,
        cross_rpa_kept=kept,
        courses_moving=courses,
    )
