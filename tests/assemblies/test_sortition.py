"""The panel selection itself (initiatives/sortition.py): pure, no database."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation

from initiatives import draw_seed, sortition

SECRET = "5" * 64
SEED = draw_seed.seed_of(SECRET, "3 1 4 1 5")
QUOTAS = {
    "leeftijd": {"16-25": (1, 3), "26-59": (1, 3), "60": (1, 3)},
    "gender": {"vrouw": (3, 3), "man": (3, 3)},
}


def pool_of(groups: list[tuple[int, dict]]) -> list[tuple[str, dict]]:
    pool = []
    for count, features in groups:
        for _ in range(count):
            pool.append((f"P-{len(pool) + 1:04d}", dict(features)))
    return pool


def mixed_pool(count: int = 30) -> list[tuple[str, dict]]:
    ages, genders = ["16-25", "26-59", "60"], ["vrouw", "man"]
    return [
        (f"P-{i + 1:04d}", {"leeftijd": ages[i % 3], "gender": genders[(i // 3) % 2]})
        for i in range(count)
    ]


def counts(pool, panel):
    features = dict(pool)
    return Counter((f, features[p][f]) for p in panel for f in features[p])


def test_same_seed_gives_the_same_panel_and_distribution():
    first = sortition.select_panel(pool=mixed_pool(), quotas=QUOTAS, panel_size=6, seed=SEED)
    again = sortition.select_panel(
        pool=list(reversed(mixed_pool())), quotas=QUOTAS, panel_size=6, seed=SEED
    )
    assert first.selected == again.selected
    assert first.distribution == again.distribution
    assert first.probabilities == again.probabilities
    assert len(first.selected) == 6
    assert first.selected == sorted(first.selected)
    assert first.algorithm == "maximin (Flanigan, Gölz, Gupta, Hennig, Procaccia 2021)"
    assert first.version.startswith("sortition-algorithms 0.12.15, highspy ")


def test_a_fresh_process_with_another_hash_seed_gives_the_same_panel():
    """Python orders sets of strings differently per process; the panel must not change."""
    here = sortition.select_panel(pool=mixed_pool(), quotas=QUOTAS, panel_size=6, seed=SEED)
    script = (
        "import json, django, sys; django.setup();"
        "from initiatives import sortition;"
        "from tests.assemblies.test_sortition import mixed_pool, QUOTAS, SEED;"
        "r = sortition.select_panel(pool=mixed_pool(), quotas=QUOTAS, panel_size=6, seed=SEED);"
        "sys.stdout.write('RESULT' + json.dumps(r.as_json()))"
    )
    root = Path(__file__).resolve().parents[2]
    for hash_seed in ("1", "4242"):
        env = {
            **os.environ,
            "PYTHONHASHSEED": hash_seed,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(root),
        }
        out = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=env,
            cwd=root,
            check=True,
            timeout=300,
        ).stdout
        there = json.loads(out.split("RESULT", 1)[1])
        assert there["selected"] == here.selected
        assert there == json.loads(json.dumps(here.as_json()))


def test_a_different_witness_value_gives_a_different_panel():
    pool = [(f"P-{i:04d}", {"gender": ["vrouw", "man"][i % 2]}) for i in range(40)]
    quotas = {"gender": {"vrouw": (2, 2), "man": (2, 2)}}
    panels = {
        tuple(
            sortition.select_panel(
                pool=pool,
                quotas=quotas,
                panel_size=4,
                seed=draw_seed.seed_of(SECRET, witness),
            ).selected
        )
        for witness in ("1", "2", "3", "4", "5", "6")
    }
    # Every one of the 40 people has a chance of 1 in 10: six draws that gave only one or
    # two panels would mean the witness value hardly counted.
    assert len(panels) >= 4


def test_the_panel_and_every_panel_of_the_distribution_meet_the_quotas():
    pool = mixed_pool(36)
    result = sortition.select_panel(pool=pool, quotas=QUOTAS, panel_size=6, seed=SEED)
    features = dict(pool)
    assert result.distribution
    for panel, p in result.distribution:
        assert p > 0
        assert sortition.quotas_hold(QUOTAS, [features[x] for x in panel], panel_size=6)
    assert sortition.quotas_hold(QUOTAS, [features[x] for x in result.selected], panel_size=6)
    assert result.selected in [panel for panel, _p in result.distribution]
    assert sum(p for _panel, p in result.distribution) == pytest.approx(1)
    # Each person's probability is the sum over the panels that hold them; they add up to
    # the panel size.
    assert set(result.probabilities) == {p for p, _f in pool}
    assert sum(result.probabilities.values()) == pytest.approx(6)
    for pseudonym, chance in result.probabilities.items():
        assert chance == pytest.approx(
            sum(p for panel, p in result.distribution if pseudonym in panel)
        )


def test_at_most_one_person_per_household():
    pool = mixed_pool(24)
    household_of = {p: f"H-{i // 2}" for i, (p, _f) in enumerate(pool)}  # pairs live together
    result = sortition.select_panel(
        pool=pool, quotas=QUOTAS, panel_size=6, seed=SEED, household_of=household_of
    )
    for panel, _p in result.distribution:
        homes = [household_of[p] for p in panel]
        assert len(homes) == len(set(homes))


def test_maximin_is_fairer_than_the_greedy_legacy_method_on_a_skewed_pool():
    """Nobody's chance under maximin is below the smallest chance under the legacy method."""
    pool = pool_of(
        [
            (20, {"age": "young", "gender": "m"}),
            (2, {"age": "young", "gender": "f"}),
            (4, {"age": "old", "gender": "m"}),
            (30, {"age": "old", "gender": "f"}),
        ]
    )
    quotas = {"age": {"young": (3, 3), "old": (3, 3)}, "gender": {"m": (3, 3), "f": (3, 3)}}
    maximin = sortition.select_panel(pool=pool, quotas=quotas, panel_size=6, seed=SEED)
    legacy = sortition.legacy_probabilities(
        pool=pool, quotas=quotas, panel_size=6, seed=SEED, runs=300
    )
    assert sum(legacy.values()) == pytest.approx(6)
    assert min(maximin.probabilities.values()) >= min(legacy.values())
    assert min(maximin.probabilities.values()) > 0.08  # the maximin optimum here is 3/34


