"""Search in the database's own full-text engine, and the chat answers' channel cooldowns.

Revision ID: 0008_search
Revises: 0007_organisers

Creates ``search_documents`` (with SQLite's FTS5 table or PostgreSQL's generated ``tsv`` column
and GIN index), the ``search_terms`` vocabulary (with its trigram index) and
``chat_cooldowns``, then indexes the excerpts and readings servers already added. The pack's
shared rows are written by the bot at start-up (they follow the content pack, not the schema).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_search"
down_revision = "0007_organisers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("names", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("cite_author", sa.String(length=300), nullable=False),
        sa.Column("cite_work", sa.String(length=400), nullable=False),
        sa.Column("cite_date", sa.String(length=100), nullable=False),
        sa.Column("locator", sa.String(length=400), nullable=False),
        sa.Column("digest", sa.String(length=40), nullable=False),
        sa.Column("terms_title", sa.Text(), nullable=False),
        sa.Column("terms_names", sa.Text(), nullable=False),
        sa.Column("terms_tags", sa.Text(), nullable=False),
        sa.Column("terms_body", sa.Text(), nullable=False),
        sa.Column("terms_note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("guild_id", "key", name=op.f("uq_search_documents_guild_id")),
    )
    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_terms")),
    )
    op.create_table(
        "chat_cooldowns",
        sa.Column("channel_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("window_start_ms", sa.BigInteger(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_chat_cooldowns")),
    )
    from bot.db.models.search import create_engine_structures
    from bot.library.search.migration import index_existing_entries

    conn = op.get_bind()
    create_engine_structures(conn)
    index_existing_entries(conn)


def downgrade() -> None:
    from bot.db.models.search import drop_engine_structures

    drop_engine_structures(op.get_bind())
    op.drop_table("chat_cooldowns")
    op.drop_table("search_terms")
    op.drop_table("search_documents")
