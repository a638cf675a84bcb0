"""Study Circle: a Discord bot that runs a reading group."""

__version__ = "0.1.0"
