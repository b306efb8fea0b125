"""Closed ballots keep no group of one voter, and no sector

Revision ID: 0009_ballot_secrecy
Revises: 0008_ballot_vote_counts
Create Date: 2026-11-26

A closed ballot's papers kept each voter's professional role and sector. A role, or a
combination of role and sector, that only one voter held made that paper theirs. The
results now break votes down by professional role only: the sector goes, and in every
closed ballot a role only one voter held is stored as none (with the next smallest
role too when that would leave a single paper without one), as closing a ballot now
does. The stored counts are counted again, with each role's number of votes, which the
consensus needs to count small groups together.
"""

import json
from collections import Counter

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_ballot_secrecy"
down_revision = "0008_ballot_vote_counts"
branch_labels = None
depends_on = None

# As the models held them at this revision.
ANSWERS = ("strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "abstain")
SUPPORT = ("strongly_agree", "agree")
LEVELS = ("low", "medium", "high")
NOT_GIVEN = ""


def _pooled(sizes: Counter) -> set[str]:
    """As results.tally.pooled_groups at this revision."""
    pooled = {key for key, n in sizes.items() if n == 1 and key != NOT_GIVEN}
    if sizes.get(NOT_GIVEN, 0) + len(pooled) == 1:
        others = [key for key, n in sizes.items() if n > 0 and key not in pooled | {NOT_GIVEN}]
        if others:
            pooled.add(min(others, key=lambda key: (sizes[key], key)))
    return pooled


def _closed_ballots(connection) -> list[int]:
    return [
        ballot_id
        for (ballot_id,) in connection.execute(
            sa.text("SELECT id FROM ballots WHERE status = 'closed'")
        )
    ]


def _store_counts(connection, *, with_votes: bool) -> None:
    """Count every closed ballot's votes into ``ballots.vote_counts``: per role,
    [supporting, not abstaining] and, ``with_votes``, all votes too."""
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
        group = entry["support"].setdefault(role or "", [0, 0, 0] if with_votes else [0, 0])
        if agreement != "abstain":
            group[1] += n
            if certainty in LEVELS:
                entry["certainty"][certainty] += n
        if agreement in SUPPORT:
            group[0] += n
        if with_votes:
            group[2] += n
    ballots = sa.table("ballots", sa.column("id", sa.Integer), sa.column("vote_counts", sa.Text))
    for ballot_id in _closed_ballots(connection):
        connection.execute(
            ballots.update()
            .where(ballots.c.id == ballot_id)
            .values(
                vote_counts=json.dumps(
                    counts.get(ballot_id, {}), sort_keys=True, separators=(",", ":")
                )
            )
        )


def upgrade():
    connection = op.get_bind()
    papers = sa.table(
        "ballot_papers",
        sa.column("ballot_id", sa.Integer),
        sa.column("professional_role", sa.String),
    )
    for ballot_id in _closed_ballots(connection):
        roles = Counter(
            role or NOT_GIVEN
            for (role,) in connection.execute(
                sa.select(papers.c.professional_role).where(papers.c.ballot_id == ballot_id)
            )
        )
        pooled = _pooled(roles) - {NOT_GIVEN}
        if pooled:
            connection.execute(
                papers.update()
                .where(papers.c.ballot_id == ballot_id, papers.c.professional_role.in_(pooled))
                .values(professional_role=NOT_GIVEN)
            )
    with op.batch_alter_table("ballot_papers") as batch:
        batch.drop_column("sector")
    _store_counts(connection, with_votes=True)


def downgrade():
    with op.batch_alter_table("ballot_papers") as batch:
        batch.add_column(sa.Column("sector", sa.String(40), nullable=False, server_default=""))
    # The counts as the previous revision reads them; roles stored as none stay so.
    _store_counts(op.get_bind(), with_votes=False)
