"""Writes of moderation (issue 7): moderators and their competence (MOD-1, MOD-2), peer-review pairings and
nominations (PEER-1, PEER-2), the monthly event, its sample and the reproducible draw (MOD-3..MOD-5, ASR-2, SCR-3),
peer reviewers' access while the review is open (PEER-4), decisions with the second moderator (MOD-6, MOD-8), the
review-pending cascade (MOD-7), closing the event (MOD-12), the joint report and its deadline (PEER-3), and
feedback to assessors with any sanction (MOD-9, ASR-7, ASR-8)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.file_selectors import file_standard_numbers, month_start
from assessments.file_services import file_return, result_confirm
from assessments.models import (
    AssessmentFile,
    Assessor,
    AssessorStatus,
    ConfirmedVia,
    FileState,
    Outcome,
)
from hnap.access import forget_memberships, holds_role
from hnap.deadlines import deadline_meet, deadline_schedule
from hnap.grants import grant_object_access, grant_objects_access, grant_revoke, grants_revoke_reason
from hnap.models import RPA, Membership, NationalSampledStandards, Notification, User
from hnap.roles import Action, Role
from hnap.workdays import calendar_for, end_of_day
from moderation.models import (
    JOINT_REPORT_DEADLINE_KIND,
    JOINT_REPORT_WORKING_DAYS,
    PAIRING_MONTHS,
    AssessorFeedback,
    DecisionState,
    DocumentationQuality,
    EventState,
    JointReport,
    ModerationDecision,
    ModerationEvent,
    Moderator,
    PeerReviewNomination,
    PeerReviewPairing,
    ReviewOutcome,
    ReviewPending,
    ReviewState,
    SampleDraw,
    SampleEntry,
    SampleOrigin,
    SampleReason,
    Sanction,
    StandardSource,
    Verdict,
)
from moderation.sampling import mandatory_reasons, random_draw
from moderation.selectors import (
    assessor_changed_outcomes,
    cohort_facts,
    entry_decision,
    event_cohort,
    event_coverage_proposals,
    event_month_ended,
    event_summary,
    file_review_pending,
    moderator_for,
    nomination_for,
    pairing_previous,
)

COVERAGE_REASONS = (SampleReason.COVERAGE_ASSESSOR, SampleReason.COVERAGE_POP, SampleReason.COVERAGE_WEIGHTED)


def _month_label(day: date) -> str:
    return f"{day:%B %Y}"


def _notify(user_ids: Iterable[int], *, subject: str, body: str, link: str = "") -> None:
    Notification.objects.bulk_create(
        Notification(user_id=user_id, subject=subject, body=body, link=link) for user_id in sorted(set(user_ids))
    )


def _rpa_staff(rpa_id: int) -> list[int]:
    """The RPA's administrators and senior assessors (who review review-pending files, MOD-7)."""
    return list(
        Membership.objects.filter(rpa_id=rpa_id, role__in=[Role.RPA_ADMIN, Role.SENIOR_ASSESSOR]).values_list(
            "user_id", flat=True
        )
    )


# --- moderators (MOD-1, MOD-2) ---------------------------------------------------------------------------


@transaction.atomic
def moderator_nominate(
    *,
    rpa: RPA,
    user: User,
    acting_user: User | None,
    is_senior: bool = False,
    trained_on: date | None = None,
) -> Moderator:
    """MOD-1, MOD-2: the RPA nominates one of its experienced assessors as a moderator (not yet confirmed unless a
    senior moderator); they get the moderator role in the RPA."""
    assessor = Assessor.objects.filter(rpa=rpa, user=user).first()
    if assessor is None or assessor.status != AssessorStatus.ACTIVE or assessor.first_solo_qa_at is None:
        raise ValidationError(
            {"user": "A moderator is an experienced assessor: choose an active assessor on the RPA's register."}
        )
    if Moderator.objects.filter(rpa=rpa, user=user).exists():
        raise ValidationError({"user": f"{user.full_name} is already a moderator of {rpa.name}."})
    moderator = Moderator.objects.create(
        rpa=rpa,
        user=user,
        assessor=assessor,
        is_senior=is_senior,
        trained_on=trained_on,
        nominated_by=acting_user,
    )
    Membership.objects.get_or_create(user=user, role=Role.MODERATOR, rpa=rpa, pop=None)
    forget_memberships(user)
    return moderator


@transaction.atomic
def moderator_confirm(*, moderator: Moderator, acting_user: User, note: str) -> Moderator:
    """MOD-2: a senior moderator of the RPA confirms a moderator's competence (e.g. after trial moderations); only
    then can they decide alone."""
    moderator = Moderator.objects.select_for_update().get(pk=moderator.pk)
    if moderator.is_confirmed:
        raise ValidationError("This moderator's competence is already confirmed.")
    senior = moderator_for(user=acting_user, rpa_id=moderator.rpa_id)
    if senior is None or not senior.is_senior or senior.pk == moderator.pk:
        raise ValidationError("Only a senior moderator of the RPA, not the moderator themselves, confirms competence.")
    if not note.strip():
        raise ValidationError({"note": "Say what the confirmation rests on (for example the trial moderations)."})
    moderator.confirmed_by, moderator.confirmed_at = acting_user, timezone.now()
    moderator.confirmation_note = note.strip()
    moderator.save(update_fields=["confirmed_by", "confirmed_at", "confirmation_note"])
    _notify(
        [moderator.user_id],
        subject="Your competence as a moderator is confirmed",
        body=f"{acting_user.full_name} confirmed you can now take full responsibility for moderation decisions.",
    )
    return moderator


@transaction.atomic
def moderator_set_active(*, moderator: Moderator, active: bool, acting_user: User | None) -> Moderator:
    """Stand a moderator down (or back); a stood-down moderator records no decision."""
    moderator.active = active
    moderator.save(update_fields=["active"])
    return moderator


