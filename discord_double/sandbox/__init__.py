"""A text sandbox: the real bot against the double, driven by typed lines, showing all it does.

``run_sandbox(start_bot, commands)`` starts a :class:`DiscordDouble`, builds a demo server
("Study Circle Demo": #general, #sessions, #readings; @Organisers with Manage Server and
@Readers; members ``organiser``, ``member``, ``carol`` and ``dave``, with the same ids every
run), starts the bot, waits until it is ready and runs each line (``commands=None``: lines
from stdin). Command replies are printed as ``[n] text``; what the bot does by itself (posts,
DMs, edits, threads, scheduled events, files) is printed as it happens. ``help`` lists the
lines it understands. The modules: :mod:`.runner` (start-up, the bot's life, the prompt),
:mod:`.session` (one line), :mod:`.feed` (the bot's own activity), :mod:`.parsing` (options
and durations), :mod:`.targets` (buttons and menus), :mod:`.demo` and :mod:`.help`.

Callback contract
-----------------
``start_bot(api_base, gateway_url)`` is awaited at start and again after each ``restart``. It
must build the bot and make it use the double: ``discord.http.Route.BASE = api_base`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)`` (or equivalent
settings). It returns one of:

* an async context manager: the sandbox enters it right away and exits it to stop the bot
  (start the bot in ``__aenter__`` or before returning; stop it in ``__aexit__``);
* an object with an ``async close()`` method (e.g. a ``discord.Client`` already started as a
  background task): awaited to stop the bot;
* anything else (``None``): nothing is done to stop it.

The sandbox then waits for the bot to connect and for the double's readiness (guilds
delivered, commands synced) and, when the result (or what entering it gave) is a
``discord.Client``, for its ``wait_until_ready()``.
``discord_double.testing.bot_starter(make_bot)`` builds such a callback from a bot factory.

Time travel (``wait``) needs ``time=TimeControl(clock, settle, next_due)``: a clock the
sandbox may set, which the bot reads, and the bot's ways to run what is due and to say when it
next has something to do. Without it, ``wait`` says it cannot move the real clock.
"""

from .demo import DemoServer, StableSnowflakes, build_demo_server
from .parsing import parse_command_line, parse_duration, parse_wait
from .runner import StartBot, local_zone, run_sandbox
from .session import SandboxClock, TimeControl

__all__ = [
    "DemoServer",
    "SandboxClock",
    "StableSnowflakes",
    "StartBot",
    "TimeControl",
    "build_demo_server",
    "local_zone",
    "parse_command_line",
    "parse_duration",
    "parse_wait",
    "run_sandbox",
]
