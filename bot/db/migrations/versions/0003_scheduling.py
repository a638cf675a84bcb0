"""Scheduling: timers, weekly sessions (skips, moves, RSVPs, attendance, Discord links) and
reminder settings / opt-ins.

Revision ID: 0003_scheduling
Revises: 0002_library
"""

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision = "0003_scheduling"
down_revision = "0002_library"
branch_labels = None
depends_on = None


def _schedule_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["schedule_id"],
        ["session_schedules.id"],
        name=op.f(f"fk_{table}_schedule_id_session_schedules"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", UtcDateTime(), nullable=True),
        sa.Column("fired_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timers")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_timers_dedupe_key")),
    )
    op.create_index(op.f("ix_timers_guild_id"), "timers", ["guild_id"], unique=False)
    op.create_index("ix_timers_status_due_at", "timers", ["status", "due_at"], unique=False)

    op.create_table(
        "session_schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("announce_before_minutes", sa.Integer(), nullable=False),
        sa.Column("reading_post_weekday", sa.Integer(), nullable=True),
        sa.Column("reading_post_time", sa.Time(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_schedules")),
    )
    op.create_index(
        op.f("ix_session_schedules_guild_id"), "session_schedules", ["guild_id"], unique=False
    )

    for table in ("session_skips", "session_moves"):
        extra = (
            [
                sa.Column("new_date", sa.Date(), nullable=False),
                sa.Column("new_time", sa.Time(), nullable=False),
            ]
            if table == "session_moves"
            else []
        )
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("guild_id", sa.BigInteger(), nullable=False),
            sa.Column("schedule_id", sa.Integer(), nullable=False),
            sa.Column("local_date", sa.Date(), nullable=False),
            *extra,
            _schedule_fk(table),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("schedule_id", "local_date", name=op.f(f"uq_{table}_schedule_id")),
        )

    op.create_table(
        "session_rsvps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_start", UtcDateTime(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _schedule_fk("session_rsvps"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_rsvps")),
        sa.UniqueConstraint(
            "schedule_id",
            "occurrence_start",
            "user_id",
            name=op.f("uq_session_rsvps_schedule_id"),
        ),
    )
    op.create_table(
        "session_attendance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_start", UtcDateTime(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        _schedule_fk("session_attendance"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_attendance")),
        sa.UniqueConstraint(
            "schedule_id",
            "occurrence_start",
            "user_id",
            name=op.f("uq_session_attendance_schedule_id"),
        ),
    )
    op.create_table(
        "session_occurrence_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_start", UtcDateTime(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("announcement_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("announcement_message_id", sa.BigInteger(), nullable=True),
        _schedule_fk("session_occurrence_links"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_occurrence_links")),
        sa.UniqueConstraint(
            "schedule_id",
            "occurrence_start",
            name=op.f("uq_session_occurrence_links_schedule_id"),
        ),
    )
    op.create_table(
        "reminder_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("offsets_minutes", sa.JSON(), nullable=False),
        sa.Column("delivery", sa.String(length=8), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=True),
        sa.Column("nudge", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_reminder_settings")),
    )
    op.create_table(
        "reminder_optins",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_reminder_optins")),
    )


def downgrade() -> None:
    op.drop_table("reminder_optins")
    op.drop_table("reminder_settings")
    op.drop_table("session_occurrence_links")
    op.drop_table("session_attendance")
    op.drop_table("session_rsvps")
    op.drop_table("session_moves")
    op.drop_table("session_skips")
    op.drop_index(op.f("ix_session_schedules_guild_id"), table_name="session_schedules")
    op.drop_table("session_schedules")
    op.drop_index("ix_timers_status_due_at", table_name="timers")
    op.drop_index(op.f("ix_timers_guild_id"), table_name="timers")
    op.drop_table("timers")