# --- peer-review pairings and nominations (PEER-1, PEER-2) -------------------------------------------------


def _period_end(start: date) -> date:
    year, month = start.year, start.month + PAIRING_MONTHS
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1) - timedelta(days=1)


@transaction.atomic
def pairing_set(
    *,
    rpa: RPA,
    reviewer_rpa: RPA,
    period_start: date,
    acting_user: User | None,
    confirm_repeat: bool = False,
) -> PeerReviewPairing:
    """PEER-2: the Partnership sets which RPA peer-reviews `rpa` for three months from the month of `period_start`;
    repeating the previous period's pairing needs confirming (the pairings change to exchange practice)."""
    start = month_start(period_start)
    end = _period_end(start)
    if reviewer_rpa.pk == rpa.pk:
        raise ValidationError({"reviewer_rpa": "An RPA cannot peer-review itself: choose another RPA."})
    overlapping = PeerReviewPairing.objects.filter(rpa=rpa, period_start__lte=end, period_end__gte=start).first()
    if overlapping is not None:
        raise ValidationError(
            {"period_start": f"{rpa.name} already has a peer reviewer for {_month_label(overlapping.period_start)} to "
             f"{_month_label(overlapping.period_end)}: the periods would overlap."}
        )  # fmt: skip
    previous = pairing_previous(rpa=rpa, period_start=start)
    if previous is not None and previous.reviewer_rpa_id == reviewer_rpa.pk and not confirm_repeat:
        raise ValidationError(
            {"confirm_repeat": f"{reviewer_rpa.name} also peer-reviewed {rpa.name} in the previous period "
             f"({_month_label(previous.period_start)} to {_month_label(previous.period_end)}). The pairings are meant "
             "to change; confirm to repeat it."}
        )  # fmt: skip
    return PeerReviewPairing.objects.create(
        rpa=rpa, reviewer_rpa=reviewer_rpa, period_start=start, period_end=end, set_by=acting_user
    )


@transaction.atomic
def pairing_delete(*, pairing: PeerReviewPairing, acting_user: User | None) -> None:
    """Withdraw a pairing before its period starts."""
    if pairing.period_start <= timezone.localdate():
        raise ValidationError("This pairing's period has started: it can no longer be withdrawn.")
    pairing.delete()


@transaction.atomic
def nomination_set(
    *, rpa: RPA, month: date, reviewer: User, deputy: User, acting_user: User | None
) -> PeerReviewNomination:
    """PEER-1: the reviewing RPA names its peer reviewer and a deputy for the month, for the RPA it reviews under
    that month's pairing; they may be changed until the review of that event opens."""
    month = month_start(month)
    pairing = (
        PeerReviewPairing.objects.filter(reviewer_rpa=rpa, period_start__lte=month, period_end__gte=month)
        .select_related("rpa")
        .first()
    )
    if pairing is None:
        raise ValidationError({"month": f"{rpa.name} is not paired to peer-review any RPA in {_month_label(month)}."})
    errors = {}
    staff_roles = (Role.RPA_ADMIN, Role.SENIOR_ASSESSOR, Role.ASSESSOR, Role.MODERATOR)
    if not holds_role(reviewer, rpa.pk, *staff_roles):
        errors["reviewer"] = f"Choose a person of {rpa.name}."
    if deputy.pk == reviewer.pk:
        errors["deputy"] = "The deputy is another person than the peer reviewer."
    elif not holds_role(deputy, rpa.pk, *staff_roles):
        errors["deputy"] = f"Choose a person of {rpa.name}."
    if errors:
        raise ValidationError(errors)
    started = ModerationEvent.objects.filter(rpa=pairing.rpa, month=month, review_opened_at__isnull=False).exists()
    if started:
        raise ValidationError("The peer review of that event has opened: the nomination can no longer change.")
    nomination, _ = PeerReviewNomination.objects.update_or_create(
        rpa=rpa,
        month=month,
        defaults={
            "reviewed_rpa": pairing.rpa,
            "reviewer": reviewer,
            "deputy": deputy,
            "nominated_by": acting_user,
            "nominated_at": timezone.now(),
        },
    )
    return nomination


# --- events and the sample (MOD-1, MOD-3..MOD-5) -----------------------------------------------------------


def _locked(event: ModerationEvent) -> ModerationEvent:
    return ModerationEvent.objects.select_for_update().select_related("rpa").get(pk=event.pk)


def _standards_check(numbers: Iterable[Any]) -> list[int]:
    valid = set(file_standard_numbers())
    try:
        cleaned = sorted({int(n) for n in numbers})
    except (TypeError, ValueError):
        raise ValidationError({"standards": "Choose standards by their numbers."}) from None
    wrong = [n for n in cleaned if n not in valid]
    if wrong:
        raise ValidationError({"standards": f"No HLTA standard numbered {', '.join(map(str, wrong))}."})
    return cleaned


@transaction.atomic
def event_plan(
    *,
    rpa: RPA,
    month: date,
    held_on: date,
    acting_user: User | None,
    lead_moderator: Moderator | None = None,
) -> ModerationEvent:
    """MOD-1: plan the RPA's moderation event for a monthly cycle."""
    month = month_start(month)
    if ModerationEvent.objects.filter(rpa=rpa, month=month).exists():
        raise ValidationError({"month": f"{rpa.name} already has an event for {_month_label(month)}."})
    if held_on < month:
        raise ValidationError({"held_on": f"The event for {_month_label(month)} is held after the month starts."})
    if lead_moderator is not None and (lead_moderator.rpa_id != rpa.pk or not lead_moderator.active):
        raise ValidationError({"lead_moderator": f"Choose an active moderator of {rpa.name}."})
    return ModerationEvent.objects.create(rpa=rpa, month=month, held_on=held_on, lead_moderator=lead_moderator)


