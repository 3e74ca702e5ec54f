"""Thin Celery tasks of enquiries and appeals: they take ids, rebuild what they need, and send (once each)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from appeals.models import Appeal, EnquiryMessage
from hnap.files import file_read_decrypted


@shared_task(name="appeals.tasks.enquiry_message_send", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)  # fmt: skip
def enquiry_message_send(message_id: int) -> bool:
    """ENQ-1: email a reply kept on an enquiry to the enquirer; marked sent once."""
    message = EnquiryMessage.objects.select_related("enquiry__rpa").filter(pk=message_id, sent_at__isnull=True).first()
    if message is None or not message.sent_to:
        return False
    enquiry = message.enquiry
    EmailMessage(
        f"Your enquiry {enquiry.reference}: {enquiry.subject}",
        render_to_string("appeals/email/enquiry_reply.txt", {"enquiry": enquiry, "message": message}),
        settings.DEFAULT_FROM_EMAIL,
        [message.sent_to],
        reply_to=[enquiry.rpa.contact_email],
        # Stable: a resend after a crash is recognisably the same message.
        headers={"Message-ID": f"<enquiry-message-{message.pk}@hnap>"},
    ).send()
    EnquiryMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


@shared_task(name="appeals.tasks.appeal_acknowledgement_send", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)  # fmt: skip
def appeal_acknowledgement_send(appeal_id: int) -> bool:
    """APP-4: email the candidate the acknowledgement letter (PDF) of their appeal."""
    appeal = Appeal.objects.select_related("candidate__rpa").filter(pk=appeal_id).first()
    if appeal is None or not appeal.letter_path:
        return False
    message = EmailMessage(
        f"Your appeal {appeal.reference} is acknowledged",
        render_to_string("appeals/email/appeal_acknowledged.txt", {"appeal": appeal, "rpa": appeal.candidate.rpa}),
        settings.DEFAULT_FROM_EMAIL,
        [appeal.candidate.email],
        headers={"Message-ID": f"<appeal-{appeal.pk}-acknowledgement@hnap>"},
    )
    message.attach(f"appeal-{appeal.reference}.pdf", file_read_decrypted(path=appeal.letter_path), "application/pdf")
    message.send()
    return True


@shared_task(name="appeals.tasks.appeal_email", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)  # fmt: skip
def appeal_email(appeal_id: int, subject: str, body: str) -> bool:
    """Email the candidate a written message about their appeal (a refusal, the outcome, the review)."""
    appeal = Appeal.objects.select_related("candidate__rpa").filter(pk=appeal_id).first()
    if appeal is None:
        return False
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [appeal.candidate.email],
                 reply_to=[appeal.candidate.rpa.contact_email]).send()  # fmt: skip
    return True
