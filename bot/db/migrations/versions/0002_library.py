"""Library: syllabus start and week assignments, server-added readings and excerpts, progress.

Revision ID: 0002_library
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision = "0002_library"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_syllabus",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_library_syllabus")),
    )
    op.create_table(
        "library_assignments",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reading_id", sa.String(length=64), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.BigInteger(), nullable=True),
        sa.Column("assigned_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "reading_id", name=op.f("pk_library_assignments")),
    )
    op.create_table(
        "library_readings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("authors", sa.String(length=300), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("added_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_readings")),
        sa.UniqueConstraint("guild_id", "slug", name=op.f("uq_library_readings_guild_id")),
    )
    op.create_table(
        "library_progress",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reading_id", sa.String(length=64), nullable=False),
        sa.Column("done_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "guild_id", "user_id", "reading_id", name=op.f("pk_library_progress")
        ),
    )
    op.create_table(
        "library_excerpts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("work", sa.String(length=300), nullable=False),
        sa.Column("date_text", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reading_id", sa.String(length=64), nullable=True),
        sa.Column("added_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_excerpts")),
    )
    op.create_index("ix_library_excerpts_guild_id", "library_excerpts", ["guild_id"])


def downgrade() -> None:
    op.drop_index("ix_library_excerpts_guild_id", table_name="library_excerpts")
    op.drop_table("library_excerpts")
    op.drop_table("library_progress")
    op.drop_table("library_readings")
    op.drop_table("library_assignments")
    op.drop_table("library_syllabus")
