"""Writes of enquiries and appeals: an enquiry received, acknowledged and answered on working-day deadlines (ENQ-1,
ENQ-3); an appeal made only by the candidate on a procedural ground (APP-1, APP-3), acknowledged with a letter and
the time it will take, decided and the outcome sent (APP-4); a referral to the Partnership and its review panel of
two other RPAs (APP-6, APP-7); monitoring figures shared with the Partnership (APP-5)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from appeals.models import (
    APPEAL_ACKNOWLEDGE_DAYS,
    APPEAL_ACKNOWLEDGE_KIND,
    APPEAL_OUTCOME_KIND,
    ENQUIRY_ACKNOWLEDGE_DAYS,
    ENQUIRY_ACKNOWLEDGE_KIND,
    ENQUIRY_ANSWER_DAYS,
    ENQUIRY_ANSWER_KIND,
    VALID_GROUNDS,
    Appeal,
    AppealDecision,
    AppealGround,
    AppealMadeBy,
    AppealState,
    Enquiry,
    EnquiryChannel,
    EnquiryMessage,
    EnquiryState,
    MessageDirection,
    MonitoringShare,
    PanelDecision,
    PanelState,
    Referral,
    ReviewPanel,
)
from appeals.selectors import monitoring_figures, panel_member_problems
from assessments.models import Result
from hnap.deadlines import deadline_meet, deadline_schedule
from hnap.files import CheckedUpload, file_delete, file_store_encrypted
from hnap.grants import grant_object_access, grants_revoke_for
from hnap.models import RPA, Notification, User
from hnap.roles import Action
from hnap.workdays import calendar_for, end_of_day

# APP-3 in the words a refused candidate reads.
GROUNDS_EXPLAINED = (
    "An appeal can only be made on the grounds that the RPA used procedures inconsistent with the HLTA Code of "
    "Practice, or used them improperly or unfairly in reaching the judgement. An appeal against the assessor's "
    "academic judgement alone cannot be accepted."
)
THIRD_PARTY_REFUSAL = (
    "Only the candidate can appeal (HLTA Code of Practice): an appeal made by someone else on the candidate's behalf "
    "is not considered. The candidate can appeal themselves, through their own sign-in or by contacting the RPA."
)


def _send_enquiry_message(message: EnquiryMessage) -> None:
    from appeals.tasks import enquiry_message_send

    transaction.on_commit(lambda: enquiry_message_send.delay(message.pk))


def _notify_candidate(*, appeal: Appeal, subject: str, body: str) -> None:
    if appeal.candidate.user_id:
        Notification.objects.create(
            user_id=appeal.candidate.user_id, subject=subject, body=body, link=f"/appeals/{appeal.pk}/"
        )
    from appeals.tasks import appeal_email

    transaction.on_commit(lambda: appeal_email.delay(appeal.pk, subject, body))


# --- enquiries (ENQ-1..ENQ-3) ------------------------------------------------------------------------------------


@transaction.atomic
def enquiry_receive(
    *,
    rpa: RPA,
    channel: str,
    name: str,
    subject: str,
    message: str,
    email: str = "",
    phone: str = "",
    organisation: str = "",
    nature: str = "other",
    raised_by: User | None = None,
    logged_by: User | None = None,
    received_at: datetime | None = None,
) -> Enquiry:
    """ENQ-1: an enquiry gets its reference at once, its first message is kept, and the deadline engine owes an
    acknowledgement in 3 working days and an answer in 10 (counted from the day it arrived)."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter your name"
    if not subject.strip():
        errors["subject"] = "Enter what your enquiry is about"
    if not message.strip():
        errors["message"] = "Enter your enquiry"
    if not email.strip() and not phone.strip() and raised_by is None:
        errors["email"] = "Enter an email address or a phone number, so that we can reply"
    if channel in (EnquiryChannel.EMAIL, EnquiryChannel.PHONE) and logged_by is None:
        errors["channel"] = "Only the RPA's staff log enquiries received by email or phone"
    if errors:
        raise ValidationError(errors)
    received_at = received_at or timezone.now()
    day = timezone.localtime(received_at).date()
    calendar = calendar_for(rpa_id=rpa.pk)
    enquiry = Enquiry.objects.create(
        rpa=rpa,
        reference=f"new-{received_at.timestamp()}-{name[:5]}",
        channel=channel,
        nature=nature,
        name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        organisation=organisation.strip(),
        subject=subject.strip(),
        raised_by=raised_by,
        logged_by=logged_by,
        received_at=received_at,
        acknowledge_due_at=end_of_day(calendar.add_working_days(day, ENQUIRY_ACKNOWLEDGE_DAYS)),
        answer_due_at=end_of_day(calendar.add_working_days(day, ENQUIRY_ANSWER_DAYS)),
    )
    enquiry.reference = f"ENQ-{timezone.localtime(received_at):%Y}-{enquiry.pk:06d}"
    enquiry.save(update_fields=["reference"])
    EnquiryMessage.objects.create(
        rpa=rpa,
        enquiry=enquiry,
        direction=MessageDirection.IN,
        body=message.strip(),
        written_by=raised_by,
        created_at=received_at,
    )
    for kind, days, what in (
        (ENQUIRY_ACKNOWLEDGE_KIND, ENQUIRY_ACKNOWLEDGE_DAYS, "Acknowledge"),
        (ENQUIRY_ANSWER_KIND, ENQUIRY_ANSWER_DAYS, "Answer"),
    ):
        deadline_schedule(
            rpa=rpa,
            kind=kind,
            title=f"{what} enquiry {enquiry.reference}",
            subject=enquiry,
            starts_on=day,
            working_days=days,
        )
    return enquiry


