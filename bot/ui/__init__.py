"""Discord-facing helpers shared by the cogs: checks, error replies, views, embeds."""
