"""Demo candidates for `make run`: one 4S course and one North course, and 4S candidates in every state of the
path (draft to registered and paid), built through the services so they look exactly like real ones."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from candidates import services
from candidates.factories import pdf_with
from candidates.models import Candidate, Level2Qualification, PreparationCourse, Subject
from hnap.files import upload_check
from hnap.models import RPA, PreparationProvider, School, User

DEMO_CANDIDATES = [
    # (first, last, state it is taken to, extra application fields)
    ("Dana", "Draft", "draft", {}),
    ("Evan", "Employer", "submitted", {}),
    (
        "Vera",
        "Verify",
        "evidence",
        {"disability_disclosure": "Dyslexia", "adjustments_requested": "Questions in writing"},
    ),
    ("Rita", "Ready", "ready", {}),
    ("Cara", "Candidate", "registered", {}),
    ("Paul", "Paid", "paid", {"funding_source": "self"}),
]


def _course(*, pop: PreparationProvider, rpa: RPA, name: str, starts_in: int) -> PreparationCourse:
    first = timezone.localdate() + timedelta(days=starts_in)
    existing = PreparationCourse.objects.filter(pop=pop, rpa=rpa, name=name).first()
    return existing or services.course_create(
        pop=pop,
        rpa=rpa,
        name=name,
        first_session=first,
        second_session=first + timedelta(days=14),
        final_session=first + timedelta(days=42),
    )


def _upload(candidate: Candidate, user: User, subject: str) -> object:
    qualification = Level2Qualification.objects.filter(subject=subject, needs_rpa_decision=False).first()
    assert qualification is not None
    return services.evidence_upload(
        candidate=candidate,
        acting_user=user,
        subject=subject,
        qualification=qualification,
        grade="C",
        achieved_on=timezone.localdate() - timedelta(days=5000),
        verified_by_name=user.full_name,
        original_seen_on=timezone.localdate() - timedelta(days=3),
        copy_is_exact=True,
        upload=upload_check(name=f"{subject}-certificate.pdf", content=pdf_with(f"Demo {subject} certificate")),
    )


def seed_candidates_demo() -> int:
    """Create the demo candidates once; returns how many were created."""
    pop = PreparationProvider.objects.get(name="Bright Futures Training")
    north_pop = PreparationProvider.objects.get(name="Northern Preparation Partnership")
    four_s = RPA.objects.get(slug="strictly-education-4s")
    north = RPA.objects.get(slug="hlta-north")
    course = _course(pop=pop, rpa=four_s, name="Hertfordshire autumn cohort", starts_in=-20)
    _course(pop=north_pop, rpa=north, name="Leeds winter cohort", starts_in=30)
    if Candidate.objects.filter(pop=pop).exists():
        return 0
    tutor = User.objects.get(email="pop.brightfutures@hnap.test")
    admin = User.objects.get(email="admin.4s@hnap.test")
    school = School.objects.get(urn=100001)
    services.regional_charge_save(
        rpa=four_s, name="Venue hire (on-site assessment)", amount_pence=3500, description="Only when on site."
    )
    for first, last, state, extra in DEMO_CANDIDATES:
        candidate = services.candidate_apply(
            acting_user=tutor,
            pop=pop,
            course=course,
            school=school,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@example.org",
            job_title="Teaching assistant",
            age_range_from=4,
            age_range_to=11,
            funding_source=extra.get("funding_source", "school"),
            disability_disclosure=extra.get("disability_disclosure", ""),
            adjustments_requested=extra.get("adjustments_requested", ""),
        )
        if state == "draft":
            continue
        services.candidate_submit(candidate=candidate, acting_user=tutor)
        if state == "submitted":
            services.declaration_request(
                candidate=candidate,
                acting_user=tutor,
                sent_to_name="Hana Head",
                sent_to_email="head@riverside.example.org",
            )
            continue
        declaration = services.declaration_request(
            candidate=candidate, acting_user=tutor, sent_to_name="Hana Head", sent_to_email="head@riverside.example.org"
        )
        services.declaration_complete(
            declaration=declaration,
            declarer_name="Hana Head",
            declarer_role="Headteacher",
            suitable=True,
            whole_class_twice=True,
            level2_evidence_seen=True,
            opportunities_all_standards=True,
        )
        evidence = [_upload(candidate, tutor, subject) for subject in Subject.values]
        if state == "evidence":
            continue
        for item in evidence:
            services.evidence_decide(evidence=item, acting_user=admin, accept=True)  # type: ignore[arg-type]
        services.readiness_decide(candidate=candidate, acting_user=admin, ready=True)
        if state == "ready":
            continue
        services.candidate_register(candidate=candidate, acting_user=admin)
        invoice = services.invoice_issue(
            candidate=candidate,
            acting_user=admin,
            payer=candidate.funding_source,
            payer_name=school.name if candidate.funding_source == "school" else candidate.full_name,
        )
        if state == "paid":
            services.payment_record(
                invoice=invoice, acting_user=admin, amount_pence=45000, received_on=timezone.localdate()
            )
        if last == "Candidate":
            Candidate.objects.filter(pk=candidate.pk).update(user=User.objects.get(email="candidate.4s@hnap.test"))
    return len(DEMO_CANDIDATES)
