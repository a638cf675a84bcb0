"""One extension per feature; each is a thin adapter from Discord to the domain in ``bot/``."""
