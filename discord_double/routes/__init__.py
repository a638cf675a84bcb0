"""Discord's REST routes, one module per resource, combined by :class:`~discord_double.server.RestApi`."""
