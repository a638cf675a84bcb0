"""Search on the database's own full-text engine, and the chat answers' channel cooldowns.

``search_documents`` holds one row per searchable thing: the pack's excerpts, readings,
resolution points, timeline events and glossary entries (``guild_id`` 0, shared by every
server) and each server's own excerpts and readings (scoped by ``guild_id``). Beside the text a
member sees, each row keeps its analysed terms (folded, stemmed, stop-words dropped, see
:mod:`bot.library.search.analysis`), so both engines index exactly the same words:

- SQLite: ``search_fts``, an FTS5 table whose tokens carry their scope (``px...`` for the
  pack, ``g<guild>x...`` for a server), so a query reads only its own server's postings;
- PostgreSQL: a generated, weighted ``tsv`` column with a GIN index.

``search_terms`` is the vocabulary, for misspellings: an FTS5 trigram table beside it on
SQLite, a ``pg_trgm`` index on PostgreSQL (left out, with a fallback, where the extension
cannot be created). These engine-owned objects are not in the models; :func:`engine_owned`
tells Alembic's comparison to leave them alone, and the same DDL below is run by the
migration and by ``create_all``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Table

from bot.db.models.base import Base

PACK_GUILD = 0  # the guild_id of the pack's shared rows (no Discord server has id 0)


class SearchDocument(Base):
    """One searchable thing, with its display text and its analysed terms per field."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("guild_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(100))  # "excerpt:<id>", "point:3", "excerpt:g12"
    kind: Mapped[str] = mapped_column(String(16))  # excerpt | reading | point | event | glossary
    ref: Mapped[str] = mapped_column(String(100))  # what the member types to see it again
    title: Mapped[str] = mapped_column(String(400))
    names: Mapped[str] = mapped_column(Text, default="")  # authors, aliases: shown as "Also"
    body: Mapped[str] = mapped_column(Text, default="")  # the passage, summary or description
    note: Mapped[str] = mapped_column(Text, default="")  # context notes, shown when they match
    cite_author: Mapped[str] = mapped_column(String(300), default="")
    cite_work: Mapped[str] = mapped_column(String(400), default="")
    cite_date: Mapped[str] = mapped_column(String(100), default="")
    locator: Mapped[str] = mapped_column(String(400), default="")  # page, chapter, section
    digest: Mapped[str] = mapped_column(String(40), default="")  # pack rows: resync on change
    terms_title: Mapped[str] = mapped_column(Text, default="")
    terms_names: Mapped[str] = mapped_column(Text, default="")
    terms_tags: Mapped[str] = mapped_column(Text, default="")
    terms_body: Mapped[str] = mapped_column(Text, default="")
    terms_note: Mapped[str] = mapped_column(Text, default="")


class SearchTerm(Base):
    """Every analysed term ever indexed: the vocabulary a misspelt word is matched against."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(String(80), primary_key=True)


class ChatCooldown(Base):
    """How many chat answers a channel had in its current window (shared by every process)."""

    __tablename__ = "chat_cooldowns"

    channel_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    window_start_ms: Mapped[int] = mapped_column(BigInteger)
    used: Mapped[int] = mapped_column(Integer)


# -- engine-owned structures ------------------------------------------------------------------
FTS_COLUMNS = ("terms_title", "terms_names", "terms_tags", "terms_body", "terms_note")
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    + ", ".join(FTS_COLUMNS)
    + ", tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_vocab USING fts5vocab(search_fts, 'row')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_terms_tri USING fts5("
    "term, content = 'search_terms', tokenize = 'trigram')",
    "CREATE TRIGGER IF NOT EXISTS search_terms_tri_add AFTER INSERT ON search_terms BEGIN "
    "INSERT INTO search_terms_tri (rowid, term) VALUES (new.rowid, new.term); END",
    "CREATE TRIGGER IF NOT EXISTS search_terms_tri_del AFTER DELETE ON search_terms BEGIN "
    "INSERT INTO search_terms_tri (search_terms_tri, rowid, term) "
    "VALUES ('delete', old.rowid, old.term); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_terms_tri_add",
    "DROP TRIGGER IF EXISTS search_terms_tri_del",
    "DROP TABLE IF EXISTS search_terms_tri",
    "DROP TABLE IF EXISTS search_fts_vocab",
    "DROP TABLE IF EXISTS search_fts",
]
# Weights: A = headings, B = authors, aliases and tags, C = the text, D = context notes.
_TSV = (
    "setweight(to_tsvector('simple', terms_title), 'A') || "
    "setweight(to_tsvector('simple', terms_names || ' ' || terms_tags), 'B') || "
    "setweight(to_tsvector('simple', terms_body), 'C') || "
    "setweight(to_tsvector('simple', terms_note), 'D')"
)
POSTGRES_CREATE = [
    f"ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS tsv tsvector "
    f"GENERATED ALWAYS AS ({_TSV}) STORED",
    # Keep tsv in the row (compressed if need be) rather than out of line in TOAST, where
    # every match and count would fetch it again: 5x faster on 100-excerpt servers.
    "ALTER TABLE search_documents ALTER COLUMN tsv SET STORAGE MAIN",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_tsv ON search_documents USING gin (tsv)",
]
POSTGRES_TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # On lower(term), which is term (terms are folded): an index on the column itself would
    # also answer "term IN (...)", and the planner picks it over the primary key, 40x slower.
    "CREATE INDEX IF NOT EXISTS ix_search_terms_trgm ON search_terms "
    "USING gin (lower(term) gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS ix_search_terms_trgm",
    "DROP INDEX IF EXISTS ix_search_documents_tsv",
    "ALTER TABLE search_documents DROP COLUMN IF EXISTS tsv",
]
ENGINE_TABLE_PREFIXES = ("search_fts", "search_terms_tri")
ENGINE_INDEXES = {"ix_search_documents_tsv", "ix_search_terms_trgm"}


def create_engine_structures(conn: Connection) -> None:
    """The full-text structures of this database's engine (idempotent).

    ``pg_trgm`` is tried inside a savepoint: a server where it cannot be created keeps working,
    and misspellings are then matched by prefix instead (see :mod:`bot.library.search.fuzzy`).
    """
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_CREATE:
            conn.execute(text(statement))
    elif conn.dialect.name == "postgresql":
        for statement in POSTGRES_CREATE:
            conn.execute(text(statement))
        savepoint = conn.begin_nested()
        try:
            for statement in POSTGRES_TRIGRAM:
                conn.execute(text(statement))
            savepoint.commit()
        except Exception:  # no permission, or not installed: degrade to prefix matching
            savepoint.rollback()


def drop_engine_structures(conn: Connection) -> None:
    statements = SQLITE_DROP if conn.dialect.name == "sqlite" else POSTGRES_DROP
    if conn.dialect.name in ("sqlite", "postgresql"):
        for statement in statements:
            conn.execute(text(statement))


def engine_owned(name: str | None, type_: str, parent_names: object) -> bool:
    """False for the engine-owned objects, so Alembic's comparison leaves them out."""
    if type_ == "table" and name and name.startswith(ENGINE_TABLE_PREFIXES):
        return False
    if type_ == "index" and name in ENGINE_INDEXES:
        return False
    return not (type_ == "column" and name == "tsv")


@event.listens_for(SearchTerm.__table__, "after_create")
def _after_create(target: Table, connection: Connection, **kw: object) -> None:
    # ``create_all`` makes search_documents before search_terms, so both exist by now.
    create_engine_structures(connection)


@event.listens_for(SearchDocument.__table__, "before_drop")
def _before_drop(target: Table, connection: Connection, **kw: object) -> None:
    drop_engine_structures(connection)
