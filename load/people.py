"""The people of the load test: one account per simulated person, so that 50 people are 50 sign-ins.

seed_scale gives one sign-in per role and RPA (17 in all). Fifty simulated people sharing them would be the same
person signed in several times at once, and their authenticator codes would collide (django-otp refuses a code
older than the last one accepted, and shifts its window to the last code's drift). So, in the load test's own
database only, this adds colleagues: more administrators, senior assessors, moderators, PoP users and Partnership
administrators with the same memberships as the seeded ones, and gives real seeded assessors (who have files
and bookings) the demo password and an authenticator. Candidates have no second factor and share the seeded
candidate sign-ins. Every account gets the seeded password and a TOTP device with `hnap.demo.demo_totp_key`.

    python -m load.people PER_ROLE OUTPUT.json   (run by load/run.py with the load's environment)
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path

import django


def people_prepare(*, per_role: int) -> dict[str, list[str]]:
    """Make sure `per_role` accounts exist for each staff role; return the emails by role."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from assessments.models import Assessor, AssessorStatus
    from hnap.demo import DEMO_PASSWORD, demo_totp_key
    from hnap.models import RPA, Membership, User
    from hnap.roles import Role
    from hnap.scale import scale_sign_ins

    password = make_password(DEMO_PASSWORD)  # hashed once: every account has the same password
    seeded = scale_sign_ins(list(RPA.objects.order_by("pk")))
    people: dict[str, list[str]] = {}

    def ready(user: User) -> None:
        user.password = password
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="Load test", key=demo_totp_key(user.email), confirmed=True)
        # A fresh run starts from a device at rest: no drift or throttling left from an earlier run's sign-ins.
        TOTPDevice.objects.filter(user=user).update(drift=0, last_t=-1, throttling_failure_count=0)

    with transaction.atomic():
        for role in (Role.RPA_ADMIN, Role.SENIOR_ASSESSOR, Role.MODERATOR, Role.POP_USER, Role.PARTNERSHIP_ADMIN):
            originals = [User.objects.get(email=s.email) for s in seeded if s.role == role]
            emails = [original.email for original in originals]
            for original in originals:
                ready(original)
            for number in range(per_role - len(originals)):
                original = originals[number % len(originals)]
                email = f"load{number}.{original.email}"
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, None, full_name=f"Load {number} {original.full_name}")
                    for membership in Membership.objects.filter(user=original, role=role):
                        Membership.objects.create(user=user, role=role, rpa=membership.rpa, pop=membership.pop)
                ready(user)
                emails.append(email)
            people[role.value] = emails
        # Assessors: real ones of each RPA in turn, with their own files and bookings.
        assessors: list[str] = []
        by_rpa = [
            list(
                Assessor.objects.filter(rpa=rpa, status=AssessorStatus.ACTIVE, user__memberships__role=Role.ASSESSOR)
                .select_related("user")
                .order_by("pk")[:per_role]
            )
            for rpa in RPA.objects.order_by("pk")
        ]
        interleaved = [a for group in itertools.zip_longest(*by_rpa) for a in group if a is not None]
        for assessor in interleaved[:per_role]:
            ready(assessor.user)
            assessors.append(assessor.user.email)
        people[Role.ASSESSOR.value] = assessors or [s.email for s in seeded if s.role == Role.ASSESSOR]
        people[Role.CANDIDATE.value] = [s.email for s in seeded if s.role == Role.CANDIDATE]
    return people


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnap.settings.local")
    django.setup()
    Path(sys.argv[2]).write_text(json.dumps(people_prepare(per_role=int(sys.argv[1])), indent=1))