def _reply_to(enquiry: Enquiry) -> str:
    if enquiry.email:
        return enquiry.email
    return enquiry.raised_by.email if enquiry.raised_by else ""


@transaction.atomic
def enquiry_acknowledge(*, enquiry: Enquiry, message: str, acting_user: User | None) -> Enquiry:
    """ENQ-1: acknowledge the enquiry (the message goes to the enquirer and is kept); meets the 3-day deadline."""
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.state != EnquiryState.RECEIVED:
        raise ValidationError("This enquiry has already been acknowledged.")
    if not message.strip():
        raise ValidationError({"message": "Enter the acknowledgement to send"})
    now = timezone.now()
    enquiry.state, enquiry.acknowledged_at = EnquiryState.ACKNOWLEDGED, now
    enquiry.save(update_fields=["state", "acknowledged_at"])
    _message_out(enquiry=enquiry, body=message, acting_user=acting_user, now=now)
    deadline_meet(kind=ENQUIRY_ACKNOWLEDGE_KIND, subject=enquiry, at=now)
    return enquiry


@transaction.atomic
def enquiry_answer(*, enquiry: Enquiry, message: str, acting_user: User | None) -> Enquiry:
    """ENQ-1: the substantive response (it also acknowledges, if that was still owed); meets both deadlines."""
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.state == EnquiryState.ANSWERED:
        raise ValidationError("This enquiry has already been answered.")
    if not message.strip():
        raise ValidationError({"message": "Enter the response to send"})
    now = timezone.now()
    if enquiry.acknowledged_at is None:
        enquiry.acknowledged_at = now
    enquiry.state, enquiry.answered_at = EnquiryState.ANSWERED, now
    enquiry.save(update_fields=["state", "acknowledged_at", "answered_at"])
    _message_out(enquiry=enquiry, body=message, acting_user=acting_user, now=now)
    deadline_meet(kind=ENQUIRY_ACKNOWLEDGE_KIND, subject=enquiry, at=now)
    deadline_meet(kind=ENQUIRY_ANSWER_KIND, subject=enquiry, at=now)
    return enquiry


@transaction.atomic
def enquiry_note(*, enquiry: Enquiry, body: str, direction: str, acting_user: User | None) -> EnquiryMessage:
    """Keep a further message on the enquiry: one received from the enquirer, or an internal note."""
    if not body.strip():
        raise ValidationError({"body": "Enter the message"})
    if direction not in (MessageDirection.IN, MessageDirection.NOTE):
        raise ValidationError({"direction": "Choose a received message or an internal note"})
    return EnquiryMessage.objects.create(
        rpa_id=enquiry.rpa_id, enquiry=enquiry, direction=direction, body=body.strip(), written_by=acting_user
    )


def _message_out(*, enquiry: Enquiry, body: str, acting_user: User | None, now: datetime) -> EnquiryMessage:
    message = EnquiryMessage.objects.create(
        rpa_id=enquiry.rpa_id,
        enquiry=enquiry,
        direction=MessageDirection.OUT,
        body=body.strip(),
        written_by=acting_user,
        sent_to=_reply_to(enquiry),
        created_at=now,
    )
    if message.sent_to:
        _send_enquiry_message(message)
    if enquiry.raised_by_id:
        Notification.objects.create(
            user_id=enquiry.raised_by_id,
            subject=f"Reply to your enquiry {enquiry.reference}",
            body=body.strip(),
            link=f"/enquiries/{enquiry.pk}/",
        )
    return message


