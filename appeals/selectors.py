"""Reads of enquiries and appeals: the queue by state and due time (ENQ-3), the SLA by month (ENQ-3), the
monitoring figures (APP-5), and who may sit on a review panel (APP-6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from appeals.models import (
    Appeal,
    AppealDecision,
    AppealGround,
    AppealState,
    Enquiry,
    EnquiryNature,
    EnquiryState,
    Referral,
    ReviewPanel,
)
from hnap.models import RPA, Membership, User
from hnap.roles import Role
from hnap.workdays import LONDON

# Who may sit on a review panel for an RPA (APP-6): its senior assessors, or a person it names (an administrator).
PANEL_ROLES = (Role.SENIOR_ASSESSOR, Role.RPA_ADMIN)
OPEN_STATES = (EnquiryState.RECEIVED, EnquiryState.ACKNOWLEDGED)


def enquiry_queue(*, enquiries: QuerySet[Enquiry], state: str = "", overdue: bool = False) -> QuerySet[Enquiry]:
    """ENQ-3: the queue: what is still owed first, by the time it is next due (the acknowledgement, then the
    answer); answered enquiries after, newest first. A fixed number of queries whatever its length."""
    now = timezone.now()
    rows = enquiries.annotate(
        next_due=Case(
            When(state=EnquiryState.RECEIVED, then=F("acknowledge_due_at")),
            When(state=EnquiryState.ACKNOWLEDGED, then=F("answer_due_at")),
            default=None,
        )
    )
    rows = rows.filter(state=state) if state else rows.filter(state__in=OPEN_STATES)
    if overdue:
        rows = rows.filter(next_due__lte=now)
    return rows.select_related("rpa").order_by(F("next_due").asc(nulls_last=True), "-received_at", "-pk")


def enquiry_state_counts(*, enquiries: QuerySet[Enquiry]) -> dict[str, int]:
    """How many enquiries are in each state, and how many open ones are overdue (one query)."""
    now = timezone.now()
    counts = enquiries.aggregate(
        received=Count("pk", filter=Q(state=EnquiryState.RECEIVED)),
        acknowledged=Count("pk", filter=Q(state=EnquiryState.ACKNOWLEDGED)),
        answered=Count("pk", filter=Q(state=EnquiryState.ANSWERED)),
        overdue=Count(
            "pk",
            filter=Q(state=EnquiryState.RECEIVED, acknowledge_due_at__lte=now)
            | Q(state=EnquiryState.ACKNOWLEDGED, answer_due_at__lte=now),
        ),
    )
    return {key: int(value) for key, value in counts.items()}


@dataclass(frozen=True)
class SlaMonth:
    """ENQ-3: one month's compliance: of the enquiries received that month whose time has come (done, or due and
    passed), the share acknowledged within 3 working days and answered within 10."""

    month: date
    received: int
    acknowledge_counted: int
    acknowledged_on_time: int
    answer_counted: int
    answered_on_time: int

    @property
    def acknowledged_share(self) -> int | None:
        return round(100 * self.acknowledged_on_time / self.acknowledge_counted) if self.acknowledge_counted else None

    @property
    def answered_share(self) -> int | None:
        return round(100 * self.answered_on_time / self.answer_counted) if self.answer_counted else None


def enquiry_sla_by_month(*, enquiries: QuerySet[Enquiry], since: date) -> list[SlaMonth]:
    """ENQ-3: the SLA of each month from `since`, oldest first: one grouped query whatever the number of
    enquiries. An enquiry not yet due and not yet done counts neither way."""
    now = timezone.now()
    rows = (
        enquiries.filter(received_at__date__gte=since)
        .annotate(month=TruncMonth("received_at", tzinfo=LONDON))
        .order_by()
        .values("month")
        .annotate(
            received=Count("pk"),
            ack_counted=Count("pk", filter=Q(acknowledged_at__isnull=False) | Q(acknowledge_due_at__lte=now)),
            ack_on_time=Count("pk", filter=Q(acknowledged_at__lte=F("acknowledge_due_at"))),
            answer_counted=Count("pk", filter=Q(answered_at__isnull=False) | Q(answer_due_at__lte=now)),
            answer_on_time=Count("pk", filter=Q(answered_at__lte=F("answer_due_at"))),
        )
        .order_by("month")
    )
    return [
        SlaMonth(
            month=timezone.localtime(row["month"], LONDON).date() if hasattr(row["month"], "hour") else row["month"],
            received=row["received"],
            acknowledge_counted=row["ack_counted"],
            acknowledged_on_time=row["ack_on_time"],
            answer_counted=row["answer_counted"],
            answered_on_time=row["answer_on_time"],
        )
        for row in rows
    ]


# --- monitoring (APP-5) ------------------------------------------------------------------------------------------


def _appeal_outcome() -> Case:
    return Case(
        When(state=AppealState.REFUSED, then=Value("refused")),
        When(state=AppealState.REVIEWED, then=Coalesce(F("referral__panel__decision"), Value("reviewed"))),
        When(decision__gt="", then=F("decision")),
        default=Value("in_progress"),
        output_field=CharField(),
    )


OUTCOME_LABELS = {
    "refused": "Refused (not the candidate, or not a ground)",
    "in_progress": "Being considered",
    "reviewed": "Reviewed by the Partnership",
    "uphold": "Upheld on review by the Partnership",
    "dismiss": "Dismissed on review by the Partnership",
    **{value: str(label) for value, label in AppealDecision.choices},
    **{value: str(label) for value, label in EnquiryState.choices},
}


def monitoring_figures(*, enquiries: QuerySet[Enquiry], appeals: QuerySet[Appeal], year: int) -> list[dict[str, Any]]:
    """APP-5: numbers of enquiries and appeals in a year by RPA, month, nature and outcome (counts only: what is
    shared with the Partnership); two grouped queries."""
    rows: list[dict[str, Any]] = []
    enquiry_rows = (
        enquiries.filter(received_at__year=year)
        .annotate(month=TruncMonth("received_at", tzinfo=LONDON))
        .order_by()
        .values("rpa__name", "month", "nature", "state")
        .annotate(n=Count("pk"))
    )
    natures = dict(EnquiryNature.choices)
    for enquiry_row in enquiry_rows:
        row: dict[str, Any] = dict(enquiry_row)
        rows.append(
            {
                "rpa": row["rpa__name"],
                "month": f"{row['month']:%Y-%m}",
                "kind": "enquiry",
                "nature": str(natures.get(row["nature"], row["nature"])),
                "outcome": OUTCOME_LABELS.get(row["state"], row["state"]),
                "count": row["n"],
            }
        )
    appeal_rows = (
        appeals.filter(received_at__year=year)
        .annotate(month=TruncMonth("received_at", tzinfo=LONDON), outcome=_appeal_outcome())
        .order_by()
        .values("rpa__name", "month", "ground", "outcome")
        .annotate(n=Count("pk"))
    )
    grounds = dict(AppealGround.choices)
    for appeal_row in appeal_rows:
        row = dict(appeal_row)
        rows.append(
            {
                "rpa": row["rpa__name"],
                "month": f"{row['month']:%Y-%m}",
                "kind": "appeal",
                "nature": str(grounds.get(row["ground"], row["ground"])),
                "outcome": OUTCOME_LABELS.get(row["outcome"], row["outcome"]),
                "count": row["n"],
            }
        )
    return sorted(rows, key=lambda r: (r["rpa"], r["month"], r["kind"], r["nature"], r["outcome"]))


# --- review panels (APP-6, APP-7) -------------------------------------------------------------------------------


def panel_eligible(*, rpa_id: int) -> dict[int, list[int]]:
    """APP-6: who may sit on a panel reviewing an appeal of `rpa_id`, and for which RPAs: senior assessors (or a
    named administrator) of another active RPA who hold no role at all in the candidate's RPA."""
    memberships = Membership.objects.filter(role__in=PANEL_ROLES, rpa__active=True, user__is_active=True).exclude(
        rpa_id=rpa_id
    )
    conflicted = Membership.objects.filter(rpa_id=rpa_id).values("user_id")
    eligible: dict[int, list[int]] = {}
    for user_id, member_rpa in memberships.exclude(user_id__in=conflicted).values_list("user_id", "rpa_id"):
        eligible.setdefault(user_id, [])
        if member_rpa not in eligible[user_id]:
            eligible[user_id].append(member_rpa)
    return eligible


