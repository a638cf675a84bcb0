"""Discussion prompts and polls: the Discord-free domain behind ``/prompt`` and ``/poll``.

- :mod:`bot.discussion.prompts` — :class:`PromptService` (add, list, random rotation, export).
- :mod:`bot.discussion.polls` — :class:`PollService` (bot-run polls, ballots, closing).
- :mod:`bot.discussion.slots` — candidate times for time polls, in the server's zone.
- :mod:`bot.discussion.native` — :func:`validate_native_poll` for Discord's native polls.
- :mod:`bot.discussion.durations` — how long polls stay open (``30m`` / ``2h`` / ``3d``).
- :mod:`bot.discussion.tally` — pure counting: approval/plurality, time slots, instant-runoff.
- :mod:`bot.discussion.chart` — PNG bar charts of results.
- :mod:`bot.discussion.text` — cleaning of member-written text.
"""
