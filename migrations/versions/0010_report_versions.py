"""Report versions: the HTML's hash, stored downloads, the owner of a waiting build and
the "How views changed" narrative

Revision ID: 0010_report_versions
Revises: 0009_ballot_secrecy
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_report_versions"
down_revision = "0009_ballot_secrecy"
branch_labels = None
depends_on = None

BUILD_COLUMNS = ("owner_host", "owner_pid", "csv_name", "json_name", "html_sha256")


def upgrade():
    with op.batch_alter_table("report_builds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_host", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("owner_pid", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("csv_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("json_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("html_sha256", sa.String(length=64), nullable=True))
    # Existing reports get an empty section; the server default is only for them.
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("views_changed", sa.Text(), nullable=False, server_default=sa.text("''"))
        )


def downgrade():
    # Batch operations: on SQLite they copy the table, with foreign keys switched off by
    # migrations/env.py so that no comment on a report or build is lost with the copy.
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("views_changed")
    with op.batch_alter_table("report_builds", schema=None) as batch_op:
        for name in reversed(BUILD_COLUMNS):
            batch_op.drop_column(name)
