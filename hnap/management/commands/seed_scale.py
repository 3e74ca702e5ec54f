"""`manage.py seed_scale`: the national dataset (3 RPAs, 5 years, 30,000 candidates...) for benchmarks and load."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hnap.audit import audit_source
from hnap.demo import DEMO_PASSWORD
from hnap.models import RPA
from hnap.scale import ScaleSizes, database_has_data, scale_sign_ins, seed_scale


def _scale(text: str) -> float:
    value = float(text)
    if not 0 < value <= 10:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Write a national-size dataset in bulk (1.0 = 30,000 candidates and files, 300 assessors, 200 PoPs, "
        "50,000 enquiries, 100,000 deadlines over five years). Refuses a database that already holds data "
        "unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=_scale, default=1.0, help="fraction of the national size (default 1.0)")
        parser.add_argument("--seed", type=int, default=1, help="seed of the data's variation (default 1)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add the dataset even though the database already has candidates, files or enquiries "
            "(nothing is deleted; this run's records carry their own tag)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if database_has_data() and not options["force"]:
            raise CommandError(
                "This database already holds candidates, assessors, files, events or enquiries. seed_scale never "
                "deletes anything: use a fresh database, or pass --force to add the dataset alongside."
            )
        with audit_source("command", command="seed_scale"):
            counts = seed_scale(scale=options["scale"], seed=options["seed"], write=self.stdout.write)
        self.stdout.write("Done: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
        self.stdout.write(f"Sizes: {ScaleSizes.at(options['scale'])}")
        self.stdout.write(f"Sign-ins (password for all: {DEMO_PASSWORD}; privileged roles use the demo TOTP key,")
        self.stdout.write("`manage.py demo_code EMAIL` prints the current code with DEBUG on):")
        for sign_in in scale_sign_ins(list(RPA.objects.order_by("pk"))):
            self.stdout.write(f"  {sign_in.role.label:<26} {sign_in.email}")
