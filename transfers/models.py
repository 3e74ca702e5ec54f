"""RISK-1: a transfer of candidates (one, a course's cohort, or all of an RPA's open work) to another RPA, and the
sending RPA's read-only record of whom it transferred (a snapshot taken at the time, never their live data)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hnap.access import RestrictedQuerySet, restrict, rpa_scope_ids
from hnap.audit import audited
from hnap.models import RPA, TenantOwnedModel
from hnap.roles import Action


class TransferScope(models.TextChoices):
    CANDIDATE = "candidate", "One candidate"
    COURSE = "course", "A cohort (everyone on one preparation course)"
    ALL_OPEN = "all_open", "All of the RPA's open work"


class TransferState(models.TextChoices):
    PROPOSED = "proposed", "Proposed, awaiting the Partnership"
    DONE = "done", "Transferred"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECLINED = "declined", "Declined by the Partnership"


class TransferQuerySet(RestrictedQuerySet):
    """The sending RPA reaches its transfers through its roles; the receiving RPA's administrators also see a
    completed transfer's record (what arrived, from whom), never a proposal still under consideration."""

    def restrict(self, user: Any, action: Action | str = Action.VIEW) -> Any:
        scoped = restrict(self, user, action)
        if Action(action) is not Action.VIEW:
            return scoped
        receiving = rpa_scope_ids(user, self.model, Action.VIEW)
        if not receiving:
            return scoped
        return self.filter(Q(pk__in=scoped.values("pk")) | Q(to_rpa_id__in=sorted(receiving), state=TransferState.DONE))


class TransferManager(models.Manager.from_queryset(TransferQuerySet)):  # type: ignore[misc]
    """Transfers' manager: `restrict` as every tenant-owned model's, plus the receiving RPA's view of a done one."""


@audited()
class Transfer(TenantOwnedModel):
    """A transfer from `rpa` (the sender, whose record it is) to `to_rpa`: proposed by the sender's administrator,
    approved and carried out by a Partnership administrator in one transaction (RISK-1)."""

    to_rpa = models.ForeignKey(RPA, on_delete=models.PROTECT, related_name="+", verbose_name="receiving RPA")
    scope = models.CharField(max_length=10, choices=TransferScope.choices)
    # What was chosen, kept as identifiers: the sender may no longer read the candidate or course once moved.
    candidate_id_chosen = models.PositiveBigIntegerField(null=True, blank=True)
    course_id_chosen = models.PositiveBigIntegerField(null=True, blank=True)
    chosen_label = models.CharField(max_length=250, blank=True, help_text="The candidate or course as named then.")
    reason = models.TextField(help_text="Why the candidates move (RISK-1: the RPA can no longer carry out its work).")
    state = models.CharField(max_length=10, choices=TransferState.choices, default=TransferState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # The summary snapshot: rows moved per kind of record, bookings kept cross-RPA or cancelled, what stayed.
    summary = models.JSONField(default=dict, blank=True)

    objects = TransferManager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["rpa", "state"]), models.Index(fields=["to_rpa", "state"])]

    def __str__(self) -> str:
        return f"Transfer {self.pk} to {self.to_rpa}"


class TransferredCandidate(TenantOwnedModel):
    """One candidate a transfer moved, as they were named then (the sender's record); `rpa` is the sender."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="candidates")
    candidate_ref = models.PositiveBigIntegerField(help_text="The candidate's id (they are no longer the sender's).")
    reference = models.CharField(max_length=30)
    full_name = models.CharField(max_length=220)
    status = models.CharField(max_length=30)

    class Meta:
        ordering = ["full_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["transfer", "candidate_ref"], name="transferred_candidate_once")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.reference})"
