"""The public seed of a draw (issue 18): committed in advance, revealed at the draw.

How it works, as the public verification page explains it:

1. Announcing: the portal makes a random *secret* and publishes only its sha256, the
   *commitment*, together with the sha256 of the pool the draw will take from.
2. Drawing: in front of witnesses someone chooses a *witness value* (dice, a number called
   out). The seed is sha256(secret + ":" + witness value). The secret is published.
3. Checking: anyone recomputes sha256(secret) = commitment and the seed, and re-runs the
   draw (`manage.py assembly_draw_verify`).

Staff who could read the secret cannot know the witness value in advance; the witnesses
do not know the secret. Nobody can steer the seed.

Everything random in a draw comes from `draw_random(seed, purpose)`: Python's Mersenne
Twister seeded with the seed's 256 bits, which gives the same numbers for the same seed on
every platform and Python version since 3.2.
"""

import hashlib
import json
import random
import secrets


def new_secret() -> str:
    """A fresh secret: 32 random bytes as 64 hex digits."""
    return secrets.token_hex(32)


def commitment(secret: str) -> str:
    """The sha256 of the secret, published when the draw is announced."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def normalised_witness_value(value: str) -> str:
    """The witness value as it goes into the seed: outer spaces removed, inner ones single."""
    return " ".join(value.split())


def seed_of(secret: str, witness_value: str) -> str:
    """The draw's seed: sha256(secret + ":" + witness value), 64 hex digits."""
    text = f"{secret}:{normalised_witness_value(witness_value)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pool_hash(items: list) -> str:
    """The sha256 of the pool, published when the draw is announced so it cannot change.

    ITEMS is any JSON-serialisable list in the draw's order (the register's ids, or the
    pseudonyms with their answers); the hash is over its canonical JSON.
    """
    text = json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw_random(seed: str, purpose: str = "") -> random.Random:
    """A random generator determined by SEED (and PURPOSE, to derive independent streams:
    'maximin', 'panel'). Not for secrets: only for the draw, which must be reproducible."""
    material = (
        hashlib.sha256(f"{seed}:{purpose}".encode()).digest() if purpose else bytes.fromhex(seed)
    )
    return random.Random(int.from_bytes(material, "big"))  # noqa: S311 - reproducible on purpose
