"""Hostile form input (issue 10): very long strings, HTML and script, SQL fragments, NUL bytes, right-to-left and
combining Unicode, emoji, impossible dates. Forms answer with their GOV.UK error summary or keep exactly what was
typed (shown escaped, never run); nothing is half-stored; no page answers 500, whatever its query string says."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.core.cache import cache
from django.db import models
from django.test import Client
from django.urls import reverse

from appeals.models import Enquiry
from candidates.models import Candidate, PreparationCourse
from hnap.models import RPA, ClosureDay, School, User
from hnap.roles import Role
from tests.candidates.conftest import course_a, pop_user, school_a  # noqa: F401  (fixtures used below)
from tests.support.routes import all_routes

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("hnap")</script><img src=x onerror=alert(1)>'
TEXT: dict[str, str] = {
    "very-long": "A" * 10_000,
    "script": SCRIPT,
    "sql": "Robert'); DROP TABLE candidates_candidate; --",
    "nul-byte": "Ann\x00Smith",
    "right-to-left": "\u202eevil\u202c name",
    "emoji": "Priya \U0001f469\U0001f3fd\u200d\U0001f3eb",
    "combining": "Zalgo Z\u0337\u0321\u031ba\u0336l\u0338g\u0335o\u0337 e\u0301",
}
# Text a form must refuse whatever the field: NUL cannot be stored in PostgreSQL, 10,000 characters fit no field here.
MUST_REFUSE_TEXT = {"very-long", "nul-byte"}
DATES: dict[str, str] = {
    "30-february": "2026-02-30",
    "year-0": "0000-01-01",
    "month-13": "2026-13-01",
    "five-digit-year": "99999-01-01",
    "far-future": "9999-12-31",
    "not-a-date": "next Tuesday",
    "nul-byte": "2026-01-\x0001",
}
MUST_REFUSE_DATES = {"30-february", "year-0", "month-13", "five-digit-year", "not-a-date", "nul-byte"}


@pytest.fixture(autouse=True)
def fresh_rate_limit() -> Iterator[None]:
    """The public form counts posts per address in the cache: each test starts from none."""
    cache.clear()
    yield


# --- the main forms -----------------------------------------------------------------------------------------------


@dataclass
class FormUnderTest:
    client: Client
    url: str
    body: dict[str, Any]
    model: type[models.Model]


def candidate_application(request: pytest.FixtureRequest, client_for: Callable[[User], Client]) -> FormUnderTest:
    course: PreparationCourse = request.getfixturevalue("course_a")
    school: School = request.getfixturevalue("school_a")
    body = {
        "first_name": "Robin",
        "last_name": "Ashdown",
        "email": "robin.ashdown@example.org",
        "phone": "",
        "date_of_birth": "1986-03-02",
        "school_urn": school.urn,
        "job_title": "Teaching assistant",
        "age_range_from": 5,
        "age_range_to": 11,
        "funding_source": "school",
        "funder_name": "",
        "course": course.pk,
        "nursery_exception_reason": "",
        "disability_disclosure": "",
        "adjustments_requested": "",
    }
    return FormUnderTest(client_for(request.getfixturevalue("pop_user")), reverse("candidate-create"), body, Candidate)


def public_enquiry(request: pytest.FixtureRequest, client_for: Callable[[User], Client]) -> FormUnderTest:
    rpa: RPA = request.getfixturevalue("rpa_a")
    body = {
        "name": "Priya Patel",
        "email": "priya@example.org",
        "phone": "",
        "organisation": "Riverside Primary School",
        "nature": "registration",
        "subject": "Registering before a Level 2 result",
        "message": "Can our teaching assistant register before her Level 2 maths result?",
        "website": "",
    }
    return FormUnderTest(Client(), reverse("rpa-contact", args=[rpa.slug]), body, Enquiry)


def closure_day(request: pytest.FixtureRequest, client_for: Callable[[User], Client]) -> FormUnderTest:
    admin = request.getfixturevalue("make_member")(Role.RPA_ADMIN)
    body = {"day": "2031-01-06", "reason": "Staff training day"}
    return FormUnderTest(client_for(admin), reverse("closureday-create"), body, ClosureDay)


BUILDERS = {
    "candidate-application": candidate_application,
    "public-enquiry": public_enquiry,
    "closure-day": closure_day,
}
# (form, field, kind of values)
FIELDS = [
    ("candidate-application", "first_name", "text"),
    ("candidate-application", "job_title", "text"),
    ("candidate-application", "date_of_birth", "date"),
    ("public-enquiry", "name", "text"),
    ("public-enquiry", "message", "text"),
    ("closure-day", "reason", "text"),
    ("closure-day", "day", "date"),
]
CASES = [
    pytest.param(form, field, value, id=f"{form}-{field}-{value_id}")
    for form, field, kind in FIELDS
    for value_id, value in (TEXT if kind == "text" else DATES).items()
]


def must_refuse(value: str) -> bool:
    return value in {TEXT[k] for k in MUST_REFUSE_TEXT} | {DATES[k] for k in MUST_REFUSE_DATES}


@pytest.mark.parametrize(("form", "field", "value"), CASES)
def test_hostile_input_is_refused_clearly_or_kept_exactly_and_shown_escaped(
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
    rpa_a: RPA,
    form: str,
    field: str,
    value: str,
) -> None:
    target = BUILDERS[form](request, client_for)
    before = target.model._default_manager.count()
    response = target.client.post(target.url, {**target.body, field: value})
    assert response.status_code in (200, 302), response.status_code
    after = target.model._default_manager.count()
    if response.status_code == 200:
        page = response.content.decode()
        assert "govuk-error-summary" in page and f'href="#id_{field}"' in page  # the error names the field
        assert after == before  # nothing half-stored
        assert SCRIPT not in page
        return
    assert not must_refuse(value), f"{value[:40]!r} was accepted"
    assert after == before + 1
    newest = target.model._default_manager.order_by("-pk").first()
    if (form, field) == ("public-enquiry", "message"):
        assert newest.messages.get().body == value  # type: ignore[union-attr]  # the enquiry's first message
    elif isinstance(target.model._meta.get_field(field), models.CharField | models.TextField):
        assert getattr(newest, field) == value  # kept exactly, not cut or altered
    shown = target.client.get(response["Location"]).content.decode()
    assert SCRIPT not in shown  # never put on a page as markup
    if value == SCRIPT and form != "public-enquiry":  # the public form's thanks page does not repeat the enquiry
        assert html.escape(SCRIPT, quote=False) in shown.replace("&quot;", '"').replace("&#x27;", "'")


# --- every page's query string ----------------------------------------------------------------------------------


def _filter_field_names() -> set[str]:
    """The names every list filter or search form of hnap reads from the query string, and the usual extras."""
    names = {"q", "page", "sort", "order", "month", "year", "day", "date", "from", "to", "rpa", "state", "status"}
    stack = list(forms.Form.__subclasses__()) + list(forms.ModelForm.__subclasses__())
    while stack:
        form_class = stack.pop()
        stack.extend(form_class.__subclasses__())
        if "Filter" in form_class.__name__ or "Search" in form_class.__name__:
            names |= set(getattr(form_class, "base_fields", {}))
    return names


QUERY_VALUES = {
    "script-and-sql": SCRIPT + "' OR 1=1; --",
    "nul-byte": "a\x00b",
    "unicode": TEXT["right-to-left"] + TEXT["emoji"] + TEXT["combining"],
    "very-long": "9" * 4000,
    "impossible-date": "2026-02-30",
    "year-0": "0000-01",
    "huge-number": "99999999999999999999999",
}


def _pages() -> list[str]:
    """Every HTML page that takes no id (lists, dashboards, search, the forms' first pages)."""
    skip = {"healthz", "logout", "api-schema", "api-docs"}
    urls = []
    for route in all_routes():
        if route.is_api or route.kwargs or "get" not in route.methods or route.namespace == "admin:":
            continue
        if route.name in skip or route.pattern.startswith(("api/", "static/")):
            continue
        urls.append(route.url())
    return sorted(set(urls))


@pytest.mark.parametrize("value_id", list(QUERY_VALUES))
def test_no_page_answers_500_to_a_hostile_query_string(
    value_id: str, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    """Every filter and search parameter of every page at once, as an RPA administrator; problems are listed."""
    client = client_for(make_member(Role.RPA_ADMIN))
    query = {name: QUERY_VALUES[value_id] for name in _filter_field_names()}
    problems = []
    pages = _pages()
    assert len(pages) > 40 and "/candidates/" in pages and "/deadlines/" in pages  # the walk really covers the lists
    for url in pages:
        response = client.get(url, query)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        elif SCRIPT in response.content.decode(errors="replace"):
            problems.append(f"{url}: the script came back as markup")
    assert not problems, "\n".join(problems)
