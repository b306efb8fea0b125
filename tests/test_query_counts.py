"""Pages issue the same number of SQL queries for a small and a large inquiry.

A page that runs a query per participant, testimony or excerpt would be fast in
tests and slow for a real cohort; this catches it. The benchmark (make bench)
measures the same pages' speed.
"""

from __future__ import annotations

import pytest
from conftest import PASSWORD_HASH, counting_queries, sign_in_as

from benchmarks.seed import LARGE, SMALL, seed_inquiry
from inquiry.extensions import db

# (page name, who looks at it, path under the inquiry)
PAGES = [
    ("researcher's cohort page", "researcher", "/cohort"),
    ("participant's sessions page", "participant", "/sessions"),
    ("participant's session page", "participant", "/sessions/{round_id}/take-part"),
    ("participant's overview", "participant", ""),
    ("researcher's overview", "researcher", ""),
    ("testimony heard, as a participant", "participant", "/testimony"),
    ("recommendations, as a participant", "participant", "/recommendations"),
    ("a recommendation, as a participant", "participant", "/recommendations/{recommendation_id}"),
    ("results, as a participant", "participant", "/results"),
    ("results, as a researcher", "researcher", "/results"),
    ("ballot page, as a researcher", "researcher", "/ballot"),
    ("preparing for the vote, as a researcher", "researcher", "/recommendations/prepare"),
]


def queries_for(client, seeded, actor: str, path: str) -> int:
    user = getattr(seeded, actor)
    sign_in_as(client, user)
    url = seeded.path(path)
    client.get(url)  # warm any per-process caches
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(statements)


@pytest.mark.parametrize(("name", "actor", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_queries_do_not_grow_with_the_inquiry(app, client, name, actor, path):
    small = seed_inquiry(db.session, SMALL, tag="small", password_hash=PASSWORD_HASH)
    large = seed_inquiry(db.session, LARGE, tag="large", password_hash=PASSWORD_HASH)
    db.session.commit()
    assert queries_for(client, small, actor, path) == queries_for(client, large, actor, path)


def test_the_session_page_measured_is_an_open_session_with_its_forms(app, client):
    """The benchmark loads the session page as a cohort has it open during a session:
    a form for the participant's own reflection and a reply form under the others'."""
    seeded = seed_inquiry(db.session, SMALL, tag="small", password_hash=PASSWORD_HASH)
    db.session.commit()
    sign_in_as(client, seeded.participant)
    page = client.get(seeded.path("/sessions/{round_id}/take-part")).get_data(as_text=True)
    assert "Save changes" in page  # their shared reflection, in its form
    assert page.count("Post reply") >= 3  # under each other participant's reflection