# --- appeals (APP-1, APP-3, APP-4) ---------------------------------------------------------------------------------


@transaction.atomic
def appeal_make(
    *,
    result: Result,
    ground: str,
    statement: str,
    evidence: str,
    acting_user: User,
    made_by: str = AppealMadeBy.CANDIDATE,
    made_by_name: str = "",
    identity_check: str = "",
) -> Appeal:
    """APP-1, APP-3: record an appeal against a released result. Made by the candidate through their sign-in, or
    logged by staff with how the candidate's identity was confirmed. One made on the candidate's behalf, or against
    the academic judgement alone, is kept as refused with the reason (and the candidate told why)."""
    result = Result.objects.select_related("candidate__rpa").get(pk=result.pk)
    candidate = result.candidate
    by_candidate = candidate.user_id is not None and candidate.user_id == acting_user.pk
    errors: dict[str, str] = {}
    if result.released_at is None:
        raise ValidationError("The result has not been released yet: there is nothing to appeal against.")
    if ground not in AppealGround.values:
        errors["ground"] = "Choose the ground of the appeal"
    if not statement.strip():
        errors["statement"] = "Say what happened"
    if not evidence.strip() and ground in VALID_GROUNDS:
        errors["evidence"] = "Give the evidence for the ground (APP-3)"
    if not by_candidate:
        if made_by not in AppealMadeBy.values:
            errors["made_by"] = "Say who is making the appeal"
        elif made_by == AppealMadeBy.CANDIDATE and not identity_check.strip():
            errors["identity_check"] = "Record how you confirmed the candidate's identity (APP-1)"
        elif made_by == AppealMadeBy.THIRD_PARTY and not made_by_name.strip():
            errors["made_by_name"] = "Enter the name of the person who made the appeal"
    if errors:
        raise ValidationError(errors)
    state, refusal = AppealState.RECEIVED, ""
    if not by_candidate and made_by == AppealMadeBy.THIRD_PARTY:
        state, refusal = AppealState.REFUSED, THIRD_PARTY_REFUSAL
    elif ground == AppealGround.ACADEMIC:
        state, refusal = AppealState.REFUSED, GROUNDS_EXPLAINED
    now = timezone.now()
    appeal = Appeal.objects.create(
        rpa_id=result.rpa_id,
        reference=f"new-{now.timestamp()}-{candidate.pk}",
        candidate=candidate,
        result=result,
        made_by=AppealMadeBy.CANDIDATE if by_candidate else made_by,
        made_by_name="" if by_candidate else made_by_name.strip(),
        logged_by=None if by_candidate else acting_user,
        identity_check="" if by_candidate else identity_check.strip(),
        ground=ground,
        statement=statement.strip(),
        evidence=evidence.strip(),
        state=state,
        refusal_reason=refusal,
        received_at=now,
    )
    appeal.reference = f"APP-{timezone.localtime(now):%Y}-{appeal.pk:06d}"
    appeal.save(update_fields=["reference"])
    if state == AppealState.REFUSED:
        _notify_candidate(
            appeal=appeal,
            subject=f"Your appeal {appeal.reference} cannot be considered",
            body=refusal,
        )
        return appeal
    deadline_schedule(
        rpa=candidate.rpa,
        kind=APPEAL_ACKNOWLEDGE_KIND,
        title=f"Acknowledge appeal {appeal.reference}",
        subject=appeal,
        starts_on=timezone.localtime(now).date(),
        working_days=APPEAL_ACKNOWLEDGE_DAYS,
    )
    return appeal


def appeal_consider_by(*, rpa_id: int, working_days: int, start: date | None = None) -> date:
    """The date by which an appeal acknowledged today will be considered, in the RPA's working days."""
    return calendar_for(rpa_id=rpa_id).add_working_days(start or timezone.localdate(), working_days)


