"""MOD-1, MOD-2: an RPA's moderators, nominating one and a senior moderator confirming a moderator's competence after
trial moderations; PEER-2: the Partnership's peer-review pairings for three-month periods, with a warning when a
pairing repeats the previous period's; PEER-1: each RPA's peer reviewer and deputy for a month."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from assessments.factories import AssessorFactory
from hnap.models import RPA, Membership, User
from hnap.roles import Role
from moderation.factories import ModeratorFactory, PeerReviewPairingFactory
from moderation.models import Moderator, PeerReviewNomination, PeerReviewPairing

pytestmark = pytest.mark.django_db


def next_month(months: int = 1) -> date:
    today = timezone.localdate().replace(day=1)
    total = today.month - 1 + months
    return date(today.year + total // 12, total % 12 + 1, 1)


@pytest.fixture
def senior_moderator(make_member: Callable[..., User], rpa_a: RPA) -> Moderator:
    user = make_member(Role.MODERATOR, rpa=rpa_a, full_name="Sam Senior")
    return ModeratorFactory(rpa=rpa_a, user=user, is_senior=True)


@pytest.fixture
def trainee(make_member: Callable[..., User], rpa_a: RPA) -> Moderator:
    user = make_member(Role.MODERATOR, rpa=rpa_a, full_name="Tia Trial")
    return ModeratorFactory(rpa=rpa_a, user=user, confirmed_at=None, confirmation_note="")


def test_mod2_the_list_shows_who_is_confirmed_and_who_is_on_trial_moderations(
    senior_moderator: Moderator, trainee: Moderator, client_for: Callable[[User], Client]
) -> None:
    response = client_for(senior_moderator.user).get("/moderation/moderators/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Senior moderator" in body and "Trial moderations" in body
    rows = {m.user.full_name: m for m in response.context["object_list"]}
    assert rows["Tia Trial"].may_confirm and not rows["Sam Senior"].may_confirm
    assert f"/moderation/moderators/{trainee.pk}/confirm/" in body


def test_mod2_a_senior_moderator_confirms_competence_and_no_one_else_does(
    senior_moderator: Moderator,
    trainee: Moderator,
    make_member: Callable[..., User],
    rpa_b: RPA,
    client_for: Callable[[User], Client],
) -> None:
    url = f"/moderation/moderators/{trainee.pk}/confirm/"
    # A confirmed moderator who is not senior, the RPA's administrator, the trainee themself: 403.
    colleague = ModeratorFactory(rpa=trainee.rpa, user=make_member(Role.MODERATOR, rpa=trainee.rpa))
    admin = make_member(Role.RPA_ADMIN, rpa=trainee.rpa)
    for user in (colleague.user, admin, trainee.user):
        assert client_for(user).post(url, {"note": "Fine."}).status_code == 403
    # Another RPA's senior moderator: 404, as for a missing moderator.
    other = ModeratorFactory(rpa=rpa_b, user=make_member(Role.MODERATOR, rpa=rpa_b), is_senior=True)
    assert client_for(other.user).get(url).status_code == 404

    client = client_for(senior_moderator.user)
    assert "govuk-error-summary" in client.post(url, {"note": ""}).content.decode()
    assert client.post(url, {"note": "Three trial moderations reviewed: sound judgements."}).status_code == 302
    trainee.refresh_from_db()
    assert trainee.is_confirmed and trainee.confirmed_by == senior_moderator.user
    assert "Three trial moderations" in trainee.confirmation_note


def test_mod1_the_rpa_nominates_an_experienced_assessor_as_moderator(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    assessor = AssessorFactory(rpa=rpa_a)
    client = client_for(admin)
    assert client.get("/moderation/moderators/nominate/").status_code == 200
    response = client.post("/moderation/moderators/nominate/", {"user": assessor.user_id, "trained_on": ""})
    assert response.status_code == 302
    moderator = Moderator.objects.get(user=assessor.user)
    assert moderator.rpa == rpa_a and not moderator.is_confirmed
    assert Membership.objects.filter(user=assessor.user, role=Role.MODERATOR, rpa=rpa_a).exists()
    moderator_user = make_member(Role.MODERATOR, rpa=rpa_a)
    assert client_for(moderator_user).get("/moderation/moderators/nominate/").status_code == 403


# --- pairings (PEER-2) -----------------------------------------------------------------------------------------


def test_peer2_the_partnership_sets_pairings_and_is_warned_of_a_repeat(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    partnership = make_member(Role.PARTNERSHIP_ADMIN)
    client = client_for(partnership)
    first = {"reviewed": rpa_a.pk, "reviewer": rpa_b.pk, "period_start": next_month(1).isoformat()}
    assert client.post("/moderation/pairings/new/", first).status_code == 302
    pairing = PeerReviewPairing.objects.get()
    assert (pairing.rpa, pairing.reviewer_rpa, pairing.period_start) == (rpa_a, rpa_b, next_month(1))
    assert pairing.period_end == date.fromordinal(next_month(4).toordinal() - 1)  # three months

    repeat = {"reviewed": rpa_a.pk, "reviewer": rpa_b.pk, "period_start": next_month(4).isoformat()}
    warned = client.post("/moderation/pairings/new/", repeat)
    assert warned.status_code == 200
    body = warned.content.decode()
    assert "govuk-error-summary" in body and "previous period" in body
    assert PeerReviewPairing.objects.count() == 1
    assert client.post("/moderation/pairings/new/", {**repeat, "confirm_repeat": "on"}).status_code == 302
    listing = client.get("/moderation/pairings/")
    assert "Repeats the previous period" in listing.content.decode()
    assert [row.repeats for row in listing.context["rows"]] == [True, False]

    same = {"reviewed": rpa_a.pk, "reviewer": rpa_a.pk, "period_start": next_month(7).isoformat()}
    assert "govuk-error-summary" in client.post("/moderation/pairings/new/", same).content.decode()


def test_peer2_an_rpa_sees_its_pairings_but_only_the_partnership_sets_them(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    mine = PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b)
    other = PeerReviewPairingFactory(rpa=rpa_b, reviewer_rpa=RPA.objects.get(slug="university-of-northampton"))
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    client = client_for(admin)
    listing = client.get("/moderation/pairings/")
    assert [row.pairing.pk for row in listing.context["rows"]] == [mine.pk]
    assert other.pk not in [p.pk for p in listing.context["object_list"]]
    assert client.get("/moderation/pairings/new/").status_code == 403
    assert client.post("/moderation/pairings/new/", {"reviewed": rpa_a.pk}).status_code == 403


# --- nominations (PEER-1) --------------------------------------------------------------------------------------


def test_peer1_an_rpa_names_its_peer_reviewer_and_a_deputy_for_the_month(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    # RPA B peer-reviews RPA A: RPA B's administrator names B's people.
    PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b, period_start=next_month(1))
    admin_b = make_member(Role.RPA_ADMIN, rpa=rpa_b)
    reviewer = make_member(Role.SENIOR_ASSESSOR, rpa=rpa_b, full_name="Rae Reviewer")
    deputy = make_member(Role.MODERATOR, rpa=rpa_b, full_name="Dee Deputy")
    outsider = make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a)
    client = client_for(admin_b)
    form = client.get("/moderation/peer-reviewers/new/")
    assert form.status_code == 200
    choices = {u.pk for u in form.context["form"].fields["reviewer"].queryset}
    assert {reviewer.pk, deputy.pk} <= choices and outsider.pk not in choices

    same = {"month": next_month(1).isoformat(), "reviewer": reviewer.pk, "deputy": reviewer.pk}
    assert "govuk-error-summary" in client.post("/moderation/peer-reviewers/new/", same).content.decode()
    unpaired = {"month": next_month(6).isoformat(), "reviewer": reviewer.pk, "deputy": deputy.pk}
    assert "not paired" in client.post("/moderation/peer-reviewers/new/", unpaired).content.decode()
    good = {"month": next_month(1).replace(day=15).isoformat(), "reviewer": reviewer.pk, "deputy": deputy.pk}
    assert client.post("/moderation/peer-reviewers/new/", good).status_code == 302
    nomination = PeerReviewNomination.objects.get()
    assert (nomination.rpa, nomination.reviewed_rpa, nomination.month) == (rpa_b, rpa_a, next_month(1))
    assert (nomination.reviewer, nomination.deputy) == (reviewer, deputy)
    listing = client.get("/moderation/peer-reviewers/").content.decode()
    assert "Rae Reviewer" in listing and "Dee Deputy" in listing
    # RPA A (the reviewed RPA) does not see B's nominations through this page: they are B's records.
    admin_a = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    assert "Rae Reviewer" not in client_for(admin_a).get("/moderation/peer-reviewers/").content.decode()
