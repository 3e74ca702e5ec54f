"""DATA-1: the RPA's personal-data breach register: what happened, when found and contained, who was told and
when, whether the ICO was told (with the reason either way), and the 72-hour check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dataprotection.factories import breach_for
from dataprotection.models import Breach
from hnap.models import RPA, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db


def _when(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%d %H:%M")


def test_data1_an_administrator_records_a_breach_and_sees_the_72_hour_check(
    rpa_a: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    client = client_for(admin)
    body = {
        "title": "Assessment file sent to the wrong assessor",
        "what_happened": "A file was attached to an email to the wrong assessor.",
        "data_affected": "One candidate's assessment file.",
        "people_affected": 1,
        "found_at": _when(timedelta(days=-4)),
        "contained_at": _when(timedelta(days=-4, hours=2)),
        "people_told": "The candidate and the RPA lead.",
        "told_at": _when(timedelta(days=-3)),
        "ico_reported": "on",
        "ico_reported_at": _when(timedelta(days=-2)),
        "ico_reason": "Special category data may have been seen.",
    }
    response = client.post(reverse("breach-create"), body)
    assert response.status_code == 302
    breach = Breach.objects.get(rpa=rpa_a)
    assert breach.reference.startswith(f"BR-{rpa_a.pk}-") and breach.recorded_by == admin
    assert breach.ico_check == "in_time"
    detail = client.get(response.url).content.decode()
    assert "Reported in time" in detail and "Special category data" in detail
    listing = client.get(reverse("breach-list")).content.decode()
    assert breach.reference in listing and "Assessment file sent to the wrong assessor" in listing


def test_data1_a_breach_without_the_ico_reason_or_with_impossible_times_is_refused_and_nothing_is_lost(
    rpa_a: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    body = {
        "title": "Lost laptop",
        "what_happened": "A laptop was left on a train.",
        "data_affected": "Encrypted disk.",
        "people_affected": 0,
        "found_at": _when(timedelta(days=-1)),
        "contained_at": _when(timedelta(days=-2)),
        "ico_reported": "on",
        "ico_reason": "",
    }
    response = client.post(reverse("breach-create"), body)
    text = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in text
    assert "A laptop was left on a train." in text  # what was typed is kept
    assert not Breach.objects.exists()


def test_data1_the_72_hour_check(rpa_a: RPA) -> None:
    now = timezone.now()
    assert breach_for(rpa_a, found_at=now - timedelta(hours=10)).ico_check == "due"
    assert breach_for(rpa_a, found_at=now - timedelta(days=5)).ico_check == "not_reported"
    late = breach_for(
        rpa_a, found_at=now - timedelta(days=5), ico_reported=True, ico_reported_at=now - timedelta(days=1)
    )
    assert late.ico_check == "late"
    assert late.ico_due_at == late.found_at + timedelta(hours=72)


def test_data1_the_register_is_the_rpas_own(
    rpa_a: RPA, rpa_b: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    theirs = breach_for(rpa_b, title="Their breach")
    client = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    assert "Their breach" not in client.get(reverse("breach-list")).content.decode()
    assert client.get(reverse("breach-detail", args=[theirs.pk])).status_code == 404
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert senior.get(reverse("breach-list")).status_code == 403
