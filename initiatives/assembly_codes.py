"""Registration codes on the assembly's letters (issue 18).

A code is printed on the letter to one household and typed by a resident on the
registration page. It is derived from the server's secret key and the invitation's
position (HMAC), so the letters can be printed again without the portal ever storing a
code: only sha256(code) is kept (Invitation.code_hash), to find the invitation a typed code
belongs to. The public seed of the draw says which addresses were drawn, never their codes.

Codes are 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), written in
two groups of five: "K7PQ2-XMR4D". Typing is forgiving: case, spaces and dashes do not count.
"""

import hashlib
import hmac

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 signs: no 0, 1, I, L, O
LENGTH = 10  # 31**10 ≈ 8 * 10**14: guessing one of 1,000 codes takes ~10**11 tries


def code_for(*, draw_id: int, position: int) -> str:
    """The registration code of the letter at POSITION in draw DRAW_ID, as printed."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"assembly-code:{draw_id}:{position}".encode(), "sha256").digest()
    number = int.from_bytes(digest, "big")
    signs = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        signs.append(ALPHABET[index])
    code = "".join(signs)
    return f"{code[:5]}-{code[5:]}"


def normalised(typed: str) -> str:
    """What a resident typed, as a code: capitals, without spaces and dashes."""
    return "".join(sign for sign in typed.upper() if sign.isalnum())


def code_hash(code: str) -> str:
    """The sha256 kept for a code (Invitation.code_hash), of its normalised form."""
    return hashlib.sha256(normalised(code).encode()).hexdigest()
