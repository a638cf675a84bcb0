"""The bot's own small web server: metrics, health probes (and, later, calendar feeds)."""
