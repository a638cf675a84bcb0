"""The library: the content pack, and what each server reads, quotes and searches.

Discord-free. :class:`bot.library.service.LibraryService` is the entry point; its module
docstring maps the parts.
"""
