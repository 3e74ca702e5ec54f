"""MOD-9, ASR-7, ASR-8: the moderators' written feedback to each moderated assessor: strengths, weaknesses, the reasons
for every change of outcome (prefilled from the decisions), any sanction with its justification (a suspension opens
the quality action and takes the assessor out of allocation); the assessor reads their own feedback only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from assessments.factories import AssessorFactory
from assessments.models import Assessor, AssessorStatus, QualityAction, QualityActionKind
from hnap.factories import UserFactory
from hnap.models import RPA, Notification, User
from hnap.roles import Role
from moderation.factories import AssessorFeedbackFactory, ModerationEventFactory, ModeratorFactory, last_month
from moderation.models import AssessorFeedback, ModerationEvent, Moderator, Verdict
from tests.support.moderation_report_data import moderated_file

pytestmark = pytest.mark.django_db

OVERTURN_REASONS = "The evidence summary for standard 12 does not show the candidate planning independently."


@pytest.fixture
def event(rpa_a: RPA) -> ModerationEvent:
    return ModerationEventFactory(rpa=rpa_a, month=last_month(), state="closed")


@pytest.fixture
def moderator(make_member: Callable[..., User], rpa_a: RPA) -> Moderator:
    user = make_member(Role.MODERATOR, rpa=rpa_a, full_name="Mo Moderator")
    return ModeratorFactory(rpa=rpa_a, user=user)


@pytest.fixture
def assessor(make_member: Callable[..., User], rpa_a: RPA) -> Assessor:
    user = make_member(Role.ASSESSOR, rpa=rpa_a, full_name="Ash Assessor")
    return AssessorFactory(rpa=rpa_a, user=user)


@pytest.fixture
def overturned(event: ModerationEvent, assessor: Assessor, moderator: Moderator) -> str:
    """Two files of the assessor moderated: one endorsed, one overturned to not met; the overturned candidate's
    reference."""
    moderated_file(event=event, assessor=assessor)
    entry = moderated_file(
        event=event,
        assessor=assessor,
        verdict=Verdict.OVERTURN,
        new_outcome="not_met",
        reasons=OVERTURN_REASONS,
        disputed=(12,),
        last_name="Overturned",
    )
    return entry.file.candidate.reference


def test_mod9_the_event_lists_each_moderated_assessor_with_their_changes(
    event: ModerationEvent, moderator: Moderator, overturned: str, client_for: Callable[[User], Client]
) -> None:
    response = client_for(moderator.user).get(f"/moderation/events/{event.pk}/feedback/")
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert (row.assessor.user.full_name, row.files, row.changes) == ("Ash Assessor", 2, 1)
    assert "Write feedback" in response.content.decode()


def test_mod9_asr7_asr8_feedback_prefilled_written_and_sent_with_a_suspension(
    event: ModerationEvent,
    moderator: Moderator,
    assessor: Assessor,
    overturned: str,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(moderator.user)
    started = client.post(f"/moderation/events/{event.pk}/feedback/start/", {"assessor": assessor.pk})
    feedback = AssessorFeedback.objects.get(event=event, assessor=assessor)
    assert started.status_code == 302 and started.url == f"/moderation/feedback/{feedback.pk}/edit/"
    # The reasons for the change of outcome are prefilled from the decision, naming the file.
    assert overturned in feedback.change_reasons and OVERTURN_REASONS in feedback.change_reasons
    form = client.get(started.url)
    assert OVERTURN_REASONS in form.content.decode()

    # A sanction without its justification is refused, nothing is lost.
    refused = client.post(
        started.url,
        {
            "strengths": "Thorough preparation.",
            "weaknesses": "Evidence summaries too brief.",
            "change_reasons": feedback.change_reasons,
            "sanction": "suspend",
            "sanction_justification": "",
        },
    )
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert "Thorough preparation." in refused.content.decode()
    saved = client.post(
        started.url,
        {
            "strengths": "Thorough preparation.",
            "weaknesses": "Evidence summaries too brief.",
            "change_reasons": feedback.change_reasons,
            "sanction": "suspend",
            "sanction_justification": "Two overturns this term on unsupported judgements.",
        },
    )
    assert saved.status_code == 302
    feedback.refresh_from_db()
    assert feedback.sent_at is None and feedback.sanction == "suspend"
    # Not sent: the assessor cannot read it yet.
    assert client_for(assessor.user).get(f"/moderation/feedback/{feedback.pk}/").status_code == 403

    sent = client.post(f"/moderation/feedback/{feedback.pk}/send/")
    assert sent.status_code == 302
    feedback.refresh_from_db()
    assessor.refresh_from_db()
    assert feedback.sent_at is not None and feedback.recipient == assessor.user
    assert feedback.quality_action is not None and feedback.quality_action.kind == QualityActionKind.SUSPEND
    assert QualityAction.objects.filter(assessor=assessor, kind=QualityActionKind.SUSPEND).count() == 1
    assert assessor.status == AssessorStatus.SUSPENDED  # ASR-8: out of allocation at once
    assert Notification.objects.filter(user=assessor.user).exists()

    page = client_for(assessor.user).get(f"/moderation/feedback/{feedback.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Evidence summaries too brief." in body and OVERTURN_REASONS in body
    assert "Two overturns this term" in body
    # Sent feedback can no longer be changed.
    assert client.post(f"/moderation/feedback/{feedback.pk}/send/").status_code == 200
    assert QualityAction.objects.filter(assessor=assessor).count() == 1


def test_mod9_the_reasons_for_a_change_of_outcome_cannot_be_left_out(
    event: ModerationEvent,
    moderator: Moderator,
    assessor: Assessor,
    overturned: str,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(moderator.user)
    client.post(f"/moderation/events/{event.pk}/feedback/start/", {"assessor": assessor.pk})
    feedback = AssessorFeedback.objects.get(event=event, assessor=assessor)
    response = client.post(
        f"/moderation/feedback/{feedback.pk}/edit/",
        {"strengths": "Good.", "weaknesses": "", "change_reasons": "", "sanction": "", "sanction_justification": ""},
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    feedback.refresh_from_db()
    assert OVERTURN_REASONS in feedback.change_reasons


def test_asr7_feedback_needs_strengths_or_weaknesses_before_it_is_sent(
    event: ModerationEvent, moderator: Moderator, assessor: Assessor, client_for: Callable[[User], Client]
) -> None:
    moderated_file(event=event, assessor=assessor)
    client = client_for(moderator.user)
    client.post(f"/moderation/events/{event.pk}/feedback/start/", {"assessor": assessor.pk})
    feedback = AssessorFeedback.objects.get(event=event, assessor=assessor)
    response = client.post(f"/moderation/feedback/{feedback.pk}/send/")
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.sent_at is None


def test_asr7_an_assessor_sees_only_their_own_sent_feedback(
    event: ModerationEvent, assessor: Assessor, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    mine = AssessorFeedbackFactory(rpa=rpa_a, event=event, assessor=assessor, weaknesses="Mine to read")
    other = AssessorFeedbackFactory(
        rpa=rpa_a, event=event, assessor=AssessorFactory(rpa=rpa_a, user=UserFactory()), weaknesses="Someone else's"
    )
    for feedback in (mine, other):
        AssessorFeedback.objects.filter(pk=feedback.pk).update(
            sent_at=event.created_at, recipient=feedback.assessor.user
        )
    client = client_for(assessor.user)
    listing = client.get("/moderation/feedback/")
    assert [f.pk for f in listing.context["object_list"]] == [mine.pk]
    assert client.get(f"/moderation/feedback/{mine.pk}/").status_code == 200
    assert client.get(f"/moderation/feedback/{other.pk}/").status_code == 403
    assert "Someone else's" not in listing.content.decode()


def test_mod9_only_the_rpas_moderators_write_feedback(
    event: ModerationEvent,
    assessor: Assessor,
    overturned: str,
    make_member: Callable[..., User],
    rpa_b: RPA,
    client_for: Callable[[User], Client],
) -> None:
    senior = make_member(Role.SENIOR_ASSESSOR, rpa=event.rpa)
    url = f"/moderation/events/{event.pk}/feedback/start/"
    assert client_for(senior).post(url, {"assessor": assessor.pk}).status_code == 403
    other_moderator = make_member(Role.MODERATOR, rpa=rpa_b)
    ModeratorFactory(rpa=rpa_b, user=other_moderator)
    assert client_for(other_moderator).post(url, {"assessor": assessor.pk}).status_code == 404
    assert not AssessorFeedback.objects.exists()
