"""Writes of transfers (RISK-1): the sending RPA's administrator proposes, a Partnership administrator approves and
carries it out in one transaction (all or nothing), or declines; the proposer may withdraw it first.

Carrying it out gives every record that belongs to the moved candidates (transfers.discovery: found through the
models' relations, in every app) the receiving RPA's rpa_id, one bulk UPDATE per model, so the number of queries does
not grow with the number of candidates. The history of each record (pghistory) is kept: the update is one more event,
tagged with the transfer. Choices for what cannot simply move are written down in docs/architecture.md
("Transfers: choices made (issue 9)").
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from guardian.models import UserObjectPermission

from assessments.models import Assessment, AssessmentState, Assessor
from candidates.models import Candidate, PreparationCourse
from hnap.access import holds_role
from hnap.audit import audit_source
from hnap.models import RPA, Deadline, DeadlineNotice, DeadlineState, Membership, Notification, ObjectGrant, User
from hnap.roles import Role
from transfers.models import Transfer, TransferredCandidate, TransferScope, TransferState
from transfers.selectors import (
    deadlines_of,
    id_set,
    is_partnership_admin,
    open_work,
    records_moving,
    transfer_chosen,
    transfer_movable,
)


@transaction.atomic
def transfer_propose(
    *,
    rpa: RPA,
    to_rpa: RPA,
    scope: str,
    reason: str,
    acting_user: User,
    candidate: Candidate | None = None,
    course: PreparationCourse | None = None,
) -> Transfer:
    """The sending RPA's administrator proposes moving one candidate, a course's cohort or all its open work."""
    if not holds_role(acting_user, rpa.pk, Role.RPA_ADMIN):
        raise ValidationError("Only an administrator of the sending RPA proposes a transfer.", code="role")
    errors: dict[str, str] = {}
    if to_rpa.pk == rpa.pk:
        errors["to_rpa"] = "Choose another RPA: candidates move from one RPA to another."
    elif not to_rpa.active:
        errors["to_rpa"] = f"{to_rpa.name} is not active and cannot receive candidates."
    if not reason.strip():
        errors["reason"] = "Say why the candidates move"
    label = ""
    if scope == TransferScope.CANDIDATE:
        if candidate is None or candidate.rpa_id != rpa.pk:
            errors["candidate"] = "Choose one of your candidates"
        elif not Candidate.objects.filter(pk=candidate.pk).filter(open_work()).exists():
            errors["candidate"] = f"{candidate.full_name}'s work has finished or ended: it stays as your record."
        else:
            label = f"{candidate.full_name} ({candidate.reference})"
    elif scope == TransferScope.COURSE:
        if course is None or course.rpa_id != rpa.pk:
            errors["course"] = "Choose one of your courses"
        else:
            label = str(course)
    elif scope == TransferScope.ALL_OPEN:
        label = f"All of {rpa.name}'s open work"
    else:
        errors["scope"] = "Choose what to transfer"
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(
        rpa=rpa,
        to_rpa=to_rpa,
        scope=scope,
        candidate_id_chosen=candidate.pk if scope == TransferScope.CANDIDATE and candidate else None,
        course_id_chosen=course.pk if scope == TransferScope.COURSE and course else None,
        chosen_label=label,
        reason=reason.strip(),
        proposed_by=acting_user,
    )
    if not transfer_chosen(transfer=transfer).filter(open_work()).exists():
        raise ValidationError({"scope": "There is no open work to transfer in what you chose."})
    transfer.save()
    partnership = User.objects.filter(memberships__role=Role.PARTNERSHIP_ADMIN, is_active=True).distinct()
    Notification.objects.bulk_create(
        Notification(
            user=user,
            subject=f"Transfer proposed: {rpa.name} to {to_rpa.name}",
            body=f"{label}. Reason: {transfer.reason}",
            link=f"/transfers/{transfer.pk}/",
        )
        for user in partnership
    )
    return transfer


def _proposed(transfer: Transfer) -> Transfer:
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.state != TransferState.PROPOSED:
        raise ValidationError(f"This transfer is {locked.get_state_display().lower()}: it can no longer change.")
    return locked


@transaction.atomic
def transfer_withdraw(*, transfer: Transfer, acting_user: User) -> Transfer:
    """The sending RPA's administrator withdraws a proposal the Partnership has not decided."""
    if not holds_role(acting_user, transfer.rpa_id, Role.RPA_ADMIN):
        raise ValidationError("Only an administrator of the sending RPA withdraws its proposal.", code="role")
    transfer = _proposed(transfer)
    transfer.state = TransferState.WITHDRAWN
    transfer.decided_by, transfer.decided_at = acting_user, timezone.now()
    transfer.save(update_fields=["state", "decided_by", "decided_at"])
    return transfer


