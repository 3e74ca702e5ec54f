"""Re-encrypt every stored file under the current first key of HNAP_FILE_KEYS, in batches, resumably."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dataprotection.models import KeyRotation
from dataprotection.services import key_rotation_start, key_rotation_step
from hnap.audit import audit_source


class Command(BaseCommand):
    help = (
        "Key rotation without downtime: put the new key first in HNAP_FILE_KEYS (keep the old ones), run this, then "
        "drop the old keys once it says done. --background queues it for the workers; --status shows progress."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=50)
        parser.add_argument("--background", action="store_true", help="Queue it for the Celery workers.")
        parser.add_argument("--status", action="store_true", help="Show the latest rotation's progress only.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["status"]:
            latest = KeyRotation.objects.first()
            self.stdout.write(str(latest) if latest else "No rotation yet.")
            return
        rotation = key_rotation_start()
        if options["background"]:
            from dataprotection.tasks import key_rotation_run

            key_rotation_run.delay(rotation.pk, options["batch"])
            self.stdout.write(f"Queued: {rotation}")
            return
        with audit_source("command", command="reencrypt_files"):
            while key_rotation_step(rotation=rotation, batch_size=options["batch"]):
                rotation.refresh_from_db()
                self.stdout.write(f"{rotation.done}/{rotation.total} ({rotation.percent}%)")
        rotation.refresh_from_db()
        self.stdout.write(f"Done: {rotation}")
