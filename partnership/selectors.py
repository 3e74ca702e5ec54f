"""Reads of the Partnership's settings (PART-1) and the dashboards (PART-2, APP-5): figures counted by a few grouped
queries (one per kind of record, whatever the number of records), never a candidate's name, email or id."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import Count, DateTimeField, F, Func, IntegerField, Q, QuerySet, Value
from django.utils import timezone

from appeals.models import Appeal, AppealDecision, AppealState, Enquiry
from assessments.models import Assessment, AssessmentFile, AssessmentState, Assessor, FileState, Outcome, Result
from candidates.models import Candidate
from hnap.models import RPA, NationalFee, NationalSampledStandards, PreparationProvider
from hnap.selectors import national_fee_on
from hnap.workdays import LONDON
from moderation.models import DecisionState, EventState, ModerationDecision, ModerationEvent, SampleEntry, Verdict

# --- months ------------------------------------------------------------------------------------------------------


def month_label(month: date) -> str:
    return f"{month:%B %Y}"


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    """Every month from `start` to `end`, both included (first days)."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = month_add(month, 1)
    return months


def _aware(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


# --- PART-1: the national fee and the nationally agreed standards --------------------------------------------------


@dataclass(frozen=True)
class FeeHistory:
    """The fee in force today, the next one scheduled (if any), and every fee ever set, newest first."""

    current: NationalFee | None
    scheduled: list[NationalFee]
    history: list[NationalFee]
    today: date

    @property
    def review_overdue(self) -> bool:
        return self.current is not None and self.current.review_due < self.today


def fee_history(*, today: date | None = None) -> FeeHistory:
    """PART-1, PAY-2: the national fee as every RPA reads it (the same selector as the invoices: national_fee_on)."""
    today = today or timezone.localdate()
    fees = list(NationalFee.objects.select_related("set_by").order_by("-effective_from"))
    current = national_fee_on(day=today)
    return FeeHistory(
        current=current,
        scheduled=sorted((f for f in fees if f.effective_from > today), key=lambda f: f.effective_from),
        history=fees,
        today=today,
    )


def months_opened(*, months: Iterable[date]) -> dict[date, list[str]]:
    """For each month, the RPAs whose moderation event has opened (and so copied the month's standards: MOD-5)."""
    rows = (
        ModerationEvent.objects.filter(month__in=list(months))
        .exclude(state=EventState.PLANNED)
        .order_by("month", "rpa__name")
        .values_list("month", "rpa__name")
    )
    opened: dict[date, list[str]] = {}
    for month, name in rows:
        opened.setdefault(month, []).append(name)
    return opened


@dataclass(frozen=True)
class StandardsMonth:
    """One month's nationally agreed standards and the RPAs whose events have already copied them."""

    month: date
    numbers: list[int]
    titles: list[str]
    opened_by: list[str]
    set_by: str


def national_standards_months(*, since: date) -> list[StandardsMonth]:
    """PART-1, MOD-5: the months from `since` with their standards, latest first (three queries)."""
    rows = list(
        NationalSampledStandards.objects.filter(month__gte=since.replace(day=1))
        .select_related("set_by")
        .prefetch_related("standards")
        .order_by("-month")
    )
    opened = months_opened(months=[r.month for r in rows])
    result = []
    for row in rows:
        standards = sorted(row.standards.all(), key=lambda s: s.number)
        result.append(
            StandardsMonth(
                month=row.month,
                numbers=[s.number for s in standards],
                titles=[f"{s.number}. {s.short_title}" for s in standards],
                opened_by=opened.get(row.month, []),
                set_by=row.set_by.full_name if row.set_by else "",
            )
        )
    return result


def national_standards_numbers(*, month: date) -> list[int]:
    """The standards set for a month (to prefill the form), none when not set."""
    row = NationalSampledStandards.objects.filter(month=month.replace(day=1)).first()
    return sorted(row.standards.values_list("number", flat=True)) if row else []


# --- PART-2: the dashboards --------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The counts of one RPA and month (or one assessor, one PoP, or a total): aggregates only."""

    registrations: int = 0
    assessments: int = 0
    results: int = 0
    met: int = 0
    not_met: int = 0
    partial: int = 0
    full: int = 0
    files: int = 0  # files that entered moderation (submitted), by their cycle month
    sampled: int = 0  # of those, files in an event's sample
    decisions: int = 0  # moderators' decisions confirmed
    overturns: int = 0  # of those, outcomes overturned (MOD-6)
    enquiries: int = 0
    ack_counted: int = 0
    ack_on_time: int = 0
    answer_counted: int = 0
    answer_on_time: int = 0
    appeals: int = 0
    appeals_refused: int = 0
    appeals_upheld: int = 0
    appeals_not_upheld: int = 0
    appeals_referred: int = 0
    appeals_due: int = 0  # decided, or the date the RPA gave has passed (APP-4)
    appeals_on_time: int = 0

    def add(self, other: Figures) -> None:
        for name in _FIGURE_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def overturn_rate(self) -> int | None:
        return self._share(self.overturns, self.decisions)

    @property
    def sampled_share(self) -> int | None:
        return self._share(self.sampled, self.files)

    @property
    def met_share(self) -> int | None:
        return self._share(self.met, self.results)

    @property
    def ack_share(self) -> int | None:
        return self._share(self.ack_on_time, self.ack_counted)

    @property
    def answer_share(self) -> int | None:
        return self._share(self.answer_on_time, self.answer_counted)

    @property
    def appeals_on_time_share(self) -> int | None:
        return self._share(self.appeals_on_time, self.appeals_due)


_FIGURE_NAMES = tuple(item.name for item in fields(Figures))  # read once: the dashboards add up hundreds of cells


@dataclass(frozen=True)
class Measure:
    """One kind of record counted: where it comes from, which date places it in a month, and what is counted. `paths`
    says how a record reaches its RPA's assessor and PoP for the drill-downs (absent: not counted there)."""

    records: Callable[[], QuerySet[Any]]
    when: str
    month_field: bool  # `when` already holds the first day of a month (a DateField), not a moment
    counts: Callable[[], dict[str, Any]]
    assessor: str | None = None
    pop: str | None = None


def _enquiry_counts() -> dict[str, Any]:
    # The same definitions as the SLA page of enquiries (appeals.selectors.enquiry_sla_by_month, ENQ-3), grouped by
    # RPA too: an enquiry counts once its time has come (done, or due and passed).
    now = timezone.now()
    return {
        "enquiries": Count("pk"),
        "ack_counted": Count("pk", filter=Q(acknowledged_at__isnull=False) | Q(acknowledge_due_at__lte=now)),
        "ack_on_time": Count("pk", filter=Q(acknowledged_at__lte=F("acknowledge_due_at"))),
        "answer_counted": Count("pk", filter=Q(answered_at__isnull=False) | Q(answer_due_at__lte=now)),
        "answer_on_time": Count("pk", filter=Q(answered_at__lte=F("answer_due_at"))),
    }


def _appeal_counts() -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "appeals": Count("pk"),
        "appeals_refused": Count("pk", filter=Q(state=AppealState.REFUSED)),
        "appeals_upheld": Count("pk", filter=Q(decision=AppealDecision.UPHELD)),
        "appeals_not_upheld": Count("pk", filter=Q(decision=AppealDecision.NOT_UPHELD)),
        "appeals_referred": Count(
            "pk", filter=Q(state__in=[AppealState.REFERRED, AppealState.PANEL, AppealState.REVIEWED])
        ),
        "appeals_due": Count(
            "pk", filter=Q(consider_by__isnull=False) & (Q(decided_at__isnull=False) | Q(consider_by__lt=today))
        ),
        "appeals_on_time": Count("pk", filter=Q(decided_at__date__lte=F("consider_by"))),
    }


