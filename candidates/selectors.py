"""Reads of the candidates app: a candidate's one clear state and what is missing, the gate the allocation
relies on (S11-2), payment status (PAY-1), and the candidate list's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from candidates.models import (
    Candidate,
    CandidateStatus,
    EmployerDeclaration,
    EvidenceState,
    Invoice,
    Level2Evidence,
    LineKind,
    Payment,
    ReadinessDecision,
    Subject,
)

# Each state's next action and who owns it: the candidate list and page show both.
NEXT_STEPS: dict[str, tuple[str, str]] = {
    CandidateStatus.DRAFT: ("Complete and submit the application", "PoP"),
    CandidateStatus.AWAITING_EMPLOYER: ("Headteacher or senior leader completes the declaration", "School"),
    CandidateStatus.AWAITING_LEVEL2: ("Upload Level 2 English and maths evidence", "PoP"),
    CandidateStatus.AWAITING_VERIFICATION: ("Verify the Level 2 evidence", "RPA"),
    CandidateStatus.AWAITING_READINESS: ("Decide whether the candidate is ready", "RPA"),
    CandidateStatus.READY_TO_REGISTER: ("Register the candidate", "RPA"),
    CandidateStatus.REGISTERED: ("Allocate an assessor", "RPA"),
    CandidateStatus.NOT_ELIGIBLE: ("None until the reason is resolved", "PoP"),
    CandidateStatus.WITHDRAWN: ("None", "Nobody"),
}

ELIGIBLE_AGE_FROM = 3
ELIGIBLE_AGE_TO = 19


@dataclass(frozen=True)
class Check:
    """One line of the eligibility checklist: the rule, whether it is met, and what is missing if not."""

    rule: str
    label: str
    ok: bool
    missing: str = ""


def level2_current(*, candidate: Candidate) -> dict[str, Level2Evidence | None]:
    """The latest evidence per subject (live, or the latest rejected one when nothing is live)."""
    latest: dict[str, Level2Evidence | None] = {Subject.ENGLISH: None, Subject.MATHS: None}
    rows = candidate.level2_evidence.all()  # prefetched by candidate_for_page
    for evidence in sorted(rows, key=lambda e: e.uploaded_at, reverse=True):
        current = latest.get(evidence.subject)
        if evidence.state == EvidenceState.SUPERSEDED:
            continue
        if current is None or (current.state == EvidenceState.REJECTED and evidence.state != EvidenceState.REJECTED):
            latest[evidence.subject] = evidence
    return latest


def declaration_current(*, candidate: Candidate) -> EmployerDeclaration | None:
    """The completed declaration if there is one, else the latest link sent."""
    declarations = sorted(candidate.declarations.all(), key=lambda d: d.requested_at, reverse=True)
    return next((d for d in declarations if d.is_complete), declarations[0] if declarations else None)


def candidate_checklist(*, candidate: Candidate) -> list[Check]:
    """The eligibility and readiness checklist of REG-1..REG-5 and S11-2, each with what is missing."""
    declaration = declaration_current(candidate=candidate)
    declared = declaration is not None and declaration.is_complete
    ages_ok = candidate.age_range_to >= ELIGIBLE_AGE_FROM and candidate.age_range_from <= ELIGIBLE_AGE_TO
    if candidate.needs_nursery_exception:
        ages_ok = ages_ok and candidate.nursery_exception_approved_at is not None
    evidence = level2_current(candidate=candidate)
    checks = [
        Check(
            "REG-1",
            f"Works with children and young people aged 3 to 19 (records say {candidate.age_range_from} to "
            f"{candidate.age_range_to})",
            ages_ok,
            (
                "Works with 2-year-olds: the RPA must approve a school-run nursery exception with a reason"
                if candidate.needs_nursery_exception and candidate.nursery_exception_approved_at is None
                else "The age range is outside 3 to 19"
            ),
        ),
        Check(
            "REG-2",
            "Funding source recorded",
            bool(candidate.funding_source)
            and (candidate.funding_source != "organisation" or bool(candidate.funder_name)),
            "Name the organisation that funds the assessment",
        ),
        Check(
            "REG-3",
            "Employer declaration: suitability, whole-class teaching twice, Level 2 evidence seen",
            declared,
            "Waiting for the headteacher or senior leader to complete the declaration"
            if declaration
            else "Send the headteacher or senior leader a declaration link",
        ),
        Check(
            "REG-5",
            "Opportunities to meet all the standards (declared by the employer)",
            declared and declaration is not None and declaration.opportunities_all_standards,
            "Declared with the employer declaration",
        ),
    ]
    for subject, label in Subject.choices:
        current = evidence[subject]
        if current is None:
            missing = f"No Level 2 {label} evidence uploaded yet"
        elif current.state == EvidenceState.SUBMITTED:
            missing = f"Level 2 {label} evidence is waiting for the RPA to verify it"
        elif current.state == EvidenceState.REJECTED:
            missing = f"Level 2 {label} evidence was rejected: {current.decision_note}"
        else:
            missing = ""
        checks.append(
            Check(
                "S11-2",
                f"Level 2 {label} verified by the RPA",
                current is not None and current.state == EvidenceState.ACCEPTED,
                missing,
            )
        )
    checks.append(
        Check(
            "REG-4",
            "Readiness judged by the RPA",
            candidate.readiness == ReadinessDecision.APPROVED,
            "The RPA judged the candidate not ready: " + candidate.readiness_note
            if candidate.readiness == ReadinessDecision.DECLINED
            else "The RPA has not yet decided",
        )
    )
    return checks


def candidate_status_compute(*, candidate: Candidate) -> str:
    """The one state a candidate is in, from the facts recorded about them."""
    if candidate.withdrawn_at:
        return CandidateStatus.WITHDRAWN
    if candidate.registered_at:
        return CandidateStatus.REGISTERED
    if candidate.submitted_at is None:
        return CandidateStatus.DRAFT
    if candidate.readiness == ReadinessDecision.DECLINED:
        return CandidateStatus.NOT_ELIGIBLE
    evidence = level2_current(candidate=candidate)
    # A rejected Level 2 copy blocks everything else (S11-3): it is what the PoP must act on first.
    if any(e is not None and e.state == EvidenceState.REJECTED for e in evidence.values()):
        return CandidateStatus.AWAITING_LEVEL2
    declaration = declaration_current(candidate=candidate)
    if declaration is None or not declaration.is_complete:
        return CandidateStatus.AWAITING_EMPLOYER
    if any(e is None for e in evidence.values()):
        return CandidateStatus.AWAITING_LEVEL2
    if any(e is not None and e.state == EvidenceState.SUBMITTED for e in evidence.values()):
        return CandidateStatus.AWAITING_VERIFICATION
    if candidate.readiness != ReadinessDecision.APPROVED or (
        candidate.needs_nursery_exception and candidate.nursery_exception_approved_at is None
    ):
        return CandidateStatus.AWAITING_READINESS
    return CandidateStatus.READY_TO_REGISTER


def next_step(*, status: str) -> tuple[str, str]:
    """(what happens next, who does it) for a state."""
    return NEXT_STEPS[status]


def _accepted(subject: str) -> Exists:
    return Exists(
        Level2Evidence.objects.filter(candidate=OuterRef("pk"), subject=subject, state=EvidenceState.ACCEPTED)
    )


def candidates_ready_for_allocation(*, candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """THE gate of allocation: registered, readiness approved, both Level 2 subjects accepted (S11-2), not
    withdrawn. Checked from the facts, not from the stored state."""
    return candidates.filter(
        registered_at__isnull=False,
        readiness=ReadinessDecision.APPROVED,
        withdrawn_at__isnull=True,
    ).filter(_accepted(Subject.ENGLISH), _accepted(Subject.MATHS))


def candidate_is_ready_for_allocation(*, candidate: Candidate) -> bool:
    """Whether one candidate passes the allocation gate."""
    return candidates_ready_for_allocation(candidates=Candidate.objects.filter(pk=candidate.pk)).exists()


def _fee_due() -> Subquery:
    return Subquery(
        Invoice.objects.filter(candidate=OuterRef("pk"), cancelled_at__isnull=True)
        .values("candidate")
        .annotate(total=Sum("lines__amount_pence", filter=Q(lines__kind=LineKind.ASSESSMENT_FEE)))
        .values("total")[:1]
    )


def _paid() -> Subquery:
    return Subquery(
        Payment.objects.filter(invoice__candidate=OuterRef("pk"), invoice__cancelled_at__isnull=True)
        .values("invoice__candidate")
        .annotate(total=Sum("amount_pence"))
        .values("total")[:1]
    )


def candidates_with_payment(*, candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Annotates `fee_due_pence`, `paid_pence` and `is_paid` (the assessment fee invoiced and fully received)."""
    return candidates.annotate(
        fee_due_pence=Coalesce(_fee_due(), Value(0)),
        paid_pence=Coalesce(_paid(), Value(0)),
    ).annotate(is_paid=Q(fee_due_pence__gt=0) & Q(paid_pence__gte=F("fee_due_pence")))


