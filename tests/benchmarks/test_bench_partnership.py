"""Benchmark of the national dashboard (PART-2, issue 9); run by `make bench`.

Five years of data across every RPA, built with bulk_create in seconds: 30,000 registered candidates, each assessed
with a submitted file and (nine in ten) a confirmed result; a fifth of the files sampled at their month's event with
the moderators' decision (one in eight overturned); 6,000 enquiries and 1,500 appeals. Measured: the national
dashboard over the five years (median of its GETs and its query count, which must not depend on the data), its CSV,
and one RPA's dashboard.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal, AppealDecision, AppealState, Enquiry, EnquiryState
from assessments.factories import AssessorFactory
from assessments.models import Assessment, AssessmentFile, ConfirmedVia, FileState, Outcome, Result, week_start
from candidates.factories import CandidateFactory
from candidates.models import Candidate, CandidateStatus, FundingSource
from hnap.models import RPA, User
from hnap.roles import Role
from hnap.workdays import LONDON
from moderation.factories import ModeratorFactory
from moderation.models import DecisionState, EventState, ModerationDecision, ModerationEvent, SampleEntry, Verdict
from partnership.selectors import month_add
from tests.conftest import sign_in
from tests.support.bench import median_get

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

CANDIDATES = 30_000
MONTHS = 60
ASSESSORS_PER_RPA = 8
ENQUIRIES = 6_000
APPEALS = 1_500
BATCH = 5_000
OUTCOMES = [Outcome.MET] * 7 + [Outcome.NOT_MET, Outcome.PARTIAL, Outcome.FULL]


def _moment(month: date, day: int) -> datetime:
    return datetime.combine(month.replace(day=day), clock(10), tzinfo=LONDON)


STEPS: dict[str, float] = {}


@contextmanager
def _triggers_off() -> Iterator[None]:
    """No trigger fires while the bench's rows are inserted (audit history and foreign-key checks: the rows are
    built consistent here, and their history is not what is measured); the test's transaction discards them."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET session_replication_role")


def _timed_bulk(model: type, rows: Any) -> list[Any]:
    started = time.perf_counter()
    made = model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]
    STEPS[model.__name__] = STEPS.get(model.__name__, 0) + time.perf_counter() - started
    return made