@transaction.atomic
def appeal_acknowledge(*, appeal: Appeal, working_days: int, acting_user: User | None) -> Appeal:
    """APP-4: acknowledge the appeal with a letter (PDF, stored privately and emailed) that states within what time
    it will be considered; the engine then owes the outcome by that date."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("candidate__rpa").get(pk=appeal.pk)
    if appeal.state != AppealState.RECEIVED:
        raise ValidationError("Only an appeal received and not yet acknowledged can be acknowledged.")
    if not 1 <= working_days <= 60:
        raise ValidationError({"working_days": "Give a time of 1 to 60 working days"})
    from appeals.documents import appeal_acknowledgement_pdf

    now = timezone.now()
    appeal.state, appeal.acknowledged_at, appeal.acknowledged_by = AppealState.ACKNOWLEDGED, now, acting_user
    appeal.consider_by = appeal_consider_by(rpa_id=appeal.rpa_id, working_days=working_days)
    pdf = appeal_acknowledgement_pdf(appeal=appeal)
    path, key_id = file_store_encrypted(
        upload=CheckedUpload(
            content=pdf, name="appeal-acknowledgement.pdf", content_type="application/pdf",
            sha256=hashlib.sha256(pdf).hexdigest(),
        ),
        folder=f"appeals/{appeal.rpa_id}",
    )  # fmt: skip
    appeal.letter_path, appeal.letter_key_id = path, key_id
    try:
        appeal.save(
            update_fields=["state", "acknowledged_at", "acknowledged_by", "consider_by", "letter_path", "letter_key_id"]
        )
    except Exception:
        file_delete(path=path)  # the letter was stored before the row could say so: take it back
        raise
    deadline_meet(kind=APPEAL_ACKNOWLEDGE_KIND, subject=appeal, at=now)
    deadline_schedule(
        rpa=appeal.candidate.rpa,
        kind=APPEAL_OUTCOME_KIND,
        title=f"Send the outcome of appeal {appeal.reference}",
        subject=appeal,
        due_at=end_of_day(appeal.consider_by),
    )
    if appeal.candidate.user_id:
        Notification.objects.create(
            user_id=appeal.candidate.user_id,
            subject=f"Your appeal {appeal.reference} is acknowledged",
            body=f"We will consider your appeal by {appeal.consider_by:%d %B %Y}.",
            link=f"/appeals/{appeal.pk}/",
        )
    from appeals.tasks import appeal_acknowledgement_send

    transaction.on_commit(lambda: appeal_acknowledgement_send.delay(appeal.pk))
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, decision: str, reasons: str, acting_user: User | None) -> Appeal:
    """APP-4: decide with reasons and send the written outcome, which explains how to refer the case to the
    Partnership; meets the outcome deadline."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("candidate").get(pk=appeal.pk)
    if appeal.state != AppealState.ACKNOWLEDGED:
        raise ValidationError("Only an acknowledged appeal can be decided (acknowledge it first).")
    errors = {}
    if decision not in AppealDecision.values:
        errors["decision"] = "Choose the outcome"
    if not reasons.strip():
        errors["reasons"] = "Give the reasons for the outcome"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    appeal.state, appeal.decision, appeal.decision_reasons = AppealState.DECIDED, decision, reasons.strip()
    appeal.decided_at, appeal.decided_by = now, acting_user
    appeal.save(update_fields=["state", "decision", "decision_reasons", "decided_at", "decided_by"])
    deadline_meet(kind=APPEAL_OUTCOME_KIND, subject=appeal, at=now)
    _notify_candidate(
        appeal=appeal,
        subject=f"The outcome of your appeal {appeal.reference}",
        body=appeal_outcome_text(appeal=appeal),
    )
    return appeal


def appeal_outcome_text(*, appeal: Appeal) -> str:
    """APP-4: the written account of the outcome, with how to refer an unresolved appeal to the Partnership."""
    return (
        f"Outcome of your appeal {appeal.reference}: {AppealDecision(appeal.decision).label}.\n\n"
        f"Our reasons: {appeal.decision_reasons}\n\n"
        "If you are still dissatisfied, you can refer your case to the HLTA National Assessment Partnership for "
        "review: sign in and choose 'Refer to the Partnership' on your appeal, saying why. The Partnership convenes "
        "a review panel of two senior assessors from two other RPAs."
    )


