"""Members: personal time zones, repeating reminders, reading parts, part progress and threads.

Revision ID: 0006_members
Revises: 0005_shard_leases
"""

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision = "0006_members"
down_revision = "0005_shard_leases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_member_settings")),
    )
    op.create_table(
        "recurring_reminders",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("fired", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_reminders")),
    )
    op.create_index("ix_recurring_reminders_member", "recurring_reminders", ["guild_id", "user_id"])
    op.create_table(
        "reading_parts",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reading_id", sa.String(length=64), nullable=False),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("set_by", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "reading_id", name=op.f("pk_reading_parts")),
    )
    op.create_table(
        "part_progress",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reading_id", sa.String(length=64), nullable=False),
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("done_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "guild_id", "user_id", "reading_id", "part", name=op.f("pk_part_progress")
        ),
    )
    op.create_table(
        "part_threads",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reading_id", sa.String(length=64), nullable=False),
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "reading_id", "part", name=op.f("pk_part_threads")),
    )


def downgrade() -> None:
    op.drop_table("part_threads")
    op.drop_table("part_progress")
    op.drop_table("reading_parts")
    op.drop_index("ix_recurring_reminders_member", table_name="recurring_reminders")
    op.drop_table("recurring_reminders")
    op.drop_table("member_settings")
