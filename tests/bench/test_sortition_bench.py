"""The panel selection benchmark's parts on a small size (issue 18): the generated pool,
the quotas, one small measurement, the report and where it goes in BENCHMARKS.md."""

from datetime import UTC, datetime

from bench import sortition as bench


def test_the_pool_is_the_same_for_the_same_seed_and_skewed():
    pool = bench.make_pool(300)
    assert pool == bench.make_pool(300)
    assert pool != bench.make_pool(300, seed="another")
    assert len(pool) == 300 and len({p for p, _answers in pool}) == 300
    assert all(set(answers) == set(bench.FEATURES) for _p, answers in pool)
    population, shares = bench.population_shares(), bench.pool_shares(pool)
    assert abs(sum(population["opleiding"].values()) - 1) < 1e-9
    # Self-selection: the highly educated over-represented, the young under-represented.
    assert shares["opleiding"]["hoog"] > 1.3 * population["opleiding"]["hoog"]
    assert shares["leeftijd"]["16-24"] < 0.8 * population["leeftijd"]["16-24"]


def test_quotas_are_proportional_to_the_population():
    quotas = bench.proportional_quotas(20)
    population = bench.population_shares()
    for feature, values in quotas.items():
        assert sum(low for low, _high in values.values()) <= 20
        assert sum(high for _low, high in values.values()) >= 20
        for value, (low, high) in values.items():
            assert low <= 20 * population[feature][value] <= high and high - low <= 1


def test_wilson_interval():
    low, high = bench.wilson(12, 1000)
    assert low < 0.012 < high and low > 0.005 and high < 0.022
    assert bench.wilson(0, 50)[0] == 0


def test_a_small_measurement_and_its_report(tmp_path):
    measurement = bench.measure(40, 4, legacy_runs=5)
    assert measurement.maximin_seconds > 0
    assert 0 <= measurement.maximin_min <= 0.1 <= measurement.maximin_max <= 1
    assert measurement.legacy_runs == 5
    assert 0 <= measurement.legacy_min.share <= measurement.legacy_max.share <= 1
    when = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    section = bench.report([measurement], when=when, load=((1.0,), (2.0,)))
    assert "| 40 → 4 | 10.00% | maximin (exact," in section
    assert "legacy (estimated, 5 runs)" in section
    assert "at most 1.21%, where 10.00% (k/n) would be fair" in section
    assert "Run of 2026-12-07 10:00 UTC" in section and "Load average 1.00" in section

    target = tmp_path / "BENCHMARKS.md"
    target.write_text("# Benchmarks\n\n## Other figures\n\nkept\n", encoding="utf-8")
    bench.write_benchmarks(section, target)
    bench.write_benchmarks(section.replace("40 → 4", "40 → 4 again"), target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n## Other figures\n\nkept\n\n## Panel selection")
    assert text.count(bench.HEADING) == 1 and text.count(bench.START) == 1
    assert "40 → 4 again" in text
