"""PEER-3: the joint report of the peer reviewer and the moderator, due 3 working days after the event through the
deadline engine; submitting it meets the deadline; a late one is chased and shown as late. And MOD-10: the moderators'
report to the RPA on training, quality assurance and support."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hnap.deadlines import deadline_sweep
from hnap.models import RPA, Deadline, DeadlineState, Notification, User
from hnap.roles import Role
from hnap.workdays import calendar_for, end_of_day
from moderation.factories import ModerationEventFactory, ModeratorFactory, last_month
from moderation.models import JOINT_REPORT_DEADLINE_KIND, JointReport, ModerationEvent, Moderator, ModeratorsReport
from moderation.services import event_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_member: Callable[..., User], rpa_a: RPA) -> Moderator:
    return ModeratorFactory(rpa=rpa_a, user=make_member(Role.MODERATOR, rpa=rpa_a, full_name="Lee Lead"))


@pytest.fixture
def peer(make_member: Callable[..., User], rpa_b: RPA) -> User:
    """The peer reviewer, a person of another RPA (no role in RPA A: object grants only)."""
    return make_member(Role.SENIOR_ASSESSOR, rpa=rpa_b, full_name="Pat Peer")


def closed_event(*, rpa: RPA, moderator: Moderator, peer: User, held_days_ago: int) -> ModerationEvent:
    """An event held `held_days_ago` days ago, closed through moderation.services (which opens the joint report)."""
    event = ModerationEventFactory(
        rpa=rpa,
        month=last_month(),
        held_on=timezone.localdate() - timedelta(days=held_days_ago),
        state="open",
        lead_moderator=moderator,
        peer_reviewer=peer,
        peer_rpa=RPA.objects.exclude(pk=rpa.pk).first(),
    )
    return event_close(event=event, acting_user=None)


def test_peer3_the_joint_report_is_due_3_working_days_after_the_event_and_meeting_it_on_submission(
    rpa_a: RPA, moderator: Moderator, peer: User, client_for: Callable[[User], Client]
) -> None:
    event = closed_event(rpa=rpa_a, moderator=moderator, peer=peer, held_days_ago=0)
    report = JointReport.objects.get(event=event)
    due = end_of_day(calendar_for(rpa_id=rpa_a.pk).add_working_days(event.held_on, 3))
    assert report.due_at == due
    deadline = Deadline.objects.get(kind=JOINT_REPORT_DEADLINE_KIND, object_id=report.pk)
    assert deadline.due_at == due and deadline.state == DeadlineState.OPEN

    client = client_for(peer)  # reaches the report through the object grant the close gave them
    page = client.get(f"/moderation/joint-reports/{report.pk}/")
    assert page.status_code == 200 and "Submit the joint report" in page.content.decode()
    refused = client.post(f"/moderation/joint-reports/{report.pk}/submit/", {"issues_raised": "yes", "issues": ""})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    done = client.post(
        f"/moderation/joint-reports/{report.pk}/submit/",
        {"issues_raised": "no", "issues": "", "for_partnership": "Sampling of partial reassessments."},
    )
    assert done.status_code == 302
    report.refresh_from_db()
    deadline.refresh_from_db()
    assert report.submitted_by == peer and report.issues_raised is False and not report.is_late
    assert deadline.state == DeadlineState.MET and deadline.met_at == report.submitted_at
    listing = client_for(moderator.user).get("/moderation/joint-reports/").content.decode()
    assert "Submitted on time" in listing


def test_peer3_a_late_joint_report_is_chased_and_shown_late(
    rpa_a: RPA, moderator: Moderator, peer: User, client_for: Callable[[User], Client]
) -> None:
    event = closed_event(rpa=rpa_a, moderator=moderator, peer=peer, held_days_ago=20)
    report = JointReport.objects.get(event=event)
    assert report.is_late
    deadline_sweep()
    deadline = Deadline.objects.get(kind=JOINT_REPORT_DEADLINE_KIND, object_id=report.pk)
    assert deadline.state == DeadlineState.BREACHED  # chased: escalated by the engine
    assert Notification.objects.filter(subject__startswith="Missed deadline: Joint report").exists()
    client = client_for(moderator.user)
    assert ">Late<" in client.get("/moderation/joint-reports/").content.decode()
    client.post(f"/moderation/joint-reports/{report.pk}/submit/", {"issues_raised": "yes", "issues": "Sampling."})
    report.refresh_from_db()
    deadline.refresh_from_db()
    assert report.submitted_at is not None and report.is_late
    assert deadline.state == DeadlineState.BREACHED and deadline.met_at is not None  # the breach stays recorded
    page = client.get(f"/moderation/joint-reports/{report.pk}/").content.decode()
    assert "Submitted late" in page and "Sampling." in page


def test_peer3_only_the_peer_reviewer_or_a_moderator_submits(
    rpa_a: RPA, moderator: Moderator, peer: User, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    event = closed_event(rpa=rpa_a, moderator=moderator, peer=peer, held_days_ago=0)
    report = JointReport.objects.get(event=event)
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    url = f"/moderation/joint-reports/{report.pk}/submit/"
    assert client_for(admin).post(url, {"issues_raised": "no"}).status_code == 403
    stranger = make_member(Role.RPA_ADMIN, rpa=RPA.objects.get(slug="hlta-north"))
    assert client_for(stranger).get(url).status_code == 404
    report.refresh_from_db()
    assert report.submitted_at is None


def test_peer3_the_partnership_reads_every_joint_report(
    rpa_a: RPA, moderator: Moderator, peer: User, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    closed_event(rpa=rpa_a, moderator=moderator, peer=peer, held_days_ago=0)
    partnership = make_member(Role.PARTNERSHIP_ADMIN)
    listing = client_for(partnership).get("/moderation/joint-reports/")
    assert listing.status_code == 200 and len(listing.context["object_list"]) == 1


# --- the moderators' report (MOD-10) ----------------------------------------------------------------------------


def test_mod10_moderators_write_their_report_and_the_rpa_reads_it_once_submitted(
    rpa_a: RPA, moderator: Moderator, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    event = ModerationEventFactory(rpa=rpa_a, month=last_month(), state="closed")
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    mod_client, admin_client = client_for(moderator.user), client_for(admin)
    url = f"/moderation/events/{event.pk}/moderators-report/"
    assert admin_client.get(url + "edit/").status_code == 403  # the RPA reads it; the moderators write it

    draft = {"training": "A refresher on F12 records.", "quality_assurance": "", "support": "", "submit": "no"}
    assert mod_client.post(url + "edit/", draft).status_code == 302
    report = ModeratorsReport.objects.get(event=event)
    assert report.submitted_at is None
    assert "A refresher on F12 records." not in admin_client.get(url).content.decode()  # a draft is theirs

    empty = {"training": "", "quality_assurance": "", "support": "", "submit": "yes"}
    assert "govuk-error-summary" in mod_client.post(url + "edit/", empty).content.decode()
    final = {**draft, "support": "Pair new assessors with a mentor.", "submit": "yes"}
    assert mod_client.post(url + "edit/", final).status_code == 302
    report.refresh_from_db()
    assert report.submitted_at is not None
    page = admin_client.get(url).content.decode()
    assert "A refresher on F12 records." in page and "Pair new assessors with a mentor." in page
    assert Notification.objects.filter(user=admin, subject__startswith="Moderators' report").exists()
    again = mod_client.post(url + "edit/", {**final, "training": "Changed"})
    assert again.status_code == 200 and "govuk-error-summary" in again.content.decode()
    report.refresh_from_db()
    assert report.training == "A refresher on F12 records."


def test_mod10_the_report_waits_for_the_event(
    rpa_a: RPA, moderator: Moderator, client_for: Callable[[User], Client]
) -> None:
    event = ModerationEventFactory(rpa=rpa_a, month=last_month(), state="planned")
    response = client_for(moderator.user).post(
        f"/moderation/events/{event.pk}/moderators-report/edit/",
        {"training": "Too early", "quality_assurance": "", "support": "", "submit": "no"},
    )
    assert response.status_code == 200 and "not been held yet" in response.content.decode()
    assert not ModeratorsReport.objects.exists()
