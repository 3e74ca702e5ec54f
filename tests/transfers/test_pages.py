"""The pages of transfers (RISK-1): the sending RPA's administrator proposes (GOV.UK error summary on refusals), the
Partnership reads the preview of what will move and confirms, the summary follows; the receiving RPA's administrators
see the completed record, the sender keeps only its record; nobody else reaches any of it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from candidates.factories import CandidateFactory, PreparationCourseFactory
from candidates.models import Candidate
from hnap.models import RPA, User
from hnap.roles import Role
from tests.transfers.conftest import whole_candidate
from transfers.models import Transfer, TransferScope, TransferState
from transfers.services import transfer_propose

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
Make = Callable[..., User]


@pytest.fixture
def people(sender: RPA, receiver: RPA, make_member: Make) -> dict[str, User]:
    return {
        "sender": make_member(Role.RPA_ADMIN, rpa=sender),
        "receiver": make_member(Role.RPA_ADMIN, rpa=receiver),
        "third": make_member(Role.RPA_ADMIN, rpa=RPA.objects.get(slug="university-of-northampton")),
        "partnership": make_member(Role.PARTNERSHIP_ADMIN),
        "senior": make_member(Role.SENIOR_ASSESSOR, rpa=sender),
    }


def test_risk1_the_sending_administrator_proposes_and_a_refusal_shows_the_error_summary(
    sender: RPA, receiver: RPA, people: dict[str, User], client_for: ClientFor
) -> None:
    course = PreparationCourseFactory(rpa=sender)
    CandidateFactory(rpa=sender, course=course, pop=course.pop)
    client = client_for(people["sender"])
    page = client.get(reverse("transfer-propose"))
    assert page.status_code == 200 and course.name in page.content.decode()
    assert receiver.name in page.content.decode() and f'value="{sender.pk}"' not in page.content.decode()
    refused = client.post(reverse("transfer-propose"), {"scope": "course", "to_rpa": receiver.pk, "reason": ""})
    body = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in body
    assert "Choose the course" in body and "Say why the candidates move" in body
    assert not Transfer.objects.exists()
    made = client.post(
        reverse("transfer-propose"),
        {"scope": "course", "course": course.pk, "to_rpa": receiver.pk, "reason": "We are closing (RISK-1)."},
    )
    transfer = Transfer.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("transfer-detail", args=[transfer.pk])
    assert transfer.rpa_id == sender.pk and transfer.scope == TransferScope.COURSE
    # Only an RPA's administrators propose; the Partnership decides but does not propose.
    assert client_for(people["partnership"]).get(reverse("transfer-propose")).status_code == 403
    assert client_for(people["senior"]).get(reverse("transfer-propose")).status_code == 403


def test_risk1_the_partnership_reads_what_will_move_confirms_and_sees_the_summary(
    sender: RPA, receiver: RPA, people: dict[str, User], client_for: ClientFor
) -> None:
    whole = whole_candidate(sender)
    transfer = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=whole.candidate,
                                reason="Closing.", acting_user=people["sender"])  # fmt: skip
    partnership = client_for(people["partnership"])
    detail = partnership.get(reverse("transfer-detail", args=[transfer.pk])).content.decode()
    assert 'id="preview"' in detail and whole.candidate.reference in detail and "Approve and carry out" in detail
    preview = partnership.get(reverse("transfer-execute", args=[transfer.pk])).content.decode()
    assert "File versions" in preview and "Bookings kept with the sending RPA" in preview
    refused = partnership.post(reverse("transfer-execute", args=[transfer.pk]), {})
    assert "govuk-error-summary" in refused.content.decode() and "Confirm that you approve" in refused.content.decode()
    assert Candidate.objects.get(pk=whole.candidate.pk).rpa_id == sender.pk
    # The sender's administrator reads the preview but cannot carry it out.
    sending = client_for(people["sender"])
    assert "Approve and carry out" not in sending.get(reverse("transfer-detail", args=[transfer.pk])).content.decode()
    assert sending.post(reverse("transfer-execute", args=[transfer.pk]), {"confirm": "on"}).status_code == 403
    done = partnership.post(reverse("transfer-execute", args=[transfer.pk]), {"confirm": "on"})
    assert done.status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == TransferState.DONE
    summary = partnership.get(done["Location"]).content.decode()
    assert 'id="summary"' in summary and whole.candidate.reference in summary and "1 candidate moved" in summary
    # Carried out once: a second confirmation is refused.
    again = partnership.post(reverse("transfer-execute", args=[transfer.pk]), {"confirm": "on"})
    assert "no longer change" in again.content.decode()


def test_risk1_after_the_transfer_the_receiver_sees_the_candidate_and_the_sender_only_its_record(
    sender: RPA, receiver: RPA, people: dict[str, User], client_for: ClientFor
) -> None:
    from transfers.services import transfer_execute

    whole = whole_candidate(sender)
    transfer = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=whole.candidate,
                                reason="Closing.", acting_user=people["sender"])  # fmt: skip
    # While proposed the receiving RPA does not know of it.
    assert client_for(people["receiver"]).get(reverse("transfer-detail", args=[transfer.pk])).status_code == 404
    transfer_execute(transfer=transfer, acting_user=people["partnership"])
    candidate_page = reverse("candidate-detail", args=[whole.candidate.pk])
    sending, receiving = client_for(people["sender"]), client_for(people["receiver"])
    assert receiving.get(candidate_page).status_code == 200
    assert sending.get(candidate_page).status_code == 404
    file_page = reverse("file-detail", args=[whole.reassessed.pk])
    assert receiving.get(file_page).status_code == 200 and sending.get(file_page).status_code == 404
    for client in (sending, receiving):
        record = client.get(reverse("transfer-detail", args=[transfer.pk]))
        assert record.status_code == 200 and whole.candidate.reference in record.content.decode()
        assert "Approve and carry out" not in record.content.decode()
        assert reverse("transfer-detail", args=[transfer.pk]) in client.get(reverse("transfer-list")).content.decode()
    assert receiving.get(reverse("transfer-withdraw", args=[transfer.pk])).status_code == 403
    # Another RPA: 404 like a missing one.
    third = client_for(people["third"])
    assert third.get(reverse("transfer-detail", args=[transfer.pk])).status_code == 404
    assert reverse("transfer-detail", args=[transfer.pk]) not in third.get(reverse("transfer-list")).content.decode()


def test_risk1_declining_and_withdrawing(
    sender: RPA, receiver: RPA, people: dict[str, User], client_for: ClientFor
) -> None:
    candidate = whole_candidate(sender).candidate
    first = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=candidate,
                             reason="Closing.", acting_user=people["sender"])  # fmt: skip
    partnership = client_for(people["partnership"])
    refused = partnership.post(reverse("transfer-decline", args=[first.pk]), {"note": ""})
    assert "govuk-error-summary" in refused.content.decode()
    assert partnership.post(reverse("transfer-decline", args=[first.pk]), {"note": "Not needed."}).status_code == 302
    first.refresh_from_db()
    assert first.state == TransferState.DECLINED and first.decision_note == "Not needed."
    second = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=candidate,
                              reason="Closing.", acting_user=people["sender"])  # fmt: skip
    assert partnership.get(reverse("transfer-withdraw", args=[second.pk])).status_code == 403
    sending = client_for(people["sender"])
    assert sending.post(reverse("transfer-withdraw", args=[second.pk]), {"confirm": "on"}).status_code == 302
    second.refresh_from_db()
    assert second.state == TransferState.WITHDRAWN
    assert Candidate.objects.get(pk=candidate.pk).rpa_id == sender.pk
