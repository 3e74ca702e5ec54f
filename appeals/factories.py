"""Test and demo builders of enquiries and appeals, through the services so every rule and deadline applies."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from appeals.models import Appeal, Enquiry
from appeals.services import appeal_make, enquiry_receive
from assessments.factories import AssessmentFactory
from assessments.models import AssessmentFile, ConfirmedVia, Outcome, Result
from candidates.factories import ready_candidate
from hnap.factories import MembershipFactory, UserFactory
from hnap.models import RPA, User
from hnap.roles import Role


def enquiry_for(rpa: RPA, *, subject: str = "When is the next assessment window?", **fields: Any) -> Enquiry:
    """An enquiry received through the public form of `rpa`."""
    fields.setdefault("name", "Pat Enquirer")
    fields.setdefault("email", "pat@example.org")
    fields.setdefault("message", "Could you tell me when candidates from our school can be assessed?")
    fields.setdefault("channel", "web_form")
    return enquiry_receive(rpa=rpa, subject=subject, **fields)


def candidate_user(rpa: RPA, **fields: Any) -> User:
    """A person who signs in as a candidate of `rpa`."""
    user: User = UserFactory(**fields)  # type: ignore[assignment]
    MembershipFactory(user=user, role=Role.CANDIDATE, rpa=rpa, pop=None)
    return user


def released_result(rpa: RPA, *, user: User | None = None, outcome: str = Outcome.NOT_MET, **fields: Any) -> Result:
    """A confirmed result of a candidate of `rpa` (with their own sign-in), released to them: what they appeal."""
    user = user or candidate_user(rpa)
    candidate = ready_candidate(rpa=rpa, user=user, email=user.email, **fields)
    assessment = AssessmentFactory(candidate=candidate)
    file = AssessmentFile.objects.get(assessment=assessment)
    return Result.objects.create(
        rpa=rpa,
        file=file,
        candidate=candidate,
        outcome=outcome,
        confirmed_via=ConfirmedVia.EVENT_CLOSED,
        released_at=timezone.now(),
    )


def appeal_for(rpa: RPA, *, statement: str = "My second meeting was cut short.", **fields: Any) -> Appeal:
    """An appeal made by the candidate themselves, on a valid ground, received and not yet acknowledged."""
    result = fields.pop("result", None) or released_result(rpa, **fields.pop("result_fields", {}))
    assert result.candidate.user is not None
    return appeal_make(
        result=result,
        ground=fields.pop("ground", "improper"),
        statement=statement,
        evidence=fields.pop("evidence", "The assessor left after 20 minutes; my teacher saw it."),
        acting_user=result.candidate.user,
        **fields,
    )


def senior_of(rpa: RPA, **fields: Any) -> User:
    """A senior assessor of `rpa` who signs in (a possible panel member for another RPA's appeal)."""
    user: User = UserFactory(**fields)  # type: ignore[assignment]
    MembershipFactory(user=user, role=Role.SENIOR_ASSESSOR, rpa=rpa, pop=None)
    return user
