"""Where the portal's mail goes, decided from the environment (used by config/settings.py).

Pure functions, no Django settings read here, so the decision can be tested for every
combination and settings.py stays a list of values:

- EMAIL_HOST set: SMTP, always. A real mail server is never overruled by the mailbox.
- otherwise the local mailbox (/dev/mailbox/) when MAILBOX_ENABLED, which defaults to
  DEBUG: on a developer's machine, or when explicitly enabled for a demo with DEBUG off
  (then only signed-in functional administrators may read it: config/mailbox.py).
- otherwise mail has nowhere to go: the system check config.E001 stops migrate and
  runserver (config/mail_checks.py), and a process started anyway (gunicorn, a worker:
  they run no checks) records an error on every outbox row (config/mail_backends.py)
  instead of losing the mail quietly.
"""

from email.headerregistry import Address, AddressHeader

SMTP, MAILBOX, NOWHERE = "smtp", "mailbox", "nowhere"

BACKENDS = {
    SMTP: "config.mail_backends.SMTPBackend",  # Django's, sending prebuilt bytes too
    MAILBOX: "config.mailbox.MailboxBackend",
    NOWHERE: "config.mail_backends.NoDestinationBackend",
}


def mail_destination(*, debug: bool, mailbox_enabled: bool | None, email_host: str) -> str:
    """Return SMTP, MAILBOX or NOWHERE for these settings (MAILBOX_ENABLED None: not set)."""
    if email_host.strip():
        return SMTP
    if debug if mailbox_enabled is None else mailbox_enabled:
        return MAILBOX
    return NOWHERE


def mailers_for(destination: str, smtp_options: dict) -> dict:
    """Return the MAILERS setting that sends mail to DESTINATION."""
    if destination == SMTP:
        return {"default": {"BACKEND": BACKENDS[SMTP], "OPTIONS": smtp_options}}
    return {"default": {"BACKEND": BACKENDS[destination]}}


DEFAULT_FROM = Address(display_name="Dromen.Doen", addr_spec="dromen@heusden.example")

# The one flaw in an address that from_address() repairs: a display name that needs quotes.
_REPAIRABLE = {"period in 'phrase'"}


def from_address(raw: str | None) -> str:
    """Return DEFAULT_FROM_EMAIL for the environment's value RAW, its display name made safe.

    A display name with a period (Dromen.Doen, Gem. Heusden) must be quoted, or Django's
    SMTP backend refuses every mail ("period in 'phrase'"). Address quotes what needs
    quoting and keeps the name readable. A value that is not one clean address is returned
    as given, so that the system check config.E002 names it rather than a changed copy.
    """
    if raw is None or not raw.strip():
        return str(DEFAULT_FROM)
    parsed = AddressHeader.value_parser(raw.strip())
    mailboxes = parsed.all_mailboxes
    defects = {str(defect) for defect in parsed.all_defects}
    if len(mailboxes) != 1 or not mailboxes[0].domain or defects - _REPAIRABLE:
        return raw
    mailbox = mailboxes[0]
    try:
        return str(Address(display_name=mailbox.display_name or "", addr_spec=mailbox.addr_spec))
    except ValueError:
        return raw
