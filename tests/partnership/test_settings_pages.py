"""PART-1 pages: the Partnership administrator sets the national fee and a month's standards (errors re-displayed with
the GOV.UK summary, nothing saved); RPA staff read both pages without the forms and are refused the forms (403)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hnap.models import RPA, NationalFee, NationalSampledStandards, User
from hnap.roles import Role
from moderation.factories import ModerationEventFactory, last_month
from moderation.models import EventState

pytestmark = pytest.mark.django_db


def test_part1_pay2_the_partnership_sets_a_new_fee_from_a_date_and_it_is_listed_with_its_review(
    client_for: Callable[[User], Client], partnership_admin: User
) -> None:
    client = client_for(partnership_admin)
    assert client.get(reverse("partnership-fee-set")).status_code == 200
    start = timezone.localdate() + timedelta(days=20)
    review = start + timedelta(days=365)
    response = client.post(
        reverse("partnership-fee-set"),
        {"amount": "472.50", "effective_from": start.isoformat(), "review_due": review.isoformat()},
    )
    assert response.status_code == 302
    fee = NationalFee.objects.get(effective_from=start)
    assert fee.amount_pence == 47250 and fee.review_due == review and fee.set_by == partnership_admin
    page = client.get(reverse("partnership-fee")).content.decode()
    assert "£472.50" in page and "Scheduled" in page and "In force" in page and "Set a new fee" in page


def test_part1_pay2_a_wrong_fee_is_re_displayed_with_the_reasons_and_nothing_is_saved(
    client_for: Callable[[User], Client], partnership_admin: User
) -> None:
    client = client_for(partnership_admin)
    count = NationalFee.objects.count()
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("partnership-fee-set"),
        {
            "amount": "450",
            "effective_from": yesterday.isoformat(),
            "review_due": (yesterday + timedelta(days=500)).isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "today or a later date" in page
    response = client.post(reverse("partnership-fee-set"), {"amount": "", "effective_from": "", "review_due": ""})
    assert "Enter the fee in pounds" in response.content.decode()
    assert NationalFee.objects.count() == count


def test_part1_mod5_the_partnership_sets_a_months_standards_and_the_page_says_which_events_copied_them(
    client_for: Callable[[User], Client], partnership_admin: User, rpa_a: RPA
) -> None:
    client = client_for(partnership_admin)
    month = last_month()
    url = reverse("partnership-standards-set")
    assert client.get(f"{url}?month={month:%Y-%m}").status_code == 200
    response = client.post(url, {"month": f"{month:%Y-%m}", "standards": ["3", "12"]})
    assert response.status_code == 302
    row = NationalSampledStandards.objects.get(month=month)
    assert sorted(row.standards.values_list("number", flat=True)) == [3, 12]
    ModerationEventFactory(rpa=rpa_a, month=month, state=EventState.OPEN, national_standards=[3, 12])
    page = client.get(reverse("partnership-standards")).content.decode()
    assert f"Opened, standards copied: {rpa_a.name}" in page
    form = client.get(f"{url}?month={month:%Y-%m}").content.decode()
    assert f"already opened for {rpa_a.name}" in form
    refused = client.post(url, {"month": f"{month:%Y-%m}", "standards": ["4"]})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert sorted(row.standards.values_list("number", flat=True)) == [3, 12]
    empty = client.post(url, {"month": "March", "standards": []}).content.decode()
    assert "for example 2027-03" in empty and "Choose at least one standard" in empty


@pytest.mark.parametrize("role", [Role.RPA_ADMIN, Role.SENIOR_ASSESSOR, Role.MODERATOR, Role.ASSESSOR])
def test_part1_rpa_staff_read_the_national_settings_and_cannot_change_them(
    client_for: Callable[[User], Client], make_member: Callable[..., User], rpa_a: RPA, role: Role
) -> None:
    client = client_for(make_member(role, rpa=rpa_a))
    fee_page = client.get(reverse("partnership-fee")).content.decode()
    assert "£450.00" in fee_page and "Set a new fee" not in fee_page
    standards_page = client.get(reverse("partnership-standards"))
    assert standards_page.status_code == 200 and "Set the standards" not in standards_page.content.decode()
    start = timezone.localdate() + timedelta(days=3)
    count, months = NationalFee.objects.count(), NationalSampledStandards.objects.count()
    assert client.get(reverse("partnership-fee-set")).status_code == 403
    body = {"amount": "1", "effective_from": start.isoformat(), "review_due": (start + timedelta(days=9)).isoformat()}
    assert client.post(reverse("partnership-fee-set"), body).status_code == 403
    assert (
        client.post(reverse("partnership-standards-set"), {"month": "2031-01", "standards": ["3"]}).status_code == 403
    )
    assert NationalFee.objects.count() == count and NationalSampledStandards.objects.count() == months


@pytest.mark.parametrize("role", [Role.POP_USER, Role.CANDIDATE])
def test_part1_people_outside_the_rpas_and_partnership_get_403(
    client_for: Callable[[User], Client], make_member: Callable[..., User], pop_a: object, role: Role
) -> None:
    client = client_for(make_member(role, pop=pop_a))
    assert client.get(reverse("partnership-fee")).status_code == 403
    assert client.get(reverse("partnership-standards")).status_code == 403