def panel_choices(*, rpa_id: int) -> list[tuple[User, list[RPA]]]:
    """The people the Partnership may put on a panel for this RPA's appeal, with the RPAs they would sit for."""
    eligible = panel_eligible(rpa_id=rpa_id)
    users = {u.pk: u for u in User.objects.filter(pk__in=eligible)}
    rpas = {r.pk: r for r in RPA.objects.filter(pk__in={r for ids in eligible.values() for r in ids})}
    rows = [(users[uid], sorted((rpas[r] for r in ids), key=lambda r: r.name)) for uid, ids in eligible.items()]
    return sorted(rows, key=lambda row: (row[1][0].name, row[0].full_name))


def panel_member_problems(*, rpa_id: int, member_one: User, member_two: User) -> tuple[dict[str, str], tuple[int, int]]:
    """APP-6: what makes a proposed panel invalid (by field), and the RPA each member sits for when it is valid:
    two different people of two different RPAs, neither being the RPA that made the judgement."""
    eligible = panel_eligible(rpa_id=rpa_id)
    problems: dict[str, str] = {}
    why = "must be a senior assessor (or named person) of another RPA, with no role in the candidate's RPA"
    for field, member in (("member_one", member_one), ("member_two", member_two)):
        if member.pk not in eligible:
            problems[field] = f"{member.full_name or member.email} {why}"
    if not problems and member_one.pk == member_two.pk:
        problems["member_two"] = "Choose two different people"
    if problems:
        return problems, (0, 0)
    for first in eligible[member_one.pk]:
        for second in eligible[member_two.pk]:
            if first != second:
                return {}, (first, second)
    return {"member_two": "The two members must come from two different RPAs"}, (0, 0)


def panel_for_member(*, user: Any) -> QuerySet[ReviewPanel]:
    """The panels a person sits on now (their object grants end when a panel closes)."""
    return (
        ReviewPanel.objects.restrict(user, "view")
        .filter(Q(member_one=user) | Q(member_two=user))
        .select_related("referral__appeal", "rpa")
    )


def appeal_referral(*, appeal: Appeal) -> tuple[Referral | None, ReviewPanel | None]:
    """The appeal's referral to the Partnership and the panel convened for it, if any (read with the appeal, which the
    viewer may already see)."""
    referral = Referral.objects.filter(appeal=appeal).first()
    if referral is None:
        return None, None
    panel = (
        ReviewPanel.objects.filter(referral=referral)
        .select_related("member_one", "member_two", "member_one_rpa", "member_two_rpa")
        .first()
    )
    return referral, panel
