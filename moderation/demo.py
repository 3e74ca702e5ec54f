"""Demo moderation for `make run` (issue 7), built through the services where a rule applies.

Strictly Education 4S's event for last month's cycle is open, held today: Sam Senior is the senior moderator and Mo
Moderator (the moderator sign-in) a moderator whose competence Sam confirmed after two trial moderations. HLTA North
peer-reviews 4S this quarter (and 4S North); North's peer reviewer Noel North (the North assessor sign-in) has the
review open and drew the random sample. The cohort, assessed by three 4S assessors, shows every kind of sample
reason and decision: a not-met file endorsed, a full reassessment after a two-moderator overturn whose assessor's
other file is now review pending (MOD-7), a partial reassessment proposed for overturn and waiting for a second
moderator, a new assessor's first solo and the drawn file still to decide, and the coverage proposals of the year.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone

from assessments.factories import AssessorFactory
from assessments.models import AssessmentFile, Assessor
from hnap.demo import DEMO_PASSWORD
from hnap.factories import UserFactory
from hnap.models import RPA, Membership, PreparationProvider, User
from hnap.roles import Role
from moderation import services as ms
from moderation.factories import cohort_file, last_month
from moderation.models import ModerationEvent, Moderator, SampleEntry, SampleReason, Verdict
from moderation.selectors import pairing_for

GAIL = "gail.green@hnap.test"  # a demo sign-in: an assessor who has received moderation feedback
# A fixed seed: the demo's draw can be re-run from the event page and gives the same file (MOD-3).
DEMO_SEED = 20_261_101


def _agree(entry: SampleEntry, *, disagree: dict[int, str] | None = None) -> dict[str, dict[str, object]]:
    disagree = disagree or {}
    return {str(n): {"agree": n not in disagree, "note": disagree.get(n, "")} for n in entry.standards}


def _assessor(rpa: RPA, email: str, name: str, *, new: bool = False) -> Assessor:
    user = User.objects.filter(email=email).first() or UserFactory(email=email, full_name=name)
    existing = Assessor.objects.filter(rpa=rpa, user=user).first()
    if existing is not None:
        return existing
    assessor: Assessor = AssessorFactory(rpa=rpa, user=user)  # type: ignore[assignment]
    if new:
        Assessor.objects.filter(pk=assessor.pk).update(joined_on=timezone.localdate() - timedelta(days=60))
    return assessor


def seed_moderation_demo() -> int:
    """Create the demo moderation once (4S's event for last month says whether it is there); returns the number of
    files in its sample."""
    four_s = RPA.objects.get(slug="strictly-education-4s")
    north = RPA.objects.get(slug="hlta-north")
    month = last_month()
    if ModerationEvent.objects.filter(rpa=four_s, month=month).exists():
        return 0
    if not AssessmentFile.objects.filter(rpa=four_s, version_count__gt=0).exists():
        return 0  # the assessment files' demo comes first (a database seeded before issue 6 gets both next time)
    admin = User.objects.get(email="admin.4s@hnap.test")
    sam = User.objects.get(email="senior.4s@hnap.test")
    mo = User.objects.get(email="moderator.4s@hnap.test")
    noel = User.objects.get(email="assessor.north@hnap.test")
    nia = User.objects.get(email="admin.north@hnap.test")
    alex = User.objects.get(email="assessor.4s@hnap.test")

    # Moderators (MOD-1, MOD-2): the senior moderator, and Mo confirmed by Sam after trial moderations.
    if not Moderator.objects.filter(rpa=four_s, user=sam).exists():
        Moderator.objects.create(
            rpa=four_s,
            user=sam,
            assessor=Assessor.objects.filter(rpa=four_s, user=sam).first(),
            is_senior=True,
            trained_on=timezone.localdate() - timedelta(days=700),
            nominated_by=admin,
        )
    Membership.objects.get_or_create(user=sam, role=Role.MODERATOR, rpa=four_s)
    moderator = Moderator.objects.filter(rpa=four_s, user=mo).first() or Moderator.objects.create(
        rpa=four_s, user=mo, trained_on=timezone.localdate() - timedelta(days=120), nominated_by=admin
    )
    if not moderator.is_confirmed:
        ms.moderator_confirm(
            moderator=moderator,
            acting_user=sam,
            note="Two trial moderations in the spring, both judgements matching the senior moderator's.",
        )

    # Peer review (PEER-1, PEER-2): North and 4S review each other for the three months from the month before last.
    earlier = last_month_of(month)
    for reviewed, reviewer in ((four_s, north), (north, four_s)):
        if pairing_for(rpa=reviewed, month=earlier) is None:
            ms.pairing_set(rpa=reviewed, reviewer_rpa=reviewer, period_start=earlier, acting_user=None)
    for cycle in (earlier, month):
        ms.nomination_set(rpa=north, month=cycle, reviewer=noel, deputy=nia, acting_user=nia)
        ms.nomination_set(rpa=four_s, month=cycle, reviewer=alex, deputy=admin, acting_user=admin)

    # The cohorts, assessed by three 4S assessors (none of them a moderator); Gail Green signs in to read her feedback.
    pop = PreparationProvider.objects.get(name="Bright Futures Training")
    gail = _assessor(four_s, GAIL, "Gail Green")
    owen = _assessor(four_s, "owen.oak@hnap.test", "Owen Oak")
    priya = _assessor(four_s, "priya.patel@hnap.test", "Priya Patel", new=True)
    gail.user.set_password(DEMO_PASSWORD)
    gail.user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=gail.user, role=Role.ASSESSOR, rpa=four_s)

    def file(first: str, last: str, assessor: Assessor, cycle: date = month, **kwargs: object) -> AssessmentFile:
        return cohort_file(
            rpa=four_s,
            assessor=assessor,
            pop=pop,
            candidate_fields={"first_name": first, "last_name": last, "email": f"{first}.{last}@example.org".lower()},
            days_ago=(timezone.localdate() - cycle).days - 6,
            month=cycle,
            **kwargs,  # type: ignore[arg-type]
        )

    _closed_event(month=earlier, file=file, gail=gail, noel=noel, mo=mo, admin=admin, pop=pop)

    not_met = file("Nadia", "Notmet", gail, outcome="not_met", insufficient=(9, 10))
    partial = file("Pablo", "Partial", gail, outcome="partial", insufficient=(4,))
    for first, last in (("Mia", "Met"), ("Theo", "Thorough"), ("Ivy", "Ideal"), ("Ben", "Bright"), ("Lia", "Lucid")):
        file(first, last, gail)
    weak = file("Fiona", "Fulton", owen)
    file("Otto", "Other", owen)
    file("Sol", "Solo", priya, first_solo=True)

    event = ms.event_plan(
        rpa=four_s, month=month, held_on=timezone.localdate(), acting_user=admin, lead_moderator=moderator
    )
    event = ms.event_open(event=event, acting_user=admin)
    # The RPA's own choice of standards to moderate in every file, besides the insufficient and national ones (MOD-5).
    event = ms.event_standards_set(event=event, standards=[17, 31], acting_user=admin)
    event = ms.peer_review_open(event=event, acting_user=admin)
    ms.sample_draw(event=event, acting_user=noel, seed=DEMO_SEED)
    # Owen Oak has not been sampled this year: one of his files is added for coverage (MOD-4).
    if not SampleEntry.objects.filter(event=event, file=weak).exists():
        ms.sample_add(event=event, file=weak, acting_user=admin, reason=SampleReason.COVERAGE_ASSESSOR)

    entry = SampleEntry.objects.get(event=event, file=not_met)
    ms.decision_record(
        entry=entry,
        acting_user=mo,
        verdict=Verdict.ENDORSE,
        judgements=_agree(entry),
        documentation="adequate",
    )
    # A two-moderator overturn to full reassessment: Owen's other unconfirmed file becomes review pending (MOD-7).
    entry = SampleEntry.objects.get(event=event, file=weak)
    decision = ms.decision_record(
        entry=entry,
        acting_user=mo,
        verdict=Verdict.OVERTURN,
        judgements=_agree(entry),
        new_outcome="full",
        reasons="The grid's evidence summaries repeat the standards' wording: no example from the tasks or the "
        "interviews supports any judgement, so the assessment cannot stand.",
        documentation="poor",
    )
    ms.decision_second_review(
        decision=decision, acting_user=sam, agrees=True, note="Agreed: none of the summaries cites evidence."
    )
    # An overturn proposed by Sam, waiting for a second moderator (Mo can review it).
    entry = SampleEntry.objects.get(event=event, file=partial)
    ms.decision_record(
        entry=entry,
        acting_user=sam,
        verdict=Verdict.OVERTURN,
        judgements=_agree(entry, disagree={4: "Task 3's response sheet shows standard 4 met."}),
        new_outcome="met",
        reasons="Standard 4 is evidenced by task 3 and the teacher's account (F12): every standard is met.",
        documentation="good",
    )
    return SampleEntry.objects.filter(event=event).count()


def last_month_of(month: date) -> date:
    """The first day of the month before `month`."""
    return (month - timedelta(days=1)).replace(day=1)


def _closed_event(
    *,
    month: date,
    file: Callable[..., AssessmentFile],
    gail: Assessor,
    noel: User,
    mo: User,
    admin: User,
    pop: PreparationProvider,
) -> ModerationEvent:
    """The month before last: an event held early last month and closed, every sampled file decided, the others
    confirmed as recommended (MOD-12); feedback sent to Gail Green (MOD-9), the moderators' report (MOD-10), the
    trends sent to Bright Futures Training (MOD-11) and the joint report, submitted late (PEER-3)."""
    from moderation.report_services import moderators_report_save, pop_trends_send

    not_met = file("Hana", "Hopeful", gail, cycle=month, outcome="not_met", insufficient=(17, 21))
    for first, last in (("Ravi", "Ready"), ("Esme", "Even"), ("Tom", "Tidy"), ("Una", "Upbeat")):
        file(first, last, gail, cycle=month)
    held_on = (month + timedelta(days=40)).replace(day=1) + timedelta(days=6)  # early last month
    event = ms.event_plan(rpa=gail.rpa, month=month, held_on=held_on, acting_user=admin)
    event = ms.event_open(event=event, acting_user=admin)
    event = ms.event_standards_set(event=event, standards=[17, 31], acting_user=admin)
    event = ms.peer_review_open(event=event, acting_user=admin)
    ms.sample_draw(event=event, acting_user=noel, seed=DEMO_SEED - 1)
    for entry in SampleEntry.objects.filter(event=event).order_by("pk"):
        ms.decision_record(
            entry=entry,
            acting_user=mo,
            verdict=Verdict.ENDORSE,
            judgements=_agree(entry),
            documentation="poor" if entry.file_id == not_met.pk else "good",
        )
    event = ms.event_close(event=event, acting_user=admin)
    feedback = ms.assessor_feedback_save(
        event=event,
        assessor=gail,
        acting_user=mo,
        strengths="Evidence summaries cite the task and the interview for every standard; outcomes well judged.",
        weaknesses="The senior leader records (F13) are brief: note what was said about each standard discussed.",
    )
    ms.assessor_feedback_send(feedback=feedback, acting_user=mo)
    moderators_report_save(
        event=event,
        training="A session on recording the senior leader interview would help newer assessors.",
        quality_assurance="Scrutiny caught the thin records early; keep sampling new assessors' files.",
        support="",
        submit=True,
        acting_user=mo,
    )
    pop_trends_send(
        event=event,
        pop=pop,
        whole_year=False,
        message="Standards 17 and 21 (planning) were the weakest in your candidates' files this month.",
        acting_user=admin,
    )
    ms.joint_report_submit(
        report=event.joint_report,
        acting_user=noel,
        issues_raised=True,
        issues="Discussed how thin F13 records should be handled at scrutiny; agreed they are returned.",
    )
    return event
