"""The panel selection benchmark (issue 18): `make bench-sortition`.

Not a timed test: it reports, in one run, for a panel of 20 from a pool of 200 and of 100
from 1,000 with five features,

- the time the portal's maximin selection takes (initiatives.sortition.select_panel, what a
  panel draw runs: the distribution over panels by column generation with HiGHS, then one
  panel drawn from it);
- the smallest and largest selection probability of anyone in the pool under maximin,
  exact, read from the distribution it computed;
- the same for the greedy legacy method on the same pool and quotas
  (sortition.select_panel_legacy), estimated from many seeded legacy runs (the share of runs
  that selected each person), with the number of runs and a 95% Wilson interval;

and writes the figures into BENCHMARKS.md under "Panel selection (issue 18)", between its
own markers (the rest of the file is left as it is).

The pools are generated from a fixed seed, the way self-selection skews a real one (Flanigan
et al., Nature 2021, "Fair algorithms for selecting citizens' assemblies"): a population of
a neighbourhood with five features (age band, gender, part of the neighbourhood, education,
an opinion), education depending on age and the opinion on education; who answers the
letter depends on all five (older, highly educated people and those who agree with the
question answer more often, young people and people with less schooling less). The quotas
are proportional to the *population*, which the pool over- and under-represents: the
situation in which the legacy method leaves some people with a tiny chance.
"""

import argparse
import contextlib
import hashlib
import math
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import product
from pathlib import Path

START = "<!-- bench-sortition:start (written by `make bench-sortition`) -->"
END = "<!-- bench-sortition:end -->"
HEADING = "## Panel selection (issue 18)"
SIZES = ((200, 20), (1000, 100))
# Legacy runs per size: at 1,000 people one greedy run takes seconds (it retries inside until
# its panel meets the quotas, and sometimes gives up), so fewer runs there.
LEGACY_RUNS = (1000, 200)
POOL_SEED = "dromen-doen bench-sortition 2026"
# The paper's example, quoted beside the figures.
PAPER_LEGACY_MIN = 0.0121
PAPER_FAIR = 0.10

# feature → answer → (share of the population, how readily they answer the letter).
# Education and opinion have their population shares by age and by education below.
FEATURES: dict[str, dict[str, tuple[float, float]]] = {
    "leeftijd": {
        "16-24": (0.13, 0.40),
        "25-39": (0.22, 0.70),
        "40-54": (0.25, 1.00),
        "55-69": (0.22, 1.40),
        "70+": (0.18, 1.20),
    },
    "gender": {"vrouw": (0.50, 0.90), "man": (0.49, 1.10), "anders": (0.01, 1.00)},
    "wijkdeel": {
        "noord": (0.35, 1.20),
        "zuid": (0.30, 0.80),
        "centrum": (0.20, 1.30),
        "buitengebied": (0.15, 0.60),
    },
    "opleiding": {"laag": (0.0, 0.45), "midden": (0.0, 0.90), "hoog": (0.0, 1.90)},
    "mening": {"eens": (0.0, 1.50), "neutraal": (0.0, 0.60), "oneens": (0.0, 1.00)},
}
EDUCATION_BY_AGE = {
    "16-24": {"laag": 0.20, "midden": 0.45, "hoog": 0.35},
    "25-39": {"laag": 0.18, "midden": 0.40, "hoog": 0.42},
    "40-54": {"laag": 0.27, "midden": 0.40, "hoog": 0.33},
    "55-69": {"laag": 0.38, "midden": 0.38, "hoog": 0.24},
    "70+": {"laag": 0.55, "midden": 0.30, "hoog": 0.15},
}
OPINION_BY_EDUCATION = {
    "laag": {"eens": 0.28, "neutraal": 0.40, "oneens": 0.32},
    "midden": {"eens": 0.38, "neutraal": 0.37, "oneens": 0.25},
    "hoog": {"eens": 0.55, "neutraal": 0.28, "oneens": 0.17},
}


# ---------------------------------------------------------------------------------------
# The population, the pool, the quotas


def _population() -> list[tuple[dict[str, str], float]]:
    """Every combination of answers with its share of the population."""
    cells = []
    ages, genders, parts = (list(FEATURES[k]) for k in ("leeftijd", "gender", "wijkdeel"))
    for age, gender, part, education, opinion in product(
        ages, genders, parts, EDUCATION_BY_AGE["16-24"], OPINION_BY_EDUCATION["laag"]
    ):
        share = (
            FEATURES["leeftijd"][age][0]
            * FEATURES["gender"][gender][0]
            * FEATURES["wijkdeel"][part][0]
            * EDUCATION_BY_AGE[age][education]
            * OPINION_BY_EDUCATION[education][opinion]
        )
        answers = {
            "leeftijd": age,
            "gender": gender,
            "wijkdeel": part,
            "opleiding": education,
            "mening": opinion,
        }
        cells.append((answers, share))
    return cells


