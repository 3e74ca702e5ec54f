"""`manage.py demo_code EMAIL`: the current two-factor code of a demo user (only with DEBUG on)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hnap.demo import demo_totp_key


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (development machines only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code works only with DEBUG on (a developer's machine).")
        email = options["email"].lower()
        device = TOTPDevice.objects.filter(user__email=email, key=demo_totp_key(email), confirmed=True).first()
        if device is None:
            raise CommandError(f"{email} has no demo authenticator.")
        self.stdout.write(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
