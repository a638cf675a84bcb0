"""The term chart: for each week, how many came to the session and how many read the reading.

Both bars of every week are scaled to the same whole (the most members any week involved), so
weeks compare at a glance; the numbers are written beside the bars.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.charts.text import draw_text, wrap

WIDTH = 800
PADDING = 20
HEADER = 70
ROW_HEIGHT = 52
BAR_HEIGHT = 14
LABEL_WIDTH = 280
VALUE_WIDTH = 60
FONT_SIZE = 14
TITLE_SIZE = 19
LINE_GAP = 17
MAX_ROWS = 52

BACKGROUND = (49, 51, 56)
TEXT = (242, 243, 245)
MUTED = (181, 186, 193)
CAME = (88, 101, 242)
READ = (35, 165, 90)
TRACK = (64, 66, 73)

BAR_X = PADDING + LABEL_WIDTH + 10
BAR_SPAN = WIDTH - BAR_X - VALUE_WIDTH - PADDING


@dataclass(frozen=True)
class WeekBars:
    label: str
    came: int
    read: int


def chart_height(rows: int) -> int:
    return PADDING + HEADER + rows * ROW_HEIGHT + PADDING


def render_term_chart(title: str, weeks: Sequence[WeekBars], whole: int) -> bytes:
    """PNG bytes: a row per week, the attendance bar over the reading bar."""
    if not weeks:
        raise ValueError("a term chart needs at least one week")
    from PIL import Image, ImageDraw

    weeks = list(weeks)[:MAX_ROWS]
    whole = max(whole, *(max(w.came, w.read) for w in weeks), 1)
    image = Image.new("RGB", (WIDTH, chart_height(len(weeks))), BACKGROUND)
    draw = ImageDraw.Draw(image)
    heading = (wrap(title, TITLE_SIZE, WIDTH - 2 * PADDING, max_lines=1) or [""])[0]
    draw_text(draw, (PADDING, PADDING + 10), heading, TITLE_SIZE, TEXT)
    legend_y = PADDING + 42
    for x, colour, name in (
        (PADDING, CAME, "came to the session"),
        (PADDING + 220, READ, "read it"),
    ):
        draw.rectangle((x, legend_y - 6, x + 12, legend_y + 6), fill=colour)
        draw_text(draw, (x + 18, legend_y), name, FONT_SIZE, MUTED)
    draw_text(draw, (PADDING + 360, legend_y), f"bars out of {whole} members", FONT_SIZE, MUTED)
    for index, week in enumerate(weeks):
        top = PADDING + HEADER + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT // 2
        lines = wrap(week.label, FONT_SIZE, LABEL_WIDTH)
        first = middle - LINE_GAP * (len(lines) - 1) / 2
        for number, line in enumerate(lines):
            draw_text(draw, (PADDING, first + number * LINE_GAP), line, FONT_SIZE, TEXT)
        for offset, value, colour in ((-9, week.came, CAME), (9, week.read, READ)):
            bar_top = middle + offset - BAR_HEIGHT // 2
            draw.rectangle(
                (BAR_X, bar_top, BAR_X + BAR_SPAN - 1, bar_top + BAR_HEIGHT - 1), fill=TRACK
            )
            length = min(BAR_SPAN, round(BAR_SPAN * value / whole))
            if length:
                draw.rectangle(
                    (BAR_X, bar_top, BAR_X + length - 1, bar_top + BAR_HEIGHT - 1), fill=colour
                )
            draw_text(draw, (BAR_X + BAR_SPAN + 8, middle + offset), str(value), FONT_SIZE, MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
