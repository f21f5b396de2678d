"""
The local mailbox of the embedded default.

Every mail the portal sends is kept as one .eml file under MAILBOX_DIR and can be
read (and its links clicked) at /dev/mailbox/. Only routed when MAILBOX_ENABLED.
"""

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET


class MailboxBackend(BaseEmailBackend):
    """Write each message to its own .eml file in the mailbox folder."""

    def send_messages(self, email_messages) -> int:
        folder = Path(settings.MAILBOX_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            # A sortable name: newest last, and never two alike.
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
            sent += 1
        return sent


@dataclass
class StoredMail:
    id: str
    sender: str
    to: str
    subject: str
    date: datetime | None
    text: str


def _read(path: Path) -> StoredMail:
    message: EmailMessage = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[assignment]
    body = message.get_body(preferencelist=("plain",))
    date = message["Date"]
    return StoredMail(
        id=path.stem,
        sender=str(message["From"] or ""),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        date=parsedate_to_datetime(date) if date else None,
        text=body.get_content() if body else "",
    )


def _mail_paths() -> list[Path]:
    folder = Path(settings.MAILBOX_DIR)
    if not folder.exists():
        return []
    return sorted(folder.glob("*.eml"), reverse=True)


def stored_mails() -> list[StoredMail]:
    """Return the mails in the mailbox, newest first."""
    return [_read(path) for path in _mail_paths()]


@require_GET
def mailbox_list(request: HttpRequest) -> HttpResponse:
    return render(request, "mailbox/list.html", {"mails": stored_mails()})


@require_GET
def mailbox_detail(request: HttpRequest, mail_id: str) -> HttpResponse:
    for path in _mail_paths():
        if path.stem == mail_id:
            return render(request, "mailbox/detail.html", {"mail": _read(path)})
    raise Http404
