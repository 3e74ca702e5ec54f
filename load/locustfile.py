"""The load test's people: the roles of the national dataset doing their usual journeys through the real pages.

Run by `make load` (load/run.py), which starts gunicorn, a worker and beat on seed_scale's dataset. Each simulated
person signs in through the real sign-in page with their password and, for staff, the current code of their
authenticator (load/people.py gives each simulated person an account of their own, with the demo TOTP key of
hnap.demo), then walks pages, following
links it finds as a person clicks them. Writes: an assessor saves a file draft (the page's autosave), an RPA
administrator moves a booked assessment to another week (the weekly cap, ASR-6, refuses a full one) and books
candidates waiting for allocation when there are any. A response is a failure when it is a 4xx/5xx or
when it sends a signed-in person back to the sign-in page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

import django
from gevent.lock import Semaphore
from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnap.settings.local")
django.setup()

from django_otp.oath import hotp  # noqa: E402

from hnap.demo import DEMO_PASSWORD, demo_totp_key  # noqa: E402
from hnap.models import RPA  # noqa: E402
from hnap.roles import Role  # noqa: E402
from hnap.scale import scale_sign_ins  # noqa: E402
from load.form_fill import form_fields  # noqa: E402

SIGN_IN = "/accounts/sign-in/"
TWO_FACTOR = "/accounts/two-factor/"
STEP = 30  # seconds of one TOTP code

_accounts: dict[Role, Iterator[str]] = {}
# The last TOTP step used per account: the same person signing in twice within one step would be refused as a
# replay (django-otp), so a second simulated session of that person takes the next step's code, as a person
# would wait for the next code.
_last_step: dict[str, int] = defaultdict(lambda: -1)
_code_locks: dict[str, Semaphore] = defaultdict(Semaphore)


@events.init.add_listener
def _load_accounts(**_: Any) -> None:
    """The accounts of load/people.py (one per simulated person), or the seeded sign-ins when run without it."""
    people_file = os.environ.get("HNAP_LOAD_PEOPLE_FILE")
    by_role: dict[str, list[str]] = defaultdict(list)
    if people_file:
        by_role.update(json.loads(Path(people_file).read_text()))
    else:
        for sign_in in scale_sign_ins(list(RPA.objects.order_by("pk"))):
            by_role[sign_in.role.value].append(sign_in.email)
    from django.db import connection

    connection.close()  # the load itself goes through HTTP only
    for role, emails in by_role.items():
        _accounts[Role(role)] = itertools.cycle(emails)


# Signing in is slow on purpose (PBKDF2, the TOTP check): the pages' own figures are kept apart from it.
_SIGN_IN_NAMES = {"sign-in page", "sign in", "two-factor page", "two-factor code"}
_page_times: list[float] = []


@events.request.add_listener
def _page_time(name: str, response_time: float, exception: Exception | None, **_: Any) -> None:
    if name not in _SIGN_IN_NAMES and exception is None:
        _page_times.append(response_time)


@events.quitting.add_listener
def _write_page_figures(**_: Any) -> None:
    target = os.environ.get("HNAP_LOAD_PAGES_FILE")
    if not target or not _page_times:
        return
    times = sorted(_page_times)
    figures = {
        "requests": len(times),
        "median": times[len(times) // 2],
        "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
    }
    Path(target).write_text(json.dumps(figures))


def _link_ids(html: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, html)))


class Person(HttpUser):
    """A signed-in person of one role; subclasses hold the journeys."""

    abstract = True
    role: ClassVar[Role]
    wait_time = between(1, 4)  # reading a page before the next click

    def on_start(self) -> None:
        self.email = next(_accounts[self.role])
        self.sign_in()

    def sign_in(self) -> None:
        page = self.client.get(SIGN_IN, name="sign-in page")
        token = page.cookies.get("csrftoken") or self.client.cookies.get("csrftoken", "")
        data = {"username": self.email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
        with self.client.post(SIGN_IN, data=data, name="sign in", catch_response=True, allow_redirects=False) as r:
            if r.status_code != 302:
                r.failure(f"sign-in refused for {self.email} ({r.status_code})")
                return
            target = r.headers.get("Location", "")
        if target.startswith(TWO_FACTOR):
            self.two_factor()

    def two_factor(self) -> None:
        page = self.client.get(TWO_FACTOR, name="two-factor page")
        token = self.client.cookies.get("csrftoken", "")
        # One code at a time per person, in step order: a code older than the last one accepted is a replay to
        # django-otp, and a refused code throttles the device for the next attempts.
        with _code_locks[self.email]:
            # Never the previous step's code, though still accepted now: a request queued a few seconds on a busy
            # server could reach the check after that step has left the device's tolerance.
            step = max(int(time.time()) // STEP, _last_step[self.email] + 1)
            while step > int(time.time()) // STEP + 1:  # beyond the device's tolerance of one step: wait for it
                time.sleep(1)
            _last_step[self.email] = step
            code = f"{hotp(bytes.fromhex(demo_totp_key(self.email)), step, digits=6):06d}"
            data = {"token": code, "csrfmiddlewaretoken": token}
            with self.client.post(TWO_FACTOR, data=data, name="two-factor code", catch_response=True) as r:
                if r.status_code != 200 or r.url.endswith(TWO_FACTOR) or SIGN_IN in r.url:
                    r.failure(f"two-factor code refused for {self.email} ({r.status_code}, {page.status_code})")

    def visit(self, path: str, name: str | None = None) -> str:
        """GET a page as a signed-in person; a bounce to the sign-in page is a failure."""
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if SIGN_IN in response.url:
                response.failure("sent back to sign in")
            return response.text if response.ok else ""

    def open_one(self, html: str, pattern: str, template: str, name: str) -> str:
        """Follow one of the page's links of a kind, as a person clicks one."""
        ids = _link_ids(html, pattern)
        return self.visit(template.format(random.choice(ids)), name=name) if ids else ""

    def submit(self, path: str, extra: dict[str, str], name: str) -> Any:
        """Submit the page's form with what it shows (plus `extra`), as a person pressing its button."""
        page = self.client.get(path, name=f"{name} (form)")
        fields = form_fields(page.text)
        if not fields:
            return None
        data = [(k, v) for k, v in fields if k not in extra] + list(extra.items())
        headers = {"Referer": self.client.base_url + path}
        return self.client.post(path, data=data, name=name, allow_redirects=False, headers=headers)


