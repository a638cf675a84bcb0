"""PNG charts (Pillow): text in every script with the shipped fonts, and the term chart.

Poll charts live in :mod:`bot.discussion.chart`; both draw their text with :mod:`.text`.
"""
