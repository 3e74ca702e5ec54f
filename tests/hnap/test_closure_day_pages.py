"""The closure-day form: a day refused by the service re-displays the form with its error, and nothing stays."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from hnap.factories import ClosureDayFactory
from hnap.models import RPA, ClosureDay, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db


def test_a_refused_closure_day_redisplays_the_form_with_the_error(
    make_member: Callable[..., User], client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    existing = ClosureDayFactory(rpa=rpa_a)
    response = client_for(admin).post("/closure-days/new/", {"day": existing.day.isoformat(), "reason": "Again"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert ClosureDay.objects.filter(rpa=rpa_a).count() == 1
