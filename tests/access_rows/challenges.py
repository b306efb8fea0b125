"""Access rows for 100-day challenges: every member and observer reads a challenge;
commissioners and researchers start, design, launch, review and finish them.

The world (``accountability_world``) has a challenge being designed for R1, with no
readiness rated yet, so: starting another for R1 explains that it already has one;
launching is refused with a message on the challenge's page; reviews and finishing wait
for the challenge to be live and go back to its page with a message.
"""

from __future__ import annotations

MEMBER = "member"
RUNNERS = "roles:commissioner,researcher"

# (endpoint, method): (kind, status for an allowed actor, overrides per actor)
ROWS: dict[tuple[str, str], tuple[str, int, dict[str, int]]] = {
    ("challenges.show", "GET"): (MEMBER, 200, {}),
    # R1 already has a challenge: the page says so and links to it.
    ("challenges.new", "GET"): (RUNNERS, 200, {}),
    ("challenges.new", "POST"): (RUNNERS, 200, {}),
    ("challenges.edit", "GET"): (RUNNERS, 200, {}),
    # An empty form: shown again with its errors.
    ("challenges.edit", "POST"): (RUNNERS, 200, {}),
    ("challenges.readiness", "GET"): (RUNNERS, 200, {}),
    ("challenges.readiness", "POST"): (RUNNERS, 200, {}),
    # Not every condition is rated: back to the challenge with the reason.
    ("challenges.launch", "POST"): (RUNNERS, 302, {}),
    # Reviews and finishing wait until the challenge is live.
    ("challenges.review", "GET"): (RUNNERS, 302, {}),
    ("challenges.review", "POST"): (RUNNERS, 302, {}),
    ("challenges.finish", "GET"): (RUNNERS, 302, {}),
    ("challenges.finish", "POST"): (RUNNERS, 302, {}),
}