class RpaAdministrator(Person):
    """Lists, searches and details of their RPA; books assessments from the allocation page."""

    role = Role.RPA_ADMIN
    weight = 12

    @task(4)
    def candidates(self) -> None:
        html = self.visit("/candidates/", name="/candidates/")
        self.open_one(html, r'href="/candidates/(\d+)/"', "/candidates/{}/", "/candidates/<id>/")

    @task(2)
    def search(self) -> None:
        query = random.choice(["?status=registered", "?status=submitted", "?school=Academy", "?school=Primary"])
        self.visit(f"/candidates/{query}", name="/candidates/?<search>")

    @task(2)
    def enquiries(self) -> None:
        html = self.visit("/enquiries/", name="/enquiries/")
        self.open_one(html, r'href="/enquiries/(\d+)/"', "/enquiries/{}/", "/enquiries/<id>/")

    @task(2)
    def assessments(self) -> None:
        html = self.visit("/assessments/", name="/assessments/")
        self.open_one(html, r'href="/assessments/(\d+)/"', "/assessments/{}/", "/assessments/<id>/")

    @task(1)
    def dashboards(self) -> None:
        self.visit(random.choice(["/rpa-dashboard/", "/deadlines/", "/assessors/", "/change-reports/"]))

    @task(2)
    def move(self) -> None:
        """Move a booked assessment to another week, from its page's link: ASR-6 refuses a full week."""
        html = self.visit("/assessments/", name="/assessments/")
        ids = _link_ids(html, r'href="/assessments/(\d+)/"')
        if not ids:
            return
        pk = random.choice(ids)
        detail = self.visit(f"/assessments/{pk}/", name="/assessments/<id>/")
        if f'href="/assessments/{pk}/move/"' not in detail:
            return
        day = date.today() + timedelta(days=random.randint(7, 42))
        day -= timedelta(days=max(0, day.weekday() - 4))  # a weekday
        # 302: moved; 200: the page refused it and said why (the assessor's week is full...).
        self.submit(
            f"/assessments/{pk}/move/",
            {"starts_at_date": day.isoformat(), "starts_at_time": "10:00"},
            name="move assessment",
        )

    @task(1)
    def allocate(self) -> None:
        html = self.visit("/assessments/ready/", name="/assessments/ready/")
        ids = _link_ids(html, r'href="/candidates/(\d+)/allocate/')
        if not ids:
            return
        path = f"/candidates/{random.choice(ids)}/allocate/"
        extra = {
            "teacher_name": "Terry Teacher",
            "senior_leader_name": "Sally Senior",
            "starts_at_time": "10:00",
            # Seeded candidates are often not yet paid: the administrator records why it is booked first (PAY-1).
            "unpaid_exception_reason": "Booked ahead of payment: the invoice is with the school (load test).",
        }
        # 302: booked; 200: the page refused it and said why (weekly cap, booked by a colleague a moment ago...);
        # anything else is a failure (locust counts 4xx and 5xx as such).
        self.submit(path, extra, name="allocate")


