"""The tenant-isolation matrix: every route of the project, for every role, against another RPA's records.

Routes are found by walking the URL resolver (tests/support/routes.py says how to exercise each one);
a new route that is neither a tenant route with a known model nor explicitly exempt fails this suite.
For each role held in RPA A (and a PoP user of PoP A, a Partnership administrator, a candidate of A):
- reads and writes of RPA B's records answer 404, byte for byte like an id that does not exist, and
  name nothing of the record (its title, its id);
- lists and searches never include RPA B's records;
- within RPA A, a role without the permission (hnap.roles.ROLE_GRANTS) gets 403.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from hnap.api.base import _METHOD_ACTIONS
from hnap.factories import DeadlineFactory
from hnap.models import RPA, Deadline, PreparationProvider, User
from hnap.roles import ROLE_GRANTS, Action, Role, Scope
from hnap.tenant_views import TenantDetailView
from tests.support.routes import (
    EXEMPT_ROUTES,
    ROUTE_PAYLOADS,
    TENANT_MODELS,
    Classified,
    Route,
    Setting,
    classified_routes,
    classify,
    unused_exemptions,
)

pytestmark = pytest.mark.django_db

MISSING_PK = 2_000_000_000  # an id no record has
WRITE_METHODS = ("post", "put", "patch", "delete")


# --- the people and the records ---------------------------------------------------------------------


@pytest.fixture
def people(make_member: Callable[..., User], rpa_a: RPA, pop_a: PreparationProvider) -> dict[str, User]:
    """One person per role: the four RPA roles and a candidate in RPA A, a PoP user of PoP A, a Partnership admin."""
    people = {role: make_member(role, rpa=rpa_a) for role in Role.rpa_roles()}
    people[Role.POP_USER] = make_member(Role.POP_USER, pop=pop_a)
    people[Role.PARTNERSHIP_ADMIN] = make_member(Role.PARTNERSHIP_ADMIN)
    people[Role.CANDIDATE] = make_member(Role.CANDIDATE, rpa=rpa_a)
    return people


class Records:
    """One record of each tenant model in RPA A and one in RPA B, each carrying a unique marker text."""

    def __init__(self, rpa_a: RPA, rpa_b: RPA) -> None:
        self.a: dict[type, Any] = {}
        self.b: dict[type, Any] = {}
        self.marker: dict[Any, str] = {}
        for model, spec in TENANT_MODELS.items():
            for rpa, store in ((rpa_a, self.a), (rpa_b, self.b)):
                marker = f"{rpa.slug} {model._meta.model_name} secret {uuid4().hex[:10]}"
                store[model] = spec.make(rpa, marker)
                self.marker[store[model]] = marker

    def b_markers(self) -> list[str]:
        return [self.marker[obj] for obj in self.b.values()]


@pytest.fixture
def records(rpa_a: RPA, rpa_b: RPA) -> Records:
    return Records(rpa_a, rpa_b)


# --- what ROLE_GRANTS says (read directly, independently of hnap.access) -----------------------------


def grant_of(role: str, model: type) -> Any:
    return ROLE_GRANTS.get(role, {}).get(model._meta.label_lower)


def role_may(role: str, model: type, action: Action) -> bool:
    grant = grant_of(role, model)
    return bool(grant and action in grant.actions)


def sees_every_rpa(role: str, model: type) -> bool:
    """A Partnership-level grant (Scope.ALL) reaches every RPA's records of the model (e.g. the Partnership sets the
    peer-review pairings of all RPAs, PEER-2): RPA B's records are no secret from that role."""
    grant = grant_of(role, model)
    return bool(grant and grant.scope is Scope.ALL and Action.VIEW in grant.actions)


def member_of_rpa(role: str) -> bool:
    return role in Role.rpa_roles() or role == Role.CANDIDATE


def expected_on_own_record(role: str, model: type, action: Action, action_model: type | None = None) -> int:
    """The status for a record of the role's own RPA (owned by nobody, so OWN scope does not reach it). A view with
    an `action_model` finds the record by VIEW and checks its action on that model's grant."""
    grant = grant_of(role, model)
    if not (grant and Action.VIEW in grant.actions and grant.scope in (Scope.RPA, Scope.ALL)):
        return 403 if member_of_rpa(role) else 404
    if action_model is not None:
        return 200 if role_may(role, action_model, action) else 403
    return 200 if action is Action.VIEW or action in grant.actions else 403


def route_action(route: Route, method: str) -> Action:
    if route.is_api:
        # An extra action may declare what its write does to the record (hnap.api.base `tenant_action`).
        declared = route.callback.initkwargs.get("tenant_action")
        return Action(declared) if declared and method != "get" else _METHOD_ACTIONS[method.upper()]
    return Action(getattr(route.view, "action", Action.VIEW))


# --- requests and bodies -----------------------------------------------------------------------------


