"""Demo assessors, bookings and assessment files for `make run`, built through the services.

The register: the 4S register (a senior assessor, an active assessor, a trainee), a North assessor who assesses for
4S too, and the demo's paid candidate booked. The files (issue 6): a 4S cohort assessed in the past weeks whose files
stand in every state (a draft part filled, submitted, returned at scrutiny, accepted, flagged, a version 2 after a
return), written tasks sent on time and late, preparation feedback recorded and passed on, and results: Cara
Candidate's released with her letter, another held until payment.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from assessments import file_services as fs
from assessments import services
from assessments.factories import AssessmentFactory, at, complete_content
from assessments.file_selectors import file_standards, tasks_due_at
from assessments.models import (
    Assessment,
    AssessmentFile,
    AssessmentState,
    Assessor,
    ConfirmedVia,
    FileState,
    Outcome,
    TaskDocument,
    TrainingTopic,
    week_start,
)
from candidates import services as candidate_services
from candidates.factories import pdf_with
from candidates.models import Candidate, Level2Qualification, PreparationCourse, Subject
from candidates.selectors import candidate_is_paid
from hnap.files import upload_check
from hnap.grants import grant_object_access
from hnap.models import RPA, PreparationProvider, School, User


def _trained(*, rpa: RPA, email: str, is_senior: bool = False, topics: list[str] | None = None) -> Assessor:
    user = User.objects.get(email=email)
    assessor = Assessor.objects.filter(rpa=rpa, user=user).first() or services.assessor_register(
        rpa=rpa, user=user, acting_user=None, is_senior=is_senior
    )
    for topic in TrainingTopic.values if topics is None else topics:
        services.training_record(
            assessor=assessor, topic=topic, completed_on=timezone.localdate() - timedelta(days=200)
        )
    assessor.refresh_from_db()
    return assessor


def seed_assessments_demo() -> int:
    """Create the demo register, bookings and files that are missing; returns how many assessors were created."""
    created = _seed_register()
    _seed_files()
    return created


def _seed_register() -> int:
    """Create the demo register and a booking once; returns how many assessors were created."""
    four_s = RPA.objects.get(slug="strictly-education-4s")
    north = RPA.objects.get(slug="hlta-north")
    if Assessor.objects.filter(rpa=four_s).exists():
        return 0
    admin = User.objects.get(email="admin.4s@hnap.test")
    senior = _trained(rpa=four_s, email="senior.4s@hnap.test", is_senior=True)
    alex = _trained(rpa=four_s, email="assessor.4s@hnap.test")
    trainee = _trained(rpa=four_s, email="moderator.4s@hnap.test", topics=TrainingTopic.values[:4])
    noel = _trained(rpa=north, email="assessor.north@hnap.test")
    services.assessor_set_willing(assessor=noel, rpas=[four_s])
    services.cpd_add(
        assessor=alex,
        done_on=timezone.localdate() - timedelta(days=30),
        title="Regional standardisation day",
        hours=Decimal("5"),
        ksbs=["K7", "S7", "B4"],
    )
    services.review_record(
        assessor=senior,
        reviewer=admin,
        feedback="Thorough, well-evidenced records; clear feedback to assessors.",
        preparation="strong",
        conduct="strong",
        outcomes="satisfactory",
        paperwork="strong",
        communication="satisfactory",
        participation="strong",
    )
    paid = Candidate.objects.filter(last_name="Paid", rpa=four_s).first()
    if paid is not None:
        day = week_start(paid.course.final_session + timedelta(weeks=5)) + timedelta(days=1)
        services.assessment_book(
            candidate=paid,
            assessor=alex,
            starts_at=at(max(day, timezone.localdate() + timedelta(days=14))),
            acting_user=admin,
            teacher_name="Tom Teacher",
            senior_leader_name="Hana Head",
            confirm_outside_window=True,
        )
    return len([senior, alex, trainee, noel])


# --- assessment files (issue 6) -------------------------------------------------------------------------------

# (first name, last name, days since the assessment, paid): the 4S summer cohort, assessed by Sam Senior except
# Vic Visiting (Noel North, who assesses for 4S); what each file shows is set out in _seed_files.
DEMO_FILE_CANDIDATES = [
    ("Dina", "Drafting", 2, True),
    ("Vic", "Visiting", 4, True),
    ("Sami", "Submitted", 5, True),
    ("Rosa", "Returned", 8, True),
    ("Abel", "Accepted", 11, True),
    ("Fern", "Flagged", 12, True),
    ("Remy", "Resubmitted", 15, True),
    ("Una", "Unpaid", 19, False),
]
CARA_DAYS_AGO = 22
# Lara Late's assessment is in six days: her written tasks, due four days ago, arrive late (ASM-2).
LATE_IN_DAYS = 6

TASK_TOPICS = {
    1: "leading a small-group phonics intervention",
    2: "planning a science lesson with the class teacher",
    3: "supporting a pupil with an education, health and care plan",
    4: "managing behaviour while the teacher is out of the room",
    5: "assessing pupils' progress in mathematics",
    6: "working with parents on a home-reading programme",
    7: "acting on a safeguarding concern",
    8: "leading a team of lunchtime supervisors",
}


def _summer_course(*, pop: PreparationProvider, rpa: RPA) -> PreparationCourse:
    """A 4S course that ended eight weeks ago: its candidates were assessed in the past weeks, within the window."""
    first = timezone.localdate() - timedelta(days=110)
    existing = PreparationCourse.objects.filter(pop=pop, rpa=rpa, name="Hertfordshire summer cohort").first()
    return existing or candidate_services.course_create(
        pop=pop,
        rpa=rpa,
        name="Hertfordshire summer cohort",
        first_session=first,
        second_session=first + timedelta(days=14),
        final_session=first + timedelta(days=54),
    )


def _registration_backdate(*, candidate: Candidate, course: PreparationCourse) -> None:
    # The cohort applied and registered during its course, months before its assessments (REG-6: not late).
    on = at(course.first_session + timedelta(days=7))
    Candidate.objects.filter(pk=candidate.pk).update(
        submitted_at=on - timedelta(days=5),
        readiness_at=on - timedelta(days=1),
        registered_at=on,
        registered_late=False,
    )


def _registered(
    *, first: str, last: str, paid: bool, course: PreparationCourse, school: School, tutor: User, admin: User
) -> Candidate:
    """A candidate taken through application, declaration, Level 2 evidence, readiness, registration and invoice."""
    candidate = candidate_services.candidate_apply(
        acting_user=tutor,
        pop=course.pop,
        course=course,
        school=school,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}.{last.lower()}@example.org",
        job_title="Teaching assistant",
        age_range_from=4,
        age_range_to=11,
        funding_source="school",
    )
    candidate_services.candidate_submit(candidate=candidate, acting_user=tutor)
    declaration = candidate_services.declaration_request(
        candidate=candidate, acting_user=tutor, sent_to_name="Hana Head", sent_to_email="head@riverside.example.org"
    )
    candidate_services.declaration_complete(
        declaration=declaration,
        declarer_name="Hana Head",
        declarer_role="Headteacher",
        suitable=True,
        whole_class_twice=True,
        level2_evidence_seen=True,
        opportunities_all_standards=True,
    )
    for subject in Subject.values:
        qualification = Level2Qualification.objects.filter(subject=subject, needs_rpa_decision=False).first()
        assert qualification is not None
        evidence = candidate_services.evidence_upload(
            candidate=candidate,
            acting_user=tutor,
            subject=subject,
            qualification=qualification,
            grade="C",
            achieved_on=timezone.localdate() - timedelta(days=5000),
            verified_by_name=tutor.full_name,
            original_seen_on=course.first_session,
            copy_is_exact=True,
            upload=upload_check(name=f"{subject}-certificate.pdf", content=pdf_with(f"Demo {subject} certificate")),
        )
        candidate_services.evidence_decide(evidence=evidence, acting_user=admin, accept=True)
    candidate_services.readiness_decide(candidate=candidate, acting_user=admin, ready=True)
    candidate_services.candidate_register(candidate=candidate, acting_user=admin)
    invoice = candidate_services.invoice_issue(
        candidate=candidate, acting_user=admin, payer="school", payer_name=school.name
    )
    if paid:
        candidate_services.payment_record(
            invoice=invoice, acting_user=admin, amount_pence=45000, received_on=timezone.localdate()
        )
    _registration_backdate(candidate=candidate, course=course)
    return candidate


def _past_booking(*, candidate: Candidate, assessor: Assessor, days_ago: int, admin: User) -> AssessmentFile:
    """An assessment that took place `days_ago` days ago, booked six weeks before it, with its file open. The
    booking service refuses past dates, so it is created directly, as it stood after booking."""
    starts_at = at(timezone.localdate() - timedelta(days=days_ago))
    booked_at = starts_at - timedelta(weeks=6)
    assessment: Assessment = AssessmentFactory(  # type: ignore[assignment]
        candidate=candidate,
        assessor=assessor,
        cross_rpa=assessor.rpa_id != candidate.rpa_id,
        starts_at=starts_at,
        teacher_name="Tom Teacher",
        senior_leader_name="Hana Head",
        allocated_by=admin,
        allocated_at=booked_at,
        candidate_informed_at=booked_at,
    )
    if assessment.cross_rpa:
        grant_object_access(
            user=assessor.user,
            obj=assessment,
            reason=f"Cross-RPA assessment for {candidate.rpa.name} (ASR-5)",
            acting_user=admin,
        )
    AssessmentFile.objects.filter(assessment=assessment).update(created_at=booked_at)
    return AssessmentFile.objects.get(assessment=assessment)


def _tasks_send(*, file: AssessmentFile, sent_days_before: int | None = None) -> None:
    """The candidate uploads the eight response sheets and the evidence file and sends them (ASM-2); for a past
    assessment the sending is dated `sent_days_before` it (on time when at least 10 days before)."""
    candidate = file.candidate
    for n, topic in TASK_TOPICS.items():
        fs.task_document_upload(
            file=file,
            kind="task",
            task_number=n,
            name=f"task-{n}-response.pdf",
            content=pdf_with(f"{candidate.full_name}: task {n}, {topic}"),
            acting_user=candidate.user,
        )
    fs.task_document_upload(
        file=file,
        kind="evidence",
        title="Evidence file: lesson plans, pupils' work and a teacher's observation note",
        name="evidence-file.pdf",
        content=pdf_with(f"{candidate.full_name}: documentary evidence"),
        acting_user=candidate.user,
    )
    fs.tasks_send(file=file, acting_user=candidate.user)
    if sent_days_before is not None:
        sent = file.assessment.starts_at - timedelta(days=sent_days_before)
        TaskDocument.objects.filter(file=file).update(uploaded_at=sent - timedelta(hours=2))
        AssessmentFile.objects.filter(pk=file.pk).update(
            tasks_sent_at=sent, tasks_on_time=sent <= tasks_due_at(starts_at=file.assessment.starts_at)
        )


def _content(*, file: AssessmentFile, outcome: str = Outcome.MET, insufficient: tuple[int, ...] = ()) -> dict[str, Any]:
    """Every part of the file written as an assessor would: F0 confirmed, notes on each task, a judgement and an
    evidence summary for each of the 33 standards, the four meeting records and the summary record."""
    content = complete_content(file=file, outcome=outcome, insufficient=insufficient)
    name = file.candidate.first_name
    for n, topic in TASK_TOPICS.items():
        content["tasks"][str(n)]["notes"] = f"{name} describes {topic}; followed up in the meeting with the candidate."
    for standard in file_standards():
        entry = content["grid"][str(standard.number)]
        if standard.number in insufficient:
            entry["evidence"] = (
                f"{standard.short_title}: no example in the task sheets or the evidence file, and {name} could not "
                "describe one in the meeting (F11)."
            )
        else:
            entry["evidence"] = (
                f"{standard.short_title}: shown in task {1 + standard.number % 8} and confirmed by the teacher (F12)."
            )
    assessment = file.assessment
    content["f11"]["record"] = f"Ninety minutes with {name}: questions on tasks 1 to 8, answers recorded as given."
    content["f12"].update(
        with_name=assessment.teacher_name,
        record=f"{assessment.teacher_name} confirmed {name}'s part in the lessons of tasks 2, 4 and 5.",
    )
    content["f13"].update(
        with_name=assessment.senior_leader_name,
        record=f"{assessment.senior_leader_name} described {name}'s leadership of the lunchtime team (task 8).",
    )
    content["f14"]["record"] = "Evidence file reviewed: lesson plans, pupils' work and an observation note, all dated."
    content["f15"]["rationale"] = (
        "Every standard is met on the evidence summarised in the grid."
        if outcome == Outcome.MET
        else f"Standards {', '.join(map(str, insufficient))} lack evidence; the others are met."
    )
    return content


def _write(*, file: AssessmentFile, content: dict[str, Any], parts: list[str] | None = None) -> None:
    """The assessor saves the draft part by part, as the pages do (ASM-4)."""
    for part in parts or list(content):
        fs.file_draft_save(file=file, part=part, data=content[part], acting_user=file.assessor.user)


def _submitted(
    *, file: AssessmentFile, outcome: str = Outcome.MET, insufficient: tuple[int, ...] = ()
) -> AssessmentFile:
    """The file completed part by part and submitted by its assessor (version 1, or the next after a return)."""
    _write(file=file, content=_content(file=file, outcome=outcome, insufficient=insufficient))
    fs.file_submit(file=file, acting_user=file.assessor.user)
    file.refresh_from_db()
    return file


def _seed_files() -> None:
    """Create the demo files once (the cohort's first candidate says whether they are there)."""
    four_s = RPA.objects.get(slug="strictly-education-4s")
    pop = PreparationProvider.objects.get(name="Bright Futures Training")
    if Candidate.objects.filter(rpa=four_s, pop=pop, last_name=DEMO_FILE_CANDIDATES[0][1]).exists():
        return
    admin = User.objects.get(email="admin.4s@hnap.test")
    tutor = User.objects.get(email="pop.brightfutures@hnap.test")
    moderator = User.objects.get(email="moderator.4s@hnap.test")
    sam = Assessor.objects.get(rpa=four_s, user__email="senior.4s@hnap.test")
    noel = Assessor.objects.get(user__email="assessor.north@hnap.test")
    school = School.objects.get(urn=100001)
    course = _summer_course(pop=pop, rpa=four_s)
    people = {
        last: _registered(first=first, last=last, paid=paid, course=course, school=school, tutor=tutor, admin=admin)
        for first, last, _, paid in DEMO_FILE_CANDIDATES
    }
    files = {
        last: _past_booking(
            candidate=people[last], assessor=noel if last == "Visiting" else sam, days_ago=days_ago, admin=admin
        )
        for _, last, days_ago, _ in DEMO_FILE_CANDIDATES
    }
    for last, file in files.items():
        # Written tasks: most arrived in good time; Rosa Returned's four days before her assessment (late).
        _tasks_send(file=file, sent_days_before=4 if last == "Returned" else 14)

    # A draft part filled: F0 confirmed, notes on five tasks, the first twelve standards and the candidate meeting.
    draft = _content(file=files["Drafting"])
    draft["tasks"] = {n: notes for n, notes in draft["tasks"].items() if int(n) <= 5}
    draft["grid"] = {n: entry for n, entry in draft["grid"].items() if int(n) <= 12}
    _write(file=files["Drafting"], content=draft, parts=["f0", "tasks", "grid", "f11"])

    # Submitted and awaiting scrutiny: Noel North has had nothing scrutinised this cycle, so the queue proposes his
    # file (SCR-2).
    _submitted(file=files["Visiting"])
    _submitted(file=files["Submitted"], outcome=Outcome.NOT_MET, insufficient=(9, 10, 11))

    # Returned at scrutiny with reasons (SCR-1): Sam Senior is chased to revise it.
    fs.file_scrutinise(
        file=_submitted(file=files["Returned"]),
        decision="return",
        reasons="The records of F12 and F13 are too brief to support standards 12 to 15. Complete them from your "
        "notes taken at the time; do not seek new evidence.",
        acting_user=admin,
    )

    # Accepted for moderation, with preparation feedback recorded and not yet passed on (PREP-1).
    fs.file_scrutinise(file=_submitted(file=files["Accepted"]), decision="accept", acting_user=admin)
    fs.preparation_feedback_record(
        file=files["Accepted"],
        quality="adequate",
        comments="Abel knew the standards but the evidence file was assembled in a rush; more time on tasks 6 and 7 "
        "would have helped.",
        acting_user=sam.user,
    )

    # Flagged (SCR-3), with feedback that preparation harmed the assessment, passed on to the PoP (PREP-2).
    fs.file_scrutinise(
        file=_submitted(file=files["Flagged"], outcome=Outcome.PARTIAL, insufficient=(7, 21)),
        decision="accept",
        flag_difficult=True,
        flag_principle=True,
        flag_note="The candidate works in a pupil referral unit: does whole-class teaching (standard 21) apply as "
        "written? A matter for moderation.",
        acting_user=admin,
    )
    harmed = fs.preparation_feedback_record(
        file=files["Flagged"],
        quality="poor",
        comments="Fern was told to leave standards 7 and 21 out of her tasks.",
        harmed=True,
        harm_details="Following the course's advice, Fern gave no evidence on standards 7 and 21.",
        acting_user=sam.user,
    )
    fs.preparation_feedback_pass_on(
        feedback=harmed, acting_user=admin, rpa_note="Please review this advice with your tutors before next term."
    )

    # Returned, revised and resubmitted: version 2 with a diff against version 1, awaiting scrutiny again (ASM-5).
    remy = files["Resubmitted"]
    fs.file_scrutinise(
        file=_submitted(file=remy),
        decision="return",
        reasons="F13 does not say what the senior leader said about standards 12 to 15.",
        acting_user=admin,
    )
    remy.refresh_from_db()
    fs.file_draft_save(
        file=remy,
        part="f13",
        data={
            **remy.draft["f13"],
            "record": "Hana Head described Remy planning the reading intervention with the class teacher (standards "
            "12 and 13) and reviewing pupils' progress every half term (standards 14 and 15), from my notes.",
        },
        acting_user=sam.user,
    )
    fs.file_submit(file=remy, acting_user=sam.user)

    # Confirmed results (MOD-12): held because the assessment is unpaid (PAY-1) ...
    fs.file_scrutinise(file=_submitted(file=files["Unpaid"]), decision="accept", acting_user=admin)
    unpaid = fs.result_confirm(file=files["Unpaid"], via=ConfirmedVia.EVENT_CLOSED, acting_user=None)
    fs.result_release(result=unpaid)
    # ... and Cara Candidate's, paid and released with her letter.
    _cara_result(course=course, sam=sam, admin=admin, moderator=moderator)

    # Tasks sent on time for a booking still to come (Paul Paid, with Alex), and late for Lara Late's in six days,
    # after an issue the assessor raised with her documents had her send them again (PREP-3).
    paul = (
        AssessmentFile.objects.filter(
            candidate__rpa=four_s,
            candidate__last_name="Paid",
            state=FileState.DRAFT,
            tasks_sent_at__isnull=True,
            assessment__state=AssessmentState.BOOKED,
        )
        .select_related("assessment", "candidate")
        .first()
    )
    if paul is not None and timezone.now() <= tasks_due_at(starts_at=paul.assessment.starts_at):
        _tasks_send(file=paul)
    _late_tasks(course=course, school=school, tutor=tutor, admin=admin, sam=sam)


def _cara_result(*, course: PreparationCourse, sam: Assessor, admin: User, moderator: User) -> None:
    """Cara Candidate (the candidate sign-in) joins the summer cohort, is assessed, pays, and her result is confirmed
    through moderation and released with her letter; left alone if she was booked since."""
    cara = Candidate.objects.filter(rpa=course.rpa, last_name="Candidate", user__isnull=False).first()
    if cara is None or Assessment.objects.filter(candidate=cara).exists():
        return
    cara = candidate_services.candidate_update(candidate=cara, acting_user=admin, course=course)
    _registration_backdate(candidate=cara, course=course)
    file = _past_booking(candidate=cara, assessor=sam, days_ago=CARA_DAYS_AGO, admin=admin)
    _tasks_send(file=file, sent_days_before=12)
    fs.file_scrutinise(file=_submitted(file=file), decision="accept", acting_user=admin)
    feedback = fs.preparation_feedback_record(
        file=file,
        quality="well",
        comments="Cara's tasks were focused and her evidence file well organised: a credit to the course.",
        acting_user=sam.user,
    )
    fs.preparation_feedback_pass_on(feedback=feedback, acting_user=admin)
    if not candidate_is_paid(candidate=cara):
        invoice = cara.invoices.filter(cancelled_at__isnull=True).first() or candidate_services.invoice_issue(
            candidate=cara, acting_user=admin, payer="school", payer_name=cara.school.name
        )
        candidate_services.payment_record(
            invoice=invoice, acting_user=admin, amount_pence=45000, received_on=timezone.localdate() - timedelta(days=3)
        )
    result = fs.result_confirm(file=file, via=ConfirmedVia.MODERATION, outcome=Outcome.MET, acting_user=moderator)
    fs.result_release(result=result)


def _late_tasks(*, course: PreparationCourse, school: School, tutor: User, admin: User, sam: Assessor) -> None:
    """Lara Late, booked through the service for six days from now, sends her tasks late, is told of an issue with
    one response sheet (PREP-3), replaces it and sends them again (late again, ASM-2)."""
    lara = _registered(first="Lara", last="Late", paid=True, course=course, school=school, tutor=tutor, admin=admin)
    assessment = services.assessment_book(
        candidate=lara,
        assessor=sam,
        starts_at=at(timezone.localdate() + timedelta(days=LATE_IN_DAYS)),
        acting_user=admin,
        teacher_name="Tom Teacher",
        senior_leader_name="Hana Head",
        confirm_outside_window=True,
    )
    file = AssessmentFile.objects.get(assessment=assessment)
    _tasks_send(file=file)
    fs.document_issue_raise(
        file=file,
        message="The response sheet for task 6 is a copy of task 5's: please send your task 6 response.",
        acting_user=sam.user,
    )
    fs.task_document_upload(
        file=file,
        kind="task",
        task_number=6,
        name="task-6-response.pdf",
        content=pdf_with(f"{lara.full_name}: task 6, {TASK_TOPICS[6]}"),
        acting_user=None,
    )
    fs.tasks_send(file=file, acting_user=None)
