"""DATA-1: every change to a tracked tenant record is recorded with who, when, before/after and from where.

The history is kept by database triggers (django-pghistory), so changes made by the web, the API, bulk
updates, Celery tasks and management commands are all recorded, each tagged with its source.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pghistory.models
import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from hnap.factories import DeadlineFactory
from hnap.models import RPA, ClosureDay, Deadline, DeadlineState, User
from hnap.roles import Role
from hnap.tasks import deadline_sweep

pytestmark = pytest.mark.django_db


def _events(obj: Any) -> list[Any]:
    return list(pghistory.models.Events.objects.tracks(obj).order_by("pgh_created_at", "pgh_id"))


def _metadata(event: Any) -> dict[str, Any]:
    assert event.pgh_context_id is not None, f"event {event.pgh_label} has no context"
    return dict(event.pgh_context)  # Events.pgh_context is the context's metadata


def _a_weekday_ahead(days: int = 40) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_data1_web_change_is_recorded_with_source_web_and_the_user(
    make_member: Callable[..., User], client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    admin_user = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    day = _a_weekday_ahead()
    response = client_for(admin_user).post("/closure-days/new/", {"day": day.isoformat(), "reason": "INSET day"})
    assert response.status_code == 302, response.content.decode()[:2000]
    closure = ClosureDay.objects.get(rpa=rpa_a, day=day)

    events = _events(closure)
    assert [e.pgh_label for e in events] == ["insert"]
    metadata = _metadata(events[0])
    assert metadata["source"] == "web"
    assert metadata["user"] == admin_user.pk
    assert metadata["url"] == "/closure-days/new/"
    assert events[0].pgh_created_at is not None  # when
    assert events[0].pgh_data["reason"] == "INSET day"  # what


def test_data1_api_change_with_token_auth_is_recorded_with_source_api_and_the_user(
    make_member: Callable[..., User], rpa_a: RPA
) -> None:
    admin_user = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    token = Token.objects.create(user=admin_user)
    day = _a_weekday_ahead(50)
    response = Client().post(
        "/api/v1/closure-days/",
        data=json.dumps({"day": day.isoformat(), "reason": "Staff training"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 201, response.content
    closure = ClosureDay.objects.get(pk=response.json()["id"])
    assert closure.rpa == rpa_a

    events = _events(closure)
    assert [e.pgh_label for e in events] == ["insert"]
    metadata = _metadata(events[0])
    assert metadata["source"] == "api"
    # Token authentication happens after the middleware: the viewset puts the user in the context.
    assert metadata["user"] == admin_user.pk


def test_data1_bulk_queryset_update_is_recorded_with_before_and_after(rpa_a: RPA) -> None:
    deadline = DeadlineFactory(rpa=rpa_a)
    deadline_other = DeadlineFactory(rpa=rpa_a)

    changed = Deadline.objects.filter(pk__in=[deadline.pk, deadline_other.pk]).update(state=DeadlineState.CANCELLED)
    assert changed == 2

    for obj in (deadline, deadline_other):
        events = _events(obj)
        assert [e.pgh_label for e in events] == ["insert", "update"]
        assert events[1].pgh_diff == {"state": [DeadlineState.OPEN.value, DeadlineState.CANCELLED.value]}
        assert events[1].pgh_data["state"] == DeadlineState.CANCELLED.value


def test_data1_bulk_update_inside_audit_source_carries_its_context(rpa_a: RPA) -> None:
    from hnap.audit import audit_source, history_for

    deadline = DeadlineFactory(rpa=rpa_a)
    with audit_source("command", command="fix_deadlines"):
        Deadline.objects.filter(pk=deadline.pk).update(title="Renamed in bulk")
    latest = history_for(obj=deadline)[0]
    assert latest["label"] == "update"
    assert latest["source"] == "command"
    assert latest["detail"] == "fix_deadlines"
    assert latest["diff"]["title"][1] == "Renamed in bulk"


def test_data1_celery_task_change_is_recorded_with_source_task(rpa_a: RPA) -> None:
    now = timezone.now()
    deadline = DeadlineFactory(rpa=rpa_a, due_at=now - timedelta(hours=1), remind_at=now - timedelta(hours=5))

    result = deadline_sweep.apply()
    assert result.successful(), result.traceback
    assert result.get()["breaches"] >= 1

    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.BREACHED
    breach = [e for e in _events(deadline) if e.pgh_label == "update"]
    assert len(breach) == 1
    assert breach[0].pgh_diff["state"] == [DeadlineState.OPEN.value, DeadlineState.BREACHED.value]
    metadata = _metadata(breach[0])
    assert metadata["source"] == "task"
    assert metadata["task"] == "hnap.tasks.deadline_sweep"


def test_data1_management_command_changes_are_recorded_with_source_command() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    deadlines = list(Deadline.objects.filter(kind__startswith="demo."))
    assert deadlines
    for deadline in deadlines:
        events = _events(deadline)
        assert events[0].pgh_label == "insert"
        metadata = _metadata(events[0])
        assert metadata["source"] == "command"
        assert metadata["command"] == "seed_demo"


def test_data1_deadline_detail_page_shows_the_history_table(
    make_member: Callable[..., User], client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    admin_user = make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Auditor")
    deadline = DeadlineFactory(rpa=rpa_a, title="Acknowledge the enquiry")
    client = client_for(admin_user)
    # An update in the context the middleware gives a web request by this user.
    with pghistory.context(source="web", user=admin_user.pk, url="/somewhere/"):
        Deadline.objects.filter(pk=deadline.pk).update(title="Acknowledge the enquiry today")

    response = client.get(f"/deadlines/{deadline.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="govuk-heading-m">History</h2>' in html
    assert "govuk-table" in html
    assert "Ada Auditor" in html  # who
    assert "insert" in html and "update" in html  # what kind of change
    assert "Acknowledge the enquiry today" in html  # before/after
    assert 'web <span class="govuk-body-s">(/somewhere/)</span>' in html  # from where


def test_data1_there_is_no_route_to_edit_or_delete_history(
    make_member: Callable[..., User], client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    # No URL pattern names or exposes history.
    def walk(resolver: Any, prefix: str = "") -> list[str]:
        found = []
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                found += walk(pattern, route)
            else:
                found.append(f"{route} {pattern.name or ''}")
        return found

    # (The technical admin's own per-object "history" pages list its LogEntry, not this audit history.)
    routes = [r for r in walk(get_resolver()) if not r.startswith("admin/")]
    assert routes
    # An audit event model is named <Model>Event (CandidateEvent); "events" alone is moderation's monthly event.
    event_models = [m.__name__.lower() for m in apps.get_models() if issubclass(m, pghistory.models.Event)]
    assert event_models
    squashed = [(r, r.lower().replace("-", "").replace("_", "")) for r in routes]
    assert not [r for r, flat in squashed if "history" in flat or "pgh" in flat or any(e in flat for e in event_models)]
    # The technical admin does not register the event models either.
    assert not [m for m in admin.site._registry if m._meta.app_label == "pghistory" or m.__name__.endswith("Event")]

    # The detail page is read-only: writing to it is refused and the history is untouched.
    admin_user = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    deadline = DeadlineFactory(rpa=rpa_a)
    before = len(_events(deadline))
    client = client_for(admin_user)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"/deadlines/{deadline.pk}/").status_code == 405
    # The API has no history endpoint and deadlines are read-only there.
    token = Token.objects.create(user=admin_user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.delete(f"/api/v1/deadlines/{deadline.pk}/").status_code == 405
    assert api.get(f"/api/v1/deadlines/{deadline.pk}/history/").status_code == 404
    assert len(_events(deadline)) == before
