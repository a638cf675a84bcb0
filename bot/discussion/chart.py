"""Horizontal bar charts of poll results as PNG bytes (Pillow, shipped fonts, deterministic).

Bars are scaled to the ballots cast, so a bar half across means half the voters chose it
(several choices per ballot can each reach the end). Ties for the lead are said above the
bars, and labels wrap between words onto two lines before anything is cut.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence

from bot.charts.text import draw_text, wrap
from bot.discussion.polls.model import PollResult

WIDTH = 800
PADDING = 20
TITLE_HEIGHT = 64  # the title, and the line under it (ties, what the bars measure)
ROW_HEIGHT = 44  # room for a label on two lines
BAR_HEIGHT = 22
LABEL_WIDTH = 250
VALUE_WIDTH = 90
FONT_SIZE = 15
TITLE_SIZE = 19
LINE_GAP = 18
MAX_BARS = 25

BACKGROUND = (49, 51, 56)
TEXT = (242, 243, 245)
MUTED = (181, 186, 193)
BAR = (88, 101, 242)
WINNER = (35, 165, 90)
TRACK = (64, 66, 73)

# Where bars start and how long a bar of the whole (every ballot) is.
BAR_X = PADDING + LABEL_WIDTH + 10
BAR_SPAN = WIDTH - BAR_X - VALUE_WIDTH - PADDING


def chart_height(bars: int) -> int:
    """Image height for ``bars`` rows."""
    return PADDING + TITLE_HEIGHT + bars * ROW_HEIGHT + PADDING


def bar_length(value: int, whole: int) -> int:
    """Pixel length of a bar: ``value`` out of ``whole`` (the ballots cast) of ``BAR_SPAN``."""
    return min(BAR_SPAN, round(BAR_SPAN * value / whole)) if whole > 0 else 0


def tie_note(bars: Sequence[tuple[str, int]]) -> str | None:
    """``Thu and Fri tie`` when two or more options share the most votes (and have some)."""
    top = max((value for _, value in bars), default=0)
    tied = [label for label, value in bars if value == top]
    if top == 0 or len(tied) < 2:
        return None
    names = [" ".join(label.split()) for label in tied]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} tie"


def _fit_line(text: str, size: int, limit: float) -> str:
    return (wrap(text, size, limit, max_lines=1) or [""])[0]


def render_bar_chart(
    title: str,
    bars: Sequence[tuple[str, int]],
    highlight: Collection[int] = (),
    *,
    whole: int | None = None,
    note: str | None = None,
) -> bytes:
    """Render ``(label, value)`` bars (at most 25) under ``title``; bars whose index is in
    ``highlight`` (e.g. the winners) are drawn green. ``whole`` (default: the largest value)
    is what a full bar means; ``note`` goes under the title. Same input, same bytes."""
    if not bars:
        raise ValueError("a chart needs at least one bar")
    bars = list(bars)[:MAX_BARS]
    if any(value < 0 for _, value in bars):
        raise ValueError("bar values must not be negative")
    # Pillow is imported on first use: most processes never draw a chart.
    from PIL import Image, ImageDraw

    whole = whole if whole is not None else max(value for _, value in bars)
    image = Image.new("RGB", (WIDTH, chart_height(len(bars))), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * PADDING
    draw_text(draw, (PADDING, PADDING + 10), _fit_line(title, TITLE_SIZE, inner), TITLE_SIZE, TEXT)
    if note:
        draw_text(
            draw, (PADDING, PADDING + 38), _fit_line(note, FONT_SIZE, inner), FONT_SIZE, MUTED
        )
    for index, (label, value) in enumerate(bars):
        top = PADDING + TITLE_HEIGHT + index * ROW_HEIGHT
        bar_top = top + (ROW_HEIGHT - BAR_HEIGHT) // 2
        middle = top + ROW_HEIGHT // 2
        lines = wrap(label, FONT_SIZE, LABEL_WIDTH)
        first = middle - LINE_GAP * (len(lines) - 1) / 2
        for number, line in enumerate(lines):
            draw_text(draw, (PADDING, first + number * LINE_GAP), line, FONT_SIZE, TEXT)
        draw.rectangle((BAR_X, bar_top, BAR_X + BAR_SPAN - 1, bar_top + BAR_HEIGHT - 1), fill=TRACK)
        length = bar_length(value, whole)
        if length:
            colour = WINNER if index in highlight else BAR
            draw.rectangle(
                (BAR_X, bar_top, BAR_X + length - 1, bar_top + BAR_HEIGHT - 1), fill=colour
            )
        shown = f"{value} ({value / whole:.0%})" if whole else str(value)
        draw_text(draw, (BAR_X + BAR_SPAN + 8, middle), shown, FONT_SIZE, MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def render_result_chart(result: PollResult) -> bytes:
    """Chart a poll result: votes per option (first preferences for ranked polls) out of the
    ballots cast, winners in green, a tie for the lead said under the title."""
    title = result.question
    if result.kind == "ranked":
        title = f"First preferences — {result.question}"
    bars = [(option.label, option.votes) for option in result.options]
    ballots = "ballot" if result.ballots == 1 else "ballots"
    note = f"{result.ballots} {ballots} cast"
    if tie := tie_note(bars):
        note = f"{tie} · {note}"
    winners = set(result.winners)
    return render_bar_chart(
        title,
        bars,
        highlight={
            index for index, option in enumerate(result.options) if option.option_id in winners
        },
        whole=max(result.ballots, max((v for _, v in bars), default=0)),
        note=note,
    )
