"""PNG bar charts: valid, sized by rows, deterministic, bars proportional to values."""

from __future__ import annotations

import io

import pytest
from PIL import Image

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


def test_long_labels_are_truncated_to_fit() -> None:
    image = Image.new("RGB", (10, 10))
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    font = chart._font(chart.FONT_SIZE)
    fitted = chart._fit(draw, "word " * 100, chart.LABEL_WIDTH, font)
    assert fitted.endswith("…")
    assert draw.textlength(fitted, font=font) <= chart.LABEL_WIDTH
