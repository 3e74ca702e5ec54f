"""The roles people hold and what each role may do: the one place permissions are declared.

A role is held through a Membership (hnap.models). Each grant below names a model, the actions
allowed on it, and the scope the role reaches: its RPA's records, its PoP's records, its own
records, or (Partnership level, for reference data only) every record. `hnap.access` reads this
table and nothing else. Cross-RPA exceptions are object grants (hnap.grants), never roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    RPA_ADMIN = "rpa_admin", "RPA administrator"
    SENIOR_ASSESSOR = "senior_assessor", "Senior assessor"
    ASSESSOR = "assessor", "Assessor"
    MODERATOR = "moderator", "Moderator"
    POP_USER = "pop_user", "PoP user"
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership administrator"
    CANDIDATE = "candidate", "Candidate"

    @classmethod
    def rpa_roles(cls) -> list[str]:
        """Roles held within one RPA."""
        return [cls.RPA_ADMIN, cls.SENIOR_ASSESSOR, cls.ASSESSOR, cls.MODERATOR]


# Two-factor sign-in is mandatory for these roles (they see many candidates' data or national settings).
PRIVILEGED_ROLES = frozenset({Role.RPA_ADMIN, Role.SENIOR_ASSESSOR, Role.MODERATOR, Role.PARTNERSHIP_ADMIN})


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


class Scope(StrEnum):
    RPA = "rpa"  # records whose `rpa` is the membership's RPA
    POP = "pop"  # records whose model's `access_pop_path` leads to the membership's PoP
    OWN = "own"  # records whose model's `access_owner_path` leads to the user
    ALL = "all"  # every record (Partnership-level reference data only)


@dataclass(frozen=True)
class Grant:
    """What a role may do to one model, and how far it reaches."""

    scope: Scope
    actions: frozenset[Action]


def _grant(scope: Scope, *actions: Action) -> Grant:
    return Grant(scope=scope, actions=frozenset(actions))


VIEW = Action.VIEW
ADD = Action.ADD
CHANGE = Action.CHANGE
DELETE = Action.DELETE

# role -> model label -> grant. Anything not listed is refused (fail closed).
ROLE_GRANTS: dict[str, dict[str, Grant]] = {
    Role.RPA_ADMIN: {
        "hnap.deadline": _grant(Scope.RPA, VIEW, CHANGE),
        "hnap.closureday": _grant(Scope.RPA, VIEW, ADD, CHANGE, DELETE),
        "candidates.candidate": _grant(Scope.RPA, VIEW, CHANGE),
        "candidates.preparationcourse": _grant(Scope.RPA, VIEW),
        "candidates.employerdeclaration": _grant(Scope.RPA, VIEW, ADD),
        "candidates.level2evidence": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "candidates.disabilitydisclosure": _grant(Scope.RPA, VIEW, CHANGE),
        "candidates.changereport": _grant(Scope.RPA, VIEW, CHANGE),
        "candidates.regionalcharge": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "candidates.invoice": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "candidates.payment": _grant(Scope.RPA, VIEW, ADD),
        "assessments.assessor": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "assessments.trainingrecord": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "assessments.cpdentry": _grant(Scope.RPA, VIEW, ADD),
        "assessments.conflict": _grant(Scope.RPA, VIEW, ADD, DELETE),
        "assessments.unavailability": _grant(Scope.RPA, VIEW, ADD, DELETE),
        "assessments.performancereview": _grant(Scope.RPA, VIEW, ADD),
        "assessments.qualityaction": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "assessments.assessment": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        # The file: scrutiny (SCR-1..SCR-3), issues in the candidate's documents (PREP-3), passing feedback on
        # (PREP-1, PREP-2) and results (MOD-12).
        "assessments.assessmentfile": _grant(Scope.RPA, VIEW, CHANGE),
        "assessments.taskdocument": _grant(Scope.RPA, VIEW),
        "assessments.documentissue": _grant(Scope.RPA, VIEW, ADD),
        "assessments.fileversion": _grant(Scope.RPA, VIEW),
        "assessments.scrutinydecision": _grant(Scope.RPA, VIEW, ADD),
        "assessments.preparationfeedback": _grant(Scope.RPA, VIEW, CHANGE),
        "assessments.result": _grant(Scope.RPA, VIEW),
        # Moderation (issue 7): the RPA runs its events, nominates moderators and its peer reviewers, reviews
        # review-pending files (MOD-7), sends feedback, trends to PoPs and reads the reports.
        "moderation.moderator": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.peerreviewpairing": _grant(Scope.RPA, VIEW),
        "moderation.peerreviewnomination": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.moderationevent": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.sampledraw": _grant(Scope.RPA, VIEW),
        "moderation.sampleentry": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.moderationdecision": _grant(Scope.RPA, VIEW),
        "moderation.reviewpending": _grant(Scope.RPA, VIEW, CHANGE),
        "moderation.assessorfeedback": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.moderatorsreport": _grant(Scope.RPA, VIEW),
        "moderation.poptrendfeedback": _grant(Scope.RPA, VIEW, ADD),
        "moderation.jointreport": _grant(Scope.RPA, VIEW, CHANGE),
        # Enquiries (ENQ-1..ENQ-3), appeals (APP-1..APP-5), the RPA's referred cases and their panels (APP-6).
        "appeals.enquiry": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "appeals.enquirymessage": _grant(Scope.RPA, VIEW),
        "appeals.appeal": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "appeals.referral": _grant(Scope.RPA, VIEW),
        "appeals.reviewpanel": _grant(Scope.RPA, VIEW),
        "appeals.monitoringshare": _grant(Scope.RPA, VIEW, ADD),
        # RISK-1: the sending RPA proposes a transfer (and may withdraw it) and keeps its record of it.
        "transfers.transfer": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "transfers.transferredcandidate": _grant(Scope.RPA, VIEW),
        # Data protection (DATA-1, S11-4): subject-access exports (downloaded only by the administrator who asked),
        # the retention periods and their runs, and the personal-data breach register.
        "dataprotection.subjectaccessexport": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "dataprotection.retentionpolicy": _grant(Scope.RPA, VIEW, CHANGE),
        "dataprotection.retentionrun": _grant(Scope.RPA, VIEW, ADD),
        "dataprotection.breach": _grant(Scope.RPA, VIEW, ADD),
    },
    Role.SENIOR_ASSESSOR: {
        "hnap.deadline": _grant(Scope.RPA, VIEW),
        "hnap.closureday": _grant(Scope.RPA, VIEW),
        "candidates.candidate": _grant(Scope.RPA, VIEW),
        "candidates.preparationcourse": _grant(Scope.RPA, VIEW),
        "candidates.regionalcharge": _grant(Scope.RPA, VIEW),
        "assessments.assessor": _grant(Scope.RPA, VIEW, CHANGE),
        "assessments.trainingrecord": _grant(Scope.RPA, VIEW),
        "assessments.cpdentry": _grant(Scope.RPA, VIEW),
        "assessments.conflict": _grant(Scope.RPA, VIEW),
        "assessments.unavailability": _grant(Scope.RPA, VIEW),
        "assessments.performancereview": _grant(Scope.RPA, VIEW, ADD),
        "assessments.qualityaction": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "assessments.assessment": _grant(Scope.RPA, VIEW),
        # Senior assessors lead quality assurance: they may scrutinise files too.
        "assessments.assessmentfile": _grant(Scope.RPA, VIEW, CHANGE),
        "assessments.taskdocument": _grant(Scope.RPA, VIEW),
        "assessments.fileversion": _grant(Scope.RPA, VIEW),
        "assessments.scrutinydecision": _grant(Scope.RPA, VIEW, ADD),
        "assessments.preparationfeedback": _grant(Scope.RPA, VIEW),
        # Senior assessors lead the quality assurance of moderation: they read all of it and review
        # review-pending files (MOD-7) with the administrators.
        "moderation.moderator": _grant(Scope.RPA, VIEW),
        "moderation.peerreviewpairing": _grant(Scope.RPA, VIEW),
        "moderation.peerreviewnomination": _grant(Scope.RPA, VIEW),
        "moderation.moderationevent": _grant(Scope.RPA, VIEW),
        "moderation.sampledraw": _grant(Scope.RPA, VIEW),
        "moderation.sampleentry": _grant(Scope.RPA, VIEW),
        "moderation.moderationdecision": _grant(Scope.RPA, VIEW),
        "moderation.reviewpending": _grant(Scope.RPA, VIEW, CHANGE),
        "moderation.assessorfeedback": _grant(Scope.RPA, VIEW),
        "moderation.moderatorsreport": _grant(Scope.RPA, VIEW),
        "moderation.poptrendfeedback": _grant(Scope.RPA, VIEW),
        "moderation.jointreport": _grant(Scope.RPA, VIEW),
        # Enquiries they sent through an RPA's contact form while signed in. Review panels they sit on come by
        # object grants only while the panel sits (APP-7).
        "appeals.enquiry": _grant(Scope.OWN, VIEW),
    },
    Role.ASSESSOR: {
        "hnap.deadline": _grant(Scope.OWN, VIEW),
        # An assessor keeps their own register entry up to date and sees their own assessments (and, through an
        # object grant, one another RPA allocated them: ASR-5).
        "assessments.assessor": _grant(Scope.OWN, VIEW),
        "assessments.trainingrecord": _grant(Scope.OWN, VIEW),
        "assessments.cpdentry": _grant(Scope.OWN, VIEW, ADD),
        "assessments.conflict": _grant(Scope.OWN, VIEW, ADD),
        "assessments.unavailability": _grant(Scope.OWN, VIEW, ADD, DELETE),
        "assessments.performancereview": _grant(Scope.OWN, VIEW),
        "assessments.assessment": _grant(Scope.OWN, VIEW),
        # The files they write: drafts, versions, the candidate's documents, issues raised with the candidate
        # (PREP-3), scrutiny decisions on their files and their feedback to the PoP (PREP-1, PREP-2).
        "assessments.assessmentfile": _grant(Scope.OWN, VIEW, CHANGE),
        "assessments.taskdocument": _grant(Scope.OWN, VIEW, ADD),
        "assessments.documentissue": _grant(Scope.OWN, VIEW, ADD),
        "assessments.fileversion": _grant(Scope.OWN, VIEW),
        "assessments.scrutinydecision": _grant(Scope.OWN, VIEW),
        "assessments.preparationfeedback": _grant(Scope.OWN, VIEW, ADD, CHANGE),
        # The moderators' feedback to them, once sent (MOD-9, ASR-7): their own only.
        "moderation.assessorfeedback": _grant(Scope.OWN, VIEW),
        "appeals.enquiry": _grant(Scope.OWN, VIEW),
    },
    Role.MODERATOR: {
        "hnap.deadline": _grant(Scope.OWN, VIEW),
        # Moderators read the RPA's files (the moderation issue adds their decisions).
        "assessments.assessmentfile": _grant(Scope.RPA, VIEW),
        "assessments.taskdocument": _grant(Scope.RPA, VIEW),
        "assessments.fileversion": _grant(Scope.RPA, VIEW),
        "assessments.scrutinydecision": _grant(Scope.RPA, VIEW),
        # Moderation (issue 7): the assessors and results they moderate, the events and samples, their decisions
        # and second reviews (MOD-6), feedback (MOD-9), their report (MOD-10) and the joint report (PEER-3). The
        # finer rules (a confirmed moderator, never the same person twice) live in moderation.services.
        "assessments.assessor": _grant(Scope.RPA, VIEW),
        "assessments.result": _grant(Scope.RPA, VIEW),
        "moderation.moderator": _grant(Scope.RPA, VIEW, CHANGE),
        "moderation.peerreviewnomination": _grant(Scope.RPA, VIEW),
        "moderation.moderationevent": _grant(Scope.RPA, VIEW, CHANGE),
        "moderation.sampledraw": _grant(Scope.RPA, VIEW),
        "moderation.sampleentry": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.moderationdecision": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.reviewpending": _grant(Scope.RPA, VIEW),
        "moderation.assessorfeedback": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.moderatorsreport": _grant(Scope.RPA, VIEW, ADD, CHANGE),
        "moderation.poptrendfeedback": _grant(Scope.RPA, VIEW),
        "moderation.jointreport": _grant(Scope.RPA, VIEW, CHANGE),
        "appeals.enquiry": _grant(Scope.OWN, VIEW),
    },
    # A PoP reaches the candidates it registered, whichever RPA they are with; never a disability
    # disclosure once made (REG-8), and Level 2 copies only of its own candidates (S11-4).
    Role.POP_USER: {
        "hnap.deadline": _grant(Scope.OWN, VIEW),
        "candidates.candidate": _grant(Scope.POP, VIEW, ADD, CHANGE),
        "candidates.preparationcourse": _grant(Scope.POP, VIEW, ADD, CHANGE),
        "candidates.employerdeclaration": _grant(Scope.POP, VIEW, ADD),
        "candidates.level2evidence": _grant(Scope.POP, VIEW, ADD),
        "candidates.changereport": _grant(Scope.POP, VIEW, ADD),
        "candidates.invoice": _grant(Scope.POP, VIEW),
        # Feedback on their preparation, once the RPA has passed it on (PREP-1, PREP-2).
        "assessments.preparationfeedback": _grant(Scope.POP, VIEW),
        "appeals.enquiry": _grant(Scope.OWN, VIEW),
        # The moderation trends the RPA sent them about their own candidates (MOD-11).
        "moderation.poptrendfeedback": _grant(Scope.POP, VIEW),
    },
    # The Partnership sets the peer-review pairings (PEER-2), sees the nominations (PEER-1) and the joint reports
    # with the issues taken forward to it (PEER-3). A peer reviewer holds no role for the reviewed RPA: they reach
    # that event, its sample and its files only through object grants while the review is open (PEER-4).
    Role.PARTNERSHIP_ADMIN: {
        "moderation.peerreviewpairing": _grant(Scope.ALL, VIEW, ADD, CHANGE, DELETE),
        "moderation.peerreviewnomination": _grant(Scope.ALL, VIEW),
        "moderation.jointreport": _grant(Scope.ALL, VIEW),
        # Appeals referred to the Partnership from every RPA, the review panels it convenes (APP-6) and the
        # monitoring figures RPAs share with it, counts only (APP-5).
        "appeals.referral": _grant(Scope.ALL, VIEW),
        "appeals.reviewpanel": _grant(Scope.ALL, VIEW, ADD),
        "appeals.monitoringshare": _grant(Scope.ALL, VIEW),
        # RISK-1 is the Partnership's decision: it approves and carries out transfers between RPAs.
        "transfers.transfer": _grant(Scope.ALL, VIEW, CHANGE),
        "transfers.transferredcandidate": _grant(Scope.ALL, VIEW),
    },
    # A candidate sees their own application, its state and what is missing, and their invoices.
    Role.CANDIDATE: {
        "candidates.candidate": _grant(Scope.OWN, VIEW),
        "candidates.invoice": _grant(Scope.OWN, VIEW),
        # Their assessment: the written tasks they send (ASM-2), issues raised with them (PREP-3), their released
        # result (MOD-12, PAY-1) and the appeals procedure (APP-2).
        "assessments.assessment": _grant(Scope.OWN, VIEW),
        "assessments.taskdocument": _grant(Scope.OWN, VIEW, ADD, DELETE),
        "assessments.documentissue": _grant(Scope.OWN, VIEW),
        "assessments.result": _grant(Scope.OWN, VIEW),
        # Their enquiries, their appeals (APP-1) and the referral of one to the Partnership (APP-6).
        "appeals.enquiry": _grant(Scope.OWN, VIEW),
        "appeals.appeal": _grant(Scope.OWN, VIEW, ADD),
        "appeals.referral": _grant(Scope.OWN, VIEW, ADD),
    },
}

# Which pages a role's navigation offers (label, url name). Pages still check access themselves.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.RPA_ADMIN: [
        ("Candidates", "candidate-list"),
        ("Assessors", "assessor-list"),
        ("Assessments", "assessment-list"),
        ("Scrutiny", "scrutiny-queue"),
        ("Files", "file-list"),
        ("Moderation", "moderation-event-list"),
        ("Moderators", "moderation-moderator-list"),
        ("Peer review", "moderation-nomination-list"),
        ("Joint reports", "moderation-jointreport-list"),
        ("Preparation feedback", "preparationfeedback-list"),
        ("Reported changes", "changereport-list"),
        ("Regional charges", "charge-list"),
        ("Deadlines", "deadline-dashboard"),
        ("Closure days", "closureday-list"),
        ("Enquiries", "enquiry-list"),
        ("Appeals", "appeal-list"),
        ("Transfers", "transfer-list"),
        ("Subject access", "export-list"),
        ("Retention", "retention-run-list"),
        ("Data breaches", "breach-list"),
        ("Dashboard", "rpa-dashboard"),
        ("National fee and standards", "partnership-fee"),
    ],
    Role.SENIOR_ASSESSOR: [
        ("Candidates", "candidate-list"),
        ("Assessors", "assessor-list"),
        ("Scrutiny", "scrutiny-queue"),
        ("Moderation", "moderation-event-list"),
        ("Moderators", "moderation-moderator-list"),
        ("Deadlines", "deadline-dashboard"),
        ("Review panels", "panel-mine"),
    ],
    Role.ASSESSOR: [
        ("My assessments", "assessment-calendar"),
        ("My files", "file-list"),
        ("My register entry", "assessor-list"),
        ("Moderation feedback", "moderation-feedback-list"),
        ("My deadlines", "deadline-dashboard"),
    ],
    Role.MODERATOR: [
        ("Moderation", "moderation-event-list"),
        ("Moderators", "moderation-moderator-list"),
        ("National standards", "partnership-standards"),
        ("Feedback to assessors", "moderation-feedback-list"),
        ("Joint reports", "moderation-jointreport-list"),
        ("Files", "file-list"),
        ("My deadlines", "deadline-dashboard"),
    ],
    Role.POP_USER: [
        ("Candidates", "candidate-list"),
        ("Courses", "course-list"),
        ("Preparation feedback", "preparationfeedback-list"),
        ("Moderation trends", "moderation-poptrend-list"),
        ("My deadlines", "deadline-dashboard"),
    ],
    Role.PARTNERSHIP_ADMIN: [
        ("National dashboard", "partnership-dashboard"),
        ("National fee", "partnership-fee"),
        ("Sampled standards", "partnership-standards"),
        ("Level 2 qualifications", "qualification-list"),
        ("Referred appeals", "referral-list"),
        ("Appeals monitoring", "appeal-monitoring"),
        ("Peer-review pairings", "moderation-pairing-list"),
        ("Peer reviewers", "moderation-nomination-list"),
        ("Joint reports", "moderation-jointreport-list"),
        ("Transfers", "transfer-list"),
    ],
    Role.CANDIDATE: [
        ("My application", "candidate-list"),
        ("My assessment", "candidate-assessment"),
        ("My appeals", "appeal-list"),
    ],
}
