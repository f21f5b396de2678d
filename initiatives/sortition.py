"""Stage 3 of a citizens' assembly (issue 18): selecting the panel, fair to each person.

`select_panel` computes, with the `sortition-algorithms` library and the HiGHS solver, the
*maximin* distribution over panels (Flanigan, Gölz, Gupta, Hennig and Procaccia, "Fair
algorithms for selecting citizens' assemblies", Nature 596, 2021): of all ways to choose
panels at random that meet every quota, the one whose smallest selection probability of
any person is as large as possible. It then draws one panel from that distribution.

Everything random comes from the draw's public seed (initiatives/draw_seed.py), so that
anyone can re-run a draw from its published inputs and get the same panel:

- the library's own randomness (the start weights of its search, the solver's random
  seed) from `draw_random(seed, "maximin")`, put in place of the library's provider for the
  duration of the call;
- the panel drawn from the distribution with `draw_random(seed, "panel")`: one number
  u in [0, 1), and the panel where the running sum of the probabilities (panels in
  alphabetical order of their members) passes u.

The library keeps people and panels in sets. Python orders sets of *strings* differently
in every process (hash randomisation), which would change the order in which the solver
meets its columns and so, for a pool with more than one best distribution, the
distribution itself. The pool is therefore handed to the library as numbers (positions in
the pool sorted by pseudonym), whose order is the same everywhere.

Pure: no database, no settings. The services (initiatives/services/assembly_panel.py)
freeze the inputs in a PublicDraw and store what this returns.
"""

import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as package_version

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from requests.structures import CaseInsensitiveDict
from sortition_algorithms import errors as library_errors
from sortition_algorithms import utils as library_utils
from sortition_algorithms.committee_generation import (
    find_distribution_maximin,
    find_random_sample_legacy,
    standardize_distribution,
)
from sortition_algorithms.features import FeatureValueMinMax
from sortition_algorithms.people import People

from initiatives.draw_seed import draw_random

ALGORITHM = "maximin (Flanigan, Gölz, Gupta, Hennig, Procaccia 2021)"
LEGACY_ALGORITHM = "legacy (greedy, Sortition Foundation)"
SOLVER_BACKEND = "highspy"
# What a pool member's answer counts as when it is missing or no longer one of the
# feature's answers: a value without a quota (0 to the whole panel).
NO_ANSWER = "_no-answer"
HOUSEHOLD_COLUMN = "household"
LEGACY_ATTEMPTS = 100

