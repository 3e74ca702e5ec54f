"""An email backend that is slow to send: it marks that sending started, then sleeps before sending.

The deadline worker test kills a worker while it sleeps here, that is inside the delivery transaction,
to prove a killed delivery loses nothing and sends nothing twice (ENQ-3).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class EmailBackend(FileEmailBackend):
    """The file backend, after writing HNAP_SLOW_EMAIL_MARKER and sleeping HNAP_SLOW_EMAIL_SECONDS."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        marker = os.environ.get("HNAP_SLOW_EMAIL_MARKER")
        if marker:
            Path(marker).write_text(f"{len(email_messages)} message(s), pid {os.getpid()}\n")
        time.sleep(float(os.environ.get("HNAP_SLOW_EMAIL_SECONDS", "120")))
        return super().send_messages(email_messages)