def _entry_standards(*, draft: dict[str, Any], event: ModerationEvent) -> tuple[list[int], dict[str, list[str]]]:
    """MOD-5: the standards to moderate in a file and why: every one judged insufficient, the month's national
    standards, the RPA's own choices."""
    sources: dict[str, list[str]] = {}
    for number, row in ((draft or {}).get("grid") or {}).items():
        if (row or {}).get("judgement") == "insufficient":
            sources.setdefault(str(int(number)), []).append(StandardSource.INSUFFICIENT.value)
    for numbers, source in (
        (event.national_standards, StandardSource.NATIONAL),
        (event.rpa_standards, StandardSource.RPA),
    ):
        for number in numbers:
            sources.setdefault(str(int(number)), []).append(source.value)
    return sorted(int(n) for n in sources), sources


def _new_entries(
    *, event: ModerationEvent, reasons_by_file: dict[int, list[str]], origin: str, acting_user: User | None
) -> list[SampleEntry]:
    drafts = dict(AssessmentFile.objects.filter(pk__in=list(reasons_by_file)).values_list("pk", "draft"))
    entries = []
    for file_id, reasons in sorted(reasons_by_file.items()):
        standards, sources = _entry_standards(draft=drafts[file_id], event=event)
        entries.append(
            SampleEntry(
                rpa_id=event.rpa_id,
                event=event,
                file_id=file_id,
                origin=origin,
                reasons=reasons,
                standards=standards,
                standard_sources=sources,
                added_by=acting_user,
            )
        )
    created = SampleEntry.objects.bulk_create(entries)
    if event.review_open:
        _peer_grant(event=event, entries=created, acting_user=acting_user)
    return created


def _mandatory_add(*, event: ModerationEvent, acting_user: User | None) -> list[SampleEntry]:
    """MOD-3, ASR-2, SCR-3, MOD-7: every file of the cohort that must be moderated and is not yet in the sample."""
    sampled = set(SampleEntry.objects.filter(event=event).values_list("file_id", flat=True))
    wanted = {}
    for facts in cohort_facts(files=event_cohort(event=event)):
        reasons = mandatory_reasons(facts)
        if reasons and facts.id not in sampled:
            wanted[facts.id] = reasons
    return _new_entries(event=event, reasons_by_file=wanted, origin=SampleOrigin.MANDATORY, acting_user=acting_user)


@transaction.atomic
def event_open(*, event: ModerationEvent, acting_user: User | None) -> ModerationEvent:
    """MOD-1, MOD-3, MOD-5, PEER-1: open the event once its month has ended: the month's national standards and the
    nominated peer reviewer and deputy are recorded, and every file that must be moderated joins the sample."""
    event = _locked(event)
    if event.state != EventState.PLANNED:
        raise ValidationError(f"The event is already {event.get_state_display().lower()}.")
    if not event_month_ended(event=event):
        raise ValidationError(f"The cycle of {_month_label(event.month)} has not ended yet: open its event after it.")
    national = NationalSampledStandards.objects.filter(month=event.month).first()
    event.national_standards = (
        sorted(national.standards.values_list("number", flat=True)) if national is not None else []
    )
    nomination = nomination_for(reviewed_rpa=event.rpa, month=event.month)
    if nomination is not None:
        event.peer_reviewer, event.peer_deputy = nomination.reviewer, nomination.deputy
        event.peer_rpa_id = nomination.rpa_id
    event.state = EventState.OPEN
    event.opened_by, event.opened_at = acting_user, timezone.now()
    event.cohort_size = event_cohort(event=event).count()
    event.save()
    _mandatory_add(event=event, acting_user=acting_user)
    return event


@transaction.atomic
def sample_refresh(*, event: ModerationEvent, acting_user: User | None) -> list[SampleEntry]:
    """MOD-3: add the mandatory files that joined the cohort since the event opened (accepted at scrutiny since)."""
    event = _locked(event)
    if event.state != EventState.OPEN:
        raise ValidationError("The sample changes only while the event is open.")
    added = _mandatory_add(event=event, acting_user=acting_user)
    event.cohort_size = event_cohort(event=event).count()
    event.save(update_fields=["cohort_size"])
    return added


@transaction.atomic
def event_standards_set(*, event: ModerationEvent, standards: list[int], acting_user: User | None) -> ModerationEvent:
    """MOD-5: the standards the RPA chooses to moderate in every sampled file, besides the insufficient and the
    national ones; the undecided entries are recomputed."""
    event = _locked(event)
    if event.state == EventState.CLOSED:
        raise ValidationError("The event is closed.")
    event.rpa_standards = _standards_check(standards)
    event.save(update_fields=["rpa_standards"])
    undecided = list(
        SampleEntry.objects.filter(event=event).filter(
            Q(decision__isnull=True) | Q(decision__state=DecisionState.REJECTED)
        )
    )
    drafts = dict(AssessmentFile.objects.filter(pk__in=[e.file_id for e in undecided]).values_list("pk", "draft"))
    for entry in undecided:
        entry.standards, entry.standard_sources = _entry_standards(draft=drafts[entry.file_id], event=event)
    SampleEntry.objects.bulk_update(undecided, ["standards", "standard_sources"])
    return event