def test_the_legacy_method_selects_a_panel_within_the_quotas():
    pool = mixed_pool(30)
    result = sortition.select_panel_legacy(pool=pool, quotas=QUOTAS, panel_size=6, seed=SEED)
    features = dict(pool)
    assert len(result.selected) == 6
    assert sortition.quotas_hold(QUOTAS, [features[p] for p in result.selected], panel_size=6)
    again = sortition.select_panel_legacy(pool=pool, quotas=QUOTAS, panel_size=6, seed=SEED)
    assert again.selected == result.selected


def messages_of(excinfo) -> str:
    return "\n".join(excinfo.value.messages)


def test_too_few_people_for_a_minimum_names_the_quota():
    pool = pool_of([(2, {"leeftijd": "16-25"}), (10, {"leeftijd": "26-59"})])
    quotas = {"leeftijd": {"16-25": (4, 6), "26-59": (0, 6)}}
    with translation.override("nl"), pytest.raises(sortition.QuotasInfeasible) as excinfo:
        sortition.select_panel(pool=pool, quotas=quotas, panel_size=6, seed=SEED)
    assert messages_of(excinfo) == (
        "Voor 'leeftijd: 16-25' zijn minstens 4 plaatsen nodig, maar er hebben zich maar 2 "
        "mensen met dat antwoord aangemeld."
    )


def test_minimums_over_the_panel_size_and_maximums_under_it_are_named():
    pool = mixed_pool(30)
    too_many = {"gender": {"vrouw": (4, 6), "man": (4, 6)}}
    too_few = {"gender": {"vrouw": (0, 2), "man": (0, 2)}}
    with translation.override("nl"):
        with pytest.raises(sortition.QuotasInfeasible) as excinfo:
            sortition.select_panel(pool=pool, quotas=too_many, panel_size=6, seed=SEED)
        assert "'gender'" in messages_of(excinfo)
        assert "8" in messages_of(excinfo)
        assert "minimum" in messages_of(excinfo).lower()
        with pytest.raises(sortition.QuotasInfeasible) as excinfo:
            sortition.select_panel(pool=pool, quotas=too_few, panel_size=6, seed=SEED)
        assert "'gender'" in messages_of(excinfo)
        assert "4" in messages_of(excinfo)
        assert "maximum" in messages_of(excinfo).lower()


