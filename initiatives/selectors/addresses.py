"""The address register (issue 18): an address typed as postcode and house number.

A resident handing in a dream may type their postcode and house number; the register
completes them to "Kerkstraat 12, Drunen" and the village. One query, whatever is typed;
none when what is typed cannot be an address.
"""

import re

from initiatives.address_models import Address
from initiatives.bag import postcode_normalised

# Enough for every letter and addition one number has; more is not a typed address.
CANDIDATES = 50


def _number(value) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or len(text) > 5:
        return None
    number = int(text)
    return number if number > 0 else None


def _suffix(letter: str, addition: str) -> str:
    """'A2' for letter 'a' and addition '2', as typed 'a-2', 'A 2' or 'a2' compares."""
    return re.sub(r"[^0-9A-Z]", "", f"{letter}{addition}".upper())


def address_lookup(*, postcode: str, house_number, addition: str = "") -> Address | None:
    """Return the address with this postcode and house number, or None.

    The ADDITION (a letter, an addition, or both: 'a', '2', 'a-2') chooses among the
    addresses of one number; without one the plain number is preferred, else the first.
    """
    code = postcode_normalised(postcode or "")
    number = _number(house_number)
    if code is None or number is None or len(addition or "") > 20:
        return None
    candidates = list(
        Address.objects.filter(postcode=code, house_number=number).order_by(
            "house_letter", "house_number_addition", "pk"
        )[:CANDIDATES]
    )
    wanted = _suffix(addition or "", "")
    for address in candidates:
        if _suffix(address.house_letter, address.house_number_addition) == wanted:
            return address
    if wanted:
        return None
    return candidates[0] if candidates else None


def address_text(address: Address) -> str:
    """'Kerkstraat 12a, Drunen': the address as a dream's street or spot."""
    return f"{address.street} {address.number_text}, {address.place}"
