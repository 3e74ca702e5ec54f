"""MOD-11: trends by PoP (weakly evidenced standards, how documentation was completed) across an event and the year,
shown as a table and a server-rendered SVG bar chart, and sent to each PoP about its own candidates only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from hnap.factories import PreparationProviderFactory
from hnap.models import RPA, Notification, PreparationProvider, User
from hnap.roles import Role
from moderation.factories import ModerationEventFactory, last_month
from moderation.models import DocumentationQuality, ModerationEvent, PoPTrendFeedback
from moderation.report_selectors import event_trends, pop_trends, trend_chart, year_start
from moderation.report_services import pop_trends_send
from tests.support.moderation_report_data import moderated_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(rpa_a: RPA) -> ModerationEvent:
    return ModerationEventFactory(rpa=rpa_a, month=last_month(), state="closed")


@pytest.fixture
def pops(rpa_a: RPA) -> tuple[PreparationProvider, PreparationProvider]:
    north = PreparationProviderFactory(name="Northfield PoP")
    south = PreparationProviderFactory(name="Southgate PoP")
    for pop in (north, south):
        pop.rpas.add(rpa_a)
    return north, south


def _earlier_event(rpa: RPA, month: date) -> ModerationEvent | None:
    """An event earlier in the same year as `month`, or None in January (the year to date is then the month)."""
    if month.month == 1:
        return None
    return ModerationEventFactory(rpa=rpa, month=month.replace(month=month.month - 1), state="closed")


def test_mod11_weak_standards_count_what_moderation_found_insufficient_by_pop(
    event: ModerationEvent, pops: tuple[PreparationProvider, PreparationProvider]
) -> None:
    north, south = pops
    # Standard 12 judged insufficient and the moderator agreed: weak. Standard 20 judged met but disputed: weak.
    moderated_file(
        event=event,
        pop=north,
        outcome="not_met",
        insufficient=(12,),
        disputed=(20,),
        documentation=DocumentationQuality.POOR,
        tasks_on_time=False,
    )
    # Standard 12 insufficient again; standard 7 judged insufficient but the moderator disagreed: not weak.
    moderated_file(
        event=event,
        pop=north,
        outcome="not_met",
        insufficient=(12, 7),
        disputed=(7,),
        documentation=DocumentationQuality.GOOD,
        was_returned=True,
    )
    moderated_file(event=event, pop=south, documentation=DocumentationQuality.ADEQUATE)  # fmt: skip

    trends = event_trends(event=event)
    assert [t.pop_name for t in trends.pops] == ["Northfield PoP", "Southgate PoP"]
    n, s = trends.pops
    assert n.files == 2 and s.files == 1
    assert [(st.number, st.weak, st.percent) for st in n.standards] == [(12, 2, 100), (20, 1, 50)]
    assert n.standards[0].title  # the standard's short title, from the framework
    assert n.documentation == {"good": 1, "adequate": 0, "poor": 1}
    assert (n.tasks_late, n.returned_at_scrutiny) == (1, 1)
    assert s.standards == [] and s.documentation["adequate"] == 1


def test_mod11_the_year_to_date_adds_earlier_events_of_the_year_and_not_other_rpas(
    event: ModerationEvent, pops: tuple[PreparationProvider, PreparationProvider], rpa_b: RPA
) -> None:
    north, _ = pops
    moderated_file(event=event, pop=north, outcome="not_met", insufficient=(12,))
    earlier = _earlier_event(event.rpa, event.month)
    if earlier is not None:
        moderated_file(event=earlier, pop=north, outcome="not_met", insufficient=(12, 30))
    # Another RPA's moderation of the same PoP's candidates is not this RPA's trend.
    other = ModerationEventFactory(rpa=rpa_b, month=event.month)
    moderated_file(event=other, pop=north, outcome="not_met", insufficient=(5,))

    month_only = event_trends(event=event)
    year = event_trends(event=event, whole_year=True)
    assert year.start == year_start(event.month) and month_only.start == event.month
    assert month_only.pops[0].files == 1
    assert [st.number for st in month_only.pops[0].standards] == [12]
    expected_files = 2 if earlier is not None else 1
    assert year.pops[0].files == expected_files
    assert 5 not in [st.number for st in year.pops[0].standards]
    if earlier is not None:
        assert [(st.number, st.weak) for st in year.pops[0].standards] == [(12, 2), (30, 1)]


def test_mod11_the_chart_scales_bars_and_says_every_value_in_words(
    event: ModerationEvent, pops: tuple[PreparationProvider, PreparationProvider]
) -> None:
    north, _ = pops
    moderated_file(event=event, pop=north, outcome="not_met", insufficient=(12, 20))
    moderated_file(event=event, pop=north, outcome="not_met", insufficient=(12,))
    chart = trend_chart(trend=event_trends(event=event).pops[0])
    assert [(b.label, b.value) for b in chart.bars] == [("Standard 12", 2), ("Standard 20", 1)]
    assert chart.bars[0].width == 2 * chart.bars[1].width  # bars are proportional to the values
    assert chart.description == "Standard 12: 2 files; Standard 20: 1 files"


def _svg(html: str) -> str:
    found = re.search(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert found, "no inline SVG chart on the page"
    return found.group(0)


def test_mod11_the_trends_page_shows_a_table_and_an_accessible_svg_chart_with_no_script(
    event: ModerationEvent,
    pops: tuple[PreparationProvider, PreparationProvider],
    make_member: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    north, _ = pops
    moderated_file(event=event, pop=north, outcome="not_met", insufficient=(12,))
    admin = make_member(Role.RPA_ADMIN, rpa=event.rpa)
    response = client_for(admin).get(f"/moderation/events/{event.pk}/trends/")
    assert response.status_code == 200
    html = response.content.decode()
    svg = _svg(html)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "Standard 12: 1 files" in svg
    assert "<script" not in html.split("</main>")[0].split('id="main-content"')[1]  # no chart library
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched
    assert 'id="pop-summary"' in html and "Northfield PoP" in html and "12. " in html
    year = client_for(admin).get(f"/moderation/events/{event.pk}/trends/?period=year")
    assert "The year to date" in year.content.decode()


def test_mod11_a_pop_is_sent_only_its_own_candidates_trends_and_sees_only_its_own(
    event: ModerationEvent,
    pops: tuple[PreparationProvider, PreparationProvider],
    make_member: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    north, south = pops
    moderated_file(event=event, pop=north, outcome="not_met", insufficient=(12,), last_name="Northcand")
    moderated_file(event=event, pop=south, outcome="not_met", insufficient=(30,), last_name="Southcand")
    admin = make_member(Role.RPA_ADMIN, rpa=event.rpa)
    north_user = make_member(Role.POP_USER, pop=north)
    south_user = make_member(Role.POP_USER, pop=south)

    response = client_for(admin).post(
        f"/moderation/events/{event.pk}/trends/send/",
        {"pop": north.pk, "period": "event", "message": "Standard 12 needs more work in your sessions."},
    )
    assert response.status_code == 302
    sent = PoPTrendFeedback.objects.get()
    assert sent.pop == north and sent.trends["files"] == 1
    assert [row[0] for row in sent.trends["standards"]] == [12]  # never the other PoP's standard 30
    assert Notification.objects.filter(user=north_user).count() == 1
    assert not Notification.objects.filter(user=south_user).exists()

    north_client, south_client = client_for(north_user), client_for(south_user)
    listing = north_client.get("/moderation/pop-trends/").content.decode()
    assert "Northfield PoP" in listing
    page = north_client.get(f"/moderation/pop-trends/{sent.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Standard 12 needs more work" in body and "<svg" in body and "Southgate" not in body
    assert "Southcand" not in body and "Northcand" not in body  # trends, never candidates' names
    assert "Northfield PoP" not in south_client.get("/moderation/pop-trends/").content.decode()
    assert south_client.get(f"/moderation/pop-trends/{sent.pk}/").status_code == 404
    # The PoP never reaches the event's own trends page (every PoP's figures).
    assert north_client.get(f"/moderation/events/{event.pk}/trends/").status_code == 404


def test_mod11_sending_needs_a_message_and_moderated_files_of_that_pop(
    event: ModerationEvent, pops: tuple[PreparationProvider, PreparationProvider], make_member: Callable[..., User]
) -> None:
    north, south = pops
    moderated_file(event=event, pop=north)
    admin = make_member(Role.RPA_ADMIN, rpa=event.rpa)
    with pytest.raises(Exception, match="message"):
        pop_trends_send(event=event, pop=north, whole_year=False, message=" ", acting_user=admin)
    with pytest.raises(Exception, match="No file"):
        pop_trends_send(event=event, pop=south, whole_year=False, message="Hello", acting_user=admin)
    assert not PoPTrendFeedback.objects.exists()


def test_mod11_the_trends_query_count_does_not_grow_with_files(
    event: ModerationEvent, pops: tuple[PreparationProvider, PreparationProvider]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    north, south = pops
    moderated_file(event=event, pop=north, insufficient=(12,), outcome="not_met")
    with CaptureQueriesContext(connection) as few:
        pop_trends(rpa_id=event.rpa_id, start=event.month, end=event.month)
    for n in range(8):
        moderated_file(event=event, pop=(north, south)[n % 2], insufficient=(n + 1,), outcome="not_met")
    with CaptureQueriesContext(connection) as many:
        trends = pop_trends(rpa_id=event.rpa_id, start=event.month, end=event.month)
    assert sum(t.files for t in trends.pops) == 9
    assert len(few) == len(many)
