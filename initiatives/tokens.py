"""Signed tokens in links that work without signing in (unsubscribe)."""

import re

from django.core import signing

from accounts.models import User

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


# A sign-in link's token (django-sesame's query parameter) and an unsubscribe link's token.
_LINK_TOKENS = re.compile(r"(sesame=|/afmelden/)[^\s&\"'<>]+")


def link_tokens_masked(text: str) -> str:
    """Return TEXT with the tokens of its links hidden, so that whoever reads a stored mail
    (the administrator, in the outbox) cannot use its sign-in link as the resident."""
    return _LINK_TOKENS.sub(lambda match: match.group(1) + "[verborgen]", text)
