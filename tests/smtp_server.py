"""A real SMTP server on loopback for the tests (aiosmtpd), started on a free port.

Mail goes to it through Django's own SMTP backend, over a real socket, as it goes to a
municipality's mail server. It keeps what it received; told to refuse, it answers every
message with a server error (451: try again later), as a mail server in trouble does.
"""

import email
import email.policy
import logging
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
# aiosmtpd tells every connection at INFO; a failing test shows enough without it.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Handler:
    """What the server does with each message: keep it, or refuse it with REFUSE (all of
    them, or once it has kept ACCEPT_ONLY). It counts the connections it was greeted on."""

    received: list[Received] = field(default_factory=list)
    refuse: str = ""  # e.g. "451 4.3.0 Mail server temporarily unavailable"
    accept_only: int | None = None
    connections: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        self.connections += 1  # smtplib greets once on each connection it opens
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse and (self.accept_only is None or len(self.received) >= self.accept_only):
            return self.refuse
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """An aiosmtpd server on HOST and a free port; start() and stop() it."""

    def __init__(self):
        self.handler = Handler()
        self.port = _free_port()
        self._controller = Controller(self.handler, hostname=HOST, port=self.port)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def connections(self) -> int:
        """How many connections a client opened and greeted (EHLO)."""
        return self.handler.connections

    def refuse(
        self,
        reply: str = "451 4.3.0 Mail server temporarily unavailable",
        *,
        after: int | None = None,
    ) -> None:
        """Refuse every message from now on, or once AFTER messages in all were kept."""
        self.handler.refuse = reply
        self.handler.accept_only = after

    def accept(self) -> None:
        self.handler.refuse = ""
        self.handler.accept_only = None

    def mailers(self) -> dict:
        """Return the MAILERS setting that sends to this server with the portal's SMTP backend
        (Django's, which the outbox also hands prebuilt bytes: config/mail_backends.py)."""
        return {
            "default": {
                "BACKEND": "config.mail_backends.SMTPBackend",
                "OPTIONS": {"host": HOST, "port": self.port, "use_tls": False, "timeout": 5},
            }
        }

    def start(self) -> "SMTPServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
