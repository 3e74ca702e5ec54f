"""PART-2 and APP-5: the national dashboard (aggregates by RPA and month, no personal data), each RPA's own with its
drill-downs (never another RPA's figures), CSV with formulas neutralised, the period filter, and a constant number of
queries whatever the amount of data."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.factories import AssessorFactory
from assessments.models import Outcome
from candidates.factories import CandidateFactory
from candidates.models import Candidate
from hnap.factories import PreparationProviderFactory, UserFactory
from hnap.models import RPA, User
from hnap.roles import Role
from hnap.workdays import LONDON
from moderation.models import Verdict
from partnership.selectors import dashboard, drill_down, month_add
from tests.support.partnership_data import activity, decided_appeal, enquiries, this_month

pytestmark = pytest.mark.django_db


def rows_of(response: object) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(body.decode())))


def two_rpas(rpa_a: RPA, rpa_b: RPA) -> None:
    """RPA A: one candidate endorsed and one overturned, two enquiries (one late), an appeal decided on time.
    RPA B: three candidates, one overturned, an appeal decided late."""
    activity(rpa_a, last_name="Aardvarkson")
    activity(
        rpa_a, last_name="Abernathy-Quill", outcome=Outcome.MET, verdict=Verdict.OVERTURN, new_outcome=Outcome.FULL
    )
    enquiries(rpa_a)
    decided_appeal(rpa_a, on_time=True)
    for name in ("Bellweather", "Brackenbury"):
        activity(rpa_b, last_name=name)
    activity(rpa_b, last_name="Bumblethorpe", verdict=Verdict.OVERTURN, new_outcome=Outcome.NOT_MET)
    decided_appeal(rpa_b, on_time=False)


def test_part2_app5_the_dashboard_counts_each_rpa_and_month(rpa_a: RPA, rpa_b: RPA) -> None:
    two_rpas(rpa_a, rpa_b)
    month = this_month()
    data = dashboard(rpa_ids=None, start=month_add(month, -2), end=month)
    a, b = data.cell(rpa_a.pk, month), data.cell(rpa_b.pk, month)
    # Each appeal's candidate is registered and has a result this month too.
    assert (a.registrations, a.results, a.files, a.sampled, a.decisions, a.overturns) == (3, 3, 2, 2, 2, 1)
    assert (b.registrations, b.results, b.files, b.sampled, b.decisions, b.overturns) == (4, 4, 3, 3, 3, 1)
    assert a.overturn_rate == 50 and b.overturn_rate == 33 and a.sampled_share == 100
    assert a.met == 1 + 0 and a.full == 1 and a.not_met == 1  # endorsed met, overturned to full, the appeal's not met
    assert (a.enquiries, a.ack_counted, a.ack_on_time, a.answer_counted, a.answer_on_time) == (2, 2, 1, 2, 1)
    assert a.answer_share == 50 and b.enquiries == 0 and b.answer_share is None
    assert (a.appeals, a.appeals_upheld, a.appeals_due, a.appeals_on_time) == (1, 1, 1, 1)
    assert (b.appeals, b.appeals_due, b.appeals_on_time, b.appeals_on_time_share) == (1, 1, 0, 0)
    assert data.cell(rpa_a.pk, month_add(month, -1)).registrations == 0
    assert data.total.registrations == sum(f.registrations for _, f in data.by_rpa) >= 7


def test_part2_a_moment_counts_in_its_month_in_london_time_at_the_months_edges(rpa_a: RPA) -> None:
    """The month of a moment is its month in London (summer time included), as on the RPA's calendar: the dashboard
    places moments by the months' first moments, not by converting each row."""
    edges = [
        datetime(2025, 1, 1, 0, 0, tzinfo=LONDON),  # January's first moment (GMT)
        datetime(2025, 5, 31, 23, 30, tzinfo=LONDON),  # May in London (22:30 UTC)
        datetime(2025, 6, 1, 0, 30, tzinfo=LONDON),  # June in London, 31 May 23:30 UTC
        datetime(2025, 6, 30, 23, 59, tzinfo=LONDON),  # June's last minute
        datetime(2025, 7, 1, 0, 0, tzinfo=LONDON),  # after the period
        datetime(2024, 12, 31, 23, 59, tzinfo=LONDON),  # before the period
    ]
    for moment in edges:
        candidate = CandidateFactory(rpa=rpa_a)
        Candidate.objects.filter(pk=candidate.pk).update(registered_at=moment)
    data = dashboard(rpa_ids=[rpa_a.pk], start=date(2025, 1, 1), end=date(2025, 6, 1))
    counted = {month: data.cell(rpa_a.pk, month).registrations for month in data.months}
    assert counted == {date(2025, m, 1): n for m, n in ((1, 1), (2, 0), (3, 0), (4, 0), (5, 1), (6, 2))}
    assert data.total.registrations == 4