def send(client: Client, route: Route, method: str, url: str, payload: dict[str, Any] | None = None) -> Any:
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    if route.is_api:
        return getattr(client, method)(url, data=payload or {}, content_type="application/json")
    if method == "post":
        return client.post(url, data=payload or {})
    return getattr(client, method)(url, data="", content_type="application/x-www-form-urlencoded")


def normalised(response: Any, url: str) -> str:
    """The body without what differs on every render (CSRF tokens, nonces) or echoes the request path."""
    text = response.content.decode(errors="replace")
    text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1<csrf>", text)
    text = re.sub(r'(nonce=")[^"]*', r"\1<nonce>", text)
    return text.replace(url, "<url>")


def id_leaks(body: str, pk: int, detail_urls: list[str], *, json_id: bool) -> list[str]:
    """Ways the body names the record's id: its detail URLs, or (`json_id`) an `"id": pk` in JSON."""
    found = [url for url in detail_urls if url in body]
    if json_id and re.search(rf'"id"\s*:\s*"?{pk}(?!\d)', body):
        found.append(f'"id": {pk}')
    return found


# --- the matrix --------------------------------------------------------------------------------------


class Matrix:
    """Runs every check of one role on one route, collecting failures rather than stopping at the first."""

    def __init__(self, routes: list[Classified], records: Records, rpa_b: RPA, setting: Setting) -> None:
        self.routes = routes
        self.records = records
        self.rpa_b = rpa_b
        self.setting = setting
        self.failures: list[str] = []
        self.pairs = 0
        self.requests = 0

    def payload(self, route: Route, model: type) -> dict[str, Any]:
        """A valid body for this route: its own override, or one for the model, written in RPA A / PoP A."""
        maker = ROUTE_PAYLOADS.get(route.name or "")
        return maker(self.setting) if maker else TENANT_MODELS[model].payload(self.setting)

    def fail(self, role: str, route: Route, method: str, url: str, what: str) -> None:
        self.failures.append(f"[{role}] {method.upper()} {url} ({route}): {what}")

    def detail_urls(self, model: type, pk: int) -> list[str]:
        return [c.route.url(pk=pk) for c in self.routes if c.model is model and c.route.object_kwargs]

    def check_no_leak(
        self, role: str, route: Route, method: str, url: str, body: str, model: type | None = None
    ) -> None:
        """No marker of RPA B's records, no link to one, no JSON id of the route's own model's B record."""
        for b_model, obj in self.records.b.items():
            if sees_every_rpa(role, b_model):
                continue
            if self.records.marker[obj] in body:
                self.fail(role, route, method, url, f"shows RPA B's record {self.records.marker[obj]!r}")
            for leak in id_leaks(body, obj.pk, self.detail_urls(b_model, obj.pk), json_id=b_model is model):
                self.fail(role, route, method, url, f"names RPA B's {b_model._meta.model_name} id: {leak}")

    def run(self, role: str, client: Client) -> None:
        for classified in self.routes:
            self.pairs += 1
            route, model = classified.route, classified.model
            assert model is not None
            if route.object_kwargs:
                self.other_rpa_record(role, client, route, model)
                self.own_rpa_record(role, client, route, model)
            else:
                self.collection(role, client, route, model)

    def other_rpa_record(self, role: str, client: Client, route: Route, model: type) -> None:
        """Every method on RPA B's record answers exactly like a missing id (404 where the route answers it)."""
        if sees_every_rpa(role, model):
            return  # the role reaches every RPA's records of this model (checked as its own RPA's instead)
        obj = self.records.b[model]
        before = model_to_dict(obj)
        url, missing_url = route.url(pk=obj.pk), route.url(pk=MISSING_PK)
        for method in ("get", *WRITE_METHODS):
            payload = {**self.payload(route, model), "rpa": obj.rpa_id}
            response = send(client, route, method, url, payload)
            missing = send(client, route, method, missing_url, payload)
            self.requests += 2
            if method in route.methods and response.status_code != 404:
                self.fail(role, route, method, url, f"answered {response.status_code}, not 404")
            body, missing_body = normalised(response, url), normalised(missing, missing_url)
            if (response.status_code, body) != (missing.status_code, missing_body):
                self.fail(
                    role,
                    route,
                    method,
                    url,
                    (
                        f"answers unlike a missing id: {response.status_code} vs {missing.status_code}, "
                        f"bodies {'differ' if body != missing_body else 'match'}"
                    ),
                )
            self.check_no_leak(role, route, method, url, body, model)
            refreshed = model._default_manager.filter(pk=obj.pk).first()
            if refreshed is None or model_to_dict(refreshed) != before:
                self.fail(role, route, method, url, "changed RPA B's record")

    def own_rpa_record(self, role: str, client: Client, route: Route, model: type) -> None:
        """RPA A's record: what ROLE_GRANTS allows answers 200; the rest 403 (404 for people outside the RPA)."""
        obj = self.records.a[model]
        url = route.url(pk=obj.pk)
        for method in route.methods:
            action = route_action(route, method)
            expected = expected_on_own_record(role, model, action, getattr(route.view, "action_model", None))
            if expected == 200 and action is not Action.VIEW:
                continue  # an allowed write would change the record the other checks use
            response = send(client, route, method, url, self.payload(route, model))
            self.requests += 1
            if response.status_code != expected:
                self.fail(role, route, method, url, f"answered {response.status_code}, ROLE_GRANTS says {expected}")
            body = normalised(response, url)
            if expected == 200 and self.records.marker[obj] not in body:
                self.fail(role, route, method, url, "does not show the record it answered 200 for")
            self.check_no_leak(role, route, method, url, body, model)

    def later_page_lists(self, role: str, client: Client, route: Route, model: type, base: str, marker: str) -> bool:
        """Whether a later page of a paginated list shows the record (every registry adds records of RPA A, which
        can push the matrix's own past the first page); each page is checked for leaks too."""
        for number in range(2, 21):
            url = f"{base}?page={number}"
            response = client.get(url)
            self.requests += 1
            if response.status_code != 200:
                return False  # past the last page
            body = normalised(response, url)
            self.check_no_leak(role, route, "get", url, body, model)
            if marker in body:
                return True
        return False

    def collection(self, role: str, client: Client, route: Route, model: type) -> None:
        """Lists and searches show no RPA B record; creating never lands in RPA B; no permission: 403."""
        # Search for B's marker without its unique tail: a leak shows the whole marker, the echo of the
        # search box does not.
        b_search = self.records.marker[self.records.b[model]].rsplit(" ", 1)[0]
        for method in route.methods:
            action = route_action(route, method)
            allowed = role_may(role, model, action)
            if method == "get":
                base = route.url()
                for url in (base, f"{base}?q={b_search}&search={b_search}&rpa={self.rpa_b.slug}&page=1"):
                    response = client.get(url)
                    self.requests += 1
                    expected = 200 if allowed else 403
                    if response.status_code != expected:
                        self.fail(
                            role, route, method, url, f"answered {response.status_code}, ROLE_GRANTS says {expected}"
                        )
                    body = normalised(response, url)
                    self.check_no_leak(role, route, method, url, body, model)
                    a_marker = self.records.marker[self.records.a[model]]
                    shows_all_of_a = expected_on_own_record(role, model, Action.VIEW) == 200
                    must_list = url == base and action is Action.VIEW and shows_all_of_a and a_marker not in body
                    if must_list and not self.later_page_lists(role, client, route, model, base, a_marker):
                        self.fail(role, route, method, url, "does not list RPA A's record (is the check blind?)")
            else:
                url = f"{route.url()}?rpa={self.rpa_b.slug}"
                in_b = model._default_manager.filter(rpa=self.rpa_b).count()
                payload = {**self.payload(route, model), "rpa": self.rpa_b.pk, "rpa_id": self.rpa_b.pk}
                response = send(client, route, method, url, payload)
                self.requests += 1
                if not allowed and response.status_code != 403:
                    self.fail(role, route, method, url, f"answered {response.status_code}, ROLE_GRANTS says 403")
                if allowed and method == "post" and response.status_code not in (201, 302):
                    self.fail(role, route, method, url, f"did not create ({response.status_code})")
                if response.status_code >= 500:
                    self.fail(role, route, method, url, f"server error {response.status_code}")
                if model._default_manager.filter(rpa=self.rpa_b).count() != in_b and not sees_every_rpa(role, model):
                    self.fail(role, route, method, url, "created a record in RPA B")
                self.check_no_leak(role, route, method, url, normalised(response, url), model)
                if response.status_code == 302:
                    client.get(response.url)  # show (and so clear) the success message before the next checks


