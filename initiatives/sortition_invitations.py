"""The invitation lottery's draw itself (issue 18, stage 1): pure, so anyone can re-run it.

From the published inputs of a PublicDraw of kind INVITATIONS (the pool of households as
the register's ids, in the published order, and the number of letters) and its seed, the
draw is `draw_random(seed).sample(pool, number)`: every household has the same chance,
none is drawn twice, and the order of the sample is the letters' order (position 1..n).

`manage.py assembly_draw_verify` calls invitation_draw_rerun() with what the public page
publishes and prints the same addresses in the same order.
"""

import platform

from initiatives import draw_seed

ALGORITHM = (
    "uniform sample without replacement "
    "(Python random.sample, Mersenne Twister seeded with the seed)"
)


def algorithm_version() -> str:
    """The Python that ran the draw: random.sample is stable across versions, but say it."""
    return f"Python {platform.python_version()}"


def invitation_draw_rerun(pool: list[str], number: int, seed: str) -> list[str]:
    """Return the households drawn from POOL (in its published order) with SEED: NUMBER
    of its ids, in the order of the letters (position 1 first)."""
    if not 0 < number <= len(pool):
        raise ValueError(f"Cannot draw {number} of {len(pool)} households.")
    return draw_seed.draw_random(seed).sample(list(pool), number)
