"""Thin Celery tasks of the assessments app: they take ids, rebuild what they need, and send or release."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.file_selectors import tasks_due_at
from assessments.models import Assessment, AssessmentState, Result
from hnap.files import file_read_decrypted


@shared_task(name="assessments.tasks.result_release", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)  # fmt: skip
def result_release_task(result_id: int) -> bool:
    """Release one confirmed result if payment allows (PAY-1); otherwise the periodic sweep releases it later."""
    from assessments.file_services import result_release

    result = Result.objects.filter(pk=result_id).first()
    return bool(result and result_release(result=result))


@shared_task(name="assessments.tasks.results_release_due", ignore_result=True)
def results_release_due_task() -> int:
    """Release every confirmed result whose candidate has paid since it was confirmed (beat)."""
    from assessments.file_services import results_release_due

    return results_release_due()


@shared_task(name="assessments.tasks.result_letter_send", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)  # fmt: skip
def result_letter_send(result_id: int) -> bool:
    """Email the candidate their result letter (the PDF attached) and the RPA's appeals procedure (APP-2)."""
    result = Result.objects.select_related("candidate__rpa").filter(pk=result_id, released_at__isnull=False).first()
    if result is None or not result.letter_path:
        return False
    message = EmailMessage(
        "Your HLTA assessment result",
        render_to_string("assessments/email/result_released.txt", {"result": result, "rpa": result.candidate.rpa}),
        settings.DEFAULT_FROM_EMAIL,
        [result.candidate.email],
        headers={"Message-ID": f"<result-{result.pk}@hnap>"},
    )
    message.attach("hlta-result.pdf", file_read_decrypted(path=result.letter_path), "application/pdf")
    message.send()
    return True


@shared_task(name="assessments.tasks.assessment_information_send", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)  # fmt: skip
def assessment_information_send(assessment_id: int) -> bool:
    """APP-2: the candidate's first information about their assessment, with the RPA's appeals procedure; once."""
    assessment = (
        Assessment.objects.select_related("candidate__rpa", "assessor__user")
        .filter(pk=assessment_id, state=AssessmentState.BOOKED)
        .first()
    )
    if assessment is None:
        return False
    candidate = assessment.candidate
    earlier = Assessment.objects.filter(candidate=candidate, candidate_informed_at__isnull=False).exists()
    body = render_to_string(
        "assessments/email/assessment_booked.txt",
        {
            "assessment": assessment,
            "candidate": candidate,
            "rpa": candidate.rpa,
            "tasks_due": timezone.localtime(tasks_due_at(starts_at=assessment.starts_at)).date(),
            # The procedure goes with the first information only; a rebooking repeats where to find it.
            "with_procedure": not earlier,
        },
    )
    updated = Assessment.objects.filter(pk=assessment.pk, candidate_informed_at__isnull=True).update(
        candidate_informed_at=timezone.now()
    )
    if not updated:
        return False  # already sent by an earlier run of this task
    EmailMessage(
        "Your HLTA assessment",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [candidate.email],
        headers={"Message-ID": f"<assessment-{assessment.pk}@hnap>"},
    ).send()
    return True
