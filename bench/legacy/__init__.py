"""The in-memory BM25 index search used before it moved into the database, kept only so
``bench.search`` can compare against it (speed, memory, relevance). Not used by the bot."""