MEASURES: tuple[Measure, ...] = (
    Measure(
        records=lambda: Candidate.objects.filter(registered_at__isnull=False),
        when="registered_at",
        month_field=False,
        counts=lambda: {"registrations": Count("pk")},
        pop="pop_id",
    ),
    Measure(
        records=lambda: Assessment.objects.filter(state=AssessmentState.BOOKED),
        when="starts_at",
        month_field=False,
        counts=lambda: {"assessments": Count("pk")},
        assessor="assessor_id",
        pop="candidate__pop_id",
    ),
    Measure(
        records=lambda: Result.objects.all(),
        when="confirmed_at",
        month_field=False,
        counts=lambda: {
            "results": Count("pk"),
            **{value: Count("pk", filter=Q(outcome=value)) for value in Outcome.values},
        },
        assessor="file__assessor_id",
        pop="candidate__pop_id",
    ),
    Measure(
        records=lambda: AssessmentFile.objects.exclude(state=FileState.DRAFT).filter(cycle_month__isnull=False),
        when="cycle_month",
        month_field=True,
        counts=lambda: {"files": Count("pk")},
        assessor="assessor_id",
        pop="candidate__pop_id",
    ),
    Measure(
        records=lambda: SampleEntry.objects.all(),
        when="event__month",
        month_field=True,
        counts=lambda: {"sampled": Count("file_id", distinct=True)},
        assessor="file__assessor_id",
        pop="file__candidate__pop_id",
    ),
    Measure(
        records=lambda: ModerationDecision.objects.filter(state=DecisionState.CONFIRMED),
        when="decided_at",
        month_field=False,
        counts=lambda: {"decisions": Count("pk"), "overturns": Count("pk", filter=Q(verdict=Verdict.OVERTURN))},
        assessor="file__assessor_id",
        pop="file__candidate__pop_id",
    ),
    Measure(records=lambda: Enquiry.objects.all(), when="received_at", month_field=False, counts=_enquiry_counts),
    Measure(
        records=lambda: Appeal.objects.all(),
        when="received_at",
        month_field=False,
        counts=_appeal_counts,
        assessor="result__file__assessor_id",
        pop="candidate__pop_id",
    ),
)


