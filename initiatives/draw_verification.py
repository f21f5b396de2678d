"""Checking a public draw from what its page publishes (issue 18).

`verify_publication(data)` takes the published JSON of a panel or replacement draw (the
page's .json) and redoes every step anyone can redo without the portal's database:

1. the commitment: sha256(secret) is the commitment announced before the draw;
2. the seed: sha256(secret + ":" + witness value), for a replacement draw as for the panel
   draw (each has its own secret and witness value);
3. the pool: its sha256 is the pool hash announced before the draw;
4. the selection: the same algorithm on the published pool, quotas and panel size with
   that seed gives the published panel; for a void draw (the published result says the
   quotas were infeasible) the re-run finds no panel either.

Pure: it reads nothing but DATA. `manage.py assembly_draw_verify` prints what it finds.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from initiatives import draw_seed, sortition

PANEL_KINDS = ("panel", "replacement")


@dataclass
class Verification:
    checks: list[tuple[str, bool]] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why the selection could not run
    void: bool = False  # published as infeasible, and the re-run found no panel either

    @property
    def same(self) -> bool:
        """Whether every check holds and the re-run gives the published panel."""
        return (
            not self.problems
            and all(ok for _label, ok in self.checks)
            and self.selected == self.published
        )


def pool_of_inputs(inputs: dict) -> tuple[list[tuple[str, dict]], dict[str, str]]:
    """The pool and the households of a draw's published INPUTS, as select_panel takes them."""
    entries = inputs.get("pool") or []
    pool = [(entry["pseudonym"], dict(entry.get("features") or {})) for entry in entries]
    households = {
        entry["pseudonym"]: entry.get("household") or entry["pseudonym"] for entry in entries
    }
    return pool, households


def select_from_inputs(inputs: dict, seed: str) -> sortition.PanelResult:
    """Run a panel or replacement draw from its published INPUTS and SEED.

    The one place that turns published inputs into a selection: the draw itself
    (initiatives/services/assembly_panel.py), the verification and the tests.
    """
    pool, households = pool_of_inputs(inputs)
    return sortition.select_panel(
        pool=pool,
        quotas=inputs.get("quotas") or {},
        panel_size=int(inputs.get("panel_size") or 0),
        seed=seed,
        household_of=households,
    )


def expected_seed(data: dict) -> str:
    """The seed the published DATA says the draw must have had."""
    return draw_seed.seed_of(str(data.get("secret", "")), str(data.get("witness_value", "")))


def verify_publication(data: dict) -> Verification:
    """Re-run the panel or replacement draw published as DATA; see the module's text."""
    result = Verification()
    if data.get("kind") not in PANEL_KINDS:
        result.problems.append(_("This is not a panel or replacement draw."))
        return result
    if not data.get("seed"):
        result.problems.append(_("This draw has not been performed yet."))
        return result
    result_data = data.get("result") or {}
    if not result_data:
        result.problems.append(_("The outcome of this draw is still being computed."))
        return result
    inputs = data.get("inputs") or {}
    seed = str(data["seed"])
    result.checks.append(
        (
            _("sha256(secret) is the commitment announced before the draw"),
            draw_seed.commitment(str(data.get("secret", ""))) == data.get("commitment"),
        )
    )
    result.checks.append(
        (_("sha256(secret + ':' + witness value) is the seed"), expected_seed(data) == seed)
    )
    result.checks.append(
        (
            _("sha256 of the pool is the pool hash announced before the draw"),
            draw_seed.pool_hash(inputs.get("pool") or []) == data.get("pool_hash"),
        )
    )
    result.published = sorted(result_data.get("selected") or [])
    try:
        panel = select_from_inputs(inputs, seed)
    except sortition.PanelSelectionError as error:
        if result_data.get("infeasible"):
            result.void = True  # published as void, and no panel now either: the same
        else:
            result.problems.extend(error.messages)
        return result
    if result_data.get("infeasible"):
        result.problems.append(_("The draw was published as void, but the re-run finds a panel."))
    result.selected = panel.selected
    return result