def _selected(route: Any) -> bool:
    """Whether the run covers this route: all of them, unless HNAP_MATRIX_ONLY names pattern fragments (a developer
    iterating on one app's routes; `make test` and CI never set it)."""
    only = [part for part in os.environ.get("HNAP_MATRIX_ONLY", "").split(",") if part]
    return not only or any(part in route.pattern for part in only)


def test_every_route_keeps_other_rpas_records_out_for_every_role(
    people: dict[str, User],
    records: Records,
    rpa_a: RPA,
    rpa_b: RPA,
    pop_a: PreparationProvider,
    client_for: Callable[[User], Client],
) -> None:
    routes = classified_routes()
    unregistered = [c.problem for c in routes if c.kind == "unregistered"]
    assert not unregistered, "\n".join(unregistered)
    tenant = [c for c in routes if c.kind == "tenant" and _selected(c.route)]
    matrix = Matrix(tenant, records, rpa_b, Setting(rpa=rpa_a, pop=pop_a))
    exempt = [
        c.route
        for c in routes
        if c.kind == "exempt"
        and not c.route.kwargs
        and "get" in c.route.methods
        # the admin only redirects non-staff; /healthz probes the worker with a timeout and is anonymous
        and c.route.namespace != "admin:"
        and c.route.name != "healthz"
        and _selected(c.route)
    ]
    exempt_pairs = 0
    for role, user in people.items():
        client = client_for(user)
        matrix.run(role, client)
        # Non-tenant pages hold no tenant records: none of RPA B's may show up there either.
        for route in exempt:
            exempt_pairs += 1
            response = client.get(route.url())
            if response.status_code == 500:
                matrix.fail(role, route, "get", route.url(), "server error")
            matrix.check_no_leak(role, route, "get", route.url(), normalised(response, route.url()))

    print(
        f"\ntenant-isolation matrix: {matrix.pairs} (route, role) pairs over tenant routes, "
        f"{exempt_pairs} over exempt pages, {matrix.requests} requests, {len(people)} roles"
    )
    assert matrix.pairs > 0
    assert not matrix.failures, f"{len(matrix.failures)} isolation failures:\n" + "\n".join(matrix.failures)


