"""ASR-6 under real concurrency: twenty simultaneous bookings of one assessor's week against PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from assessments.factories import AssessorFactory, at
from assessments.models import WEEKLY_CAP, Assessment, AssessmentState
from assessments.services import assessment_book
from candidates.factories import ready_candidate

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 20


def test_asr6_twenty_simultaneous_bookings_of_one_week_book_exactly_the_free_slots(rpa_a) -> None:
    assessor = AssessorFactory(rpa=rpa_a)
    candidates = [ready_candidate(rpa=rpa_a) for _ in range(REQUESTS)]
    day = timezone.localdate() + timedelta(days=50)
    day -= timedelta(days=day.weekday())  # a Monday: every booking lands in the same week
    # One booking is already there: four slots are free.
    assessment_book(candidate=candidates[0], assessor=assessor, starts_at=at(day, 9), acting_user=None,
                    confirm_outside_window=True)  # fmt: skip
    start = threading.Barrier(REQUESTS - 1)
    booked: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def book(index: int) -> None:
        try:
            start.wait()
            assessment = assessment_book(
                candidate=candidates[index],
                assessor=assessor,
                starts_at=at(day + timedelta(days=index % 7), 9 + index % 8),
                acting_user=None,
                confirm_outside_window=True,
            )
            with lock:
                booked.append(assessment.pk)
        except ValidationError as error:
            with lock:
                refused.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(1, REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(booked) == WEEKLY_CAP - 1
    assert len(refused) == REQUESTS - WEEKLY_CAP
    assert all("the limit is 5" in message and "recorded reason" in message for message in refused)
    in_week = Assessment.objects.filter(assessor=assessor, state=AssessmentState.BOOKED, week_start=day)
    assert in_week.count() == WEEKLY_CAP
