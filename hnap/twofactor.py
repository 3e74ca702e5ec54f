"""TOTP two-factor sign-in (django-otp): devices, verification, and who must use it."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from hnap.access import memberships_of
from hnap.roles import PRIVILEGED_ROLES


def confirmed_device(*, user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_required(*, user: Any) -> bool:
    """Whether the user's roles make two-factor sign-in mandatory."""
    return any(m.role in PRIVILEGED_ROLES for m in memberships_of(user))


@transaction.atomic
def device_start_setup(*, user: Any) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating it the first time."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator with a code from it; other authenticators of the user are removed."""
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def device_qr_svg(*, device: TOTPDevice) -> str:
    """The provisioning QR code as inline SVG (no external service sees the secret)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg: str = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)


def device_secret_text(*, device: TOTPDevice) -> str:
    """The secret in base32, grouped in fours, for typing in by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
