"""Discord's REST routes, one module per resource.

Each module is a mixin of :class:`~discord_double.routes.base.RouteBase`;
:class:`~discord_double.server.RestApi` combines them.
"""
