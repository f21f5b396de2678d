"""
The local mailbox of the embedded default.

Every mail the portal sends is kept as one .eml file under MAILBOX_DIR and can be
read (and its links clicked) at /dev/mailbox/. Who may read it is decided per request
(mailbox_reader): nobody unless the mailbox is the mail backend in use; everyone on a
developer's machine (DEBUG); with DEBUG off (a demo, MAILBOX_ENABLED=1) only signed-in
functional administrators who gave their second factor, because the mails hold every
resident's sign-in link.
"""

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import Role
from config.mail_settings import BACKENDS, MAILBOX


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

    raw_linesep = "\n"  # as message().as_bytes() writes

    def send_raw(self, sender: str, recipients: list[str], message: bytes) -> int:
        """Keep MESSAGE, already in bytes (config/mail_backends.SMTPBackend.send_raw)."""
        folder = Path(settings.MAILBOX_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        (folder / name).write_bytes(message)
        return 1


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


def mailbox_active() -> bool:
    """Return whether mail goes to this mailbox (and so whether its pages exist at all)."""
    return settings.MAILERS.get("default", {}).get("BACKEND") == BACKENDS[MAILBOX]


def _administrator(user) -> bool:
    from staff.permissions import roles_of  # the staff side's own reading of roles

    return Role.ADMINISTRATOR in roles_of(user)


def mailbox_readable(request: HttpRequest) -> bool:
    """Return whether REQUEST's user may read the mailbox now (the footer links to it)."""
    if not mailbox_active():
        return False
    if settings.DEBUG:
        return True
    from staff.two_factor import needs_second_factor

    # A request refused before the middleware ran (a host not allowed: the 400 page) has no user.
    user = getattr(request, "user", None)
    if user is None:
        return False
    return user.is_authenticated and _administrator(user) and not needs_second_factor(request)


def mailbox_reader(view):
    """Let through only who may read the mailbox; the answers are those of the staff side.

    Not the mailbox backend: 404 for all. DEBUG: everyone. Otherwise anonymous visitors
    go to the staff sign-in, residents get 404 (they do not learn the page exists), staff
    give their second factor first, and staff who are not administrators get 403.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        from staff.two_factor import needs_second_factor, second_factor_redirect

        if not mailbox_active():
            raise Http404
        if not settings.DEBUG:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("staff:login"))
            if not user.is_staff:
                raise Http404
            if needs_second_factor(request):
                return second_factor_redirect(request)
            if not _administrator(user):
                raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@mailbox_reader
@require_GET
def mailbox_list(request: HttpRequest) -> HttpResponse:
    return render(request, "mailbox/list.html", {"mails": stored_mails()})


@mailbox_reader
@require_GET
def mailbox_detail(request: HttpRequest, mail_id: str) -> HttpResponse:
    for path in _mail_paths():
        if path.stem == mail_id:
            return render(request, "mailbox/detail.html", {"mail": _read(path)})
    raise Http404
