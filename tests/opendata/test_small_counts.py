"""Small counts suppressed together with their totals (initiatives.selectors.small_counts)."""

import random

from initiatives.selectors.small_counts import ALL, Table


def _lines(table: Table):
    for row in table.rows:
        yield [(row, c) for c in table.columns] + [(row, ALL)]
    for column in table.columns:
        yield [(r, column) for r in table.rows] + [(ALL, column)]
    yield [(ALL, c) for c in table.columns] + [(ALL, ALL)]
    yield [(r, ALL) for r in table.rows] + [(ALL, ALL)]


def test_a_small_count_is_hidden_and_zero_and_large_ones_stay(settings):
    settings.OPEN_DATA_MIN_COUNT = 5
    table = Table({("a", "x"): 3, ("a", "y"): 0, ("b", "x"): 7, ("b", "y"): 9})
    assert table.cell("a", "x").suppressed and table.cell("a", "x").value is None
    assert table.cell("a", "y").value == 0 and not table.cell("a", "y").suppressed
    assert table.cell("b", "y").value == 9
    # Row a's total equals its one hidden cell: hidden too.
    assert table.cell("a", ALL).suppressed


def test_a_hidden_cell_cannot_be_worked_out_from_a_published_total(settings):
    settings.OPEN_DATA_MIN_COUNT = 5
    table = Table({("a", "x"): 3, ("a", "y"): 10, ("b", "x"): 20, ("b", "y"): 30})
    # Row a: 3 hidden, its total 13 published, so 10 is hidden as well; then column y has
    # one hidden cell (10) and 30 goes too; column x: 3 and 20 ... every line holds two.
    assert table.cell("a", "x").suppressed
    assert table.cell("a", "y").suppressed
    assert table.cell("a", ALL).value == 13
    for line in _lines(table):
        hidden = [key for key in line if table.is_hidden(*key)]
        assert len(hidden) != 1, line


def test_a_hidden_cell_says_whether_it_is_small_or_hidden_to_protect_another(settings):
    settings.OPEN_DATA_MIN_COUNT = 5
    table = Table({("a", "x"): 3, ("a", "y"): 10, ("b", "x"): 20, ("b", "y"): 30})
    small, protecting = table.cell("a", "x"), table.cell("a", "y")
    assert small.suppressed and small.small
    # Hidden only so that 3 cannot be worked out from row a's total: 10 is not small.
    assert protecting.suppressed and not protecting.small
    assert not table.cell("a", ALL).small  # published, not hidden at all
    for row in table.rows:
        for column in table.columns:
            cell = table.cell(row, column)
            assert cell.small == (0 < table.raw(row, column) < 5), (row, column)


def test_threshold_comes_from_the_setting(settings):
    settings.OPEN_DATA_MIN_COUNT = 3
    assert Table({("a", "x"): 3}).cell("a", "x").value == 3
    assert Table({("a", "x"): 2}).cell("a", "x").suppressed
    settings.OPEN_DATA_MIN_COUNT = 5
    assert Table({("a", "x"): 3}).cell("a", "x").suppressed


def test_no_line_of_any_table_has_exactly_one_hidden_figure(settings):
    settings.OPEN_DATA_MIN_COUNT = 5
    randomness = random.Random(19)
    for _n in range(300):
        rows, columns = randomness.randint(1, 6), randomness.randint(1, 5)
        counts = {
            (r, c): randomness.choice([0, 0, 1, 2, 4, 5, 6, 12, 40])
            for r in range(rows)
            for c in range(columns)
        }
        table = Table(counts)
        for line in _lines(table):
            hidden = [key for key in line if table.is_hidden(*key)]
            assert len(hidden) != 1, (counts, line)
        for key, value in counts.items():
            assert table.is_hidden(*key) or not 0 < value < 5
            if not table.is_hidden(*key):
                assert table.cell(*key).value == value
            elif not table.cell(*key).small:  # hidden to protect another: never a small one
                assert value >= 5, (counts, key)