def candidate_is_paid(*, candidate: Candidate) -> bool:
    """PAY-1: whether payment for the assessment has been received. Assessment and release of results wait on it."""
    row = candidates_with_payment(candidates=Candidate.objects.filter(pk=candidate.pk)).values("is_paid").first()
    return bool(row and row["is_paid"])


def _late_q(today: date) -> Q:
    # REG-6: registered after the second session, or not registered and the second session has passed.
    return Q(registered_late=True) | Q(
        registered_at__isnull=True, withdrawn_at__isnull=True, course__second_session__lt=today
    )


def candidates_annotated(*, candidates: QuerySet[Candidate], today: date | None = None) -> QuerySet[Candidate]:
    """Candidates with what the list shows (school, PoP, course, payment, lateness) in one query."""
    today = today or timezone.localdate()
    return (
        candidates_with_payment(candidates=candidates)
        .annotate(is_late=_late_q(today))
        .select_related("school", "pop", "course", "rpa")
    )


SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "status": ("status", "last_name", "pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "school": ("school__name", "last_name", "pk"),
    "course": ("course__first_session", "last_name", "pk"),
}


def candidates_filtered(
    *,
    candidates: QuerySet[Candidate],
    status: str = "",
    pop: Any = None,
    school: Any = None,
    school_text: str = "",
    course: Any = None,
    late: bool = False,
    unpaid: bool = False,
    q: str = "",
    sort: str = "name",
    today: date | None = None,
) -> QuerySet[Candidate]:
    """The candidate list narrowed by its filters and sorted; one query whatever the number of rows."""
    today = today or timezone.localdate()
    rows = candidates_annotated(candidates=candidates, today=today)
    if status:
        rows = rows.filter(status=status)
    if pop:
        rows = rows.filter(pop=pop)
    if school:
        rows = rows.filter(school=school)
    if school_text.strip():
        # Typed into a filter box: the school's URN, or part of its name.
        text = school_text.strip()
        by_text = Q(school__name__icontains=text)
        rows = rows.filter(by_text | Q(school__urn=int(text)) if text.isdigit() else by_text)
    if course:
        rows = rows.filter(course=course)
    if late:
        rows = rows.filter(_late_q(today))
    if unpaid:
        rows = rows.filter(is_paid=False, withdrawn_at__isnull=True)
    if q:
        for word in q.split()[:5]:
            rows = rows.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(reference__icontains=word)
                | Q(email__icontains=word)
            )
    return rows.order_by(*SORTS.get(sort, SORTS["name"]))


def candidate_for_page(*, candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """What a candidate's page needs, fetched in a fixed number of queries."""
    return candidates.select_related(
        "school", "pop", "course", "rpa", "readiness_by", "registered_by"
    ).prefetch_related(
        "declarations", "level2_evidence__qualification", "change_reports", "invoices__lines", "invoices__payments"
    )
