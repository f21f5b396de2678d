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
    """What the server does with each message: keep it, or refuse it with REFUSE."""

    received: list[Received] = field(default_factory=list)
    refuse: str = ""  # e.g. "451 4.3.0 Mail server temporarily unavailable"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
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

    def refuse(self, reply: str = "451 4.3.0 Mail server temporarily unavailable") -> None:
        self.handler.refuse = reply

    def accept(self) -> None:
        self.handler.refuse = ""

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