@transaction.atomic
def transfer_decline(*, transfer: Transfer, note: str, acting_user: User) -> Transfer:
    """A Partnership administrator declines a proposal, saying why."""
    if not is_partnership_admin(acting_user):
        raise ValidationError("Only a Partnership administrator decides a transfer.", code="role")
    if not note.strip():
        raise ValidationError({"note": "Say why the transfer is declined"})
    transfer = _proposed(transfer)
    transfer.state = TransferState.DECLINED
    transfer.decided_by, transfer.decided_at, transfer.decision_note = acting_user, timezone.now(), note.strip()
    transfer.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _notify(transfer, f"Transfer declined: {transfer.rpa.name} to {transfer.to_rpa.name}", [transfer.rpa_id])
    return transfer


def _notify(transfer: Transfer, subject: str, rpa_ids: list[int]) -> None:
    admins = User.objects.filter(
        memberships__role=Role.RPA_ADMIN, memberships__rpa_id__in=rpa_ids, is_active=True
    ).distinct()
    Notification.objects.bulk_create(
        Notification(user=user, subject=subject, body=transfer.chosen_label, link=f"/transfers/{transfer.pk}/")
        for user in admins
    )


def _bookings(*, transfer: Transfer, moved: Any, acting_user: User) -> dict[str, int]:
    """ASR-5: a booking with an assessor of another RPA stays booked, now cross-RPA, and the assessor reaches it by an
    object grant; a booking that had been cross-RPA with the receiving RPA's own assessor becomes an ordinary one."""
    booked = Assessment.objects.filter(candidate__in=moved, state=AssessmentState.BOOKED)
    # Now cross-RPA: the assessor is not on the receiving RPA's register.
    crossing = list(
        booked.exclude(assessor__rpa_id=transfer.to_rpa_id).filter(cross_rpa=False).values_list("pk", "assessor__user")
    )
    Assessment.objects.filter(pk__in=[pk for pk, _ in crossing]).update(cross_rpa=True, owner=None)
    content_type = ContentType.objects.get_for_model(Assessment)
    if crossing:
        reason = f"Cross-RPA assessment for {transfer.to_rpa.name} (ASR-5), transferred from {transfer.rpa.name}"
        # The same records hnap.grants writes (guardian's permission and the grant with its reason), in bulk.
        view = Permission.objects.get(content_type=content_type, codename="view_assessment")
        UserObjectPermission.objects.bulk_create(
            (UserObjectPermission(user_id=user_id, permission=view, content_type=content_type, object_pk=str(pk))
             for pk, user_id in crossing),
            ignore_conflicts=True,
        )  # fmt: skip
        ObjectGrant.objects.bulk_create(
            ObjectGrant(user_id=user_id, content_type=content_type, object_id=pk, permissions=["view_assessment"],
                        reason=reason, granted_by=acting_user)
            for pk, user_id in crossing
        )  # fmt: skip
    # No longer cross-RPA: the assessor is on the receiving RPA's register; the grant made for it ends.
    homecoming = list(
        booked.filter(assessor__rpa_id=transfer.to_rpa_id, cross_rpa=True).values_list("pk", "assessor__user")
    )
    if homecoming:
        pks, user_ids = [pk for pk, _ in homecoming], {user_id for _, user_id in homecoming}
        Assessment.objects.filter(pk__in=pks).update(
            cross_rpa=False, owner_id=Subquery(Assessor.objects.filter(pk=OuterRef("assessor_id")).values("user_id"))
        )
        ObjectGrant.objects.filter(
            content_type=content_type, object_id__in=pks, user_id__in=user_ids, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        UserObjectPermission.objects.filter(
            content_type=content_type, object_pk__in=[str(p) for p in pks], user_id__in=user_ids
        ).delete()
    return {"cross_rpa_kept": len(crossing), "cross_rpa_ended": len(homecoming)}


@transaction.atomic
def transfer_execute(*, transfer: Transfer, acting_user: User) -> Transfer:
    """RISK-1: move the candidates with every record that belongs to them, their deadlines and their sign-in to the
    receiving RPA, all in one transaction; the sending RPA keeps the transfer and its snapshot as its record."""
    if not is_partnership_admin(acting_user):
        raise ValidationError("Only a Partnership administrator carries out a transfer.", code="role")
    transfer = _proposed(transfer)
    sender, receiver = transfer.rpa, transfer.to_rpa
    if not receiver.active:
        raise ValidationError(f"{receiver.name} is no longer active and cannot receive candidates.")
    fields = ("pk", "reference", "first_name", "last_name", "status")
    candidates = list(transfer_movable(transfer=transfer).values(*fields))
    if not candidates:
        raise ValidationError("Nothing can move now: there is no open work that is free to move.")
    TransferredCandidate.objects.bulk_create(
        TransferredCandidate(rpa_id=sender.pk, transfer=transfer, candidate_ref=c["pk"], reference=c["reference"],
                             full_name=f"{c['first_name']} {c['last_name']}", status=c["status"])
        for c in candidates
    )  # fmt: skip
    candidate_ids = [c["pk"] for c in candidates]
    moved = id_set(candidate_ids)
    rows = records_moving(rpa_id=sender.pk, candidate_ids=candidate_ids)
    deadline_ids = deadlines_of(rpa_id=sender.pk, rows=rows)
    records: dict[str, dict[str, Any]] = {}
    with audit_source("transfer", transfer=transfer.pk):
        for entry, ids in rows:
            if ids:
                count = entry.model._default_manager.filter(pk__in=id_set(ids)).update(rpa_id=receiver.pk)
                records[entry.label] = {"name": str(entry.model._meta.verbose_name_plural).capitalize(), "count": count}
        moved_deadlines = Deadline.objects.filter(pk__in=id_set(deadline_ids)).update(rpa_id=receiver.pk)
        # An open deadline the sending RPA's staff were responsible for goes to the receiving RPA's lead; a PoP's,
        # an assessor's or a candidate's own stays theirs.
        sender_staff = Membership.objects.filter(
            rpa_id=sender.pk, role__in=[Role.RPA_ADMIN, Role.SENIOR_ASSESSOR], user=OuterRef("responsible")
        )
        Deadline.objects.filter(pk__in=id_set(deadline_ids), state=DeadlineState.OPEN).filter(
            Exists(sender_staff)
        ).update(responsible=receiver.lead)
        DeadlineNotice.objects.filter(rpa_id=sender.pk, deadline_id__in=id_set(deadline_ids)).update(rpa_id=receiver.pk)
        bookings = _bookings(transfer=transfer, moved=moved, acting_user=acting_user)
        # A course moves only with its whole cohort: when none of its candidates stays with the sending RPA.
        courses = list(
            PreparationCourse.objects.filter(rpa_id=sender.pk, candidates__in=moved)
            .exclude(Exists(Candidate.objects.filter(course=OuterRef("pk"), rpa_id=sender.pk)))
            .distinct()
            .values_list("pk", "name")
        )
        PreparationCourse.objects.filter(pk__in=[pk for pk, _ in courses]).update(rpa_id=receiver.pk)
        memberships = _candidate_sign_ins(sender=sender, receiver=receiver, moved=moved)
    transfer.state = TransferState.DONE
    transfer.decided_by, transfer.decided_at = acting_user, timezone.now()
    transfer.summary = {
        "candidates": len(candidates),
        # Chosen but staying: work finished or ended, or a file in a moderation event not yet closed.
        "staying": transfer_chosen(transfer=transfer).count(),
        "records": records,
        "deadlines": moved_deadlines,
        "courses": [name for _, name in courses],
        "sign_ins": memberships,
        **bookings,
    }
    transfer.save(update_fields=["state", "decided_by", "decided_at", "summary"])
    _notify(transfer, f"Candidates transferred: {sender.name} to {receiver.name}", [sender.pk, receiver.pk])
    return transfer


def _candidate_sign_ins(*, sender: RPA, receiver: RPA, moved: Any) -> int:
    """A moved candidate signs in to the receiving RPA (unless another application keeps them with the sender too)."""
    users = Candidate.objects.filter(pk__in=moved, user__isnull=False).values("user")
    still_with_sender = Candidate.objects.filter(rpa_id=sender.pk, user=OuterRef("user"))
    already = Membership.objects.filter(role=Role.CANDIDATE, rpa_id=receiver.pk, user=OuterRef("user"))
    rows = Membership.objects.filter(role=Role.CANDIDATE, rpa_id=sender.pk, user__in=users).exclude(
        Exists(still_with_sender)
    )
    rows.filter(Exists(already)).delete()
    return rows.update(rpa_id=receiver.pk)
