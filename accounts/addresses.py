"""One spelling per email address, for every limit, lookup and stored account.

``VICTIM@example.nl``, `` victim@example.nl`` and ``victim@example.nl`` reach the same inbox,
so they are the same address here: a rate limit or a lookup keyed on the raw value could be
dodged by changing case or adding a space. Mail providers treat the local part without case
too, so lower-casing all of it loses nobody.
"""

import unicodedata


def email_normalise(value: object) -> str:
    """Return VALUE as the one spelling we store and count: trimmed, NFKC, lower case."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFKC", value).strip().lower()


def email_ratelimit_key(group: str, request) -> str:
    """django-ratelimit key: the posted address, normalised (see the module's docstring)."""
    return email_normalise(request.POST.get("email", ""))
