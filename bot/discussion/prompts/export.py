"""``/prompt export`` files: the server's prompts as CSV (spreadsheets) or Markdown (reading)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot.discussion.prompts.model import PromptInfo


def to_csv(rows: Sequence[PromptInfo]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["id", "text", "reading", "author_id", "created_at", "used_at", "used_in_session"]
    )
    for row in rows:
        writer.writerow(
            [
                row.id,
                _spreadsheet_safe(row.text),
                _spreadsheet_safe(row.reading_id or ""),
                "" if row.author_id is None else row.author_id,
                _iso(row.created_at),
                _iso(row.used_at),
                _iso(row.used_in_session),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def to_markdown(rows: Sequence[PromptInfo], stamp: str) -> bytes:
    """Prompts grouped by reading (general ones first), each with whether it was used."""
    lines = [f"# Discussion prompts (exported {stamp})", ""]
    if not rows:
        lines.append("_No prompts yet._")
    groups: dict[str | None, list[PromptInfo]] = {}
    for row in rows:
        groups.setdefault(row.reading_id, []).append(row)
    for reading_id in sorted(groups, key=lambda key: (key is not None, key or "")):
        lines += [f"## {'General' if reading_id is None else 'Reading: ' + reading_id}", ""]
        for row in groups[reading_id]:
            body = row.text.replace("\r", "").replace("\n", "\n  ")
            if row.used_at is None:
                status = "unused"
            elif row.used_in_session is not None:
                status = f"used in the session of {row.used_in_session:%Y-%m-%d %H:%M} UTC"
            else:
                status = f"used {row.used_at:%Y-%m-%d}"
            lines.append(f"- **#{row.id}** {body}  \n  _{status}_")
        lines.append("")
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _spreadsheet_safe(text: str) -> str:
    # A cell starting with = + - @ (or tab/CR) is run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
