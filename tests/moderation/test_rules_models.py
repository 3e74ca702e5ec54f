"""The moderation models and their database guards (MOD-2, MOD-6, MOD-7, PEER-1, PEER-2)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from assessments.factories import submitted_file
from moderation import factories as f
from moderation.models import ModerationDecision, Verdict

pytestmark = pytest.mark.django_db


def test_every_factory_builds_a_record_of_its_rpa() -> None:
    file = submitted_file()
    entry = f.SampleEntryFactory(file=file)
    decision = f.ModerationDecisionFactory(entry=entry)
    records = [
        f.ModeratorFactory(),
        f.PeerReviewPairingFactory(),
        entry,
        decision,
        f.ReviewPendingFactory(file=submitted_file(), caused_by=decision),
        f.AssessorFeedbackFactory(),
        f.ModeratorsReportFactory(),
        f.PoPTrendFeedbackFactory(),
        f.JointReportFactory(),
    ]
    assert all(r.rpa.slug == "strictly-education-4s" for r in records)
    nomination = f.PeerReviewNominationFactory()  # held by the reviewing RPA, naming the reviewed one
    assert (nomination.rpa.slug, nomination.reviewed_rpa.slug) != ("strictly-education-4s",) * 2
    assert f.PeerReviewPairingFactory.build().period_end.day >= 28


def test_mod6_the_database_refuses_the_same_moderator_as_second_moderator() -> None:
    decision = f.ModerationDecisionFactory(entry=f.SampleEntryFactory(file=submitted_file()))
    decision.second_moderator = decision.moderator
    with pytest.raises(IntegrityError), transaction.atomic():
        decision.save()
    assert ModerationDecision.objects.get().verdict == Verdict.ENDORSE


def test_peer2_a_pairing_never_pairs_an_rpa_with_itself_and_peer1_the_deputy_is_another_person() -> None:
    pairing = f.PeerReviewPairingFactory.build()
    pairing.reviewer_rpa = pairing.rpa
    with pytest.raises(IntegrityError), transaction.atomic():
        pairing.save()
    nomination = f.PeerReviewNominationFactory.build()
    nomination.reviewer.save()
    nomination.deputy = nomination.reviewer
    with pytest.raises(IntegrityError), transaction.atomic():
        nomination.save()
