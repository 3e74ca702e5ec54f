"""The pages of enquiries and appeals: the public contact page and form (ENQ-1, ENQ-2), the appeals procedure
(APP-2), the queue and replies (ENQ-1, ENQ-3), appeals made and decided (APP-1, APP-3, APP-4), referral and panels
(APP-6, APP-7), monitoring (APP-5). GOV.UK error summaries on refusals, nothing kept from a refused form."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from appeals.factories import appeal_for, enquiry_for, released_result, senior_of
from appeals.models import Appeal, AppealState, Enquiry, EnquiryState, MonitoringShare, Referral, ReviewPanel
from appeals.services import (
    appeal_acknowledge,
    appeal_decide,
    appeal_refer,
    enquiry_answer,
    panel_convene,
)
from appeals.spam import PER_EMAIL_PER_HOUR
from hnap.models import RPA, User
from hnap.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

ClientFor = Callable[[User], Client]
Make = Callable[..., User]


@pytest.fixture(autouse=True)
def fresh_rate_limit() -> None:
    """Each test starts with no enquiries counted against any address (the cache is this run's own Redis db)."""
    cache.clear()


def enquiry_body(**fields: str) -> dict[str, str]:
    return {
        "name": "Priya Patel",
        "email": "priya@example.org",
        "phone": "",
        "organisation": "Riverside Primary School",
        "nature": "registration",
        "subject": "Registering before a Level 2 result",
        "message": "Can our teaching assistant register before her Level 2 maths result?",
        "website": "",
        **fields,
    }


# --- public pages (ENQ-1, ENQ-2, APP-2) ----------------------------------------------------------------------------


def test_enq2_the_contact_page_names_the_point_of_contact_without_sign_in(client: Client, rpa_a: RPA) -> None:
    RPA.objects.filter(pk=rpa_a.pk).update(contact_name="Jo Bloggs", contact_phone="01632 960000")
    page = client.get(f"/rpas/{rpa_a.slug}/contact/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Jo Bloggs" in body and rpa_a.contact_email in body and "01632 960000" in body
    assert f"/rpas/{rpa_a.slug}/contact/" in client.get("/contact/").content.decode()


def test_app2_each_rpas_appeals_procedure_is_a_public_page(client: Client, rpa_a: RPA) -> None:
    RPA.objects.filter(pk=rpa_a.pk).update(appeals_procedure="Our own procedure: write to the appeals officer.")
    page = client.get(f"/rpas/{rpa_a.slug}/appeals-procedure/")
    assert page.status_code == 200 and "write to the appeals officer" in page.content.decode()
    assert client.get("/rpas/no-such-rpa/appeals-procedure/").status_code == 404


def test_enq1_the_public_form_gives_a_reference_at_once(client: Client, rpa_a: RPA) -> None:
    response = client.post(f"/rpas/{rpa_a.slug}/contact/", enquiry_body(), follow=True)
    enquiry = Enquiry.objects.get()
    assert enquiry.reference in response.content.decode()
    assert (enquiry.rpa, enquiry.channel, enquiry.raised_by) == (rpa_a, "web_form", None)
    assert enquiry.messages.get().body.startswith("Can our teaching assistant")


def test_enq1_a_refused_form_shows_an_error_summary_and_keeps_what_was_typed(client: Client, rpa_a: RPA) -> None:
    response = client.post(f"/rpas/{rpa_a.slug}/contact/", enquiry_body(email="", subject=""))
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "Enter an email address or a phone number" in body and "Enter what your enquiry is about" in body
    assert "Can our teaching assistant register" in body
    assert not Enquiry.objects.exists()


def test_enq1_the_honeypot_keeps_nothing_and_tells_the_robot_nothing(client: Client, rpa_a: RPA) -> None:
    response = client.post(f"/rpas/{rpa_a.slug}/contact/", enquiry_body(website="http://spam.example"), follow=True)
    assert response.status_code == 200 and "Enquiry sent" in response.content.decode()
    assert not Enquiry.objects.exists() and not mail.outbox


def test_enq1_the_rate_limit_per_address_refuses_with_a_reason(client: Client, rpa_a: RPA) -> None:
    for n in range(PER_EMAIL_PER_HOUR):
        assert client.post(f"/rpas/{rpa_a.slug}/contact/", enquiry_body(subject=f"Q{n}")).status_code == 302
    refused = client.post(f"/rpas/{rpa_a.slug}/contact/", enquiry_body(subject="One more"))
    assert refused.status_code == 429 and "wait an hour" in refused.content.decode()
    assert Enquiry.objects.count() == PER_EMAIL_PER_HOUR
    other = client.post(f"/rpas/{rpa_a.slug}/contact/", enquiry_body(email="someone.else@example.org"))
    assert other.status_code == 302  # another address is not held back by this one


def test_enq1_a_signed_in_persons_enquiry_is_theirs_to_follow(
    client_for: ClientFor, make_member: Make, rpa_a: RPA, rpa_b: RPA
) -> None:
    candidate = make_member(Role.CANDIDATE, rpa=rpa_a)
    client = client_for(candidate)
    client.post(f"/rpas/{rpa_b.slug}/contact/", enquiry_body(email=candidate.email))
    mine = Enquiry.objects.get()
    assert mine.raised_by == candidate and mine.channel == "signed_in" and mine.rpa == rpa_b
    enquiry_answer(enquiry=mine, message="Here is our answer.", acting_user=None)
    assert "Here is our answer." in client.get(f"/enquiries/{mine.pk}/").content.decode()
    other = enquiry_for(rpa_b, subject="Someone else's question")
    assert "Someone else" not in client.get("/enquiries/").content.decode()
    assert client.get(f"/enquiries/{other.pk}/").status_code == 404


# --- the RPA's side of enquiries (ENQ-1, ENQ-3) --------------------------------------------------------------------


def test_enq3_the_queue_shows_what_is_owed_first_and_replies_are_sent_and_kept(
    client_for: ClientFor, make_member: Make, rpa_a: RPA, django_capture_on_commit_callbacks: Any
) -> None:
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    later = enquiry_for(rpa_a, subject="Later question")
    earlier = enquiry_for(rpa_a, subject="Earlier question", received_at=timezone.now() - timezone.timedelta(days=7))
    body = admin.get("/enquiries/").content.decode()
    assert body.index("Earlier question") < body.index("Later question") and "Overdue" in body
    refused = admin.post(f"/enquiries/{later.pk}/acknowledge/", {"message": ""})
    assert "govuk-error-summary" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/enquiries/{later.pk}/acknowledge/", {"message": "Received, thank you."})
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/enquiries/{later.pk}/answer/", {"message": "The answer is yes."})
    later.refresh_from_db()
    assert later.state == EnquiryState.ANSWERED
    sent = [m for m in mail.outbox if m.to == ["pat@example.org"]]
    assert [m.subject for m in sent] == [f"Your enquiry {later.reference}: Later question"] * 2
    assert "Received, thank you." in sent[0].body and "The answer is yes." in sent[1].body
    assert later.messages.filter(direction="out").count() == 2 and all(
        m.sent_at for m in later.messages.filter(direction="out")
    )
    assert earlier.pk in [e.pk for e in Enquiry.objects.filter(state=EnquiryState.RECEIVED)]


def test_enq1_staff_log_a_phone_enquiry(client_for: ClientFor, make_member: Make, rpa_a: RPA) -> None:
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    response = admin.post(
        "/enquiries/new/",
        {**enquiry_body(email="", phone="01632 960111"), "channel": "phone"},
    )
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302 and response.url == f"/enquiries/{enquiry.pk}/"
    assert enquiry.channel == "phone" and enquiry.logged_by is not None


def test_enq3_the_sla_dashboard_draws_a_chart_with_its_table(
    client_for: ClientFor, make_member: Make, rpa_a: RPA
) -> None:
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    enquiry_answer(enquiry=enquiry_for(rpa_a), message="Done.", acting_user=None)
    body = admin.get("/enquiries/sla/").content.decode()
    assert 'role="img"' in body and '<title id="sla-chart-title">' in body
    assert "100% (1 of 1)" in body and timezone.localdate().strftime("%B %Y") in body


# --- appeals (APP-1, APP-3, APP-4) ---------------------------------------------------------------------------------


def test_app1_the_candidate_appeals_from_their_sign_in(client_for: ClientFor, rpa_a: RPA) -> None:
    result = released_result(rpa_a)
    client = client_for(result.candidate.user)
    assert f"/results/{result.pk}/appeal/" in client.get("/appeals/").content.decode()
    form = client.get(f"/results/{result.pk}/appeal/").content.decode()
    assert "identity" not in form  # the candidate is not asked how their own identity was confirmed
    refused = client.post(f"/results/{result.pk}/appeal/", {"ground": "improper", "statement": "S", "evidence": ""})
    assert "Give the evidence for the ground" in refused.content.decode() and not Appeal.objects.exists()
    response = client.post(
        f"/results/{result.pk}/appeal/", {"ground": "improper", "statement": "Cut short.", "evidence": "My notes."}
    )
    appeal = Appeal.objects.get()
    assert response.url == f"/appeals/{appeal.pk}/" and appeal.state == AppealState.RECEIVED


def test_app1_app3_refused_appeals_say_why_and_are_kept(client_for: ClientFor, make_member: Make, rpa_a: RPA) -> None:
    result = released_result(rpa_a)
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    assert f"/results/{result.pk}/appeal/" in admin.get("/appeals/").content.decode()  # offered to log one
    no_identity = admin.post(
        f"/results/{result.pk}/appeal/",
        {"made_by": "candidate", "ground": "improper", "statement": "S", "evidence": "E"},
    )
    assert "Record how you confirmed the candidate" in no_identity.content.decode()
    admin.post(
        f"/results/{result.pk}/appeal/",
        {"made_by": "third_party", "made_by_name": "Her mother", "ground": "improper", "statement": "S",
         "evidence": "E"},
    )  # fmt: skip
    refused = Appeal.objects.get()
    page = admin.get(f"/appeals/{refused.pk}/").content.decode()
    assert "This appeal cannot be considered" in page and "Only the candidate can appeal" in page
    candidate = client_for(result.candidate.user)
    candidate.post(f"/results/{result.pk}/appeal/", {"ground": "academic", "statement": "I disagree."})
    academic = Appeal.objects.exclude(pk=refused.pk).get()
    assert academic.state == AppealState.REFUSED
    assert "academic judgement alone" in candidate.get(f"/appeals/{academic.pk}/").content.decode()


def test_app4_acknowledge_with_a_letter_then_decide(client_for: ClientFor, make_member: Make, rpa_a: RPA) -> None:
    appeal = appeal_for(rpa_a)
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    assert "No acknowledgement letter yet" in admin.get(f"/appeals/{appeal.pk}/letter/").content.decode()
    admin.post(f"/appeals/{appeal.pk}/acknowledge/", {"working_days": "15"})
    appeal.refresh_from_db()
    letter = admin.get(f"/appeals/{appeal.pk}/letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert "no-store" in letter["Cache-Control"] and letter.content.startswith(b"%PDF")
    assert appeal.candidate.full_name.encode() in letter.content
    candidate = client_for(appeal.candidate.user)
    assert candidate.get(f"/appeals/{appeal.pk}/letter/").status_code == 200
    assert candidate.get(f"/appeals/{appeal.pk}/decide/").status_code == 403
    refused = admin.post(f"/appeals/{appeal.pk}/decide/", {"decision": "not_upheld", "reasons": ""})
    assert "govuk-error-summary" in refused.content.decode()
    admin.post(f"/appeals/{appeal.pk}/decide/", {"decision": "not_upheld", "reasons": "The meeting was complete."})
    page = candidate.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "The meeting was complete." in page and "Refer to the Partnership" in page


# --- referral and panels (APP-6, APP-7) ----------------------------------------------------------------------------


def _referred(rpa: RPA) -> Referral:
    appeal = appeal_for(rpa)
    appeal_acknowledge(appeal=appeal, working_days=10, acting_user=None)
    appeal_decide(appeal=appeal, decision="not_upheld", reasons="No fault.", acting_user=None)
    return appeal_refer(appeal=appeal, reasons="Still unfair.", acting_user=appeal.candidate.user)


def test_app6_the_candidate_refers_and_the_partnership_convenes_only_a_valid_panel(
    client_for: ClientFor, make_member: Make, rpa_a: RPA, rpa_b: RPA, rpa_c: RPA
) -> None:
    appeal = appeal_for(rpa_a)
    appeal_acknowledge(appeal=appeal, working_days=10, acting_user=None)
    appeal_decide(appeal=appeal, decision="not_upheld", reasons="No fault.", acting_user=None)
    candidate = client_for(appeal.candidate.user)
    candidate.post(f"/appeals/{appeal.pk}/refer/", {"reasons": "Still unfair."})
    referral = Referral.objects.get()
    partnership = client_for(make_member(Role.PARTNERSHIP_ADMIN))
    assert appeal.reference in partnership.get("/referrals/").content.decode()
    own, b_one, b_two, c_one = senior_of(rpa_a), senior_of(rpa_b), senior_of(rpa_b), senior_of(rpa_c)
    form = partnership.get(f"/referrals/{referral.pk}/panel/").content.decode()
    assert f'value="{b_one.pk}"' in form and f'value="{c_one.pk}"' in form and f'value="{own.pk}"' not in form
    same_rpa = partnership.post(f"/referrals/{referral.pk}/panel/", {"member_one": b_one.pk, "member_two": b_two.pk})
    assert "two different RPAs" in same_rpa.content.decode() and not ReviewPanel.objects.exists()
    not_offered = partnership.post(f"/referrals/{referral.pk}/panel/", {"member_one": own.pk, "member_two": c_one.pk})
    assert "govuk-error-summary" in not_offered.content.decode() and not ReviewPanel.objects.exists()
    partnership.post(f"/referrals/{referral.pk}/panel/", {"member_one": b_one.pk, "member_two": c_one.pk})
    assert ReviewPanel.objects.get().members() == [b_one.pk, c_one.pk]
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    assert admin.get(f"/referrals/{referral.pk}/panel/").status_code == 403


def test_app7_a_panel_member_sees_the_one_case_until_the_panel_closes(
    client_for: ClientFor, rpa_a: RPA, rpa_b: RPA, rpa_c: RPA
) -> None:
    referral, other = _referred(rpa_a), _referred(rpa_a)
    one, two = senior_of(rpa_b), senior_of(rpa_c)
    panel = panel_convene(referral=referral, member_one=one, member_two=two, acting_user=None)
    member = client_for(one)
    assert f"/review-panels/{panel.pk}/" in member.get("/review-panels/").content.decode()
    case = member.get(f"/review-panels/{panel.pk}/").content.decode()
    assert referral.appeal.statement in case and "Still unfair." in case
    assert member.get(f"/appeals/{referral.appeal.pk}/").status_code == 200
    assert member.get(f"/appeals/{other.appeal.pk}/").status_code == 404
    assert member.get("/enquiries/").status_code == 200  # their own, none: nothing of RPA A
    refused = member.post(f"/review-panels/{panel.pk}/decide/", {"decision": "dismiss", "reasons": ""})
    assert "govuk-error-summary" in refused.content.decode()
    member.post(f"/review-panels/{panel.pk}/decide/", {"decision": "dismiss", "reasons": "Procedure followed."})
    for person in (one, two):
        closed = client_for(User.objects.get(pk=person.pk))
        assert closed.get(f"/review-panels/{panel.pk}/").status_code == 404
        assert closed.get(f"/appeals/{referral.appeal.pk}/").status_code == 404
        assert "sit on no panel" in closed.get("/review-panels/").content.decode()
    referral.appeal.refresh_from_db()
    assert referral.appeal.state == AppealState.REVIEWED


# --- monitoring (APP-5) --------------------------------------------------------------------------------------------


def test_app5_monitoring_csv_neutralises_formulas_and_is_the_rpas_own(
    client_for: ClientFor, make_member: Make, rpa_a: RPA, rpa_b: RPA
) -> None:
    RPA.objects.filter(pk=rpa_a.pk).update(name="=HYPERLINK(evil) RPA")
    enquiry_for(rpa_a, nature="payment")
    enquiry_for(rpa_b, nature="results")
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    response = admin.get("/appeals-monitoring/export.csv")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["RPA", "Month", "Kind", "Nature", "Outcome", "Number"]
    assert rows[1][0] == "'=HYPERLINK(evil) RPA" and rows[1][3] == "Fees and payment" and rows[1][5] == "1"
    assert len(rows) == 2  # RPA B's enquiry is not counted
    candidate = client_for(make_member(Role.CANDIDATE, rpa=rpa_a))
    assert candidate.get("/appeals-monitoring/export.csv").status_code == 403


def test_app5_figures_are_shared_with_the_partnership_as_counts(
    client_for: ClientFor, make_member: Make, rpa_a: RPA
) -> None:
    enquiry_for(rpa_a, name="Private Person", subject="A private matter")
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    admin.post("/appeals-monitoring/share/", {"year": timezone.localdate().year, "note": "Annual request 2026"})
    share = MonitoringShare.objects.get()
    partnership = client_for(make_member(Role.PARTNERSHIP_ADMIN))
    listing = partnership.get("/appeals-monitoring/").content.decode()
    assert "Annual request 2026" in listing and rpa_a.name in listing
    detail = partnership.get(f"/appeals-monitoring/shares/{share.pk}/").content.decode()
    assert "Something else" in detail and "Private Person" not in detail and "A private matter" not in detail
    assert partnership.get("/appeals-monitoring/export.csv").status_code == 403


def test_app5_other_roles_do_not_reach_monitoring(client_for: ClientFor, make_member: Make, rpa_a: RPA) -> None:
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert senior.get("/appeals-monitoring/").status_code == 403
    assert senior.get("/appeals/").status_code == 403


def test_app1_an_api_client_reads_appeals_and_the_rpa_acknowledges(
    client_for: ClientFor, make_member: Make, rpa_a: RPA
) -> None:
    appeal = appeal_for(rpa_a)
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    rows = admin.get("/api/v1/appeals/").json()["results"]
    assert [r["reference"] for r in rows] == [appeal.reference]
    bad = admin.post(f"/api/v1/appeals/{appeal.pk}/acknowledge/", {"working_days": 0}, content_type="application/json")
    assert bad.status_code == 400 and "working_days" in bad.json()
    done = admin.post(f"/api/v1/appeals/{appeal.pk}/acknowledge/", {"working_days": 5},
                      content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["state"] == "acknowledged" and done.json()["consider_by"]
    candidate = client_for(appeal.candidate.user)
    assert candidate.get(f"/api/v1/appeals/{appeal.pk}/").json()["reference"] == appeal.reference
    denied = candidate.post(f"/api/v1/appeals/{appeal.pk}/decide/", {"decision": "upheld", "reasons": "x"},
                            content_type="application/json")  # fmt: skip
    assert denied.status_code == 403


def test_enq1_the_api_logs_and_answers_an_enquiry(client_for: ClientFor, make_member: Make, rpa_a: RPA) -> None:
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    refused = admin.post("/api/v1/enquiries/", {"channel": "email", "name": "X", "subject": "S", "message": "M"},
                         content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and "email" in refused.json() and not Enquiry.objects.exists()
    made = admin.post(
        "/api/v1/enquiries/",
        {"channel": "email", "name": "X", "email": "x@example.org", "subject": "S", "message": "M"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["reference"].startswith("ENQ-")
    pk = made.json()["id"]
    answered = admin.post(f"/api/v1/enquiries/{pk}/answer/", {"message": "Yes."}, content_type="application/json")
    assert answered.json()["state"] == "answered"
    assert [m["direction"] for m in answered.json()["messages"]] == ["in", "out"]


def test_enq1_app4_the_openapi_schema_documents_the_appeals_api_without_warnings() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for path in (
        "/api/v1/enquiries/",
        "/api/v1/enquiries/{id}/",
        "/api/v1/enquiries/{id}/acknowledge/",
        "/api/v1/enquiries/{id}/answer/",
        "/api/v1/appeals/",
        "/api/v1/appeals/{id}/",
        "/api/v1/appeals/{id}/acknowledge/",
        "/api/v1/appeals/{id}/decide/",
        "/api/v1/referrals/",
        "/api/v1/referrals/{id}/",
    ):
        assert path in paths, path
