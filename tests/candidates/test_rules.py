"""Registration, Standard 11 and payment rules, proven on the services and selectors (REG-*, S11-*, PAY-*,
REGION-1, PREP-3) — the pages and the API call these same services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from candidates import services
from candidates.factories import PreparationCourseFactory, RegionalChargeFactory
from candidates.models import (
    Candidate,
    CandidateStatus,
    EvidenceState,
    Level2Evidence,
    Level2Qualification,
    LineKind,
    PreparationCourse,
    ReadinessDecision,
    Subject,
)
from candidates.reference_data import qualification_rows
from candidates.selectors import (
    candidate_checklist,
    candidate_is_paid,
    candidate_is_ready_for_allocation,
    candidates_filtered,
    candidates_ready_for_allocation,
    next_step,
)
from candidates.tasks import candidate_email, employer_declaration_send
from hnap.factories import SchoolFactory
from hnap.files import file_read_decrypted
from hnap.models import (
    RPA,
    Deadline,
    DeadlineState,
    NationalFee,
    Notification,
    PreparationProvider,
    Region,
    School,
    User,
)
from hnap.roles import Role
from tests.candidates.conftest import apply, declare, qualification, upload

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def submitted(pop_user: User, course: PreparationCourse, school: School, **overrides: Any) -> Candidate:
    candidate = apply(pop_user, course, school, **overrides)
    return services.candidate_submit(candidate=candidate, acting_user=pop_user)


def both_subjects_accepted(candidate: Candidate, pop_user: User, rpa_admin: User) -> None:
    for subject in Subject.values:
        evidence = upload(candidate, pop_user, subject)
        services.evidence_decide(evidence=evidence, acting_user=rpa_admin, accept=True)


# --- REGION-1: the school decides the RPA -----------------------------------------------------------


class TestRegion:
    def test_region1_the_schools_area_decides_the_rpa(self, pop_user: User, course_a: PreparationCourse) -> None:
        school = SchoolFactory(name="Hertford Primary", rpa=course_a.rpa)
        candidate = apply(pop_user, course_a, school)
        assert candidate.rpa == school.rpa == course_a.rpa
        assert candidate.reference == f"HLTA-{candidate.created_at:%Y}-{candidate.pk:06d}"

    def test_region1_a_course_of_another_rpa_is_refused_naming_both(
        self, pop_user: User, pop_a: PreparationProvider, rpa_b: RPA, course_a: PreparationCourse
    ) -> None:
        north_school = SchoolFactory(
            name="Leeds Primary", rpa=rpa_b, region=Region.objects.get(name="Yorkshire and the Humber")
        )
        with pytest.raises(ValidationError) as error:
            apply(pop_user, course_a, north_school)
        assert "HLTA North" in str(error.value) and "Strictly Education 4S" in str(error.value)
        assert not Candidate.objects.exists()

    def test_region1_a_school_no_rpa_covers_is_refused(self, pop_user: User, course_a: PreparationCourse) -> None:
        school = SchoolFactory(name="Nowhere School", rpa=None)
        with pytest.raises(ValidationError, match="No RPA covers"):
            apply(pop_user, course_a, school)

    def test_region1_moving_school_to_another_rpas_area_is_a_transfer_not_an_edit(
        self, pop_user: User, course_a: PreparationCourse, school_a: School, rpa_b: RPA
    ) -> None:
        candidate = apply(pop_user, course_a, school_a)
        north = SchoolFactory(name="York Primary", rpa=rpa_b)
        with pytest.raises(ValidationError):
            services.candidate_update(candidate=candidate, acting_user=pop_user, school=north)
        candidate.refresh_from_db()
        assert candidate.school == school_a and candidate.rpa == course_a.rpa

    def test_a_course_only_for_an_rpa_the_pop_works_with(self, pop_a: PreparationProvider, rpa_b: RPA) -> None:
        start = timezone.localdate()
        with pytest.raises(ValidationError, match="does not prepare candidates for HLTA North"):
            services.course_create(
                pop=pop_a,
                rpa=rpa_b,
                name="North course",
                first_session=start,
                second_session=start,
                final_session=start,
            )

    def test_course_sessions_must_be_in_order(self, pop_a: PreparationProvider, rpa_a: RPA) -> None:
        start = timezone.localdate()
        with pytest.raises(ValidationError, match="in order"):
            services.course_create(
                pop=pop_a,
                rpa=rpa_a,
                name="Backwards",
                first_session=start,
                second_session=start - timedelta(days=1),
                final_session=start,
            )


# --- REG-1 .. REG-8 ---------------------------------------------------------------------------------


class TestEligibility:
    @pytest.mark.parametrize(("low", "high"), [(20, 25), (1, 5)])
    def test_reg1_ages_outside_3_to_19_are_refused(
        self, pop_user: User, course_a: PreparationCourse, school_a: School, low: int, high: int
    ) -> None:
        with pytest.raises(ValidationError) as error:
            apply(pop_user, course_a, school_a, age_range_from=low, age_range_to=high)
        assert "age_range_from" in error.value.message_dict

    def test_reg1_two_year_olds_need_a_reason_then_the_rpas_approval(
        self, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        with pytest.raises(ValidationError) as error:
            apply(pop_user, course_a, school_a, age_range_from=2, age_range_to=4)
        assert "nursery_exception_reason" in error.value.message_dict
        candidate = apply(
            pop_user, course_a, school_a, age_range_from=2, age_range_to=4, nursery_exception_reason="School nursery"
        )
        services.candidate_submit(candidate=candidate, acting_user=pop_user)
        declare(candidate, pop_user)
        both_subjects_accepted(candidate, pop_user, rpa_admin)
        services.readiness_decide(candidate=candidate, acting_user=rpa_admin, ready=True)
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.AWAITING_READINESS
        reg1 = next(c for c in candidate_checklist(candidate=candidate) if c.rule == "REG-1")
        assert not reg1.ok and "nursery exception" in reg1.missing
        with pytest.raises(ValidationError, match="nursery exception"):
            services.candidate_register(candidate=candidate, acting_user=rpa_admin)
        with pytest.raises(ValidationError):
            services.nursery_exception_approve(candidate=candidate, acting_user=rpa_admin, reason=" ")
        services.nursery_exception_approve(
            candidate=candidate, acting_user=rpa_admin, reason="School-run nursery, class of 3-4 year olds too"
        )
        candidate.refresh_from_db()
        assert candidate.nursery_exception_approved_by == rpa_admin
        assert candidate.status == CandidateStatus.READY_TO_REGISTER
        services.candidate_register(candidate=candidate, acting_user=rpa_admin)

    def test_reg2_funding_source_recorded_and_an_organisation_is_named(
        self, pop_user: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        with pytest.raises(ValidationError) as error:
            apply(pop_user, course_a, school_a, funding_source="organisation")
        assert "funder_name" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            apply(pop_user, course_a, school_a, funding_source="lottery")
        assert "funding_source" in error.value.message_dict
        candidate = apply(pop_user, course_a, school_a, funding_source="organisation", funder_name="Trust")
        assert candidate.funding_source == "organisation" and candidate.funder_name == "Trust"
        assert apply(pop_user, course_a, school_a, funding_source="self").get_funding_source_display() == "Self-funded"

    def test_reg3_reg5_declaration_by_single_use_link_records_name_role_time(
        self, pop_user: User, course_a: PreparationCourse, school_a: School, django_capture_on_commit_callbacks: Any
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        assert candidate.status == CandidateStatus.AWAITING_EMPLOYER
        with django_capture_on_commit_callbacks() as callbacks:
            declaration = services.declaration_request(
                candidate=candidate, acting_user=pop_user, sent_to_name="Jo Head", sent_to_email="Head@Meadow.org"
            )
        assert len(callbacks) == 1  # the email is sent by a task, after commit
        assert employer_declaration_send(declaration.pk) is True
        (message,) = mail.outbox
        assert message.to == ["head@meadow.org"]
        token = services.declaration_token(declaration=declaration)
        assert f"/employer-declaration/{token}/" in message.body
        assert services.declaration_for_token(token=token) == declaration
        assert services.declaration_for_token(token=token[:-2] + "xx") is None

        with pytest.raises(ValidationError) as error:
            services.declaration_complete(
                declaration=declaration,
                declarer_name="Jo Head",
                declarer_role="Headteacher",
                suitable=True,
                whole_class_twice=False,
                level2_evidence_seen=True,
                opportunities_all_standards=False,
            )
        assert set(error.value.message_dict) == {"whole_class_twice", "opportunities_all_standards"}
        done, recorded = services.declaration_complete(
            declaration=declaration,
            declarer_name="Jo Head",
            declarer_role="Headteacher",
            suitable=True,
            whole_class_twice=True,
            level2_evidence_seen=True,
            opportunities_all_standards=True,
        )
        assert recorded and done.declarer_role == "Headteacher" and done.declared_at is not None
        again, recorded_again = services.declaration_complete(
            declaration=declaration,
            declarer_name="Someone Else",
            declarer_role="Caretaker",
            suitable=True,
            whole_class_twice=True,
            level2_evidence_seen=True,
            opportunities_all_standards=True,
        )
        assert not recorded_again and again.declarer_name == "Jo Head" and again.declared_at == done.declared_at
        checks = {c.rule: c for c in candidate_checklist(candidate=Candidate.objects.get(pk=candidate.pk))}
        assert checks["REG-3"].ok and checks["REG-5"].ok
        # Once declared, no new link can be sent.
        with pytest.raises(ValidationError, match="already completed"):
            services.declaration_request(
                candidate=candidate, acting_user=pop_user, sent_to_name="X", sent_to_email="x@example.org"
            )

    def test_reg3_an_expired_or_replaced_link_is_refused(
        self, pop_user: User, course_a: PreparationCourse, school_a: School, django_capture_on_commit_callbacks: Any
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        statements = dict(
            suitable=True, whole_class_twice=True, level2_evidence_seen=True, opportunities_all_standards=True
        )
        with django_capture_on_commit_callbacks():
            first = services.declaration_request(
                candidate=candidate, acting_user=pop_user, sent_to_name="A", sent_to_email="a@example.org"
            )
            second = services.declaration_request(
                candidate=candidate, acting_user=pop_user, sent_to_name="B", sent_to_email="b@example.org"
            )
        with pytest.raises(ValidationError, match="replaced"):
            services.declaration_complete(declaration=first, declarer_name="A", declarer_role="Head", **statements)
        assert employer_declaration_send(first.pk) is False  # a replaced link is never emailed
        second.expires_at = timezone.now() - timedelta(seconds=1)
        second.save(update_fields=["expires_at"])
        with pytest.raises(ValidationError, match="expired"):
            services.declaration_complete(declaration=second, declarer_name="B", declarer_role="Head", **statements)
        second.refresh_from_db()
        assert second.declared_at is None

    def test_reg4_readiness_decision_records_who_and_when_and_a_refusal_says_why(
        self, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        draft = apply(pop_user, course_a, school_a)
        with pytest.raises(ValidationError, match="not been submitted"):
            services.readiness_decide(candidate=draft, acting_user=rpa_admin, ready=True)
        candidate = services.candidate_submit(candidate=draft, acting_user=pop_user)
        with pytest.raises(ValidationError):
            services.readiness_decide(candidate=candidate, acting_user=rpa_admin, ready=False, note="")
        decided = services.readiness_decide(
            candidate=candidate, acting_user=rpa_admin, ready=False, note="Needs more whole-class experience"
        )
        assert decided.readiness == ReadinessDecision.DECLINED
        assert decided.readiness_by == rpa_admin and decided.readiness_at is not None
        assert decided.status == CandidateStatus.NOT_ELIGIBLE
        approved = services.readiness_decide(candidate=candidate, acting_user=rpa_admin, ready=True)
        assert approved.readiness == ReadinessDecision.APPROVED

    def test_reg6_registration_after_the_second_session_is_late_and_listed(
        self, pop_user: User, rpa_admin: User, pop_a: PreparationProvider, rpa_a: RPA, school_a: School
    ) -> None:
        today = timezone.localdate()
        past = PreparationCourseFactory(
            rpa=rpa_a,
            pop=pop_a,
            first_session=today - timedelta(days=30),
            second_session=today - timedelta(days=2),
            final_session=today + timedelta(days=30),
        )
        future = PreparationCourseFactory(
            rpa=rpa_a,
            pop=pop_a,
            first_session=today,
            second_session=today + timedelta(days=14),
            final_session=today + timedelta(days=40),
        )
        late = submitted(pop_user, past, school_a, last_name="Late")
        on_time = submitted(pop_user, future, school_a, last_name="OnTime")
        everyone = Candidate.objects.all()
        assert [c.last_name for c in candidates_filtered(candidates=everyone, late=True)] == ["Late"]
        for candidate in (late, on_time):
            declare(candidate, pop_user)
            both_subjects_accepted(candidate, pop_user, rpa_admin)
            services.readiness_decide(candidate=candidate, acting_user=rpa_admin, ready=True)
            services.candidate_register(candidate=candidate, acting_user=rpa_admin)
        late.refresh_from_db()
        on_time.refresh_from_db()
        assert late.registered_late and not on_time.registered_late
        assert [c.last_name for c in candidates_filtered(candidates=everyone, late=True)] == ["Late"]

    def test_reg7_a_pop_reports_a_change_the_rpa_resolves_it_and_history_keeps_it(
        self, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        from hnap.audit import history_for

        candidate = submitted(pop_user, course_a, school_a)
        with pytest.raises(ValidationError):
            services.change_report_create(candidate=candidate, acting_user=pop_user, kind="change", description=" ")
        report = services.change_report_create(
            candidate=candidate, acting_user=pop_user, kind="anomaly", description="Candidate is on long-term leave"
        )
        assert Notification.objects.filter(user=rpa_admin, subject__contains="Change reported").exists()
        with pytest.raises(ValidationError):
            services.change_report_resolve(report=report, acting_user=rpa_admin, resolution="")
        resolved = services.change_report_resolve(
            report=report, acting_user=rpa_admin, resolution="Assessment moved to the spring"
        )
        assert resolved.resolved_by == rpa_admin and resolved.resolved_at is not None
        with pytest.raises(ValidationError, match="already resolved"):
            services.change_report_resolve(report=report, acting_user=rpa_admin, resolution="again")
        labels = [row["label"] for row in history_for(obj=resolved)]
        assert labels == ["update", "insert"]
        assert history_for(obj=resolved)[0]["diff"]["resolution"] == ["", "Assessment moved to the spring"]

    def test_reg8_disclosure_is_optional_and_adjustments_are_recorded(
        self, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        without = apply(pop_user, course_a, school_a)
        assert not hasattr(without, "disclosure") or without.disclosure is None
        candidate = apply(
            pop_user,
            course_a,
            school_a,
            last_name="Disclosed",
            disability_disclosure="Dyslexia",
            adjustments_requested="Documents in advance",
        )
        disclosure = candidate.disclosure
        assert disclosure.rpa_id == candidate.rpa_id
        with pytest.raises(ValidationError):
            services.disclosure_record_adjustments(disclosure=disclosure, acting_user=rpa_admin, adjustments_made="")
        services.disclosure_record_adjustments(
            disclosure=disclosure, acting_user=rpa_admin, adjustments_made="Questions given in writing too"
        )
        disclosure.refresh_from_db()
        assert disclosure.adjustments_recorded_by == rpa_admin

    def test_reg8_only_the_rpa_sees_a_disclosure(
        self,
        pop_user: User,
        rpa_admin: User,
        make_member: Callable[..., User],
        course_a: PreparationCourse,
        school_a: School,
    ) -> None:
        from candidates.models import DisabilityDisclosure

        apply(pop_user, course_a, school_a, disability_disclosure="Visual impairment")
        senior = make_member(Role.SENIOR_ASSESSOR, rpa=course_a.rpa)
        assert DisabilityDisclosure.objects.restrict(rpa_admin, "view").count() == 1
        for user in (pop_user, senior):
            assert DisabilityDisclosure.objects.restrict(user, "view").count() == 0


# --- Standard 11 -------------------------------------------------------------------------------------


class TestStandard11:
    def test_s11_1_submission_sets_the_level2_deadline_before_the_final_session_and_upload_meets_it(
        self, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        deadline = Deadline.objects.get(kind=services.LEVEL2_DEADLINE_KIND, object_id=candidate.pk)
        assert deadline.responsible == pop_user
        due_day = timezone.localtime(deadline.due_at).date()
        assert due_day < course_a.final_session
        from hnap.workdays import calendar_for

        calendar = calendar_for(rpa_id=candidate.rpa_id)
        # Five working days from the due day up to the eve of the final session, whatever weekday that session is.
        assert (
            calendar.working_days_between(due_day - timedelta(days=1), course_a.final_session - timedelta(days=1)) == 5
        )
        upload(candidate, pop_user, Subject.ENGLISH)
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.OPEN  # one subject is not enough
        upload(candidate, pop_user, Subject.MATHS)
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.MET

    def test_s11_1_copy_needs_the_signed_verification(
        self, pop_user: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        with pytest.raises(ValidationError) as error:
            upload(candidate, pop_user, Subject.ENGLISH, copy_is_exact=False, verified_by_name=" ")
        assert {"copy_is_exact", "verified_by_name"} <= set(error.value.message_dict)
        assert not Level2Evidence.objects.exists()

    def test_s11_2_each_missing_piece_blocks_allocation(
        self, registered_candidate: Callable[..., Candidate], rpa_admin: User, pop_user: User
    ) -> None:
        candidate = registered_candidate()
        assert candidate_is_ready_for_allocation(candidate=candidate)
        everyone = Candidate.objects.filter(pk=candidate.pk)

        def ready() -> bool:
            assert (
                candidate_is_ready_for_allocation(candidate=candidate)
                == candidates_ready_for_allocation(candidates=everyone).exists()
            )
            return candidate_is_ready_for_allocation(candidate=candidate)

        # Not registered.
        Candidate.objects.filter(pk=candidate.pk).update(registered_at=None)
        assert not ready()
        Candidate.objects.filter(pk=candidate.pk).update(registered_at=timezone.now())
        assert ready()
        # Readiness not approved.
        Candidate.objects.filter(pk=candidate.pk).update(readiness=ReadinessDecision.PENDING)
        assert not ready()
        Candidate.objects.filter(pk=candidate.pk).update(readiness=ReadinessDecision.APPROVED)
        # Either Level 2 subject not accepted.
        for subject in Subject.values:
            evidence = Level2Evidence.objects.get(candidate=candidate, subject=subject, state=EvidenceState.ACCEPTED)
            Level2Evidence.objects.filter(pk=evidence.pk).update(state=EvidenceState.SUBMITTED)
            assert not ready(), subject
            Level2Evidence.objects.filter(pk=evidence.pk).update(state=EvidenceState.ACCEPTED)
            assert ready()
        # Withdrawn.
        services.candidate_withdraw(candidate=candidate, acting_user=rpa_admin, reason="Left the school")
        assert not ready()

    def test_s11_2_registration_waits_for_both_subjects(
        self, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        declare(candidate, pop_user)
        english = upload(candidate, pop_user, Subject.ENGLISH)
        services.evidence_decide(evidence=english, acting_user=rpa_admin, accept=True)
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.AWAITING_LEVEL2
        services.readiness_decide(candidate=candidate, acting_user=rpa_admin, ready=True)
        with pytest.raises(ValidationError) as error:
            services.candidate_register(candidate=candidate, acting_user=rpa_admin)
        assert "No Level 2 Mathematics or numeracy evidence uploaded yet" in error.value.messages
        maths = upload(candidate, pop_user, Subject.MATHS)
        assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.AWAITING_VERIFICATION
        services.evidence_decide(evidence=maths, acting_user=rpa_admin, accept=True)
        assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.READY_TO_REGISTER
        registered = services.candidate_register(candidate=candidate, acting_user=rpa_admin)
        assert registered.status == CandidateStatus.REGISTERED and registered.registered_by == rpa_admin

    def test_s11_3_prep_3_a_rejection_tells_the_pop_and_the_candidate_what_is_missing(
        self,
        pop_user: User,
        rpa_admin: User,
        course_a: PreparationCourse,
        school_a: School,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        evidence = upload(candidate, pop_user, Subject.MATHS)
        with pytest.raises(ValidationError):
            services.evidence_decide(evidence=evidence, acting_user=rpa_admin, accept=False, note="")
        with django_capture_on_commit_callbacks() as callbacks:
            services.evidence_decide(
                evidence=evidence, acting_user=rpa_admin, accept=False, note="The grade shown is D, below C/4."
            )
        candidate.refresh_from_db()
        assert "grade shown is D" in candidate.level2_outcome_note
        assert "before they can go on with preparation and registration" in candidate.level2_outcome_note
        assert candidate.status == CandidateStatus.AWAITING_LEVEL2
        note = Notification.objects.get(user=pop_user)
        assert "grade shown is D" in note.body
        assert len(callbacks) == 1
        assert candidate_email(candidate.pk, note.subject, note.body) is True
        assert mail.outbox[-1].to == [candidate.email] and "grade shown is D" in mail.outbox[-1].body
        # A decided copy cannot be decided again; a new upload supersedes nothing accepted and clears the block.
        with pytest.raises(ValidationError, match="already"):
            services.evidence_decide(evidence=evidence, acting_user=rpa_admin, accept=True)
        replacement = upload(candidate, pop_user, Subject.MATHS)
        services.evidence_decide(evidence=replacement, acting_user=rpa_admin, accept=True)
        candidate.refresh_from_db()
        assert candidate.level2_outcome_note == ""

    def test_s11_4_copies_are_encrypted_at_rest_and_read_back_exactly(
        self, pop_user: User, course_a: PreparationCourse, school_a: School, client: Any
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        evidence = upload(candidate, pop_user, Subject.ENGLISH)
        on_disk = (Path(settings.MEDIA_ROOT) / evidence.file_path).read_bytes()
        assert b"english certificate" not in on_disk and b"%PDF" not in on_disk
        plain = file_read_decrypted(path=evidence.file_path)
        assert b"english certificate" in plain and plain.startswith(b"%PDF")
        assert evidence.file_key_id == settings.HNAP_FILE_KEYS[0].split(":")[0]
        # No URL serves the private folder, under any prefix.
        for url in (f"/{evidence.file_path}", f"/media/{evidence.file_path}", f"/private/{evidence.file_path}"):
            assert client.get(url).status_code == 404

    def test_s11_5_the_starting_list_is_seeded_and_other_needs_the_rpas_recorded_decision(
        self, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        assert Level2Qualification.objects.count() == len(qualification_rows()) == 26
        assert set(Level2Qualification.objects.filter(needs_rpa_decision=True).values_list("subject", flat=True)) == {
            "english",
            "maths",
        }
        candidate = submitted(pop_user, course_a, school_a)
        other = qualification(Subject.ENGLISH, other=True)
        with pytest.raises(ValidationError) as error:
            upload(candidate, pop_user, Subject.ENGLISH, qualification=other)
        assert "other_qualification_name" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            upload(candidate, pop_user, Subject.ENGLISH, qualification=qualification(Subject.MATHS))
        assert "qualification" in error.value.message_dict
        evidence = upload(
            candidate, pop_user, Subject.ENGLISH, qualification=other, other_qualification_name="Irish Leaving Cert"
        )
        with pytest.raises(ValidationError, match="Record why"):
            services.evidence_decide(evidence=evidence, acting_user=rpa_admin, accept=True)
        services.evidence_decide(
            evidence=evidence, acting_user=rpa_admin, accept=True, note="Ordinary level English, grade B1: equivalent"
        )
        evidence.refresh_from_db()
        assert evidence.state == EvidenceState.ACCEPTED and "equivalent" in evidence.decision_note

    def test_s11_5_the_partnership_maintains_the_list(self) -> None:
        added = services.qualification_save(subject="maths", name="Welsh Essential Skills numeracy", minimum="level 2")
        with pytest.raises(ValidationError):
            services.qualification_save(subject="maths", name="Welsh Essential Skills numeracy", minimum="level 2")
        services.qualification_save(
            qualification=added, subject="maths", name=added.name, minimum="level 2", active=False
        )
        added.refresh_from_db()
        assert not added.active

    def test_a_new_upload_supersedes_the_waiting_one_but_never_an_accepted_one(
        self, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        first = upload(candidate, pop_user, Subject.ENGLISH)
        second = upload(candidate, pop_user, Subject.ENGLISH)
        first.refresh_from_db()
        assert first.state == EvidenceState.SUPERSEDED and second.state == EvidenceState.SUBMITTED
        services.evidence_decide(evidence=second, acting_user=rpa_admin, accept=True)
        with pytest.raises(ValidationError, match="already accepted"):
            upload(candidate, pop_user, Subject.ENGLISH)

    def test_a_failed_upload_leaves_no_file_behind(
        self, pop_user: User, course_a: PreparationCourse, school_a: School, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        candidate = submitted(pop_user, course_a, school_a)
        stored: list[str] = []
        real_store = services.file_store_encrypted

        def store(**kwargs: Any) -> tuple[str, str]:
            path, key_id = real_store(**kwargs)
            stored.append(path)
            return path, key_id

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("database went away")

        monkeypatch.setattr(services, "file_store_encrypted", store)
        monkeypatch.setattr(Level2Evidence.objects, "create", broken)
        with pytest.raises(RuntimeError):
            upload(candidate, pop_user, Subject.ENGLISH)
        assert len(stored) == 1
        assert not (Path(settings.MEDIA_ROOT) / stored[0]).exists()
        assert not Level2Evidence.objects.exists()


# --- the candidate's one clear state ------------------------------------------------------------------


def test_every_state_has_a_next_action_and_an_owner(
    registered_candidate: Callable[..., Candidate], pop_user: User, course_a: PreparationCourse, school_a: School
) -> None:
    for status in CandidateStatus.values:
        action, owner = next_step(status=status)
        assert action and owner
    draft = apply(pop_user, course_a, school_a)
    assert draft.status == CandidateStatus.DRAFT
    assert next_step(status=draft.status) == ("Complete and submit the application", "PoP")
    assert registered_candidate().status == CandidateStatus.REGISTERED


# --- PAY-1, PAY-2 -----------------------------------------------------------------------------------


class TestPayment:
    def test_pay2_the_invoice_charges_the_national_fee_and_names_regional_charges_separately(
        self, registered_candidate: Callable[..., Candidate], rpa_admin: User, rpa_a: RPA, rpa_b: RPA
    ) -> None:
        candidate = registered_candidate()
        venue = RegionalChargeFactory(rpa=rpa_a, name="Venue hire", amount_pence=3000)
        north = RegionalChargeFactory(rpa=rpa_b, name="North admin", amount_pence=1000)
        with pytest.raises(ValidationError):
            services.invoice_issue(
                candidate=candidate, acting_user=rpa_admin, payer="school", payer_name="X", regional_charges=[north]
            )
        invoice = services.invoice_issue(
            candidate=candidate, acting_user=rpa_admin, payer="school", payer_name="Meadow", regional_charges=[venue]
        )
        fee = NationalFee.objects.filter(effective_from__lte=timezone.localdate()).order_by("-effective_from").first()
        lines = {line.kind: line for line in invoice.lines.all()}
        assert lines[LineKind.ASSESSMENT_FEE].amount_pence == fee.amount_pence == 45000
        assert lines[LineKind.REGIONAL_CHARGE].description == "Venue hire"
        assert invoice.number == f"INV-{invoice.issued_on:%Y}-{invoice.pk:06d}"
        with pytest.raises(ValidationError, match="assessment fee is set nationally"):
            services.regional_charge_save(rpa=rpa_a, name="Assessment fee top-up", amount_pence=100)

    def test_pay2_a_new_national_fee_applies_from_its_date(
        self, registered_candidate: Callable[..., Candidate], rpa_admin: User
    ) -> None:
        candidate = registered_candidate()
        start = timezone.localdate() + timedelta(days=10)
        NationalFee.objects.create(amount_pence=47500, effective_from=start, review_due=start + timedelta(days=365))
        invoice = services.invoice_issue(
            candidate=candidate, acting_user=rpa_admin, payer="self", payer_name="Sam", issued_on=start
        )
        assert invoice.lines.get(kind=LineKind.ASSESSMENT_FEE).amount_pence == 47500

    def test_pay2_an_invoice_is_issued_whatever_the_size_of_the_candidate_id(
        self, registered_candidate: Callable[..., Candidate], rpa_admin: User
    ) -> None:
        """The placeholder number written before the invoice has its id once overflowed for six-digit ids."""
        with connection.cursor() as cursor:  # ids from here on have seven digits (sequences ignore rollbacks)
            cursor.execute("SELECT setval(pg_get_serial_sequence('candidates_candidate', 'id'), 1234566)")
        candidate = registered_candidate()
        assert candidate.pk >= 1234567
        invoice = services.invoice_issue(candidate=candidate, acting_user=rpa_admin, payer="self", payer_name="Sam")
        assert invoice.number == f"INV-{invoice.issued_on:%Y}-{invoice.pk:06d}"

    def test_pay1_paid_only_when_the_fee_is_received_in_full(
        self, registered_candidate: Callable[..., Candidate], rpa_admin: User
    ) -> None:
        candidate = registered_candidate()
        assert not candidate_is_paid(candidate=candidate)  # nothing invoiced
        invoice = services.invoice_issue(candidate=candidate, acting_user=rpa_admin, payer="school", payer_name="M")
        assert not candidate_is_paid(candidate=candidate)
        with pytest.raises(ValidationError):
            services.payment_record(
                invoice=invoice, acting_user=rpa_admin, amount_pence=0, received_on=timezone.localdate()
            )
        services.payment_record(
            invoice=invoice, acting_user=rpa_admin, amount_pence=20000, received_on=timezone.localdate()
        )
        assert not candidate_is_paid(candidate=candidate)
        assert [c.pk for c in candidates_filtered(candidates=Candidate.objects.all(), unpaid=True)] == [candidate.pk]
        services.payment_record(
            invoice=invoice, acting_user=rpa_admin, amount_pence=25000, received_on=timezone.localdate()
        )
        assert candidate_is_paid(candidate=candidate)
        assert not candidates_filtered(candidates=Candidate.objects.all(), unpaid=True).exists()
        services.invoice_cancel(invoice=invoice, acting_user=rpa_admin)
        assert not candidate_is_paid(candidate=candidate)  # payments on a cancelled invoice do not count


# --- bulk import ----------------------------------------------------------------------------------------


class TestImport:
    def test_a_cohort_is_imported_whole_or_not_at_all(
        self, pop_user: User, course_a: PreparationCourse, school_a: School
    ) -> None:
        header = "first_name,last_name,email,school_urn,job_title,age_range_from,age_range_to,funding_source\n"
        good = f"Ann,One,ann@example.org,{school_a.urn},TA,5,11,school\n"
        bad_rows = (
            f"Ben,Two,ben@example.org,999999,TA,5,11,school\n"
            f"Cat,Three,ann@example.org,{school_a.urn},TA,x,11,school\n"
            f"Dan,Four,dan@example.org,{school_a.urn},TA,5,11,lottery\n"
        )
        result = services.candidates_import(
            pop=course_a.pop, course=course_a, acting_user=pop_user, csv_text=header + good + bad_rows
        )
        assert not result.ok and result.created == []
        messages = dict(result.errors)
        assert "no school has URN 999999" in messages[3]
        assert "whole number" in messages[4] and "row 2" in messages[4]
        assert "Choose who funds" in messages[5]
        assert not Candidate.objects.exists()
        result = services.candidates_import(
            pop=course_a.pop,
            course=course_a,
            acting_user=pop_user,
            csv_text="\ufeff" + header + good + f"Eve,Five,eve@example.org,{school_a.urn},TA,11,16,self\n",
        )
        assert result.ok and len(result.created) == 2
        assert Candidate.objects.count() == 2

    def test_the_template_is_a_valid_header(self) -> None:
        header = services.import_template().splitlines()[0].split(",")
        assert header == services.IMPORT_COLUMNS
        assert set(header) >= services.IMPORT_REQUIRED

    def test_missing_columns_are_named(self, pop_user: User, course_a: PreparationCourse) -> None:
        result = services.candidates_import(
            pop=course_a.pop, course=course_a, acting_user=pop_user, csv_text="first_name,email\nA,a@example.org\n"
        )
        assert result.errors[0][0] == 1 and "last_name" in result.errors[0][1]


def test_s11_1_the_level2_deadline_falls_due_at_the_end_of_a_london_day(
    pop_user: User, course_a: PreparationCourse, school_a: School
) -> None:
    candidate = submitted(pop_user, course_a, school_a)
    deadline = Deadline.objects.get(kind=services.LEVEL2_DEADLINE_KIND, object_id=candidate.pk)
    local = deadline.due_at.astimezone(LONDON)
    assert (local.hour, local.minute) == (23, 59)
    assert isinstance(local, datetime) and isinstance(course_a.final_session, date)
