"""Shard leases: which process dispatches each shard's timers, and until when; an index for
pending timers by kind (and server).

Revision ID: 0005_shard_leases
Revises: 0004_discussion
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_shard_leases"
down_revision = "0004_discussion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shard_leases",
        sa.Column("shard_key", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("configured", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shard_key", name=op.f("pk_shard_leases")),
    )
    op.create_index("ix_timers_kind_status_guild", "timers", ["kind", "status", "guild_id"])


def downgrade() -> None:
    op.drop_index("ix_timers_kind_status_guild", table_name="timers")
    op.drop_table("shard_leases")