class SeniorAssessor(Person):
    """Scrutiny queue, files and the assessor register."""

    role = Role.SENIOR_ASSESSOR
    weight = 5

    @task(2)
    def scrutiny(self) -> None:
        self.visit("/assessments/scrutiny/")

    @task(3)
    def files(self) -> None:
        html = self.visit("/assessments/files/", name="/assessments/files/")
        self.open_one(html, r'href="/assessments/files/(\d+)/"', "/assessments/files/{}/", "/assessments/files/<id>/")

    @task(1)
    def register(self) -> None:
        html = self.visit("/assessors/", name="/assessors/")
        self.open_one(html, r'href="/assessors/(\d+)/"', "/assessors/{}/", "/assessors/<id>/")


class Assessor(Person):
    """Their calendar and files; saves a draft of a file part (the page's autosave)."""

    role = Role.ASSESSOR
    weight = 10

    @task(2)
    def calendar(self) -> None:
        self.visit("/my-assessments/")

    @task(3)
    def files(self) -> None:
        html = self.visit("/assessments/files/", name="/assessments/files/")
        self.open_one(html, r'href="/assessments/files/(\d+)/"', "/assessments/files/{}/", "/assessments/files/<id>/")

    @task(2)
    def save_draft(self) -> None:
        """Open a file and, when the page offers to complete it (the assessor's own draft), save a part's draft."""
        html = self.visit("/assessments/files/?state=draft", name="/assessments/files/?state=draft")
        ids = _link_ids(html, r'href="/assessments/files/(\d+)/"')
        if not ids:
            return
        pk = random.choice(ids)
        detail = self.visit(f"/assessments/files/{pk}/", name="/assessments/files/<id>/")
        parts = sorted(set(re.findall(rf'href="(/assessments/files/{pk}/edit/\?part=[\w-]+)"', detail)))
        if not parts:
            return
        path = random.choice(parts)
        page = self.client.get(path, name="/assessments/files/<id>/edit/")
        fields = form_fields(page.text)
        if not fields:
            return
        with self.client.post(
            path,
            data=fields,
            headers={"X-Autosave": "1", "Referer": self.client.base_url + path},
            name="file draft save",
            catch_response=True,
        ) as response:
            if response.status_code != 204:
                response.failure(f"draft save answered {response.status_code}: {response.text[:200]}")


class Moderator(Person):
    """The moderation events, their samples and the reviews pending."""

    role = Role.MODERATOR
    weight = 5

    @task(3)
    def events(self) -> None:
        html = self.visit("/moderation/events/", name="/moderation/events/")
        ids = _link_ids(html, r'href="/moderation/events/(\d+)/"')
        if ids:
            event = random.choice(ids)
            self.visit(f"/moderation/events/{event}/", name="/moderation/events/<id>/")
            self.visit(f"/moderation/events/{event}/sample/", name="/moderation/events/<id>/sample/")

    @task(1)
    def pending(self) -> None:
        self.visit("/moderation/review-pending/")


class PopUser(Person):
    """A Provider of Preparation: its candidates and courses."""

    role = Role.POP_USER
    weight = 5

    @task(3)
    def candidates(self) -> None:
        html = self.visit("/candidates/", name="/candidates/ (PoP)")
        self.open_one(html, r'href="/candidates/(\d+)/"', "/candidates/{}/", "/candidates/<id>/ (PoP)")

    @task(1)
    def courses(self) -> None:
        html = self.visit("/courses/", name="/courses/")
        self.open_one(html, r'href="/courses/(\d+)/"', "/courses/{}/", "/courses/<id>/")


class Candidate(Person):
    """A candidate: their home page, their assessment and their notifications."""

    role = Role.CANDIDATE
    weight = 8

    @task(2)
    def home(self) -> None:
        self.visit("/")

    @task(2)
    def assessment(self) -> None:
        self.visit("/assessments/my-assessment/")

    @task(1)
    def notifications(self) -> None:
        self.visit("/notifications/")


class PartnershipAdministrator(Person):
    """The Partnership's view: the national dashboard, standards, fees and referrals."""

    role = Role.PARTNERSHIP_ADMIN
    weight = 5

    @task(3)
    def dashboard(self) -> None:
        self.visit("/partnership/dashboard/")

    @task(1)
    def settings_pages(self) -> None:
        self.visit(random.choice(["/partnership/standards/", "/partnership/fee/", "/referrals/"]))