@transaction.atomic
def sample_draw(*, event: ModerationEvent, acting_user: User, seed: int | None = None) -> SampleDraw:
    """MOD-3: the peer reviewer (or the deputy) draws at random at least 5% of the cohort's met files, rounded up,
    at least one where any exist. The seed, the population, the files, who and when are stored: re-running the draw
    gives the same files."""
    event = _locked(event)
    if event.state != EventState.OPEN:
        raise ValidationError("The draw is made while the event is open.")
    if SampleDraw.objects.filter(event=event).exists():
        raise ValidationError("The random sample has already been drawn for this event.")
    if acting_user.pk not in (event.peer_reviewer_id, event.peer_deputy_id):
        raise ValidationError("The random sample is drawn by the event's peer reviewer or their deputy.")
    if not event.review_open:
        raise ValidationError("Open the peer review first: the peer reviewer draws while it is open.")
    seed = seed if seed is not None else secrets.randbelow(2**63)
    population = sorted(f.id for f in cohort_facts(files=event_cohort(event=event)) if f.met)
    drawn = random_draw(population=population, seed=seed)
    draw = SampleDraw.objects.create(
        rpa_id=event.rpa_id, event=event, seed=seed, population=population, drawn=drawn, drawn_by=acting_user
    )
    existing = {e.file_id: e for e in SampleEntry.objects.filter(event=event, file_id__in=drawn)}
    for entry in existing.values():
        entry.reasons = [*entry.reasons, SampleReason.RANDOM.value]
    SampleEntry.objects.bulk_update(list(existing.values()), ["reasons"])
    _new_entries(
        event=event,
        reasons_by_file={file_id: [SampleReason.RANDOM.value] for file_id in drawn if file_id not in existing},
        origin=SampleOrigin.RANDOM,
        acting_user=acting_user,
    )
    _peer_grant(event=event, entries=[], acting_user=acting_user, extra=[draw])
    return draw


@transaction.atomic
def sample_add(
    *,
    event: ModerationEvent,
    file: AssessmentFile,
    acting_user: User | None,
    reason: str = SampleReason.COVERAGE_ASSESSOR,
) -> SampleEntry:
    """MOD-4: add a file of the cohort to the sample for the year's coverage (or the heavier sampling of an
    assessor)."""
    event = _locked(event)
    if event.state != EventState.OPEN:
        raise ValidationError("The sample changes only while the event is open.")
    if reason not in COVERAGE_REASONS:
        raise ValidationError({"reason": "Say why the file is added: an assessor or a PoP not yet covered this year."})
    if not event_cohort(event=event).filter(pk=file.pk).exists():
        raise ValidationError({"file": "This file is not in the event's cohort."})
    if SampleEntry.objects.filter(event=event, file=file).exists():
        raise ValidationError({"file": "This file is already in the sample."})
    [entry] = _new_entries(
        event=event, reasons_by_file={file.pk: [str(reason)]}, origin=SampleOrigin.COVERAGE, acting_user=acting_user
    )
    return entry


@transaction.atomic
def sample_add_proposals(*, event: ModerationEvent, acting_user: User | None) -> list[SampleEntry]:
    """MOD-4: add every file the engine proposes for the year's coverage."""
    event = _locked(event)
    if event.state != EventState.OPEN:
        raise ValidationError("The sample changes only while the event is open.")
    proposals = event_coverage_proposals(event=event)
    return _new_entries(
        event=event,
        reasons_by_file={p.file.pk: p.reasons for p in proposals},
        origin=SampleOrigin.COVERAGE,
        acting_user=acting_user,
    )


@transaction.atomic
def sample_entry_remove(*, entry: SampleEntry, acting_user: User | None) -> None:
    """Take back a coverage addition not yet decided (mandatory and drawn files always stay)."""
    entry = SampleEntry.objects.select_for_update().select_related("event").get(pk=entry.pk)
    if entry.origin != SampleOrigin.COVERAGE or entry.event.state != EventState.OPEN:
        raise ValidationError("Only a file added for coverage can be taken out, while the event is open.")
    if entry_decision(entry) is not None:
        raise ValidationError("This file has a decision: it stays in the sample.")
    if entry.event.review_open:
        for person in _peer_people(entry.event):
            grant_revoke(user=person, obj=entry)
            grant_revoke(user=person, obj=entry.file)
    entry.delete()


# --- peer review access (PEER-4) ---------------------------------------------------------------------------


def _peer_people(event: ModerationEvent) -> list[User]:
    return [u for u in (event.peer_reviewer, event.peer_deputy) if u is not None]


def _peer_reason(event: ModerationEvent) -> str:
    return f"Peer review of {event.rpa.name}'s moderation of {_month_label(event.month)} (event {event.pk}, PEER-4)"


def _peer_grant(
    *, event: ModerationEvent, entries: list[SampleEntry], acting_user: User | None, extra: Iterable[Any] = ()
) -> None:
    """Give the peer reviewer and deputy VIEW on sampled entries, their files, versions and current documents (and
    `extra` objects of one model), in a fixed number of queries whatever the size of the sample."""
    from assessments.models import FileVersion, TaskDocument

    file_ids = [e.file_id for e in entries]
    # Grants need the records' ids only: a file's draft and a version's content are the whole assessment file.
    groups: list[list[Any]] = [
        list(extra),
        list(entries),
        list(AssessmentFile.objects.filter(pk__in=file_ids).only("pk")),
        list(FileVersion.objects.filter(file_id__in=file_ids).only("pk")),
        list(TaskDocument.objects.filter(file_id__in=file_ids, replaced_at__isnull=True).only("pk")),
    ]
    reason = _peer_reason(event)
    for person in _peer_people(event):
        for objects in groups:
            grant_objects_access(user=person, objects=objects, reason=reason, acting_user=acting_user)


