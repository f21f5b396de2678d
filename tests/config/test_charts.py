"""The shared SVG charts' gaps: a figure left out is drawn and said as such, never as zero.

(The charts' plain geometry is tested with the weekly report, tests/staff/test_report.py.)
"""

from django.template.loader import render_to_string

from config import charts
from config.charts import LEFT_OUT


def test_a_bar_left_out_is_a_dashed_outline_with_its_text():
    chart = charts.bar_chart(
        [("Vlijmen", 12), ("Elshout", LEFT_OUT), ("Drunen", 0)],
        id="c",
        title="Per dorp",
        gap_text="minder dan 5",
    )
    vlijmen, elshout, drunen = chart.bars
    assert elshout.gap and not vlijmen.gap and not drunen.gap
    assert elshout.width == charts.GAP_WIDTH
    assert elshout.text == "minder dan 5"
    assert drunen.width == 0 and drunen.text == "0"  # a real zero stays a zero
    assert chart.desc == "Vlijmen: 12; Elshout: minder dan 5; Drunen: 0"

    svg = render_to_string("includes/charts/bar_chart.html", {"chart": chart})
    assert svg.count('stroke-dasharray="4 3"') == 1
    assert 'font-style="italic">minder dan 5</text>' in svg


def test_bars_of_money_are_written_as_money():
    chart = charts.bar_chart(
        [("Dromenfonds", "1250.50")], id="c", title="t", text=charts.money_text, value_room=110
    )
    assert chart.bars[0].text == "€ 1.250,50"
    assert chart.bars[0].width == charts.BAR_WIDTH - charts.BAR_LABEL_WIDTH - 110


def test_a_column_left_out_reaches_up_to_the_threshold_and_says_so():
    chart = charts.column_chart(
        ["2026-W47", "2026-W48"],
        {"Ingediend": [LEFT_OUT, 10]},
        id="c",
        title="t",
        gap_below=5,
        gap_short="<5",
        gap_text="minder dan 5",
    )
    left_out, ten = chart.columns
    assert left_out.gap and not ten.gap
    assert left_out.height == ten.height / 2  # from the axis up to 5, as high as "under 5" goes
    assert left_out.text == "<5"
    assert left_out.colour == charts.GAP_COLOUR
    assert chart.desc == "Ingediend: week 47: minder dan 5; week 48: 10."

    svg = render_to_string("includes/charts/column_chart.html", {"chart": chart})
    assert svg.count('fill="none" stroke="#595959" stroke-width="1.5" stroke-dasharray') == 1
    assert ">&lt;5</text>" in svg


def test_the_second_series_is_hatched_in_its_columns_and_its_legend():
    """Colour alone may not tell the series apart (WCAG 1.4.1): the second one is hatched."""
    weeks = ["2026-W47", "2026-W48"]
    series = {"Ingediend": [3, 4], "Opgepakt": [2, 1]}
    first = charts.column_chart(weeks, series, id="chart-a", title="a")
    second = charts.column_chart(weeks, series, id="chart-b", title="b")
    assert [column.hatched for column in first.columns] == [False, False, True, True]
    assert [item.hatched for item in first.frame.legend] == [False, True]

    svg = render_to_string("includes/charts/column_chart.html", {"chart": first})
    assert svg.count('<pattern id="chart-a-hatch"') == 1
    # two hatched columns and the hatched legend swatch; the first series stays solid
    assert svg.count('fill="url(#chart-a-hatch)"') == 3
    assert svg.count(f'fill="{charts.SERIES[0]}"') == 3
    # a second chart on the same page has a hatch of its own: no ids that clash
    other = render_to_string("includes/charts/column_chart.html", {"chart": second})
    assert '<pattern id="chart-b-hatch"' in other and "chart-a-hatch" not in other


def test_a_description_says_week_and_its_number_not_the_iso_code():
    chart = charts.column_chart(["2025-W52", "2026-W01"], {"Ingediend": [1, 2]}, id="c", title="t")
    assert chart.desc == "Ingediend: week 52: 1; week 1: 2."
    assert "W01" not in chart.desc
    lines = charts.share_line_chart(["2026-W46"], {"Op tijd": [0.5]}, id="l", title="t")
    assert lines.desc == "Op tijd: week 46: 50%."


def test_only_left_out_columns_raise_the_scale_to_the_threshold():
    chart = charts.column_chart(
        ["W1"], {"a": [LEFT_OUT]}, id="c", title="t", gap_below=5, gap_short="<5"
    )
    assert [tick.text for tick in chart.frame.ticks][-1] == "6"  # room for the outline up to 5


def test_a_share_left_out_marks_its_week_and_breaks_the_line():
    chart = charts.share_line_chart(
        ["W1", "W2", "W3"],
        {"Binnen 2 werkdagen": [0.5, LEFT_OUT, 1.0], "Binnen 5": [1.0, LEFT_OUT, None]},
        id="c",
        title="t",
        gap_short="<5",
        gap_text="minder dan 5 gemeten",
    )
    two, five = chart.lines
    assert len(five.points) == 1  # W1 only: W2 left out, W3 nothing measured
    assert two.segments == () and len(two.points) == 2  # broken at W2: two lone markers
    assert len(chart.gaps) == 1  # one band for the week, not one per line
    assert chart.gaps[0].text_x == chart.frame.labels[1].x
    assert "W2: minder dan 5 gemeten" in chart.desc
    assert f"W3: {charts.NONE}" in chart.desc  # nothing measured is not the same as left out

    svg = render_to_string("includes/charts/line_chart.html", {"chart": chart})
    assert svg.count('stroke-dasharray="4 3"') == 1


def test_the_gap_outline_has_enough_contrast():
    from tests.staff.test_report import contrast

    assert contrast(charts.GAP_COLOUR, charts.BACKGROUND) >= 3  # WCAG 1.4.11