# The library logs its progress to stdout; the portal shows its own report.
for _name in ("sortition_algorithms", "sortition_algorithms_user"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# The library reads its random generator from a module global: one selection at a time.
_library_lock = threading.Lock()

Pool = Sequence[tuple[str, Mapping[str, str]]]
Quotas = Mapping[str, Mapping[str, Sequence[int | None]]]


class PanelSelectionError(Exception):
    """The panel cannot be selected as asked; MESSAGES say why, each for the user."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


class QuotasInfeasible(PanelSelectionError):
    """No panel meets every quota with this pool; each message names the quota and why."""


@dataclass(frozen=True)
class PanelResult:
    selected: list[str]  # pseudonyms, sorted
    probabilities: dict[str, float]  # every pool member's chance to be on the panel
    distribution: list[tuple[list[str], float]] = field(default_factory=list)
    algorithm: str = ALGORITHM
    version: str = ""

    def as_json(self) -> dict:
        """The result as published on the draw's page (PublicDraw.result)."""
        return {
            "selected": list(self.selected),
            "probabilities": dict(self.probabilities),
            "distribution": [[list(panel), p] for panel, p in self.distribution],
        }


def library_version() -> str:
    """The versions of the library and the solver, as published with every draw."""
    return "sortition-algorithms {}, highspy {}".format(
        package_version("sortition-algorithms"), package_version("highspy")
    )


class _SeededProvider(library_utils.RandomProvider):
    """The library's random provider, drawing from one seeded generator."""

    def __init__(self, rng) -> None:
        self.rng = rng

    def uniform(self, lower: float, upper: float) -> float:  # type: ignore[override]
        return self.rng.uniform(lower, upper)

    def randbelow(self, upper: int) -> int:  # type: ignore[override]
        return self.rng.randrange(upper)

    def randint(self) -> int:  # type: ignore[override]
        return self.rng.randrange(self.max_int)

    def choice(self, seq):  # type: ignore[override]
        return self.rng.choice(seq)


class _seeded_library:
    """Within the block, every random number the library takes comes from RNG."""

    def __init__(self, rng) -> None:
        self.rng = rng

    def __enter__(self) -> None:
        _library_lock.acquire()
        self.before = library_utils._random_provider
        library_utils._random_provider = _SeededProvider(self.rng)

    def __exit__(self, *exc) -> None:
        library_utils._random_provider = self.before
        _library_lock.release()


# ---------------------------------------------------------------------------------------
# Inputs


def normalised_quotas(quotas: Quotas, panel_size: int) -> dict[str, dict[str, tuple[int, int]]]:
    """QUOTAS with every maximum written out (None: the whole panel) and as plain tuples."""
    result: dict[str, dict[str, tuple[int, int]]] = {}
    for feature, values in quotas.items():
        result[str(feature)] = {}
        for value, bounds in values.items():
            low, high = bounds
            result[str(feature)][str(value)] = (
                int(low or 0),
                panel_size if high is None else int(high),
            )
    return result


def _answers(pool: Pool, quotas: dict[str, dict[str, tuple[int, int]]]) -> list[dict[str, str]]:
    """Each pool member's answer per quota feature; unknown or missing ones as NO_ANSWER."""
    rows = []
    for _pseudonym, features in pool:
        row = {}
        for feature, values in quotas.items():
            answer = str(features.get(feature) or "")
            row[feature] = answer if answer in values and answer != NO_ANSWER else NO_ANSWER
        rows.append(row)
    return rows


def _label(feature: str, value: str) -> str:
    return f"{feature}: {value}"


def quota_problems(
    *,
    pool: Pool,
    quotas: Quotas,
    panel_size: int,
    household_of: Mapping[str, str] | None = None,
) -> list[str]:
    """What makes the quotas impossible before any solver is asked, each in one sentence.

    Every quota is checked on its own: its minimum against its maximum and against the
    people (and households) in the pool who gave that answer; every feature's minimums
    against the panel size and its maximums too; the pool against the panel size.
    """
    problems: list[str] = []
    if panel_size < 1:
        return [_("The panel must have at least one seat.")]
    quotas_n = normalised_quotas(quotas, panel_size)
    answers = _answers(pool, quotas_n)
    pseudonyms = [pseudonym for pseudonym, _features in pool]
    households = {household_of.get(p) or p for p in pseudonyms} if household_of else set(pseudonyms)
    if len(pseudonyms) < panel_size:
        problems.append(
            _("The panel has %(size)s seats, but only %(count)s people are in the pool.")
            % {"size": panel_size, "count": len(pseudonyms)}
        )
    elif len(households) < panel_size:
        problems.append(
            _(
                "The panel has %(size)s seats, but the people in the pool live in only "
                "%(count)s households, and the panel takes at most one person per household."
            )
            % {"size": panel_size, "count": len(households)}
        )
    for feature, values in quotas_n.items():
        for value, (low, high) in values.items():
            quota = _label(feature, value)
            if low > high:
                problems.append(
                    _("For '%(quota)s' the minimum (%(min)s) is more than the maximum (%(max)s).")
                    % {"quota": quota, "min": low, "max": high}
                )
                continue
            having = [
                p for p, row in zip(pseudonyms, answers, strict=True) if row[feature] == value
            ]
            if len(having) < low:
                problems.append(
                    _(
                        "For '%(quota)s' at least %(min)s seats are needed, but only %(count)s "
                        "people with that answer registered."
                    )
                    % {"quota": quota, "min": low, "count": len(having)}
                )
            elif household_of:
                homes = {household_of.get(p) or p for p in having}
                if len(homes) < low:
                    problems.append(
                        ngettext(
                            "For '%(quota)s' at least %(min)s seats are needed, but the "
                            "%(count)s people with that answer live in only %(homes)s "
                            "household, and the panel takes at most one person per household.",
                            "For '%(quota)s' at least %(min)s seats are needed, but the "
                            "%(count)s people with that answer live in only %(homes)s "
                            "households, and the panel takes at most one person per household.",
                            len(homes),
                        )
                        % {"quota": quota, "min": low, "count": len(having), "homes": len(homes)}
                    )
        minimums = sum(low for low, _high in values.values())
        maximums = sum(high for _low, high in values.values())
        if minimums > panel_size:
            problems.append(
                _(
                    "The minimums for '%(feature)s' add up to %(sum)s seats, more than the "
                    "panel's %(size)s seats."
                )
                % {"feature": feature, "sum": minimums, "size": panel_size}
            )
        if maximums < panel_size and NO_ANSWER not in {r[feature] for r in answers}:
            problems.append(
                _(
                    "The maximums for '%(feature)s' add up to only %(sum)s seats, fewer than "
                    "the panel's %(size)s seats."
                )
                % {"feature": feature, "sum": maximums, "size": panel_size}
            )
    return problems


def _library_inputs(
    pool: Pool,
    quotas: Quotas,
    panel_size: int,
    household_of: Mapping[str, str] | None,
    *,
    keys: str,
) -> tuple[list[str], dict, People, list[str]]:
    """The pool sorted by pseudonym, and the library's features, people and address columns.

    KEYS "positions": the library's person keys are the positions in the sorted pool
    (numbers, for an order independent of the process); "pseudonyms": the pseudonyms.
    """
    ordered = sorted(pool, key=lambda item: item[0])
    pseudonyms = [pseudonym for pseudonym, _features in ordered]
    if len(set(pseudonyms)) != len(pseudonyms):
        duplicates = sorted(p for p, n in Counter(pseudonyms).items() if n > 1)
        raise PanelSelectionError(
            [
                _("The pool names %(pseudonyms)s more than once.")
                % {"pseudonyms": ", ".join(duplicates)}
            ]
        )
    quotas_n = normalised_quotas(quotas, panel_size)
    answers = _answers(ordered, quotas_n)
    features: dict = CaseInsensitiveDict()
    for feature, values in quotas_n.items():
        features[feature] = CaseInsensitiveDict()
        for value, (low, high) in values.items():
            features[feature][value] = FeatureValueMinMax(
                min=low, max=high, min_flex=0, max_flex=max(panel_size, high)
            )
        if NO_ANSWER in {row[feature] for row in answers}:
            features[feature][NO_ANSWER] = FeatureValueMinMax(
                min=0, max=panel_size, min_flex=0, max_flex=panel_size
            )
    address_columns = [HOUSEHOLD_COLUMN] if household_of else []
    people = People(columns_to_keep=address_columns)
    for index, (pseudonym, row) in enumerate(zip(pseudonyms, answers, strict=True)):
        data = dict(row)
        if household_of:
            data[HOUSEHOLD_COLUMN] = str(household_of.get(pseudonym) or pseudonym)
        key = index if keys == "positions" else pseudonym
        people.add(key, data, features, row_number=index + 2)  # type: ignore[arg-type]
    return pseudonyms, features, people, address_columns


def _infeasible_from_library(error: Exception, features: dict) -> QuotasInfeasible:
    """The library's InfeasibleQuotasError (with its suggested relaxation) as our messages."""
    messages: list[str] = []
    relaxed = getattr(error, "features", None)
    if relaxed:
        for feature, values in features.items():
            for value, bounds in values.items():
                new = relaxed[feature][value]
                quota = _label(feature, value)
                if new.min < bounds.min:
                    messages.append(
                        _(
                            "For '%(quota)s' at least %(min)s seats cannot be filled together "
                            "with the other quotas: with this pool at most %(new)s can be."
                        )
                        % {"quota": quota, "min": bounds.min, "new": new.min}
                    )
                if new.max > bounds.max:
                    messages.append(
                        _(
                            "For '%(quota)s' at most %(max)s seats is too few together with "
                            "the other quotas: with this pool at least %(new)s are needed."
                        )
                        % {"quota": quota, "max": bounds.max, "new": new.max}
                    )
    if not messages:
        messages.append(
            _(
                "No panel meets all quotas together with this pool, even with the quotas "
                "relaxed. Lower some minimums or raise some maximums."
            )
        )
    return QuotasInfeasible(messages)


def _check_seed(seed: str) -> None:
    try:
        valid = len(seed) == 64 and bytes.fromhex(seed) is not None
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise PanelSelectionError([_("The seed must be 64 hexadecimal digits.")])


# ---------------------------------------------------------------------------------------
# Selection


def select_panel(
    *,
    pool: Pool,
    quotas: Quotas,
    panel_size: int,
    seed: str,
    household_of: Mapping[str, str] | None = None,
) -> PanelResult:
    """Select a panel of PANEL_SIZE from POOL that meets QUOTAS, by the maximin method.

    POOL: (pseudonym, {feature key: value key}); QUOTAS: {feature: {value: (min, max)}},
    max None for no maximum; HOUSEHOLD_OF: {pseudonym: household}, at most one person per
    household on the panel. Raise QuotasInfeasible naming the quotas that cannot be met.
    """
    _check_seed(seed)
    problems = quota_problems(
        pool=pool, quotas=quotas, panel_size=panel_size, household_of=household_of
    )
    if problems:
        raise QuotasInfeasible(problems)
    pseudonyms, features, people, address_columns = _library_inputs(
        pool, quotas, panel_size, household_of, keys="positions"
    )
    with _seeded_library(draw_random(seed, "maximin")):
        try:
            committees, probabilities, _report = find_distribution_maximin(
                features, people, panel_size, address_columns, SOLVER_BACKEND
            )
        except library_errors.InfeasibleQuotasError as error:
            raise _infeasible_from_library(error, features) from error
        except library_errors.InfeasibleQuotasCantRelaxError as error:
            raise _infeasible_from_library(error, features) from error
    committees, probabilities = standardize_distribution(committees, probabilities)
    distribution = sorted(
        ([pseudonyms[i] for i in sorted(panel)], p)
        for panel, p in zip(committees, probabilities, strict=True)
    )
    chances = dict.fromkeys(pseudonyms, 0.0)
    for panel, p in distribution:
        for pseudonym in panel:
            chances[pseudonym] += p
    selected = draw_from_distribution(distribution, seed)
    return PanelResult(
        selected=selected,
        probabilities=chances,
        distribution=distribution,
        algorithm=ALGORITHM,
        version=library_version(),
    )


def draw_from_distribution(
    distribution: Sequence[tuple[Sequence[str], float]], seed: str
) -> list[str]:
    """The panel drawn from DISTRIBUTION (panels in alphabetical order) by SEED.

    One number u = draw_random(seed, "panel").random() in [0, 1); the panel where the
    running sum of the probabilities first exceeds u (the last one, should rounding leave
    the sum a hair under u).
    """
    if not distribution:
        raise PanelSelectionError([_("There is no panel to draw from.")])
    ordered = sorted((sorted(panel), p) for panel, p in distribution)
    u = draw_random(seed, "panel").random() * sum(p for _panel, p in ordered)
    running = 0.0
    for panel, p in ordered:
        running += p
        if u < running:
            return panel
    return ordered[-1][0]


def select_panel_legacy(
    *,
    pool: Pool,
    quotas: Quotas,
    panel_size: int,
    seed: str,
    household_of: Mapping[str, str] | None = None,
) -> PanelResult:
    """Select a panel by the greedy legacy method, for comparison (the benchmark).

    The greedy method has no distribution: it picks, one seat at a time, someone at random
    from the answer most urgently needed. PROBABILITIES is empty; estimate them with
    `legacy_probabilities`.
    """
    _check_seed(seed)
    problems = quota_problems(
        pool=pool, quotas=quotas, panel_size=panel_size, household_of=household_of
    )
    if problems:
        raise QuotasInfeasible(problems)
    _pseudonyms, features, people, address_columns = _library_inputs(
        pool, quotas, panel_size, household_of, keys="pseudonyms"
    )
    with _seeded_library(draw_random(seed, "legacy")):
        try:
            committees, _report = find_random_sample_legacy(
                people, features, panel_size, address_columns, max_attempts=LEGACY_ATTEMPTS
            )
        except library_errors.SelectionError as error:
            raise QuotasInfeasible(
                [
                    _(
                        "The greedy method found no panel that meets all quotas in "
                        "%(attempts)s attempts."
                    )
                    % {"attempts": LEGACY_ATTEMPTS}
                ]
            ) from error
    selected = sorted(committees[0])
    return PanelResult(
        selected=selected,
        probabilities={},
        distribution=[(selected, 1.0)],
        algorithm=LEGACY_ALGORITHM,
        version=library_version(),
    )


def legacy_probabilities(
    *,
    pool: Pool,
    quotas: Quotas,
    panel_size: int,
    seed: str,
    runs: int,
    household_of: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """Each pool member's share of RUNS legacy selections (run i seeded by sha256(seed:i))."""
    counts = dict.fromkeys((p for p, _features in pool), 0)
    for run in range(runs):
        run_seed = hashlib.sha256(f"{seed}:legacy-run-{run}".encode()).hexdigest()
        result = select_panel_legacy(
            pool=pool,
            quotas=quotas,
            panel_size=panel_size,
            seed=run_seed,
            household_of=household_of,
        )
        for pseudonym in result.selected:
            counts[pseudonym] += 1
    return {pseudonym: count / runs for pseudonym, count in counts.items()}


# ---------------------------------------------------------------------------------------
# Replacements


def replacement_quotas(
    quotas: Quotas, kept_panel_features: Iterable[Mapping[str, str]]
) -> dict[str, dict[str, tuple[int, int | None]]]:
    """The quotas for the seats left when the people with KEPT_PANEL_FEATURES stay.

    Per answer, the minimum and the maximum less the kept members who gave it (never below
    zero), so that the kept members and the replacements together meet QUOTAS.
    """
    kept = Counter()
    for features in kept_panel_features:
        for feature in quotas:
            kept[(feature, str(features.get(feature) or ""))] += 1
    result: dict[str, dict[str, tuple[int, int | None]]] = {}
    for feature, values in quotas.items():
        result[str(feature)] = {}
        for value, (low, high) in values.items():
            taken = kept[(feature, str(value))]
            result[str(feature)][str(value)] = (
                max(int(low or 0) - taken, 0),
                None if high is None else max(int(high) - taken, 0),
            )
    return result


def quotas_hold(
    quotas: Quotas, panel_features: Iterable[Mapping[str, str]], *, panel_size: int
) -> bool:
    """Whether a panel whose members gave PANEL_FEATURES meets QUOTAS."""
    members = list(panel_features)
    counts = Counter((f, str(m.get(f) or "")) for m in members for f in quotas)
    for feature, values in normalised_quotas(quotas, panel_size).items():
        for value, (low, high) in values.items():
            if not low <= counts[(feature, value)] <= high:
                return False
    return True


__all__ = [
    "ALGORITHM",
    "NO_ANSWER",
    "PanelResult",
    "PanelSelectionError",
    "QuotasInfeasible",
    "draw_from_distribution",
    "legacy_probabilities",
    "library_version",
    "quota_problems",
    "quotas_hold",
    "replacement_quotas",
    "select_panel",
    "select_panel_legacy",
]