@transaction.atomic
def peer_review_open(*, event: ModerationEvent, acting_user: User | None) -> ModerationEvent:
    """PEER-4: open the event's peer review: the peer reviewer and deputy see this event, its draw and sample and
    the sampled files (object grants), and nothing else of the RPA, until it closes."""
    event = _locked(event)
    if event.state != EventState.OPEN:
        raise ValidationError("The peer review opens while the event is open.")
    if event.review_opened_at is not None:
        raise ValidationError(
            "The peer review has already closed." if event.review_closed_at else "The peer review is already open."
        )
    if event.peer_reviewer is None:
        raise ValidationError(
            "No peer reviewer is nominated for this event: the paired RPA names one for the month (PEER-1)."
        )
    event.review_opened_at = timezone.now()
    event.save(update_fields=["review_opened_at"])
    reason = _peer_reason(event)
    for person in _peer_people(event):
        grant_object_access(
            user=person, obj=event, actions=(Action.VIEW, Action.CHANGE), reason=reason, acting_user=acting_user
        )
    draws = list(SampleDraw.objects.filter(event=event))
    _peer_grant(
        event=event, entries=list(SampleEntry.objects.filter(event=event)), acting_user=acting_user, extra=draws
    )
    return event


def _peer_revoke(event: ModerationEvent) -> int:
    return grants_revoke_reason(reason=_peer_reason(event), user_ids=[p.pk for p in _peer_people(event)])


@transaction.atomic
def peer_review_close(*, event: ModerationEvent, acting_user: User | None) -> ModerationEvent:
    """PEER-4: close the peer review: every grant it made ends now."""
    event = _locked(event)
    if not event.review_open:
        raise ValidationError("The peer review of this event is not open.")
    _peer_revoke(event)
    event.review_closed_at = timezone.now()
    event.save(update_fields=["review_closed_at"])
    return event


# --- decisions (MOD-2, MOD-6, MOD-7, MOD-8) -----------------------------------------------------------------


def _moderator_of(*, user: User, event: ModerationEvent) -> Moderator:
    moderator = moderator_for(user=user, rpa_id=event.rpa_id)
    if moderator is None:
        raise ValidationError(f"Only a moderator nominated by {event.rpa.name} records moderation decisions.")
    return moderator