def test_part2_the_period_filter_leaves_out_other_months(
    client_for: Callable[[User], Client], partnership_admin: User, rpa_a: RPA
) -> None:
    old = month_add(this_month(), -14)
    activity(rpa_a, month=old, last_name="Oldcastle")
    activity(rpa_a, last_name="Newcombe")
    default = dashboard(rpa_ids=[rpa_a.pk], start=month_add(this_month(), -11), end=this_month())
    assert default.total.registrations == 1
    client = client_for(partnership_admin)
    page = client.get(reverse("partnership-dashboard"), {"start": f"{old:%Y-%m}", "end": f"{old:%Y-%m}"})
    assert page.status_code == 200 and f"{old:%B %Y}" in page.content.decode()
    assert page.context["data"].total.registrations == 1 and page.context["data"].months == [old]
    wrong = client.get(reverse("partnership-dashboard"), {"start": "2026-05", "end": "2026-01"}).content.decode()
    assert "govuk-error-summary" in wrong and "the same month as the start or later" in wrong


def test_part2_the_national_dashboard_and_its_csv_hold_no_candidates_personal_data(
    client_for: Callable[[User], Client], partnership_admin: User, rpa_a: RPA, rpa_b: RPA
) -> None:
    two_rpas(rpa_a, rpa_b)
    client = client_for(partnership_admin)
    page = client.get(reverse("partnership-dashboard")).content.decode()
    export = client.get(reverse("partnership-dashboard-export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    text = export.content.decode()
    assert rpa_a.name in page and rpa_b.name in page and rpa_a.name in text
    for candidate in Candidate.objects.all():
        for value in (candidate.first_name, candidate.last_name, candidate.email, candidate.reference):
            assert value not in page and value not in text, value
        assert f"/candidates/{candidate.pk}/" not in page
    for secret in ("Enid Enquiring", "enid.enquiring@example.org", "Larry Late", "Appellantine"):
        assert secret not in page and secret not in text
    assert "<svg" in page and 'role="img"' in page and "by-rpa-table" in page


def test_part2_an_rpas_dashboard_never_shows_another_rpas_figures(
    client_for: Callable[[User], Client], admin_a: User, rpa_a: RPA, rpa_b: RPA
) -> None:
    two_rpas(rpa_a, rpa_b)
    b_assessor = AssessorFactory(rpa=rpa_b, user=UserFactory(full_name="Bartholomew Bassessor"))
    b_pop = PreparationProviderFactory(name="Borealis Preparation")
    b_pop.rpas.add(rpa_b)
    activity(rpa_b, assessor=b_assessor, pop=b_pop, last_name="Bystander")
    client = client_for(admin_a)
    for wanted in ("", rpa_b.slug):  # naming another RPA in the URL changes nothing
        response = client.get(reverse("rpa-dashboard"), {"rpa": wanted} if wanted else {})
        page = response.content.decode()
        assert response.status_code == 200 and response.context["rpa"] == rpa_a
        assert rpa_b.name not in page
        data = response.context["data"]
        assert [name for _, name in data.rpas] == [rpa_a.name]
        assert data.total.registrations == 3 and data.total.overturns == 1 and data.total.appeals == 1
    rows = rows_of(client.get(reverse("rpa-dashboard-export"), {"rpa": rpa_b.slug}))
    assert rows and {row["RPA"] for row in rows} == {rpa_a.name}
    assert sum(int(row["Registrations"]) for row in rows) == 3
    for name in ("rpa-dashboard-assessors", "rpa-dashboard-pops"):
        page = client.get(reverse(name), {"rpa": rpa_b.slug}).content.decode()
        assert "Bartholomew Bassessor" not in page and "Borealis Preparation" not in page and rpa_b.name not in page


def test_part2_the_rpa_drill_down_counts_each_assessor_and_pop(
    client_for: Callable[[User], Client], admin_a: User, rpa_a: RPA
) -> None:
    ann = AssessorFactory(rpa=rpa_a, user=UserFactory(full_name="Ann Assessor"))
    bob = AssessorFactory(rpa=rpa_a, user=UserFactory(full_name="Bob Assessor"))
    pop = PreparationProviderFactory(name="Meadow Preparation")
    pop.rpas.add(rpa_a)
    activity(rpa_a, assessor=ann, pop=pop)
    activity(rpa_a, assessor=ann, verdict=Verdict.OVERTURN, new_outcome=Outcome.FULL)
    activity(rpa_a, assessor=bob, pop=pop)
    by_assessor = {
        row.name: row.figures
        for row in drill_down(rpa_id=rpa_a.pk, start=this_month(), end=this_month(), by="assessor")
    }
    assert (by_assessor["Ann Assessor"].assessments, by_assessor["Ann Assessor"].overturns) == (2, 1)
    assert by_assessor["Ann Assessor"].overturn_rate == 50 and by_assessor["Bob Assessor"].sampled == 1
    by_pop = {
        row.name: row.figures for row in drill_down(rpa_id=rpa_a.pk, start=this_month(), end=this_month(), by="pop")
    }
    assert by_pop["Meadow Preparation"].registrations == 2 and by_pop["Meadow Preparation"].results == 2
    client = client_for(admin_a)
    page = client.get(reverse("rpa-dashboard-assessors")).content.decode()
    assert "Ann Assessor" in page and "<svg" in page and 'id="assessor-table"' in page
    assert "Meadow Preparation" in client.get(reverse("rpa-dashboard-pops")).content.decode()


def test_part2_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
    client_for: Callable[[User], Client], partnership_admin: User, rpa_b: RPA
) -> None:
    RPA.objects.filter(pk=rpa_b.pk).update(name='=HYPERLINK("http://example.org")')
    activity(rpa_b, last_name="Formulaic")
    rows = rows_of(client_for(partnership_admin).get(reverse("partnership-dashboard-export")))
    names = {row["RPA"] for row in rows}
    assert '\'=HYPERLINK("http://example.org")' in names and not any(n.startswith("=") for n in names)


@pytest.mark.parametrize("role", [Role.RPA_ADMIN, Role.SENIOR_ASSESSOR, Role.MODERATOR, Role.ASSESSOR, Role.POP_USER])
def test_part2_only_the_partnership_sees_the_national_dashboard(
    client_for: Callable[[User], Client], make_member: Callable[..., User], rpa_a: RPA, pop_a: object, role: Role
) -> None:
    client = client_for(make_member(role, rpa=rpa_a, pop=pop_a))
    assert client.get(reverse("partnership-dashboard")).status_code == 403
    assert client.get(reverse("partnership-dashboard-export")).status_code == 403


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_ADMIN, Role.SENIOR_ASSESSOR, Role.MODERATOR, Role.POP_USER])
def test_part2_only_an_rpas_administrators_see_its_dashboard(
    client_for: Callable[[User], Client], make_member: Callable[..., User], rpa_a: RPA, pop_a: object, role: Role
) -> None:
    client = client_for(make_member(role, rpa=rpa_a if role in Role.rpa_roles() else None, pop=pop_a))
    for name in ("rpa-dashboard", "rpa-dashboard-export", "rpa-dashboard-assessors", "rpa-dashboard-pops"):
        assert client.get(reverse(name)).status_code == 403, name


def test_part2_the_dashboards_take_the_same_number_of_queries_whatever_the_data(
    client_for: Callable[[User], Client], partnership_admin: User, admin_a: User, rpa_a: RPA, rpa_b: RPA
) -> None:
    urls = [
        (partnership_admin, reverse("partnership-dashboard")),
        (partnership_admin, reverse("partnership-dashboard-export")),
        (admin_a, reverse("rpa-dashboard")),
        (admin_a, reverse("rpa-dashboard-assessors")),
        (admin_a, reverse("rpa-dashboard-pops")),
    ]
    clients = {user.pk: client_for(user) for user in (partnership_admin, admin_a)}

    def counts() -> list[int]:
        result = []
        for user, url in urls:
            client = clients[user.pk]
            client.get(url)  # warm the session and content types
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    activity(rpa_a)
    few = counts()
    for _ in range(4):
        activity(rpa_a, assessor=AssessorFactory(rpa=rpa_a), pop=PreparationProviderFactory())
        activity(rpa_b)
    enquiries(rpa_a)
    decided_appeal(rpa_a)
    decided_appeal(rpa_b)
    assert counts() == few
