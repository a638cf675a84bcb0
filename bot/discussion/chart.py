"""Horizontal bar charts of poll results as PNG bytes (Pillow, built-in font, deterministic)."""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from functools import cache
from typing import TYPE_CHECKING

from bot.discussion.polls.model import PollResult

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

WIDTH = 800
PADDING = 20
TITLE_HEIGHT = 44
ROW_HEIGHT = 36
BAR_HEIGHT = 22
LABEL_WIDTH = 250
VALUE_WIDTH = 60
FONT_SIZE = 16
MAX_BARS = 25

BACKGROUND = (49, 51, 56)
TEXT = (242, 243, 245)
MUTED = (181, 186, 193)
BAR = (88, 101, 242)
WINNER = (35, 165, 90)
TRACK = (64, 66, 73)

# Where bars start and how long a bar of the largest value is.
BAR_X = PADDING + LABEL_WIDTH + 10
BAR_SPAN = WIDTH - BAR_X - VALUE_WIDTH - PADDING


def chart_height(bars: int) -> int:
    """Image height for ``bars`` rows."""
    return PADDING + TITLE_HEIGHT + bars * ROW_HEIGHT + PADDING


def bar_length(value: int, largest: int) -> int:
    """Pixel length of a bar: proportional to ``value``, the largest filling ``BAR_SPAN``."""
    return round(BAR_SPAN * value / largest) if largest > 0 else 0


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, font: ImageFont.BaseImageFont) -> str:
    """``text`` on one line, cut with an ellipsis so it fits ``width`` pixels."""
    text = " ".join(text.split())
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def render_bar_chart(
    title: str, bars: Sequence[tuple[str, int]], highlight: Collection[int] = ()
) -> bytes:
    """Render ``(label, value)`` bars (at most 25) under ``title``; bars whose index is in
    ``highlight`` (e.g. the winners) are drawn green. Same input, same bytes."""
    if not bars:
        raise ValueError("a chart needs at least one bar")
    bars = list(bars)[:MAX_BARS]
    if any(value < 0 for _, value in bars):
        raise ValueError("bar values must not be negative")
    # Pillow is imported on first use: most processes never draw a chart.
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, chart_height(len(bars))), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font, font = _font(FONT_SIZE + 4), _font(FONT_SIZE)
    draw.text(
        (PADDING, PADDING),
        _fit(draw, title, WIDTH - 2 * PADDING, title_font),
        fill=TEXT,
        font=title_font,
    )
    largest = max(value for _, value in bars)
    for index, (label, value) in enumerate(bars):
        top = PADDING + TITLE_HEIGHT + index * ROW_HEIGHT
        bar_top = top + (ROW_HEIGHT - BAR_HEIGHT) // 2
        middle = top + ROW_HEIGHT // 2
        draw.text(
            (PADDING, middle),
            _fit(draw, label, LABEL_WIDTH, font),
            fill=TEXT,
            font=font,
            anchor="lm",
        )
        draw.rectangle((BAR_X, bar_top, BAR_X + BAR_SPAN - 1, bar_top + BAR_HEIGHT - 1), fill=TRACK)
        length = bar_length(value, largest)
        if length:
            colour = WINNER if index in highlight else BAR
            draw.rectangle(
                (BAR_X, bar_top, BAR_X + length - 1, bar_top + BAR_HEIGHT - 1), fill=colour
            )
        draw.text((BAR_X + BAR_SPAN + 8, middle), str(value), fill=MUTED, font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def render_result_chart(result: PollResult) -> bytes:
    """Chart a poll result: votes per option (first preferences for ranked polls), winners
    in green."""
    title = result.question
    if result.kind == "ranked":
        title = f"First preferences — {result.question}"
    winners = set(result.winners)
    return render_bar_chart(
        title,
        [(option.label, option.votes) for option in result.options],
        highlight={
            index for index, option in enumerate(result.options) if option.option_id in winners
        },
    )
