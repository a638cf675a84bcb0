"""Members' discussion prompts.

- :mod:`.model` — limits and value types (:class:`PromptInfo`, :class:`PromptPage`).
- :mod:`.service` — :class:`PromptService`: add, list, search, draw in rotation, mark used,
  delete, export, privacy.
- :mod:`.export` — the CSV and Markdown export files.
- :mod:`.records` — loading prompts within one server.
"""

from bot.discussion.prompts.model import PROMPT_MAX_LENGTH, PromptInfo, PromptPage
from bot.discussion.prompts.service import PromptService

__all__ = ["PROMPT_MAX_LENGTH", "PromptInfo", "PromptPage", "PromptService"]
