"""`manage.py seed_demo`: idempotent demo data; `--print-logins` lists the demo sign-ins."""

from typing import Any

from django.core.management.base import BaseCommand

from hnap.audit import audit_source
from hnap.demo import demo_logins, seed_demo


class Command(BaseCommand):
    help = "Create the demo data that is missing (safe to run again), or print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--print-logins", action="store_true", help="only print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["print_logins"]:
            with audit_source("command", command="seed_demo"):
                created = seed_demo()
            self.stdout.write("Demo data: " + ", ".join(f"{n} {k} created" for k, n in created.items()))
        self.stdout.write(f"Demo logins (password for all: {demo_logins()[0][2]}):")
        for role, email, _ in demo_logins():
            self.stdout.write(f"  {role:<58} {email}")
        self.stdout.write(
            "Privileged roles use two-factor sign-in; get a demo user's current code with\n"
            "  .venv/bin/python manage.py demo_code EMAIL"
        )
