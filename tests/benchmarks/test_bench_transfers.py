"""Benchmark of transfers (RISK-1); run by `make bench`.

Measured: carrying out the transfer of all of an RPA's open work, 1,000 candidates each with their application
(Level 2 evidence, declaration, invoice and payment), a submitted and moderated assessment file (documents, version,
review-pending flag), a released result they appealed, an enquiry and deadlines: about 30 records a candidate. The
median over runs that move the same candidates back and forth, and the queries, which must be the same for 100
candidates as for 1,000 (one bulk update per kind of record).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from candidates.models import Candidate
from hnap.factories import MembershipFactory, RPAFactory, UserFactory
from hnap.models import RPA, Deadline, User
from hnap.roles import Role
from tests.transfers.conftest import whole_candidate
from transfers.discovery import moving_models
from transfers.models import TransferScope
from transfers.services import transfer_execute, transfer_propose

# Each transfer commits, as it does for real: run inside one test transaction, the rows moved back and forth would
# keep every dead version of themselves and each run would be slower than the last.
pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

RUNS = 5
CANDIDATES = 1_000
FEW = 100


def _in_order() -> list[Any]:
    """The moving models, each after every moving model it points to (a copy's references must exist first)."""
    entries, done, ordered = moving_models(), set(), []
    while entries:
        for entry in entries:
            targets = {f.related_model for f in entry.model._meta.concrete_fields if f.is_relation}
            if not (targets & {e.model for e in entries if e is not entry}) - done:
                ordered.append(entry)
                done.add(entry.model)
                entries.remove(entry)
                break
        else:
            raise AssertionError("a cycle among the moving models")
    return ordered


def _clone(template: Candidate, copies: int) -> None:
    """`copies` copies of the candidate and every record that moves with it (and their deadlines), bulk-created model
    by model; unique texts get a suffix; copies have no sign-in of their own."""
    new: dict[tuple[type[models.Model], int], list[int]] = {}
    for entry in _in_order():
        rows = list(entry.model._default_manager.filter(**{f"{entry.path}__in": [template.pk]}).distinct())
        for row in rows:
            made = []
            for i in range(copies):
                copy = _copy(row)
                for field in entry.model._meta.concrete_fields:
                    if field.is_relation and (field.related_model, getattr(row, field.attname)) in new:
                        setattr(copy, field.attname, new[(field.related_model, getattr(row, field.attname))][i])
                    elif field.unique and not field.primary_key and isinstance(field, models.CharField):
                        suffix = f"-{i}"
                        kept = getattr(row, field.attname)[: field.max_length - len(suffix)]
                        setattr(copy, field.attname, f"{kept}{suffix}")
                if entry.model is Candidate:
                    copy.user_id = None
                made.append(copy)
            created = entry.model._default_manager.bulk_create(made, batch_size=500)
            new[(entry.model, row.pk)] = [c.pk for c in created]
            content_type = ContentType.objects.get_for_model(entry.model)
            for deadline in Deadline.objects.filter(content_type=content_type, object_id=row.pk):
                Deadline.objects.bulk_create(
                    (_copy(deadline, object_id=pk) for pk in new[(entry.model, row.pk)]), batch_size=500
                )


def _copy(row: models.Model, **changes: Any) -> Any:
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key}
    return type(row)(**{**values, **changes})


def _open_work(rpa: RPA, count: int) -> None:
    template = whole_candidate(rpa).candidate
    _clone(template, count - 1)


def _admin(rpa: RPA) -> User:
    user = UserFactory()
    MembershipFactory(user=user, role=Role.RPA_ADMIN, rpa=rpa, pop=None)
    return user


def _move(sender: RPA, receiver: RPA, partnership: User) -> tuple[float, int, dict[str, Any]]:
    transfer = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.ALL_OPEN, reason="Closing.",
                                acting_user=_admin(sender))  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        done = transfer_execute(transfer=transfer, acting_user=partnership)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), done.summary


def test_bench_transfer_all_open_work() -> None:
    """RISK-1: all open work of an RPA with 1,000 candidates to another RPA, in one transaction."""
    sender = RPA.objects.get(slug="strictly-education-4s")
    receiver = RPA.objects.get(slug="hlta-north")
    small = RPA.objects.get(slug="university-of-northampton")
    elsewhere = RPAFactory()
    partnership = UserFactory()
    MembershipFactory(user=partnership, role=Role.PARTNERSHIP_ADMIN, rpa=None, pop=None)
    _open_work(sender, CANDIDATES)
    _open_work(small, FEW)
    _, few_queries, few = _move(small, elsewhere, partnership)
    assert few["candidates"] == FEW

    timings, counts, records = [], [], 0
    for run in range(RUNS):
        # Back and forth: the same 1,000 candidates each time.
        there, back = (sender, receiver) if run % 2 == 0 else (receiver, sender)
        elapsed, queries, summary = _move(there, back, partnership)
        assert summary["candidates"] == CANDIDATES
        timings.append(elapsed)
        counts.append(queries)
        records = sum(row["count"] for row in summary["records"].values())
    assert records >= 25 * CANDIDATES
    assert max(counts) <= few_queries, (few_queries, counts)
    print(
        f"\nBENCH transfer_all_open_work_1000_candidates {statistics.median(timings):.0f} ms queries={max(counts)} "
        f"(records moved={records}; {FEW} candidates: queries={few_queries})"
    )
