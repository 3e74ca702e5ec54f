"""Demo data for `make run`: users for every role across two RPAs and two PoPs, schools, deadlines, candidates,
assessors and a booking.

Idempotent: running it again changes nothing that is already there. Later issues extend it (and raise
DEMO_DATA_VERSION in hnap/embedded.py, so an existing `make run` database gets the new data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hnap.models import RPA, Membership, PreparationProvider, Region, School, User
from hnap.roles import PRIVILEGED_ROLES, Role

DEMO_PASSWORD = "hnap-demo-2026"  # noqa: S105 - demo data on a developer's machine only


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    rpa: str | None = None
    pop: str | None = None


DEMO_POPS = {
    "Bright Futures Training": ["strictly-education-4s", "hlta-north"],
    "Northern Preparation Partnership": ["hlta-north"],
}

DEMO_USERS = [
    DemoUser("partnership@hnap.test", "Pat Partnership", Role.PARTNERSHIP_ADMIN),
    DemoUser("admin.4s@hnap.test", "Ada Admin", Role.RPA_ADMIN, rpa="strictly-education-4s"),
    DemoUser("senior.4s@hnap.test", "Sam Senior", Role.SENIOR_ASSESSOR, rpa="strictly-education-4s"),
    DemoUser("assessor.4s@hnap.test", "Alex Assessor", Role.ASSESSOR, rpa="strictly-education-4s"),
    DemoUser("moderator.4s@hnap.test", "Mo Moderator", Role.MODERATOR, rpa="strictly-education-4s"),
    DemoUser("admin.north@hnap.test", "Nia North", Role.RPA_ADMIN, rpa="hlta-north"),
    DemoUser("assessor.north@hnap.test", "Noel North", Role.ASSESSOR, rpa="hlta-north"),
    DemoUser("pop.brightfutures@hnap.test", "Bea Bright", Role.POP_USER, pop="Bright Futures Training"),
    DemoUser("pop.northern@hnap.test", "Pete Northern", Role.POP_USER, pop="Northern Preparation Partnership"),
    DemoUser("candidate.4s@hnap.test", "Cara Candidate", Role.CANDIDATE, rpa="strictly-education-4s"),
]

DEMO_SCHOOLS = [
    (100001, "Riverside Primary School", "Hertfordshire", "East of England", "Primary", 4, 11),
    (100002, "Hilltop Academy", "Birmingham", "West Midlands", "Secondary", 11, 18),
    (100003, "Moorside Infant School", "Leeds", "Yorkshire and the Humber", "Primary", 3, 7),
    (100004, "Castle Community School", "Northamptonshire", "East Midlands", "Secondary", 11, 16),
]


def demo_totp_key(email: str) -> str:
    """A fixed, known TOTP key per demo user, so `manage.py demo_code EMAIL` can print their code."""
    from hashlib import sha1

    return sha1(f"hnap-demo:{email}".encode()).hexdigest()  # noqa: S324 - not a security use: demo only


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Create the demo data that is missing; return how many of each were created."""
    from hnap.schools import school_rpa_for

    created = {"users": 0, "memberships": 0, "pops": 0, "schools": 0}
    rpas = {rpa.slug: rpa for rpa in RPA.objects.all()}
    pops = {}
    for name, slugs in DEMO_POPS.items():
        pop, made = PreparationProvider.objects.get_or_create(
            name=name, defaults={"contact_email": f"office@{name.split()[0].lower()}.example.org"}
        )
        pop.rpas.add(*[rpas[s] for s in slugs])
        pops[name] = pop
        created["pops"] += made
    for demo in DEMO_USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = User.objects.create_user(demo.email, DEMO_PASSWORD, full_name=demo.full_name)
            created["users"] += 1
        _, made = Membership.objects.get_or_create(
            user=user, role=demo.role, rpa=rpas.get(demo.rpa or ""), pop=pops.get(demo.pop or "")
        )
        created["memberships"] += made
        if demo.role in PRIVILEGED_ROLES:
            TOTPDevice.objects.get_or_create(
                user=user, name="Demo authenticator", defaults={"key": demo_totp_key(demo.email), "confirmed": True}
            )
    for rpa_slug, lead_email in (
        ("strictly-education-4s", "admin.4s@hnap.test"),
        ("hlta-north", "admin.north@hnap.test"),
    ):
        RPA.objects.filter(slug=rpa_slug, lead__isnull=True).update(lead=User.objects.get(email=lead_email))
    for urn, name, authority, region, phase, low, high in DEMO_SCHOOLS:
        region_obj = Region.objects.get(name=region)
        _, made = School.objects.get_or_create(
            urn=urn,
            defaults={
                "name": name,
                "local_authority": authority,
                "region": region_obj,
                "phase": phase,
                "statutory_low_age": low,
                "statutory_high_age": high,
                "rpa": school_rpa_for(region=region_obj, local_authority=authority),
            },
        )
        created["schools"] += made
    _seed_deadlines(rpas)
    from candidates.demo import seed_candidates_demo

    created["candidates"] = seed_candidates_demo()
    from assessments.demo import seed_assessments_demo

    created["assessors"] = seed_assessments_demo()
    from moderation.demo import seed_moderation_demo

    created["moderation_sample"] = seed_moderation_demo()
    from appeals.demo import seed_appeals_demo

    created["enquiries"] = seed_appeals_demo()
    from partnership.demo import seed_partnership_demo

    created["national_standards_months"] = seed_partnership_demo()
    from dataprotection.demo import seed_dataprotection_demo

    created["breaches"] = seed_dataprotection_demo()
    return created


def _seed_deadlines(rpas: dict[str, RPA]) -> None:
    from hnap.deadlines import deadline_schedule
    from hnap.models import Deadline

    today = timezone.localdate()
    admin_4s = User.objects.get(email="admin.4s@hnap.test")
    admin_north = User.objects.get(email="admin.north@hnap.test")
    for rpa, owner, kind, title, start_days_ago, days in (
        (rpas["strictly-education-4s"], admin_4s, "demo.acknowledge", "Acknowledge enquiry from Riverside", 2, 3),
        (rpas["strictly-education-4s"], admin_4s, "demo.respond", "Answer enquiry from Riverside Primary", 2, 10),
        (rpas["strictly-education-4s"], admin_4s, "demo.overdue", "Acknowledge enquiry from a parent", 6, 3),
        (rpas["hlta-north"], admin_north, "demo.acknowledge", "Acknowledge enquiry from Moorside Infants", 1, 3),
    ):
        if not Deadline.objects.filter(rpa=rpa, kind=kind).exists():
            deadline_schedule(
                rpa=rpa,
                kind=kind,
                title=title,
                responsible=owner,
                starts_on=today - timedelta(days=start_days_ago),
                working_days=days,
            )


def demo_logins() -> list[tuple[str, str, str]]:
    """(role and place, email, password) for the README and `make run`."""
    rows = []
    for demo in DEMO_USERS:
        where = demo.rpa or demo.pop or "Partnership"
        rows.append((f"{demo.role.label} ({where})", demo.email, DEMO_PASSWORD))
    return rows
