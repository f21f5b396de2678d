"""No email address or link token in any log line, at any level (issue 13, item 9).

Django calls configure() with LOGGING (settings.LOGGING_CONFIG). Besides configuring logging
as Django would, it installs a log record factory that redacts, as each record is made and
so for every handler: email addresses, sign-in link tokens (sesame=…), unsubscribe tokens
(/afmelden/…), dream-link tokens (/droom/…), partners' link tokens (/partner/…) and bearer
tokens, in the message, its arguments and a traceback's text.
A safety net under the rule that log calls name ids, not people: a library (an SMTP error,
a Celery retry message) may still quote an address.
"""

import logging
import logging.config
import re
import traceback

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mailadres]"),
    (re.compile(r"(sesame=)[^\s&\"'<>]+"), r"\1[token]"),
    (re.compile(r"(/afmelden/)[^\s/\"'<>]+"), r"\1[token]"),
    (re.compile(r"(/droom/)[^\s/\"'<>]+"), r"\1[token]"),
    (re.compile(r"(/partner/)[^\s/\"'<>]+"), r"\1[token]"),  # a partner's link (issue 17)
    (re.compile(r"(?i)(bearer\s+)\S+"), r"\1[token]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redacting_factory(base):
    def factory(*args, **kwargs):
        record = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging's own handling
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[0] is not None:
            # Formatters print exc_text when it is set; the exception object itself may
            # quote an address, so the text goes through the same redaction.
            record.exc_text = redact(
                "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            )
            record.exc_info = None
        return record

    factory.redacts = True
    return factory


def configure(logging_settings: dict) -> None:
    """Django's LOGGING_CONFIG: dictConfig, with the redacting record factory installed."""
    if logging_settings:
        logging.config.dictConfig(logging_settings)
    current = logging.getLogRecordFactory()
    if not getattr(current, "redacts", False):
        logging.setLogRecordFactory(_redacting_factory(current))
