"""Thin Celery tasks of the candidates app: they take ids, rebuild what they need, and send."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from candidates.models import Candidate, EmployerDeclaration
from candidates.services import declaration_link


@shared_task(name="candidates.tasks.employer_declaration_send", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)  # fmt: skip
def employer_declaration_send(declaration_id: int) -> bool:
    """Email the headteacher or senior leader their single-use declaration link (REG-3)."""
    declaration = (
        EmployerDeclaration.objects.select_related("candidate__school", "candidate__rpa", "candidate__pop")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None or not declaration.is_usable:
        return False  # replaced, completed or expired since it was requested: nothing to send
    body = render_to_string(
        "candidates/email/employer_declaration.txt",
        {
            "declaration": declaration,
            "candidate": declaration.candidate,
            "link": declaration_link(declaration=declaration),
        },
    )
    EmailMessage(
        f"Please support {declaration.candidate.full_name}'s HLTA application",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [declaration.sent_to_email],
        # Stable: a resend after a crash is recognisably the same message.
        headers={"Message-ID": f"<declaration-{declaration.pk}-{declaration.nonce}@hnap>"},
    ).send()
    EmployerDeclaration.objects.filter(pk=declaration.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


@shared_task(name="candidates.tasks.candidate_email", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)  # fmt: skip
def candidate_email(candidate_id: int, subject: str, body: str) -> bool:
    """Email a candidate a message about their application (S11-3)."""
    candidate = Candidate.objects.filter(pk=candidate_id).first()
    if candidate is None:
        return False
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [candidate.email]).send()
    return True