class _MonthIndex(Func):
    """The position of a moment among the months' first moments (PostgreSQL's width_bucket: 1 for the first month):
    the same month as truncating the moment in London time, without converting every row's time zone (a third of
    the dashboard's time over 30,000 rows)."""

    function = "width_bucket"
    output_field = IntegerField()


def _grouped(measure: Measure, *, rpa_ids: list[int] | None, start: date, end: date, by: str) -> QuerySet[Any]:
    """One GROUP BY query of one measure: by RPA and month (a DateField's month itself, or a moment's position among
    the months' first moments: `_MonthIndex`), or by the assessor's or PoP's id."""
    records = measure.records()
    if rpa_ids is not None:
        records = records.filter(rpa_id__in=rpa_ids)
    after = month_add(end, 1)
    if measure.month_field:
        records = records.filter(**{f"{measure.when}__gte": start, f"{measure.when}__lt": after})
    else:
        records = records.filter(**{f"{measure.when}__gte": _aware(start), f"{measure.when}__lt": _aware(after)})
    if by == "month":
        if measure.month_field:
            month: Any = F(measure.when)
        else:
            starts = [_aware(m) for m in months_between(start, end)]
            month = _MonthIndex(F(measure.when), Value(starts, output_field=ArrayField(DateTimeField())))
        keys = ["rpa_id", "month"]
        records = records.annotate(month=month)
    else:
        path = getattr(measure, by)
        keys = ["key"]
        records = records.annotate(key=F(path))
    return records.order_by().values(*keys).annotate(**measure.counts())


