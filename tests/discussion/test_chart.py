"""PNG bar charts: valid, sized by rows, deterministic, bars proportional to values."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.charts import text
from bot.discussion import chart


def bar_run(image: Image.Image, row: int) -> int:
    """Length of the bar (bar or winner colour) on the centre line of bar ``row``."""
    y = chart.PADDING + chart.TITLE_HEIGHT + row * chart.ROW_HEIGHT + chart.ROW_HEIGHT // 2
    length = 0
    for x in range(chart.BAR_X, chart.BAR_X + chart.BAR_SPAN):
        if image.getpixel((x, y)) not in (chart.BAR, chart.WINNER):
            break
        length += 1
    return length


def test_png_of_expected_size_with_proportional_bars() -> None:
    bars = [("Kronstadt", 10), ("Makhno", 5), ("Berkman " * 20, 2), ("Nobody", 0)]
    data = chart.render_bar_chart("Next reading?", bars, highlight={0})
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (chart.WIDTH, chart.chart_height(4))
    runs = [bar_run(image, row) for row in range(4)]
    assert runs == [chart.BAR_SPAN, round(chart.BAR_SPAN / 2), round(chart.BAR_SPAN / 5), 0]
    y = chart.PADDING + chart.TITLE_HEIGHT + chart.ROW_HEIGHT // 2
    assert image.getpixel((chart.BAR_X + 1, y)) == chart.WINNER
    assert image.getpixel((chart.BAR_X + 1, y + chart.ROW_HEIGHT)) == chart.BAR


def test_deterministic_bytes() -> None:
    bars = [("a", 1), ("b", 3)]
    assert chart.render_bar_chart("t", bars) == chart.render_bar_chart("t", bars)


def test_all_zero_and_invalid_input() -> None:
    image = Image.open(io.BytesIO(chart.render_bar_chart("none yet", [("a", 0), ("b", 0)])))
    assert image.size == (chart.WIDTH, chart.chart_height(2))
    with pytest.raises(ValueError, match="at least one bar"):
        chart.render_bar_chart("t", [])
    with pytest.raises(ValueError, match="negative"):
        chart.render_bar_chart("t", [("a", -1)])


def test_long_labels_wrap_between_words_and_end_with_an_ellipsis() -> None:
    label = "The Bolsheviks and Workers' Control 1917 to 1921: the State and Counter-revolution"
    lines = text.wrap(label, chart.FONT_SIZE, chart.LABEL_WIDTH)
    assert len(lines) == 2
    assert all(text.width(line, chart.FONT_SIZE) <= chart.LABEL_WIDTH for line in lines)
    assert lines[1].endswith("…")
    words = set(label.replace(":", "").split())
    for line in lines:  # every piece shown is a whole word of the label
        assert set(line.rstrip("…").replace(":", "").split()) <= words
    assert text.wrap("Serge", chart.FONT_SIZE, chart.LABEL_WIDTH) == ["Serge"]


@pytest.mark.parametrize(
    "label",
    [
        "Кронштадт, 1921",
        "Ελευθερία ή θάνατος",
        "喀琅施塔得起义",
        "한국어 독서 모임",
        "カタカナ",
        "café — naïve",
    ],
)
def test_every_script_is_drawn_with_a_font_that_has_it(label: str) -> None:
    for char in label:
        assert text.has_glyph(text.font_for(char, chart.FONT_SIZE), char), char
    # And drawn, not boxed: the label's pixels differ from the same number of missing glyphs.
    drawn = chart.render_bar_chart("t", [(label, 1)])
    boxes = chart.render_bar_chart("t", [("\uffff" * len(label), 1)])
    assert drawn != boxes


def test_bars_are_scaled_to_the_ballots_cast_and_ties_are_said() -> None:
    data = chart.render_bar_chart("When?", [("Thu", 2), ("Fri", 2), ("Sat", 1)], whole=4)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert [bar_run(image, row) for row in range(3)] == [
        round(chart.BAR_SPAN / 2),
        round(chart.BAR_SPAN / 2),
        round(chart.BAR_SPAN / 4),
    ]
    assert chart.tie_note([("Thu", 2), ("Fri", 2), ("Sat", 1)]) == "Thu and Fri tie"
    assert chart.tie_note([("A", 1), ("B", 1), ("C", 1)]) == "A, B and C tie"
    assert chart.tie_note([("A", 2), ("B", 1)]) is None
    assert chart.tie_note([("A", 0), ("B", 0)]) is None
