"""Text on charts in every script a group might type, wrapped at word boundaries.

Pillow draws with one font at a time and shows a box for a character the font lacks, so text
is split into runs, each drawn with the first shipped font that has its characters (DejaVu
Sans, then WenQuanYi Micro Hei for Chinese, Japanese and Korean; see ``bot/fonts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILES = ("DejaVuSans.ttf", "wqy-microhei.ttc")
ELLIPSIS = "…"
_MISSING = "\uffff"  # a noncharacter: every font draws its "missing glyph" box for it


@cache
def fonts(size: int) -> tuple[ImageFont.FreeTypeFont, ...]:
    """The shipped fonts at ``size`` pixels, in fallback order."""
    from PIL import ImageFont

    return tuple(ImageFont.truetype(str(FONT_DIR / name), size) for name in FONT_FILES)


def _mask(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


@cache
def _missing_box(font: ImageFont.FreeTypeFont) -> tuple[tuple[int, int], bytes]:
    return _mask(font, _MISSING)


@cache
def has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether ``font`` draws ``char`` itself rather than its missing-glyph box."""
    if char.isspace():
        return True
    return _mask(font, char) != _missing_box(font)


def font_for(char: str, size: int) -> ImageFont.FreeTypeFont:
    chain = fonts(size)
    return next((font for font in chain if has_glyph(font, char)), chain[0])


def runs(text: str, size: int) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """``text`` cut into pieces that one font each can draw."""
    out: list[tuple[str, ImageFont.FreeTypeFont]] = []
    for char in text:
        font = font_for(char, size)
        if out and out[-1][1] is font:
            out[-1] = (out[-1][0] + char, font)
        else:
            out.append((char, font))
    return out


def width(text: str, size: int) -> float:
    return sum(font.getlength(piece) for piece, font in runs(text, size))


def draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    size: int,
    fill: tuple[int, int, int],
    anchor: str = "lm",
) -> None:
    """Draw ``text`` from ``xy`` (left edge; ``anchor`` "lm" middle or "ls" baseline)."""
    x, y = xy
    for piece, font in runs(text, size):
        draw.text((x, y), piece, font=font, fill=fill, anchor=anchor)
        x += font.getlength(piece)


def _tokens(text: str, size: int, limit: float) -> list[str]:
    """Words (with their spaces); a word wider than ``limit`` on its own (a run of CJK, which
    has no spaces) is split into characters, where such text may break."""
    out: list[str] = []
    for word in text.split(" "):
        if width(word, size) > limit:
            out.extend(word)
            out.append(" ")
        else:
            out.extend((word, " "))
    return out[:-1] if out else []


def wrap(text: str, size: int, limit: float, max_lines: int = 2) -> list[str]:
    """At most ``max_lines`` lines of at most ``limit`` pixels, broken between words; what
    does not fit ends with an ellipsis after the last whole word."""
    text = " ".join(text.split())
    lines: list[str] = []
    line = ""
    tokens = _tokens(text, size, limit)
    for index, token in enumerate(tokens):
        candidate = line + token
        if width(candidate.rstrip(), size) <= limit:
            line = candidate
            continue
        lines.append(line.rstrip())
        if len(lines) == max_lines:
            return _ellipsis(lines, size, limit)
        line = token.lstrip()
        if index == len(tokens) - 1:
            break
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        return _ellipsis(lines[:max_lines], size, limit)
    return lines


def _ellipsis(lines: Sequence[str], size: int, limit: float) -> list[str]:
    """Mark the last line as cut, dropping whole words until the ellipsis fits."""
    *head, last = lines
    words = last.split(" ")
    while len(words) > 1 and width(" ".join(words) + ELLIPSIS, size) > limit:
        words.pop()
    cut = " ".join(words)
    while cut and width(cut + ELLIPSIS, size) > limit:  # one word alone (CJK) too wide
        cut = cut[:-1]
    return [*head, cut.rstrip(" ,;:—-") + ELLIPSIS]