@transaction.atomic
def appeal_refer(*, appeal: Appeal, reasons: str, acting_user: User) -> Referral:
    """APP-6: the candidate, still dissatisfied with the outcome, refers the case to the Partnership."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("candidate").get(pk=appeal.pk)
    if appeal.candidate.user_id != acting_user.pk:
        raise ValidationError("Only the candidate can refer their appeal to the Partnership.")
    if appeal.state != AppealState.DECIDED:
        raise ValidationError("An appeal can be referred once its outcome has been sent, and only once.")
    if not reasons.strip():
        raise ValidationError({"reasons": "Say why you are still dissatisfied"})
    referral = Referral.objects.create(rpa_id=appeal.rpa_id, appeal=appeal, reasons=reasons.strip())
    appeal.state = AppealState.REFERRED
    appeal.save(update_fields=["state"])
    return referral


@transaction.atomic
def panel_convene(*, referral: Referral, member_one: User, member_two: User, acting_user: User | None) -> ReviewPanel:
    """APP-6, APP-7: convene a review panel of two people from two different RPAs, neither the candidate's, each a
    senior assessor (or a named person: an administrator) of the RPA they sit for; each sees that one case, by
    object grants that end when the panel closes."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related("appeal").get(pk=referral.pk)
    if referral.appeal.state != AppealState.REFERRED or ReviewPanel.objects.filter(referral=referral).exists():
        raise ValidationError("A panel has already been convened on this referral.")
    problems, rpas = panel_member_problems(rpa_id=referral.rpa_id, member_one=member_one, member_two=member_two)
    if problems:
        raise ValidationError(problems)
    panel = ReviewPanel.objects.create(
        rpa_id=referral.rpa_id,
        referral=referral,
        member_one=member_one,
        member_one_rpa_id=rpas[0],
        member_two=member_two,
        member_two_rpa_id=rpas[1],
        convened_by=acting_user,
    )
    appeal = referral.appeal
    appeal.state = AppealState.PANEL
    appeal.save(update_fields=["state"])
    reason = f"APP-7: review panel on appeal {appeal.reference}"
    for member in (member_one, member_two):
        grant_object_access(user=member, obj=panel, actions=(Action.VIEW, Action.CHANGE), reason=reason,
                            acting_user=acting_user)  # fmt: skip
        grant_object_access(user=member, obj=appeal, actions=(Action.VIEW,), reason=reason, acting_user=acting_user)
        Notification.objects.create(
            user=member,
            subject=f"You sit on the review panel of appeal {appeal.reference}",
            body="The Partnership has asked you to review one referred appeal. You see that case until the panel "
            "records its decision.",
            link=f"/review-panels/{panel.pk}/",
        )
    return panel


@transaction.atomic
def panel_decide(*, panel: ReviewPanel, decision: str, reasons: str, acting_user: User) -> ReviewPanel:
    """APP-6: a member records the panel's decision; the panel closes and its members lose sight of the case."""
    panel = ReviewPanel.objects.select_for_update(of=("self",)).select_related("referral__appeal").get(pk=panel.pk)
    if acting_user.pk not in panel.members():
        raise ValidationError("Only a member of the panel can record its decision.")
    if panel.state != PanelState.SITTING:
        raise ValidationError("The panel has closed: its decision is recorded.")
    errors = {}
    if decision not in PanelDecision.values:
        errors["decision"] = "Choose the panel's decision"
    if not reasons.strip():
        errors["reasons"] = "Give the panel's reasons"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    panel.decision, panel.decision_reasons, panel.decided_by = decision, reasons.strip(), acting_user
    panel.state, panel.closed_at = PanelState.CLOSED, now
    panel.save(update_fields=["decision", "decision_reasons", "decided_by", "state", "closed_at"])
    appeal = panel.referral.appeal
    appeal.state = AppealState.REVIEWED
    appeal.save(update_fields=["state"])
    grants_revoke_for(obj=panel)
    grants_revoke_for(obj=appeal)
    _notify_candidate(
        appeal=appeal,
        subject=f"The Partnership's review of your appeal {appeal.reference}",
        body=f"The review panel's decision: {PanelDecision(decision).label}.\n\n"
        f"The panel's reasons: {panel.decision_reasons}",
    )
    return panel


# --- monitoring (APP-5) ------------------------------------------------------------------------------------------


@transaction.atomic
def monitoring_share(*, rpa: RPA, year: int, note: str, acting_user: User | None) -> MonitoringShare:
    """APP-5: share a year's monitoring figures with the Partnership: counts only, no person's details."""
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": "Enter a year up to this one"})
    figures = monitoring_figures(
        enquiries=Enquiry.objects.filter(rpa=rpa), appeals=Appeal.objects.filter(rpa=rpa), year=year
    )
    return MonitoringShare.objects.create(rpa=rpa, year=year, figures=figures, note=note.strip(), shared_by=acting_user)