def population_shares() -> dict[str, dict[str, float]]:
    """Each answer's share of the population (exact)."""
    shares: dict[str, dict[str, float]] = {f: dict.fromkeys(v, 0.0) for f, v in FEATURES.items()}
    for answers, share in _population():
        for feature, value in answers.items():
            shares[feature][value] += share
    return shares


def _answer_rate(answers: dict[str, str]) -> float:
    return math.prod(FEATURES[feature][value][1] for feature, value in answers.items())


def make_pool(size: int, *, seed: str = POOL_SEED) -> list[tuple[str, dict[str, str]]]:
    """SIZE people who answered the letter, as (pseudonym, answers): drawn from the
    population, each kept with a chance proportional to how readily they answer. The same
    SEED and SIZE give the same pool."""
    rng = random.Random(int.from_bytes(hashlib.sha256(f"{seed}:{size}".encode()).digest()))
    cells = _population()
    weights = [share for _answers, share in cells]
    highest = max(_answer_rate(answers) for answers, _share in cells)
    pool: list[tuple[str, dict[str, str]]] = []
    while len(pool) < size:
        (answers,) = rng.choices([a for a, _s in cells], weights=weights)
        if rng.random() < _answer_rate(answers) / highest:
            pool.append((f"P-{len(pool) + 1:04d}", dict(answers)))
    return pool


def proportional_quotas(panel_size: int) -> dict[str, dict[str, tuple[int, int]]]:
    """Quotas proportional to the population: each answer's share of the panel rounded
    down and up (the practice of the Sortition Foundation's panels in the paper)."""
    quotas: dict[str, dict[str, tuple[int, int]]] = {}
    for feature, shares in population_shares().items():
        quotas[feature] = {}
        for value, share in shares.items():
            target = panel_size * share
            quotas[feature][value] = (math.floor(target), math.ceil(target))
    return quotas


def pool_shares(pool) -> dict[str, dict[str, float]]:
    """Each answer's share of POOL."""
    counts: dict[str, dict[str, float]] = {f: dict.fromkeys(v, 0.0) for f, v in FEATURES.items()}
    for _pseudonym, answers in pool:
        for feature, value in answers.items():
            counts[feature][value] += 1 / len(pool)
    return counts


# ---------------------------------------------------------------------------------------
# Measuring


