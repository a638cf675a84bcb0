"""Organisers: readings taken out of every week or hidden, starter prompts, per-server poll
numbers and native polls, calendar feeds.

Revision ID: 0007_organisers
Revises: 0006_members

No table that others reference is rebuilt: SQLite enforces foreign keys here, and rebuilding
``polls`` would cascade into its options and ballots. New columns are therefore added with
server defaults, and the per-server poll number is unique through an index.
"""

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision = "0007_organisers"
down_revision = "0006_members"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("library_assignments") as batch:
        batch.alter_column("week", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "library_hidden",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reading_id", sa.String(length=64), nullable=False),
        sa.Column("hidden_by", sa.BigInteger(), nullable=True),
        sa.Column("hidden_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "reading_id", name=op.f("pk_library_hidden")),
    )
    op.add_column(
        "prompts",
        sa.Column("starter", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "polls", sa.Column("number", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.add_column(
        "polls", sa.Column("native", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # Existing polls are numbered 1, 2, 3... per server in the order they were made.
    op.execute(
        "UPDATE polls SET number = (SELECT COUNT(*) FROM polls AS earlier "
        "WHERE earlier.guild_id = polls.guild_id AND earlier.id <= polls.id)"
    )
    op.create_index("uq_polls_guild_number", "polls", ["guild_id", "number"], unique=True)
    op.create_table(
        "calendar_feeds",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("content_changed_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    op.drop_index("uq_polls_guild_number", table_name="polls")
    # Native polls were Discord's; without the column they would pass for bot-run polls.
    op.execute("DELETE FROM polls WHERE native")
    # Plain DROP COLUMN (SQLite 3.35+), never a batch rebuild: see the module docstring.
    op.drop_column("polls", "native")
    op.drop_column("polls", "number")
    op.drop_column("prompts", "starter")
    op.drop_table("library_hidden")
    # A reading taken out of every week has no week to go back to: its row goes.
    op.execute("DELETE FROM library_assignments WHERE week IS NULL")
    with op.batch_alter_table("library_assignments") as batch:
        batch.alter_column("week", existing_type=sa.Integer(), nullable=False)