def _five_years(months: list[date]) -> dict[str, int]:
    """Every kind of record the dashboard counts, in bulk (audit triggers off: the history of bench rows is not what
    is measured). Returns how many of some were made."""
    rpas = list(RPA.objects.order_by("pk"))
    places = {}
    for rpa in rpas:
        seed = CandidateFactory(rpa=rpa)  # a school of the RPA's region, a course and its PoP
        assessors = [AssessorFactory(rpa=rpa).pk for _ in range(ASSESSORS_PER_RPA)]
        places[rpa.pk] = (seed, assessors, ModeratorFactory(rpa=rpa))
    with _triggers_off():
        events = ModerationEvent.objects.bulk_create(
            ModerationEvent(rpa=rpa, month=month, held_on=month_add(month, 1), state=EventState.CLOSED)
            for rpa in rpas
            for month in months
        )
        event_of = {(e.rpa_id, e.month): e for e in events}
        candidates = []
        for i in range(CANDIDATES):
            rpa = rpas[i % len(rpas)]
            seed = places[rpa.pk][0]
            month = months[(i // len(rpas)) % len(months)]
            candidates.append(
                Candidate(
                    rpa=rpa,
                    reference=f"HLTA-PART-{i:06d}",
                    first_name="Bench",
                    last_name=f"Candidate {i}",
                    email=f"bench.part{i}@example.org",
                    school_id=seed.school_id,
                    job_title="Teaching assistant",
                    age_range_from=5,
                    age_range_to=11,
                    funding_source=FundingSource.SCHOOL,
                    pop_id=seed.pop_id,
                    course_id=seed.course_id,
                    status=CandidateStatus.REGISTERED,
                    registered_at=_moment(month, 1),
                )
            )
        _timed_bulk(Candidate, candidates)
        assessments = []
        for i, candidate in enumerate(candidates):
            assessors = places[candidate.rpa_id][1]
            starts = candidate.registered_at + timedelta(days=3)
            assessments.append(
                Assessment(
                    rpa_id=candidate.rpa_id,
                    candidate=candidate,
                    assessor_id=assessors[i % len(assessors)],
                    starts_at=starts,
                    week_start=week_start(starts.date()),
                )
            )
        _timed_bulk(Assessment, assessments)
        files = [
            AssessmentFile(
                rpa_id=a.rpa_id,
                assessment=a,
                candidate_id=a.candidate_id,
                assessor_id=a.assessor_id,
                state=FileState.ACCEPTED,
                version_count=1,
                recommended_outcome=OUTCOMES[i % len(OUTCOMES)],
                first_submitted_at=a.starts_at + timedelta(days=1),
                submitted_at=a.starts_at + timedelta(days=1),
                cycle_month=a.starts_at.date().replace(day=1),
            )
            for i, a in enumerate(assessments)
        ]
        _timed_bulk(AssessmentFile, files)
        results = [
            Result(
                rpa_id=f.rpa_id,
                file=f,
                candidate_id=f.candidate_id,
                outcome=f.recommended_outcome,
                confirmed_via=ConfirmedVia.MODERATION if i % 5 == 0 else ConfirmedVia.EVENT_CLOSED,
                confirmed_at=f.submitted_at + timedelta(days=10),
                released_at=f.submitted_at + timedelta(days=11),
            )
            for i, f in enumerate(files)
            if i % 10 != 4
        ]
        _timed_bulk(Result, results)
        entries = [
            SampleEntry(
                rpa_id=f.rpa_id,
                event=event_of[(f.rpa_id, f.cycle_month)],
                file=f,
                origin="mandatory",
                reasons=["not_met"],
                standards=[3, 12],
            )
            for i, f in enumerate(files)
            if i % 5 == 0 and (f.rpa_id, f.cycle_month) in event_of
        ]
        _timed_bulk(SampleEntry, entries)
        _timed_bulk(
            ModerationDecision,
            (
                ModerationDecision(
                    rpa_id=e.rpa_id,
                    entry=e,
                    file=e.file,
                    moderator=places[e.rpa_id][2],
                    judgements={"3": {"agree": True, "note": ""}, "12": {"agree": True, "note": ""}},
                    verdict=Verdict.OVERTURN if i % 8 == 0 else Verdict.ENDORSE,
                    new_outcome=Outcome.FULL if i % 8 == 0 else "",
                    reasons="Bench." if i % 8 == 0 else "",
                    state=DecisionState.CONFIRMED,
                    decided_at=e.file.submitted_at + timedelta(days=8),
                    confirmed_at=e.file.submitted_at + timedelta(days=8),
                )
                for i, e in enumerate(entries)
            ),
        )
        enquiries = []
        for i in range(ENQUIRIES):
            received = _moment(months[i % len(months)], 3 + i % 20)
            answered = received + timedelta(days=5 if i % 6 else 20)
            enquiries.append(
                Enquiry(
                    rpa=rpas[i % len(rpas)],
                    reference=f"ENQ-PART-{i:06d}",
                    channel="web_form",
                    name=f"Enquirer {i}",
                    email=f"enquirer{i}@example.org",
                    subject="When is the next window?",
                    state=EnquiryState.ANSWERED,
                    received_at=received,
                    acknowledge_due_at=received + timedelta(days=4),
                    answer_due_at=received + timedelta(days=14),
                    acknowledged_at=received + timedelta(days=1),
                    answered_at=answered,
                )
            )
        _timed_bulk(Enquiry, enquiries)
        appeals = []
        for i, result in enumerate(results[: APPEALS * 17 : 17]):
            received = result.released_at + timedelta(days=2)
            appeals.append(
                Appeal(
                    rpa_id=result.rpa_id,
                    reference=f"APL-PART-{i:06d}",
                    candidate_id=result.candidate_id,
                    result=result,
                    ground="improper",
                    statement="Bench statement.",
                    evidence="Bench evidence.",
                    state=AppealState.DECIDED,
                    received_at=received,
                    acknowledged_at=received + timedelta(days=1),
                    consider_by=(received + timedelta(days=20)).date(),
                    decision=AppealDecision.UPHELD if i % 4 == 0 else AppealDecision.NOT_UPHELD,
                    decided_at=received + timedelta(days=10 if i % 7 else 30),
                )
            )
        _timed_bulk(Appeal, appeals)
    return {"candidates": len(candidates), "sampled": len(entries), "appeals": len(appeals)}


def test_bench_national_dashboard_five_years_30000_candidates(make_member: Callable[..., User]) -> None:
    this_month = timezone.localdate().replace(day=1)
    months = [month_add(this_month, -offset) for offset in range(MONTHS - 1, -1, -1)]
    started = time.perf_counter()
    made = _five_years(months)
    built = time.perf_counter() - started
    assert made["candidates"] == CANDIDATES and made["appeals"] == APPEALS
    period = {"start": f"{months[0]:%Y-%m}", "end": f"{months[-1]:%Y-%m}"}
    query = f"?start={period['start']}&end={period['end']}"

    partnership = make_member(Role.PARTNERSHIP_ADMIN)
    client = sign_in(Client(), partnership)
    response = client.get(reverse("partnership-dashboard") + query)
    data = response.context["data"]
    assert data.total.registrations == CANDIDATES and data.total.appeals == APPEALS
    assert data.total.sampled == made["sampled"] and data.total.enquiries == ENQUIRIES
    median, queries = median_get(client, reverse("partnership-dashboard") + query, runs=5)
    steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in STEPS.items())
    print(f"\nBENCH partnership_data_build_30000_candidates_5_years {built:.1f} s queries=n/a ({steps})")
    print(f"BENCH national_dashboard_5_years_30000_candidates {median:.0f} ms queries={queries}")
    assert queries <= 20  # a fixed number: one grouped query per kind of record, whatever the five years hold
    median, queries = median_get(client, reverse("partnership-dashboard-export") + query, runs=5)
    print(f"BENCH national_dashboard_csv_5_years_30000_candidates {median:.0f} ms queries={queries}")

    rpa = RPA.objects.order_by("pk").first()
    admin = make_member(Role.RPA_ADMIN, rpa=rpa)
    rpa_client = sign_in(Client(), admin)
    median, queries = median_get(rpa_client, reverse("rpa-dashboard") + query, runs=5)
    print(f"BENCH rpa_dashboard_5_years {median:.0f} ms queries={queries}")
    median, queries = median_get(rpa_client, reverse("rpa-dashboard-assessors") + query, runs=5)
    print(f"BENCH rpa_dashboard_by_assessor_5_years {median:.0f} ms queries={queries}")