def test_a_minimum_over_its_maximum_and_a_pool_too_small_are_named():
    with pytest.raises(sortition.QuotasInfeasible) as excinfo:
        sortition.select_panel(
            pool=mixed_pool(4),
            quotas={"gender": {"vrouw": (3, 2), "man": (0, 6)}},
            panel_size=6,
            seed=SEED,
        )
    text = messages_of(excinfo)
    assert "gender: vrouw" in text
    assert "6" in text and "4" in text  # six seats, four people


def test_households_too_few_for_a_minimum_are_named():
    pool = pool_of([(4, {"gender": "vrouw"}), (10, {"gender": "man"})])
    household_of = {p: ("H-1" if f["gender"] == "vrouw" else p) for p, f in pool}
    with pytest.raises(sortition.QuotasInfeasible) as excinfo:
        sortition.select_panel(
            pool=pool,
            quotas={"gender": {"vrouw": (2, 3), "man": (0, 6)}},
            panel_size=4,
            seed=SEED,
            household_of=household_of,
        )
    assert messages_of(excinfo) == (
        "Voor 'gender: vrouw' zijn minstens 2 plaatsen nodig, maar de 4 mensen met dat "
        "antwoord wonen in maar 1 huishouden. In het panel komt hoogstens één persoon per "
        "huishouden."
    )


def test_quotas_only_the_solver_finds_impossible_are_named_from_its_relaxation():
    """Every young person is a man: three young seats need three men, but men may have two."""
    pool = pool_of(
        [
            (5, {"age": "young", "gender": "m"}),
            (5, {"age": "old", "gender": "f"}),
            (5, {"age": "old", "gender": "m"}),
        ]
    )
    quotas = {
        "age": {"young": (3, 4), "old": (0, 4)},
        "gender": {"f": (2, 4), "m": (0, 2)},
    }
    assert sortition.quota_problems(pool=pool, quotas=quotas, panel_size=4) == []
    with pytest.raises(sortition.QuotasInfeasible) as excinfo:
        sortition.select_panel(pool=pool, quotas=quotas, panel_size=4, seed=SEED)
    text = messages_of(excinfo)
    assert "age: young" in text or "gender: m" in text or "gender: f" in text


def test_a_missing_answer_counts_as_no_answer_without_a_quota():
    pool = [*mixed_pool(30), ("P-9999", {"gender": "vrouw"})]  # no age given
    result = sortition.select_panel(pool=pool, quotas=QUOTAS, panel_size=6, seed=SEED)
    assert "P-9999" in result.probabilities


@pytest.mark.parametrize("seed", ["", "xyz", "a" * 63, None])
def test_a_malformed_seed_is_refused(seed):
    with pytest.raises(sortition.PanelSelectionError):
        sortition.select_panel(pool=mixed_pool(), quotas=QUOTAS, panel_size=6, seed=seed)


def test_replacement_quotas_leave_what_the_kept_members_do_not_fill():
    kept = [
        {"leeftijd": "16-25", "gender": "vrouw"},
        {"leeftijd": "16-25", "gender": "man"},
        {"leeftijd": "60", "gender": "vrouw"},
    ]
    assert sortition.replacement_quotas(QUOTAS, kept) == {
        "leeftijd": {"16-25": (0, 1), "26-59": (1, 3), "60": (0, 2)},
        "gender": {"vrouw": (1, 1), "man": (2, 2)},
    }
    assert sortition.replacement_quotas({"g": {"x": (2, None)}}, [{"g": "x"}]) == {
        "g": {"x": (1, None)}
    }


def test_the_draw_from_the_distribution_follows_the_running_sum():
    distribution = [(["B"], 0.5), (["A"], 0.5)]
    picks = Counter(
        tuple(sortition.draw_from_distribution(distribution, draw_seed.seed_of(SECRET, str(i))))
        for i in range(200)
    )
    assert set(picks) == {("A",), ("B",)}
    assert 60 < picks[("A",)] < 140