def wilson(count: int, runs: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a share COUNT/RUNS."""
    if runs <= 0:
        return 0.0, 1.0
    p = count / runs
    centre = (p + z * z / (2 * runs)) / (1 + z * z / runs)
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / (1 + z * z / runs)
    return max(centre - half, 0.0), min(centre + half, 1.0)


@dataclass(frozen=True)
class Estimate:
    share: float  # the share of legacy runs that selected this person
    low: float  # 95% Wilson interval
    high: float


@dataclass(frozen=True)
class Measurement:
    pool_size: int
    panel_size: int
    maximin_seconds: float
    maximin_cpu_seconds: float
    maximin_min: float
    maximin_max: float
    maximin_panels: int  # panels in the maximin distribution
    legacy_runs: int
    legacy_seconds: float  # all runs together
    legacy_min: Estimate
    legacy_max: Estimate
    legacy_below_half_fair: int  # people whose estimate is under half the fair share
    legacy_never: int  # people no legacy run selected
    legacy_failed: int = 0  # runs in which the greedy method found no panel (run again)

    @property
    def fair(self) -> float:
        return self.panel_size / self.pool_size


@contextlib.contextmanager
def _quiet():
    """HiGHS writes its banner to the process's standard output: keep the table clean."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def _seed(label: str) -> str:
    return hashlib.sha256(f"{POOL_SEED}:{label}".encode()).hexdigest()


def legacy_shares(
    pool, quotas, panel_size: int, *, seed: str, runs: int
) -> tuple[dict[str, float], int, int]:
    """Each pool member's share of the panels selected by RUNS legacy runs, how many runs
    failed on the way, and how many panels were found (RUNS, unless too many failed).

    The greedy method sometimes paints itself into a corner and finds no panel (it gives up
    after sortition.LEGACY_ATTEMPTS tries); in practice it is then run again, so a failed run
    is followed by the next seed until RUNS panels were found (at most three times RUNS tries).
    Run i is seeded by sha256(seed + ":legacy-run-" + i), as sortition.legacy_probabilities
    does.
    """
    from initiatives import sortition

    counts = dict.fromkeys((p for p, _answers in pool), 0)
    found = failed = attempt = 0
    while found < runs and attempt < 3 * runs:
        run_seed = hashlib.sha256(f"{seed}:legacy-run-{attempt}".encode()).hexdigest()
        attempt += 1
        try:
            result = sortition.select_panel_legacy(
                pool=pool, quotas=quotas, panel_size=panel_size, seed=run_seed
            )
        except sortition.QuotasInfeasible:
            failed += 1
            continue
        found += 1
        for pseudonym in result.selected:
            counts[pseudonym] += 1
    if not found:
        raise RuntimeError("the legacy method found no panel at all")
    return {pseudonym: count / found for pseudonym, count in counts.items()}, failed, found


def measure(
    pool_size: int,
    panel_size: int,
    *,
    legacy_runs: int = LEGACY_RUNS[0],
    pool_seed=POOL_SEED,
    say=None,
) -> Measurement:
    """Select a panel of PANEL_SIZE from a generated pool of POOL_SIZE by maximin (timed,
    exact probabilities) and estimate the legacy method's probabilities from LEGACY_RUNS."""
    from initiatives import sortition  # after Django's settings: its messages are translatable

    pool = make_pool(pool_size, seed=pool_seed)
    quotas = proportional_quotas(panel_size)
    label = f"{pool_size}-{panel_size}"
    wall, cpu = time.perf_counter(), time.process_time()
    with _quiet():
        result = sortition.select_panel(
            pool=pool, quotas=quotas, panel_size=panel_size, seed=_seed(f"maximin-{label}")
        )
    maximin_seconds = time.perf_counter() - wall
    maximin_cpu = time.process_time() - cpu
    if say:
        say(
            f"  maximin: {_seconds(maximin_seconds)}, probabilities "
            f"{_pct(min(result.probabilities.values()))} to "
            f"{_pct(max(result.probabilities.values()))}"
        )
    wall = time.perf_counter()
    with _quiet():
        shares, failed, legacy_runs = legacy_shares(
            pool, quotas, panel_size, seed=_seed(f"legacy-{label}"), runs=legacy_runs
        )
    legacy_seconds = time.perf_counter() - wall

    def estimate(share: float) -> Estimate:
        count = round(share * legacy_runs)
        return Estimate(share, *wilson(count, legacy_runs))

    fair = panel_size / pool_size
    return Measurement(
        pool_size=pool_size,
        panel_size=panel_size,
        maximin_seconds=maximin_seconds,
        maximin_cpu_seconds=maximin_cpu,
        maximin_min=min(result.probabilities.values()),
        maximin_max=max(result.probabilities.values()),
        maximin_panels=len(result.distribution),
        legacy_runs=legacy_runs,
        legacy_seconds=legacy_seconds,
        legacy_min=estimate(min(shares.values())),
        legacy_max=estimate(max(shares.values())),
        legacy_below_half_fair=sum(1 for s in shares.values() if s < fair / 2),
        legacy_never=sum(1 for s in shares.values() if s == 0),
        legacy_failed=failed,
    )


# ---------------------------------------------------------------------------------------
# Reporting


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _estimate(e: Estimate) -> str:
    return f"{_pct(e.share)} (95% CI {_pct(e.low)} to {_pct(e.high)})"


def table(measurements: list[Measurement]) -> str:
    """The figures as a Markdown table (printed, and written into BENCHMARKS.md)."""
    lines = [
        "| pool → panel | fair share k/n | method | time | min. probability | max. probability |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for m in measurements:
        size = f"{m.pool_size:,} → {m.panel_size}"
        lines.append(
            f"| {size} | {_pct(m.fair)} | maximin (exact, {m.maximin_panels} panels) "
            f"| {_seconds(m.maximin_seconds)} (CPU {_seconds(m.maximin_cpu_seconds)}) "
            f"| {_pct(m.maximin_min)} | {_pct(m.maximin_max)} |"
        )
        per_run = m.legacy_seconds / m.legacy_runs if m.legacy_runs else 0.0
        lines.append(
            f"| {size} | {_pct(m.fair)} | legacy (estimated, {m.legacy_runs:,} runs) "
            f"| {per_run * 1000:.0f} ms a run ({_seconds(m.legacy_seconds)} in all) "
            f"| {_estimate(m.legacy_min)} | {_estimate(m.legacy_max)} |"
        )
    return "\n".join(lines)


def skew_table(pool_size: int, *, pool_seed: str = POOL_SEED) -> str:
    """How the generated pool of POOL_SIZE over- and under-represents the population."""
    population = population_shares()
    pool = pool_shares(make_pool(pool_size, seed=pool_seed))
    lines = ["| feature | answer | population | pool | pool / population |", "| --- " * 5 + "|"]
    for feature, shares in population.items():
        for value, share in shares.items():
            ratio = pool[feature][value] / share if share else 0.0
            lines.append(
                f"| {feature} | {value} | {_pct(share)} | {_pct(pool[feature][value])} "
                f"| {ratio:.2f} |"
            )
    return "\n".join(lines)


def report(
    measurements: list[Measurement],
    *,
    when: datetime | None = None,
    load: tuple[tuple[float, ...], tuple[float, ...]] | None = None,
) -> str:
    """The section of BENCHMARKS.md (between the markers): the table, what it means, the
    paper's figure beside ours, how the pool was made."""
    when = when or datetime.now(UTC)
    largest = max((m.pool_size for m in measurements), default=0)
    notes = []
    for m in measurements:
        notes.append(
            f"- **{m.pool_size:,} → {m.panel_size}**: maximin gives everyone at least "
            f"{_pct(m.maximin_min)} where {_pct(m.fair)} is fair; the legacy method's least "
            f"lucky person was selected in {_pct(m.legacy_min.share)} of {m.legacy_runs:,} "
            f"runs (95% CI {_pct(m.legacy_min.low)} to {_pct(m.legacy_min.high)}); "
            f"{m.legacy_below_half_fair} people had under half the fair share, "
            f"{m.legacy_never} were never selected"
            + (
                f"; {m.legacy_failed} legacy runs found no panel and were run again."
                if m.legacy_failed
                else "."
            )
        )
    try:
        from initiatives.sortition import library_version

        library = library_version()
    except Exception:  # the report is still worth writing
        library = "sortition-algorithms"
    loads = ""
    if load:
        loads = (
            f" Load average {load[0][0]:.2f} at the start, {load[1][0]:.2f} at the end (1 minute)."
        )
    return "\n".join(
        [
            f"Run of {when:%Y-%m-%d %H:%M} UTC on {platform.machine()} "
            f"({os.cpu_count()} CPUs), Python {platform.python_version()}, {library}.{loads}",
            "",
            table(measurements),
            "",
            "The paper this method comes from (Flanigan, Gölz, Gupta, Hennig and Procaccia, "
            "Nature 596, 2021) gives as its example a real panel where the legacy method "
            f"selects some people with a probability of at most {_pct(PAPER_LEGACY_MIN)}, "
            f"where {_pct(PAPER_FAIR)} (k/n) would be fair. Here, on a generated pool skewed "
            "the way self-selection skews one and quotas proportional to the population:",
            "",
            *notes,
            "",
            "Times are wall-clock on a shared machine; the maximin time is one whole panel "
            "draw (the distribution by column generation with HiGHS, then one panel drawn "
            "from it), as the worker's `draw_compute` runs it. The legacy estimates' minimum is "
            "biased downward (the lowest of many noisy shares); the interval is for that "
            "one person.",
            "",
            f"How the pool of {largest:,} represents the population (`bench/sortition.py`: "
            "who answers the letter depends on age, education and opinion):",
            "",
            skew_table(largest) if largest else "",
        ]
    )


def write_benchmarks(section: str, path: Path) -> None:
    """Put SECTION under HEADING in PATH between the markers: replaced when there, else
    appended at the end. Nothing else in the file changes."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{START}\n{section}\n{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _old, after = rest.split(END, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")


def _sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        pool, panel = part.split(":")
        sizes.append((int(pool), int(panel)))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--legacy-runs",
        type=lambda text: [int(n) for n in text.split(",")],
        default=list(LEGACY_RUNS),
        help="legacy runs per size, e.g. 1000,200 (the default); one number for every size",
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=list(SIZES),
        help="pool:panel pairs, e.g. 200:20,1000:100 (the default)",
    )
    parser.add_argument("--output", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    start_load = os.getloadavg()
    measurements = []
    for index, (pool_size, panel_size) in enumerate(options.sizes):
        runs = options.legacy_runs[min(index, len(options.legacy_runs) - 1)]
        print(
            f"Selecting {panel_size} from {pool_size:,}: maximin, then {runs:,} legacy runs…",
            flush=True,
        )
        measurements.append(
            measure(
                pool_size,
                panel_size,
                legacy_runs=runs,
                say=lambda text: print(text, flush=True),
            )
        )
        print(table(measurements[-1:]).splitlines()[-2], flush=True)
        print(table(measurements[-1:]).splitlines()[-1], flush=True)
    section = report(measurements, load=(start_load, os.getloadavg()))
    print()
    print(section)
    if not options.no_write:
        write_benchmarks(section, options.output)
        print(f"\nWritten to {options.output} under “{HEADING}”.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
