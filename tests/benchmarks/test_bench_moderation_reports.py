"""Benchmarks of moderation's reports (issue 7); run by `make bench`.

Measured: the trends page of an event over the year to date (MOD-11: every moderated file of the year read for its
grid, decision and PoP) and the feedback page of the event (MOD-9), with their query counts, which must not grow with
the files.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from hnap.factories import PreparationProviderFactory
from hnap.models import RPA, User
from hnap.roles import Role
from moderation.factories import ModerationEventFactory, ModeratorFactory
from moderation.models import DocumentationQuality, Verdict
from tests.support.bench import median_get
from tests.support.moderation_report_data import moderated_file

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

MONTHS = 10
FILES_PER_MONTH = 30
POPS = 8


def test_bench_trends_of_a_year_and_the_feedback_page(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    pops = [PreparationProviderFactory() for _ in range(POPS)]
    moderator = ModeratorFactory(rpa=rpa_a, user=make_member(Role.MODERATOR, rpa=rpa_a))
    events = [ModerationEventFactory(rpa=rpa_a, month=date(2025, m, 1), state="closed") for m in range(1, MONTHS + 1)]
    ratings = list(DocumentationQuality.values)
    for e, event in enumerate(events):
        for i in range(FILES_PER_MONTH):
            n = e * FILES_PER_MONTH + i
            moderated_file(
                event=event,
                pop=pops[n % POPS],
                outcome="not_met" if n % 3 else "met",
                insufficient=(n % 33 + 1, (n * 7) % 33 + 1) if n % 3 else (),
                disputed=((n * 5) % 33 + 1,) if n % 4 == 0 else (),
                verdict=Verdict.OVERTURN if n % 10 == 0 else Verdict.ENDORSE,
                new_outcome="partial" if n % 10 == 0 else "",
                reasons="Bench reasons." if n % 10 == 0 else "",
                documentation=ratings[n % 3],
                moderator=moderator,
                tasks_on_time=n % 5 != 0,
            )
    last = events[-1]
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    for url in (f"/moderation/events/{last.pk}/trends/?period=year", f"/moderation/events/{last.pk}/trends/"):
        admin.get(url)  # warm the per-process caches (content types) before measuring
    year_ms, year_queries = median_get(admin, f"/moderation/events/{last.pk}/trends/?period=year")
    month_ms, month_queries = median_get(admin, f"/moderation/events/{last.pk}/trends/")
    feedback_ms, feedback_queries = median_get(client_for(moderator.user), f"/moderation/events/{last.pk}/feedback/")
    files = MONTHS * FILES_PER_MONTH
    print(f"\nBENCH trends_page_year_{files}_files {year_ms:.1f} ms queries={year_queries}")
    print(f"BENCH trends_page_month_{FILES_PER_MONTH}_files {month_ms:.1f} ms queries={month_queries}")
    print(f"BENCH event_feedback_page_{FILES_PER_MONTH}_files {feedback_ms:.1f} ms queries={feedback_queries}")
    assert year_queries == month_queries  # the year reads no more queries than the month