def _as_month(value: Any, months: list[date]) -> date:
    """A grouped row's month: a DateField's month as it is, a `_MonthIndex` position (from 1) as its month."""
    return months[value - 1] if isinstance(value, int) else value


@dataclass
class Dashboard:
    """PART-2: the figures of a period by RPA and month, with the totals a page shows (aggregates only)."""

    start: date
    end: date
    months: list[date]
    rpas: list[tuple[int, str]]
    cells: dict[tuple[int, date], Figures] = field(default_factory=dict)

    def cell(self, rpa_id: int, month: date) -> Figures:
        return self.cells.get((rpa_id, month)) or Figures()

    @property
    def by_rpa(self) -> list[tuple[str, Figures]]:
        rows = []
        for rpa_id, name in self.rpas:
            total = Figures()
            for month in self.months:
                total.add(self.cell(rpa_id, month))
            rows.append((name, total))
        return rows

    @property
    def by_month(self) -> list[tuple[date, Figures]]:
        rows = []
        for month in self.months:
            total = Figures()
            for rpa_id, _ in self.rpas:
                total.add(self.cell(rpa_id, month))
            rows.append((month, total))
        return rows

    @property
    def total(self) -> Figures:
        total = Figures()
        for figures in self.cells.values():
            total.add(figures)
        return total

    def rows(self) -> list[tuple[str, date, Figures]]:
        """Every RPA and month (for the CSV), months in order within each RPA."""
        return [(name, month, self.cell(rpa_id, month)) for rpa_id, name in self.rpas for month in self.months]


def dashboard(*, rpa_ids: list[int] | None, start: date, end: date) -> Dashboard:
    """PART-2: counts by RPA and month from `start` to `end` (months) for the given RPAs, or every RPA (None): one
    grouped query per kind of record and one for the RPAs' names, whatever the number of records."""
    start, end = start.replace(day=1), end.replace(day=1)
    rpas = RPA.objects.order_by("name")
    rpas = rpas.filter(pk__in=rpa_ids) if rpa_ids is not None else rpas
    names = list(rpas.values_list("pk", "name"))
    result = Dashboard(start=start, end=end, months=months_between(start, end), rpas=names)
    for measure in MEASURES:
        for row in _grouped(measure, rpa_ids=rpa_ids, start=start, end=end, by="month"):
            key = (row.pop("rpa_id"), _as_month(row.pop("month"), result.months))
            figures = result.cells.setdefault(key, Figures())
            for name, value in row.items():
                setattr(figures, name, getattr(figures, name) + value)
    return result


@dataclass(frozen=True)
class DrillRow:
    """One assessor's or PoP's figures over the period (the RPA's own dashboard only)."""

    id: int
    name: str
    figures: Figures


def drill_down(*, rpa_id: int, start: date, end: date, by: str) -> list[DrillRow]:
    """PART-2: one RPA's figures over the period per assessor (`by="assessor"`) or per PoP (`by="pop"`): one grouped
    query per kind of record and one for the names, busiest first."""
    start, end = start.replace(day=1), end.replace(day=1)
    cells: dict[int, Figures] = {}
    for measure in MEASURES:
        if getattr(measure, by) is None:
            continue
        for row in _grouped(measure, rpa_ids=[rpa_id], start=start, end=end, by=by):
            key = row.pop("key")
            if key is None:
                continue
            figures = cells.setdefault(key, Figures())
            for name, value in row.items():
                setattr(figures, name, getattr(figures, name) + value)
    if by == "assessor":
        names = {a.pk: a.user.full_name for a in Assessor.objects.filter(pk__in=list(cells)).select_related("user")}
    else:
        names = dict(PreparationProvider.objects.filter(pk__in=list(cells)).values_list("pk", "name"))
    rows = [DrillRow(id=key, name=names.get(key, ""), figures=figures) for key, figures in cells.items()]
    return sorted(rows, key=lambda r: (-r.figures.assessments, -r.figures.results, r.name, r.id))