def _judgements_clean(judgements: dict[Any, Any], standards: list[int]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    cleaned: dict[str, dict[str, Any]] = {}
    problems = []
    given = {str(k): v for k, v in (judgements or {}).items()}
    for number in standards:
        row = given.get(str(number))
        if not isinstance(row, dict) or not isinstance(row.get("agree"), bool):
            problems.append(f"Standard {number}: say whether you agree with the assessor's judgement.")
            continue
        note = str(row.get("note") or "").strip()
        if not row["agree"] and not note:
            problems.append(f"Standard {number}: say why you disagree with the evidence summary.")
        cleaned[str(number)] = {"agree": row["agree"], "note": note}
    extra = sorted(set(given) - {str(n) for n in standards})
    if extra:
        problems.append(f"Standards {', '.join(extra)} are not moderated in this file.")
    return cleaned, problems


@transaction.atomic
def decision_record(
    *,
    entry: SampleEntry,
    acting_user: User,
    verdict: str,
    judgements: dict[str, dict[str, Any]],
    reasons: str = "",
    new_outcome: str = "",
    reassess_standards: list[int] | None = None,
    documentation: str = "",
) -> ModerationDecision:
    """MOD-6, MOD-8, MOD-2: a moderator records, per moderated standard, agree or disagree with the evidence, then
    endorses, overturns (with the new outcome and reasons), or judges the records or the process lacking. An
    endorsement or records-lacking by a confirmed moderator takes effect now; an overturn, a process-lacking
    (a reclassification to full reassessment) and anything an unconfirmed moderator decides wait for a second
    moderator."""
    entry = SampleEntry.objects.select_for_update().select_related("event__rpa", "file__assessor").get(pk=entry.pk)
    event, file = entry.event, entry.file
    if event.state != EventState.OPEN:
        raise ValidationError("Decisions are recorded while the event is open.")
    moderator = _moderator_of(user=acting_user, event=event)
    if file.assessor.user_id == acting_user.pk:
        raise ValidationError("A moderator never moderates a file they assessed.")
    if file_review_pending(file=file):
        raise ValidationError("This file is review pending (MOD-7): the RPA reviews it before it can be decided.")
    if not file.moderatable:
        raise ValidationError("This file has been returned to its assessor: it is decided once resubmitted.")
    existing = ModerationDecision.objects.select_for_update().filter(entry=entry).first()
    if existing is not None and existing.state != DecisionState.REJECTED:
        raise ValidationError(
            "This file is already decided."
            if existing.state == DecisionState.CONFIRMED
            else "This decision is waiting for a second moderator."
        )
    errors: dict[str, Any] = {}
    cleaned, problems = _judgements_clean(judgements, entry.standards)
    if problems:
        errors["judgements"] = problems
    if verdict not in Verdict.values:
        errors["verdict"] = "Choose to endorse, overturn, or judge the records or the process lacking."
    standards_reassessed: list[int] = []
    if verdict == Verdict.OVERTURN:
        if new_outcome not in Outcome.values:
            errors["new_outcome"] = "Choose the outcome the file should have."
        elif new_outcome == file.recommended_outcome:
            errors["new_outcome"] = "An overturn changes the outcome: choose another than the one recommended."
        elif new_outcome == Outcome.PARTIAL:
            valid = set(file_standard_numbers())
            standards_reassessed = sorted({int(n) for n in reassess_standards or [] if str(n).isdigit()})
            if not standards_reassessed or not set(standards_reassessed) <= valid:
                errors["reassess_standards"] = "Name the standards the candidate is to be reassessed on."
    elif verdict == Verdict.PROCESS_LACKING:
        new_outcome = Outcome.FULL
    else:
        new_outcome = ""
    if verdict in Verdict.values and verdict != Verdict.ENDORSE and not reasons.strip():
        errors["reasons"] = "Give the reasons: they are kept with the result and sent to the assessor."
    if documentation and documentation not in DocumentationQuality.values:
        errors["documentation"] = "Choose how the documentation was completed."
    if errors:
        raise ValidationError(errors)
    alone = verdict in (Verdict.ENDORSE, Verdict.RECORDS_LACKING) and moderator.is_confirmed
    decision, _ = ModerationDecision.objects.update_or_create(
        entry=entry,
        defaults={
            "rpa_id": event.rpa_id,
            "file": file,
            "moderator": moderator,
            "judgements": cleaned,
            "verdict": verdict,
            "new_outcome": new_outcome,
            "reassess_standards": standards_reassessed,
            "reasons": reasons.strip(),
            "documentation": documentation,
            "state": DecisionState.CONFIRMED if alone else DecisionState.AWAITING_SECOND,
            "decided_at": timezone.now(),
            "second_moderator": None,
            "second_agrees": None,
            "second_note": "",
            "second_at": None,
            "confirmed_at": None,
            "result": None,
        },
    )
    if alone:
        _decision_apply(decision=decision, acting_user=acting_user)
    else:
        others = Moderator.objects.filter(rpa_id=event.rpa_id, active=True).exclude(pk=moderator.pk)
        _notify(
            [m.user_id for m in others if m.is_confirmed and m.user_id != file.assessor.user_id],
            subject=f"A moderation decision awaits a second moderator: {file.candidate.full_name}",
            body=f"{acting_user.full_name}: {decision.get_verdict_display()}.",
            link=f"/moderation/decisions/{decision.pk}/second-review/",
        )
    return decision


@transaction.atomic
def decision_second_review(
    *, decision: ModerationDecision, acting_user: User, agrees: bool, note: str = ""
) -> ModerationDecision:
    """MOD-6, MOD-2: a second, confirmed moderator (never the first, never the file's assessor) reviews the
    decision: agreeing, it takes effect (an overturn reclassifies the result, reasons kept); disagreeing, it is set
    aside for the moderators to decide afresh."""
    decision = (
        ModerationDecision.objects.select_for_update()
        .select_related("entry__event__rpa", "file__assessor", "moderator")
        .get(pk=decision.pk)
    )
    event = decision.entry.event
    if decision.state != DecisionState.AWAITING_SECOND:
        raise ValidationError("This decision is not waiting for a second moderator.")
    if event.state != EventState.OPEN:
        raise ValidationError("Decisions are reviewed while the event is open.")
    second = _moderator_of(user=acting_user, event=event)
    if second.pk == decision.moderator_id or acting_user.pk == decision.moderator.user_id:
        raise ValidationError("The second moderator is another moderator than the one who recorded the decision.")
    if not second.is_confirmed:
        raise ValidationError("The second review is made by a moderator whose competence is confirmed (MOD-2).")
    if decision.file.assessor.user_id == acting_user.pk:
        raise ValidationError("A moderator never reviews a decision on a file they assessed.")
    if not agrees and not note.strip():
        raise ValidationError({"note": "Say why you do not agree, so the moderators can decide afresh."})
    if agrees and file_review_pending(file=decision.file):
        raise ValidationError("This file has become review pending (MOD-7): the RPA reviews it first.")
    decision.second_moderator = second
    decision.second_agrees = agrees
    decision.second_note = note.strip()
    decision.second_at = timezone.now()
    decision.state = DecisionState.AWAITING_SECOND if agrees else DecisionState.REJECTED
    decision.save()
    if agrees:
        _decision_apply(decision=decision, acting_user=acting_user)
    else:
        _notify(
            [decision.moderator.user_id],
            subject=f"Your decision was not agreed: {decision.file.candidate.full_name}",
            body=decision.second_note,
            link=f"/moderation/events/{event.pk}/",
        )
    return decision


def _decision_apply(*, decision: ModerationDecision, acting_user: User | None) -> None:
    """The decision takes effect: the result is confirmed or reclassified (MOD-6, MOD-12), a reclassification to
    full reassessment flags the assessor's other files (MOD-7), lacking records go back to the assessor (MOD-8)."""
    file = AssessmentFile.objects.select_related("assessor__user", "candidate").get(pk=decision.file_id)
    result = None
    if decision.verdict == Verdict.ENDORSE:
        f15 = (file.draft or {}).get("f15") or {}
        result = result_confirm(
            file=file,
            via=ConfirmedVia.MODERATION,
            acting_user=acting_user,
            outcome=file.recommended_outcome,
            reassess_standards=f15.get("reassess_standards") or [],
        )
    elif decision.verdict in (Verdict.OVERTURN, Verdict.PROCESS_LACKING):
        result = result_confirm(
            file=file,
            via=ConfirmedVia.MODERATION,
            acting_user=acting_user,
            outcome=decision.new_outcome,
            reassess_standards=decision.reassess_standards,
        )
        if decision.new_outcome == Outcome.FULL:
            _cascade(decision=decision, file=file)
    else:
        file_return(
            file=file,
            reasons=f"The moderators judged the records lacking: {decision.reasons}",
            acting_user=acting_user,
        )
    decision.state = DecisionState.CONFIRMED
    decision.confirmed_at = timezone.now()
    decision.result = result
    decision.save(update_fields=["state", "confirmed_at", "result"])


def _cascade(*, decision: ModerationDecision, file: AssessmentFile) -> list[ReviewPending]:
    """MOD-7: every other submitted file of the same assessor without a confirmed outcome is flagged review
    pending; the RPA (administrators and senior assessors) is told."""
    pending = ReviewPending.objects.filter(state=ReviewState.PENDING).values("file")
    others = list(
        AssessmentFile.objects.filter(assessor__user_id=file.assessor.user_id, version_count__gt=0, result__isnull=True)
        .exclude(pk=file.pk)
        .exclude(state=FileState.CLOSED)
        .exclude(pk__in=pending)
        .select_related("candidate")
    )
    flags = ReviewPending.objects.bulk_create(
        ReviewPending(rpa_id=other.rpa_id, file=other, caused_by=decision) for other in others
    )
    for rpa_id in {other.rpa_id for other in others}:
        names = ", ".join(o.candidate.full_name for o in others if o.rpa_id == rpa_id)
        _notify(
            _rpa_staff(rpa_id),
            subject=f"Review pending: files of {file.assessor.user.full_name}",
            body=f"A result of {file.assessor.user.full_name} was reclassified as full reassessment. Each of their "
            f"other files needs your separate review before its outcome can be confirmed: {names}.",
            link="/moderation/review-pending/",
        )
    return flags


@transaction.atomic
def review_pending_resolve(*, flag: ReviewPending, acting_user: User, outcome: str, notes: str) -> ReviewPending:
    """MOD-7: the RPA's separate review of a review-pending file: the recommended outcome stands (confirmed now if
    the file's event has closed, else when it closes), or the file is moderated (added to the open event's sample,
    or the next event's)."""
    flag = ReviewPending.objects.select_for_update().select_related("file__assessor").get(pk=flag.pk)
    file = flag.file
    if flag.state != ReviewState.PENDING:
        raise ValidationError("This file has already been reviewed.")
    if not holds_role(acting_user, flag.rpa_id, Role.RPA_ADMIN, Role.SENIOR_ASSESSOR):
        raise ValidationError("The RPA's administrators and senior assessors review review-pending files.")
    if file.assessor.user_id == acting_user.pk:
        raise ValidationError("An assessor never reviews their own file.")
    errors = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = "Choose whether the recommended outcome stands or the file is moderated."
    if not notes.strip():
        errors["notes"] = "Record what the review found."
    if errors:
        raise ValidationError(errors)
    flag.state, flag.outcome, flag.notes = ReviewState.REVIEWED, outcome, notes.strip()
    flag.reviewed_by, flag.reviewed_at = acting_user, timezone.now()
    flag.save()
    open_event = (
        ModerationEvent.objects.filter(rpa_id=file.rpa_id, state=EventState.OPEN, month__gte=file.cycle_month)
        .order_by("month")
        .first()
    )
    if outcome == ReviewOutcome.MODERATE:
        if open_event is not None:
            entry = SampleEntry.objects.filter(event=open_event, file=file).first()
            if entry is None:
                _new_entries(
                    event=open_event,
                    reasons_by_file={file.pk: [SampleReason.REVIEW.value]},
                    origin=SampleOrigin.MANDATORY,
                    acting_user=acting_user,
                )
            elif SampleReason.REVIEW not in entry.reasons:
                entry.reasons = [*entry.reasons, SampleReason.REVIEW.value]
                entry.save(update_fields=["reasons"])
        return flag
    closed = ModerationEvent.objects.filter(
        rpa_id=file.rpa_id, state=EventState.CLOSED, month__gte=file.cycle_month
    ).exists()
    if open_event is None and closed and file.moderatable:
        result_confirm(file=file, via=ConfirmedVia.EVENT_CLOSED, acting_user=acting_user)
    return flag


# --- closing the event (MOD-12, PEER-3, PEER-4) ------------------------------------------------------------


@transaction.atomic
def event_close(*, event: ModerationEvent, acting_user: User | None) -> ModerationEvent:
    """MOD-12: close the event once every sampled file is decided (review-pending and returned files excepted):
    the files outside the sample are confirmed as recommended (except review pending or returned), results flow to
    release (PAY-1 still applies); the peer review closes (PEER-4) and the joint report falls due in 3 working days
    (PEER-3)."""
    event = _locked(event)
    if event.state != EventState.OPEN:
        raise ValidationError(f"The event is {event.get_state_display().lower()}: only an open event closes.")
    summary = event_summary(event=event)
    if summary.blockers:
        raise ValidationError(" ".join(summary.blockers))
    pending = ReviewPending.objects.filter(state=ReviewState.PENDING).values("file")
    sampled = SampleEntry.objects.filter(event=event).values("file")
    unsampled = event_cohort(event=event).exclude(pk__in=sampled)
    event.cohort_size = unsampled.count() + summary.sampled
    for file in unsampled.exclude(pk__in=pending).order_by("pk"):
        result_confirm(file=file, via=ConfirmedVia.EVENT_CLOSED, acting_user=acting_user)
    if event.review_open:
        _peer_revoke(event)
        event.review_closed_at = timezone.now()
    event.state = EventState.CLOSED
    event.closed_by, event.closed_at = acting_user, timezone.now()
    event.save()
    _joint_report_open(event=event, acting_user=acting_user)
    return event


def _joint_report_open(*, event: ModerationEvent, acting_user: User | None) -> JointReport:
    """PEER-3: the joint report falls due 3 working days after the event; the deadline engine chases it."""
    due_day = calendar_for(rpa_id=event.rpa_id).add_working_days(event.held_on, JOINT_REPORT_WORKING_DAYS)
    lead = event.lead_moderator
    report = JointReport.objects.create(
        rpa_id=event.rpa_id,
        event=event,
        peer_reviewer=event.peer_reviewer,
        moderator=lead,
        due_at=end_of_day(due_day),
    )
    deadline_schedule(
        rpa=event.rpa,
        kind=JOINT_REPORT_DEADLINE_KIND,
        title=f"Joint report of the peer reviewer and the moderator on {event.rpa.name}'s moderation of "
        f"{_month_label(event.month)}",
        subject=report,
        responsible=lead.user if lead is not None else None,
        starts_on=event.held_on,
        working_days=JOINT_REPORT_WORKING_DAYS,
    )
    if event.peer_reviewer is not None:
        grant_object_access(
            user=event.peer_reviewer,
            obj=report,
            actions=(Action.VIEW, Action.CHANGE),
            reason=f"Joint report on {event.rpa.name}'s moderation of {_month_label(event.month)} (PEER-3)",
            acting_user=acting_user,
        )
    return report


@transaction.atomic
def joint_report_submit(
    *, report: JointReport, acting_user: User, issues_raised: bool, issues: str = "", for_partnership: str = ""
) -> JointReport:
    """PEER-3: the peer reviewer and the moderator submit their joint report: the issues discussed, or that none
    were raised; the deadline is met (late if after it) and the peer reviewer's access to it ends."""
    report = JointReport.objects.select_for_update().select_related("event__rpa").get(pk=report.pk)
    event = report.event
    if report.submitted_at is not None:
        raise ValidationError("The joint report has already been submitted.")
    peer = acting_user.pk in (event.peer_reviewer_id, event.peer_deputy_id)
    if not peer and moderator_for(user=acting_user, rpa_id=report.rpa_id) is None:
        raise ValidationError("The joint report is submitted by the event's peer reviewer or one of its moderators.")
    if issues_raised and not issues.strip():
        raise ValidationError({"issues": "Describe the issues you discussed."})
    report.issues_raised = issues_raised
    report.issues = issues.strip() if issues_raised else ""
    report.for_partnership = for_partnership.strip()
    report.submitted_by, report.submitted_at = acting_user, timezone.now()
    report.save()
    deadline_meet(kind=JOINT_REPORT_DEADLINE_KIND, subject=report, at=report.submitted_at)
    if report.peer_reviewer_id:
        grant_revoke(user=report.peer_reviewer, obj=report)
    return report


# --- feedback to assessors (MOD-9, ASR-7, ASR-8) ----------------------------------------------------------


@transaction.atomic
def assessor_feedback_save(
    *,
    event: ModerationEvent,
    assessor: Assessor,
    acting_user: User,
    strengths: str,
    weaknesses: str,
    change_reasons: str = "",
    sanction: str = "",
    sanction_justification: str = "",
) -> AssessorFeedback:
    """MOD-9: the moderators' feedback to an assessor moderated at the event: strengths and weaknesses, always the
    reasons for any change of outcome, any sanction with its justification. Editable until sent."""
    if moderator_for(user=acting_user, rpa_id=event.rpa_id) is None:
        raise ValidationError(f"Feedback to assessors is written by {event.rpa.name}'s moderators.")
    existing = AssessorFeedback.objects.select_for_update().filter(event=event, assessor=assessor).first()
    if existing is not None and existing.sent_at is not None:
        raise ValidationError("This feedback has been sent: it can no longer be changed.")
    errors = {}
    if not SampleEntry.objects.filter(event=event, file__assessor=assessor).exists():
        errors["assessor"] = "None of this assessor's files was moderated at this event."
    changed = assessor_changed_outcomes(event=event, assessor=assessor)
    if changed and not change_reasons.strip():
        names = ", ".join(d.file.candidate.full_name for d in changed)
        errors["change_reasons"] = f"Give the reasons for every change of outcome ({names})."
    if sanction not in Sanction.values:
        errors["sanction"] = "Choose a sanction from the list, or none."
    elif sanction and not sanction_justification.strip():
        errors["sanction_justification"] = "Justify the sanction."
    if errors:
        raise ValidationError(errors)
    feedback, _ = AssessorFeedback.objects.update_or_create(
        event=event,
        assessor=assessor,
        defaults={
            "rpa_id": event.rpa_id,
            "strengths": strengths.strip(),
            "weaknesses": weaknesses.strip(),
            "change_reasons": change_reasons.strip(),
            "sanction": sanction,
            "sanction_justification": sanction_justification.strip() if sanction else "",
            "written_by": acting_user,
            "written_at": timezone.now(),
        },
    )
    return feedback


@transaction.atomic
def assessor_feedback_send(*, feedback: AssessorFeedback, acting_user: User) -> AssessorFeedback:
    """ASR-7, ASR-8: send the feedback: the assessor reads it (theirs only) and is told; a sanction opens the quality
    action of that kind (a suspension takes the assessor out of allocation at once)."""
    from assessments.services import quality_action_open

    feedback = (
        AssessorFeedback.objects.select_for_update().select_related("assessor__user", "event").get(pk=feedback.pk)
    )
    if feedback.sent_at is not None:
        raise ValidationError("This feedback has already been sent.")
    if moderator_for(user=acting_user, rpa_id=feedback.rpa_id) is None and not holds_role(
        acting_user, feedback.rpa_id, Role.RPA_ADMIN
    ):
        raise ValidationError("Feedback is sent by the RPA's moderators or administrators.")
    if not (feedback.strengths or feedback.weaknesses):
        raise ValidationError({"strengths": "Write the strengths and weaknesses before sending."})
    changed = assessor_changed_outcomes(event=feedback.event, assessor=feedback.assessor)
    if changed and not feedback.change_reasons:
        raise ValidationError({"change_reasons": "Give the reasons for every change of outcome before sending."})
    if feedback.sanction:
        feedback.quality_action = quality_action_open(
            assessor=feedback.assessor,
            kind=feedback.sanction,
            reason=f"Sanction after moderation of {_month_label(feedback.event.month)}: "
            f"{feedback.sanction_justification}",
            acting_user=acting_user,
        )
    feedback.sent_at = timezone.now()
    feedback.recipient = feedback.assessor.user
    feedback.save(update_fields=["quality_action", "sent_at", "recipient"])
    _notify(
        [feedback.assessor.user_id],
        subject=f"Moderation feedback for {_month_label(feedback.event.month)}",
        body="The moderators have sent you feedback on your assessments"
        + (f", with a sanction: {feedback.get_sanction_display()}." if feedback.sanction else "."),
        link=f"/moderation/feedback/{feedback.pk}/",
    )
    return feedback
