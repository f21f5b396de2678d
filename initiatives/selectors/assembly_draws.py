"""The public draws of a citizens' assembly (issue 18): what their pages publish.

`draw_publication` is the one place that says what of a PublicDraw is public; the page,
its JSON and `manage.py assembly_draw_verify` read nothing else. Before the draw: the
commitment and the pool's hash and size. After: the secret, the witness value and the
witnesses, the seed, the algorithm and, for a panel or replacement draw, the pool as
pseudonyms with their answers, the quotas and the result. For the invitation lottery never
the pool (the register's addresses): its size and hash, the number drawn, the seed.
A panel or replacement draw is public with its seed while a worker computes its outcome
("computing": true, an empty result).
"""

from django.db.models import QuerySet

from initiatives.assembly_models import Assembly, PublicDraw

FORMAT = "dromen-doen/public-draw/1"


def draw_label(draw: PublicDraw) -> str:
    """How a draw is named in its web address and in the published JSON: "panel-1"."""
    return f"{draw.kind}-{draw.number}"


def public_draw(*, slug: str, kind: str, number: int) -> PublicDraw:
    """The draw KIND-NUMBER of the assembly at SLUG; PublicDraw.DoesNotExist when none."""
    if kind not in PublicDraw.Kind.values:
        raise PublicDraw.DoesNotExist
    return PublicDraw.objects.select_related("assembly").get(
        assembly__slug=slug, kind=kind, number=number
    )


def public_draws_of(assembly: Assembly) -> QuerySet[PublicDraw]:
    """ASSEMBLY's draws in the order they were announced."""
    return PublicDraw.objects.filter(assembly=assembly).order_by("announced_at", "id")


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def draw_publication(draw: PublicDraw) -> dict:
    """What anyone may know of DRAW, as published in its JSON."""
    data: dict = {
        "format": FORMAT,
        "assembly": draw.assembly.slug,
        "draw": draw_label(draw),
        "kind": draw.kind,
        "number": draw.number,
        "announced_at": _iso(draw.announced_at),
        "commitment": draw.commitment,
        "pool_hash": draw.pool_hash,
        "pool_size": draw.pool_size,
        "performed": bool(draw.seed),
    }
    if not draw.seed:
        return data
    data.update(
        {
            "drawn_at": _iso(draw.drawn_at),
            "witness_value": draw.witness_value,
            "witnesses": draw.witnesses,
            "secret": draw.secret,
            "seed": draw.seed,
            "algorithm": draw.algorithm,
            "algorithm_version": draw.algorithm_version,
        }
    )
    if draw.kind == PublicDraw.Kind.INVITATIONS:
        data["number_drawn"] = int((draw.inputs or {}).get("number") or 0)
        return data
    data["inputs"] = draw.inputs
    data["result"] = draw.result
    # The seed is public as soon as it is fixed; the worker's outcome follows (a panel, or
    # {"infeasible": [why]} for a void draw).
    data["computing"] = not draw.result
    return data
