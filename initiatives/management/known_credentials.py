"""The guard for commands that create or reveal known credentials (demo_data, demo_code).

The demo accounts share a password printed in the README and have authenticator keys
anyone can compute from the source: on a portal with residents' data they would be a way
in for everyone. So these commands run only with DEBUG on, unless told in so many words.
"""

from django.conf import settings
from django.core.management.base import CommandError

FLAG = "--i-know-this-is-not-production"


def add_flag(parser) -> None:
    parser.add_argument(
        FLAG,
        action="store_true",
        dest="not_production",
        help="Run with DJANGO_DEBUG=0 anyway, on a demo or test machine without real data.",
    )


def refuse_in_production(options: dict) -> None:
    """Stop with the reason when DEBUG is off and the flag was not given."""
    if settings.DEBUG or options.get("not_production"):
        return
    raise CommandError(
        "Refused: DJANGO_DEBUG is off, so this looks like production. This command creates "
        "(or shows the codes of) demo staff accounts with a public password and authenticator "
        "keys anyone can compute from the source code: anyone could sign in as an "
        f"administrator. On a demo or test machine without real data, add {FLAG}."
    )
