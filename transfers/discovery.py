"""Which records belong to a candidate, found through the models' relations (RISK-1).

A tenant-owned record moves with a candidate when a chain of foreign keys leads from it to the candidate (a file
version -> its file -> the candidate), whatever app it is in: models added later are found without being listed.
Two links are not foreign keys to a candidate and are named here: an enquiry the candidate raised while signed in
(its `raised_by` is the candidate's user), and deadlines, which point at their subject through content type and
object id (moved in transfers.services with their notices). Every other tenant-owned model says in STAYS why it
stays with the sending RPA; tests/transfers/test_discovery.py fails for a tenant-owned model in neither.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from hnap.models import TenantOwnedModel

# Links to a candidate that are not a foreign key to a moving record: model label -> lookup to the candidate's id.
EXTRA_PATHS: dict[str, str] = {
    # An enquiry raised by the candidate through their own sign-in (ENQ-1): it goes with them.
    "appeals.enquiry": "raised_by__candidacies",
}

# Deadlines point at any record through content type and object id; their notices follow them.
GENERIC_FOLLOWERS = ("hnap.deadline", "hnap.deadlinenotice")

# Tenant-owned models that stay with the sending RPA, and why.
STAYS: dict[str, str] = {
    "hnap.closureday": "The RPA's own closure days.",
    "candidates.preparationcourse": "A PoP's course with the RPA: it moves only with its whole cohort.",
    "candidates.regionalcharge": "The RPA's own charges.",
    "assessments.assessor": "The RPA's register: a booking with its assessor is kept cross-RPA (ASR-5).",
    "assessments.trainingrecord": "An assessor's record on the RPA's register.",
    "assessments.cpdentry": "An assessor's record on the RPA's register.",
    "assessments.conflict": "An assessor's record on the RPA's register.",
    "assessments.unavailability": "An assessor's record on the RPA's register.",
    "assessments.performancereview": "An assessor's record on the RPA's register.",
    "assessments.qualityaction": "An assessor's record on the RPA's register.",
    "moderation.moderator": "The RPA's moderators.",
    "moderation.peerreviewpairing": "The Partnership's pairing of the RPA for peer review.",
    "moderation.peerreviewnomination": "The RPA's peer-review nomination.",
    "moderation.moderationevent": "The RPA's event; a candidate whose file is in an event not yet closed cannot move.",
    "moderation.sampledraw": "The RPA's draw for its event.",
    "moderation.assessorfeedback": "Feedback to the RPA's assessor about the event.",
    "moderation.moderatorsreport": "The RPA's report of its event.",
    "moderation.poptrendfeedback": "The RPA's trends sent to a PoP (aggregates).",
    "moderation.jointreport": "The RPA's joint report with its peer reviewer.",
    "appeals.monitoringshare": "The RPA's aggregate monitoring figures.",
    "dataprotection.retentionpolicy": "The RPA's retention periods.",
    "dataprotection.retentionrun": "The RPA's retention run and its report.",
    "dataprotection.breach": "The RPA's breach register.",
    "transfers.transfer": "The sending RPA's record of the transfer.",
    "transfers.transferredcandidate": "The sending RPA's record of whom it transferred.",
}


@dataclass(frozen=True)
class MovingModel:
    """A tenant-owned model whose records move with their candidate, and the lookup from one to the candidate's id."""

    model: type[models.Model]
    path: str

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def tenant_models() -> list[type[models.Model]]:
    """Every concrete tenant-owned model of the project."""
    return [m for m in apps.get_models() if issubclass(m, TenantOwnedModel) and not m._meta.abstract]


def _foreign_keys(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    return [
        f
        for f in model._meta.get_fields()
        if f.concrete and (f.many_to_one or f.one_to_one) and f.name != "rpa" and f.related_model is not None
    ]


def moving_models() -> list[MovingModel]:
    """The tenant-owned models that move with a candidate, nearest first (the candidate itself first), each with the
    shortest chain of relations to the candidate: a breadth-first walk from the candidate along foreign keys."""
    from candidates.models import Candidate

    found: dict[type[models.Model], str] = {Candidate: "pk"}
    queue: deque[type[models.Model]] = deque([Candidate])
    by_label = {m._meta.label_lower: m for m in tenant_models()}
    for label, path in EXTRA_PATHS.items():
        if label in by_label:
            found[by_label[label]] = path
            queue.append(by_label[label])
    candidates_of = tenant_models()
    while queue:
        parent = queue.popleft()
        parent_path = found[parent]
        for model in candidates_of:
            if model in found or model._meta.label_lower in STAYS or model._meta.label_lower in GENERIC_FOLLOWERS:
                continue
            for field in _foreign_keys(model):
                if field.related_model is parent:
                    found[model] = field.name if parent_path == "pk" else f"{field.name}__{parent_path}"
                    queue.append(model)
                    break
    return [MovingModel(model=m, path=p) for m, p in found.items()]
