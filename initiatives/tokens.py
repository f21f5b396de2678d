"""Signed tokens in links that work without signing in (unsubscribe)."""

import re
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing

from accounts.models import User
from initiatives.models import Dream

_UNSUBSCRIBE_SALT = "dromen-doen.unsubscribe"


def unsubscribe_token_make(user: User) -> str:
    """Return a token that lets USER stop non-essential mail from a link in any mail."""
    return signing.dumps({"user": user.pk}, salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> User | None:
    """Return the user a valid unsubscribe TOKEN belongs to, or None."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("user"), is_active=True).first()


# A sign-in link's token (django-sesame's query parameter), an unsubscribe link's token, a
# dream link's token and a partner's link to a dream (issue 17).
_LINK_TOKENS = re.compile(r"(sesame=|/afmelden/|/droom/|/partner/)[^\s&\"'<>/]+")


def link_tokens_masked(text: str) -> str:
    """Return TEXT with the tokens of its links hidden, so that whoever reads a stored mail
    (the administrator, in the outbox) cannot use its sign-in link as the resident."""
    return _LINK_TOKENS.sub(lambda match: match.group(1) + "[verborgen]", text)


# --- a dream's link in a status mail ----------------------------------------------------------

_DREAM_LINK_SALT = "dromen-doen.dream-link"


class DreamLinkProblem(StrEnum):
    """Why a dream link does not work, so the page can say so in plain words."""

    INVALID = "invalid"  # altered, cut off, or never made here
    EXPIRED = "expired"  # older than DREAM_LINK_DAYS
    REVOKED = "revoked"  # made invalid: by the resident, by an erasure


def dream_link_token_make(dream: Dream) -> str:
    """Return a token that opens DREAM, to read and answer it, for DREAM_LINK_DAYS days.

    It names the dream, its resident and the dream's link version: raising the version
    (services.dream_links_revoke) makes every token made before stop working.
    """
    return signing.dumps(
        {"d": dream.pk, "r": dream.resident_id, "v": dream.access_link_version},
        salt=_DREAM_LINK_SALT,
    )


def dream_link_token_read(token: str) -> tuple[Dream | None, DreamLinkProblem | None]:
    """Return the dream a dream-link TOKEN opens and None, or None and why it does not.

    Reading a token changes nothing: a mail scanner that opens the link uses nothing up.
    """
    try:
        data = signing.loads(
            token, salt=_DREAM_LINK_SALT, max_age=timedelta(days=settings.DREAM_LINK_DAYS)
        )
    except signing.SignatureExpired:
        return None, DreamLinkProblem.EXPIRED
    except signing.BadSignature:
        return None, DreamLinkProblem.INVALID
    if not isinstance(data, dict) or not all(
        isinstance(data.get(key), int) for key in ("d", "r", "v")
    ):
        return None, DreamLinkProblem.INVALID
    dream = (
        Dream.objects.filter(pk=data["d"], resident_id=data["r"]).select_related("resident").first()
    )
    if dream is None:
        return None, DreamLinkProblem.INVALID
    if dream.access_link_version != data["v"] or not dream.resident.is_active:
        return None, DreamLinkProblem.REVOKED
    return dream, None
