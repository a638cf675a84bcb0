"""The bot's Prometheus metrics (served at ``/metrics`` by :mod:`bot.web`).

One :class:`Metrics` per bot, each with its own registry, so several bots in one process (the
tests) never share counters. Names follow Prometheus conventions: ``_total`` counters,
``_seconds`` histograms, base units.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)

# The *_created series double the output and no dashboard here uses them.
disable_created_metrics()

# Interactions answer within Discord's 3 s window; timers are late by milliseconds normally,
# by minutes after downtime.
COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TIMER_LAG_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

# How a timer ended: run on time, run late (after downtime), skipped as missed, refused by
# Discord (failed), or cut short by a crash or shutdown (interrupted).
TIMER_OUTCOMES = ("done", "late", "missed", "failed", "interrupted")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.commands = Counter(
            "study_circle_commands",
            "Slash commands, context menus and components by name and outcome "
            "(ok, user_error, error).",
            ["command", "outcome"],
            registry=r,
        )
        self.command_seconds = Histogram(
            "study_circle_command_duration_seconds",
            "Time from receiving an interaction to finishing its handler.",
            ["command"],
            buckets=COMMAND_BUCKETS,
            registry=r,
        )
        self.timers = Counter(
            "study_circle_timers",
            "Timed actions by kind and outcome (done, late, missed, failed, interrupted).",
            ["kind", "outcome"],
            registry=r,
        )
        self.timer_lag = Histogram(
            "study_circle_timer_lag_seconds",
            "How long after its due time a timed action started.",
            ["kind"],
            buckets=TIMER_LAG_BUCKETS,
            registry=r,
        )
        self.timer_backlog = Gauge(
            "study_circle_timer_backlog",
            "Timed actions of this process's servers that are due and not yet started.",
            ["kind"],
            registry=r,
        )
        self.rest_responses = Counter(
            "study_circle_discord_rest_responses",
            "HTTP responses from Discord's REST API by method and status (429 = rate limited).",
            ["method", "status"],
            registry=r,
        )
        self.gateway_latency = Gauge(
            "study_circle_gateway_latency_seconds",
            "Gateway heartbeat round trip per shard (NaN until the first heartbeat).",
            ["shard"],
            registry=r,
        )
        self.guilds = Gauge(
            "study_circle_guilds", "Servers served per shard.", ["shard"], registry=r
        )
        self.shard_connected = Gauge(
            "study_circle_shard_connected",
            "1 when the shard's gateway connection is open.",
            ["shard"],
            registry=r,
        )

    def timer_finished(self, kind: str, outcome: str, lag_seconds: float | None = None) -> None:
        self.timers.labels(kind, outcome).inc()
        if lag_seconds is not None:
            self.timer_lag.labels(kind).observe(max(lag_seconds, 0.0))