# --- the registry guards itself ---------------------------------------------------------------------


def test_every_route_is_classified_as_tenant_or_explicitly_exempt() -> None:
    routes = classified_routes()
    problems = [c.problem for c in routes if c.kind == "unregistered"]
    assert not problems, "\n".join(problems)
    kinds = {c.kind for c in routes}
    assert kinds == {"tenant", "exempt"}
    tenant_views = {c.route.view for c in routes if c.kind == "tenant"}
    assert {view.__name__ for view in tenant_views} >= {
        "DeadlineDashboardView",
        "DeadlineDetailView",
        "ClosureDayListView",
        "ClosureDayCreateView",
        "ClosureDayDetailView",
        "DeadlineViewSet",
        "ClosureDayViewSet",
    }
    # The DRF router's routes (with and without a format suffix) are found too.
    assert any(
        c.route.pattern.startswith("api/v1/") and "format" in c.route.kwargs and c.kind == "tenant" for c in routes
    )


def test_every_exemption_still_names_a_route() -> None:
    assert unused_exemptions(classified_routes()) == []
    assert all(reason.strip() for reason in EXEMPT_ROUTES.values())


def test_an_unknown_route_is_reported_as_unregistered() -> None:
    def dummy(request: Any) -> HttpResponse:
        return HttpResponse("hello")

    pattern = path("brand-new/", dummy, name="brand-new")
    verdict = classify(Route(pattern=str(pattern.pattern), name=pattern.name, callback=pattern.callback))
    assert verdict.kind == "unregistered"
    assert "tests/support/routes.py" in verdict.problem and "brand-new" in verdict.problem


def test_a_tenant_view_of_a_model_without_a_factory_is_reported() -> None:
    from hnap.models import DeadlineNotice

    class NoticeDetailView(TenantDetailView):
        model = DeadlineNotice

    pattern = path("notices/<int:pk>/", NoticeDetailView.as_view(), name="notice-detail")
    verdict = classify(Route(pattern=str(pattern.pattern), name=pattern.name, callback=pattern.callback))
    assert verdict.kind == "unregistered"
    assert "TENANT_MODELS" in verdict.problem


def test_a_plain_view_of_a_tenant_model_is_reported_even_when_exempted() -> None:
    from django.views.generic import ListView

    class LeakyListView(ListView):  # type: ignore[type-arg]
        model = Deadline

    pattern = path("", LeakyListView.as_view(), name="home")  # borrows an exempt name
    verdict = classify(Route(pattern=str(pattern.pattern), name=pattern.name, callback=pattern.callback))
    assert verdict.kind == "unregistered"
    assert "TenantScopedMixin" in verdict.problem


# --- query counts do not grow with the rows ---------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", ["/deadlines/", "/api/v1/deadlines/"])
def test_restricted_deadline_lists_use_a_constant_number_of_queries(
    url: str, make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    client = client_for(admin)
    DeadlineFactory.create_batch(10, rpa=rpa_a, responsible=admin)
    DeadlineFactory.create_batch(5, rpa=rpa_b)
    client.get(url)  # warm the per-process caches (content types)
    few = count_queries(client, url)
    assert Deadline.objects.restrict(admin, Action.VIEW).count() == 10
    DeadlineFactory.create_batch(290, rpa=rpa_a, responsible=admin)
    DeadlineFactory.create_batch(50, rpa=rpa_b)
    many = count_queries(client, url)
    assert Deadline.objects.restrict(admin, Action.VIEW).count() == 300
    assert few == many, f"{url}: {few} queries for 10 deadlines but {many} for 300"
