"""A closed ballot's vote counts, stored when it closes

Revision ID: 0008_ballot_vote_counts
Revises: 0007_responses_and_progress
Create Date: 2026-11-26

Ballots that closed before this revision are counted here, as closing counts them
now, so that their results pages read stored counts too.
"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_ballot_vote_counts"
down_revision = "0007_responses_and_progress"
branch_labels = None
depends_on = None

# As the models held them at this revision.
ANSWERS = ("strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "abstain")
SUPPORT = ("strongly_agree", "agree")
LEVELS = ("low", "medium", "high")


def upgrade():
    op.add_column("ballots", sa.Column("vote_counts", sa.Text(), nullable=True))

    connection = op.get_bind()
    ballots = sa.table(
        "ballots",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("vote_counts", sa.Text),
    )
    rows = connection.execute(
        sa.text(
            "SELECT p.ballot_id, v.recommendation_id, p.professional_role, v.agreement,"
            " v.certainty, COUNT(*) FROM votes v JOIN ballot_papers p ON v.paper_id = p.id"
            " JOIN ballots b ON p.ballot_id = b.id WHERE b.status = 'closed'"
            " GROUP BY p.ballot_id, v.recommendation_id, p.professional_role,"
            " v.agreement, v.certainty"
        )
    )
    counts: dict[int, dict] = {}
    for ballot_id, rid, role, agreement, certainty, n in rows:
        entry = counts.setdefault(ballot_id, {}).setdefault(
            str(rid),
            {
                "agreement": dict.fromkeys(ANSWERS, 0),
                "certainty": dict.fromkeys(LEVELS, 0),
                "support": {},
            },
        )
        entry["agreement"][agreement] += n
        group = entry["support"].setdefault(role or "", [0, 0])
        if agreement != "abstain":
            group[1] += n
            if certainty in LEVELS:
                entry["certainty"][certainty] += n
        if agreement in SUPPORT:
            group[0] += n
    closed = connection.execute(sa.text("SELECT id FROM ballots WHERE status = 'closed'"))
    for (ballot_id,) in list(closed):
        connection.execute(
            ballots.update()
            .where(ballots.c.id == ballot_id)
            .values(
                vote_counts=json.dumps(
                    counts.get(ballot_id, {}), sort_keys=True, separators=(",", ":")
                )
            )
        )


def downgrade():
    # Not a batch operation: on SQLite that copies the table, and dropping the old copy
    # would delete every ballot paper with it (ON DELETE CASCADE).
    op.execute("ALTER TABLE ballots DROP COLUMN vote_counts")
