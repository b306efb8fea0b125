"""Many participants submitting at the same moment, over HTTP, to gunicorn.

Used by the test that proves nothing is lost (tests/test_concurrent_writes.py) and by
``make bench`` for the time it takes. Each participant first loads their page (for
the form and its CSRF token) like a browser would; then all of them wait at a
barrier and send their form at once. Afterwards the database must hold exactly one
stored submission per participant, and no request may have failed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import func, inspect, select

ROOT = Path(__file__).resolve().parents[1]
SECRET = "concurrency-secret-key-not-for-production"  # noqa: S105 - synthetic runs only
# Nobody signs in with a password: participants arrive with signed session cookies.
NO_PASSWORD = "!"  # noqa: S105 - matches no password


@dataclass
class Seeded:
    inquiry_id: int
    prompt_id: int
    round_id: int
    cookies: list[str]  # one signed session cookie per participant


@dataclass
class Outcome:
    participants: int
    stored: int
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        return max(self.participants - self.stored, 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_for(database_url: str):
    """The production app on the given database (cookies are signed with its key)."""
    from inquiry import create_app

    os.environ.setdefault("SECRET_KEY", SECRET)
    return create_app(
        "production",
        overrides={"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET},
    )


def seed(app, participants: int) -> Seeded:
    """An inquiry in session with one open session, one prompt and the participants."""
    from inquiry.extensions import db
    from inquiry.models import (
        Inquiry,
        InquiryStatus,
        Membership,
        Role,
        Round,
        RoundKind,
        RoundPrompt,
        RoundStatus,
        User,
        utcnow,
    )

    with app.app_context():
        if not set(db.metadata.tables) <= set(inspect(db.engine).get_table_names()):
            db.create_all()
        researcher = User(
            email="ria.concurrency@example.org", name="Ria Researcher", password_hash=NO_PASSWORD
        )
        db.session.add(researcher)
        inquiry = Inquiry(
            title="Living well at home",
            question="What would it take to help people to have a good life at home?",
            status=InquiryStatus.IN_SESSION,
        )
        db.session.add(inquiry)
        db.session.flush()
        db.session.add(
            Membership(inquiry_id=inquiry.id, user_id=researcher.id, role=Role.RESEARCHER)
        )
        round_ = Round(
            inquiry_id=inquiry.id,
            position=1,
            kind=RoundKind.REFLECTION,
            title="What stayed with you",
            held_on=date(2026, 10, 6),
            status=RoundStatus.OPEN,
            opened_at=utcnow(),
        )
        round_.prompts = [RoundPrompt(position=1, text="What stayed with you this week?")]
        db.session.add(round_)
        users = []
        for n in range(participants):
            user = User(
                email=f"p{n}.concurrency@example.org",
                name=f"Participant {n}",
                password_hash=NO_PASSWORD,
            )
            db.session.add(user)
            users.append(user)
        db.session.flush()
        for user in users:
            db.session.add(
                Membership(inquiry_id=inquiry.id, user_id=user.id, role=Role.PARTICIPANT)
            )
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        name = app.config["SESSION_COOKIE_NAME"]
        cookies = [
            f"{name}={serializer.dumps({'_user_id': user.get_id(), '_fresh': True})}"
            for user in users
        ]
        return Seeded(inquiry.id, round_.prompts[0].id, round_.id, cookies)


def open_a_ballot(app, seeded: Seeded, recommendations: int) -> int:
    """Frozen recommendations and an open ballot over them; returns the ballot's id."""
    from inquiry.extensions import db
    from inquiry.models import (
        Ballot,
        BallotItem,
        Inquiry,
        InquiryStatus,
        Recommendation,
        RecommendationStatus,
        utcnow,
    )

    with app.app_context():
        inquiry = db.session.get(Inquiry, seeded.inquiry_id)
        inquiry.status = InquiryStatus.VOTING
        ballot = Ballot(
            inquiry_id=inquiry.id,
            opened_at=utcnow(),
            pass_threshold_numerator=2,
            pass_threshold_denominator=3,
            quorum_percent=50,
            agreement_scale="five_point",
        )
        db.session.add(ballot)
        for n in range(1, recommendations + 1):
            recommendation = Recommendation(
                inquiry_id=inquiry.id,
                title=f"Recommendation {n}",
                body="Everyone who gets care at home has one named person to call.",
                status=RecommendationStatus.FROZEN,
                number=n,
            )
            db.session.add(recommendation)
            db.session.flush()
            db.session.add(
                BallotItem(ballot_id=ballot.id, recommendation_id=recommendation.id, position=n)
            )
        db.session.commit()
        return ballot.id


def ballot_form(page: str) -> dict[str, str]:
    """The ballot page's voting form, every recommendation answered."""
    soup = BeautifulSoup(page, "html.parser")
    form = soup.find("form", action=lambda a: bool(a) and a.endswith("/ballot/vote"))
    if form is None:
        raise RuntimeError("the ballot page has no voting form")
    data = {
        tag["name"]: tag.get("value", "")
        for tag in form.find_all("input", attrs={"type": "hidden"})
        if tag.get("name")
    }
    for radio in form.find_all("input", attrs={"type": "radio"}):
        if radio["name"].endswith("_agreement") and radio["value"] == "agree":
            data[radio["name"]] = "agree"
        if radio["name"].endswith("_certainty") and radio["value"] == "high":
            data[radio["name"]] = "high"
    button = form.find("button", attrs={"name": True})
    if button is not None:
        data[button["name"]] = button.get("value", "")
    return data


def stored_ballot_papers(app, ballot_id: int) -> tuple[int, int, int]:
    """(papers, votes, people who took part) on the ballot."""
    from inquiry.extensions import db
    from inquiry.models import BallotPaper, BallotParticipation, Vote

    with app.app_context():
        papers = db.session.scalar(
            select(func.count()).select_from(BallotPaper).where(BallotPaper.ballot_id == ballot_id)
        )
        votes = db.session.scalar(
            select(func.count())
            .select_from(Vote)
            .join(BallotPaper, Vote.paper_id == BallotPaper.id)
            .where(BallotPaper.ballot_id == ballot_id)
        )
        took_part = db.session.scalar(
            select(func.count())
            .select_from(BallotParticipation)
            .where(BallotParticipation.ballot_id == ballot_id)
        )
        return papers, votes, took_part


def stored_reflections(app, seeded: Seeded) -> int:
    from inquiry.extensions import db
    from inquiry.models import Reflection, ReflectionStatus

    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Reflection)
            .where(
                Reflection.prompt_id == seeded.prompt_id,
                Reflection.status == ReflectionStatus.SHARED,
            )
        )


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], *, workers: int) -> Iterator[str]:
    """The app served by gunicorn on a free local port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app_spec,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn stopped while starting {app_spec}") from None
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start {app_spec}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def production_env(database_url: str) -> dict[str, str]:
    return {"INQUIRY_CONFIG": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database_url}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _request(url: str, cookie: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, body, cookie to send next) for one request."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})  # noqa: S310
    try:
        response = _opener.open(request, timeout=60)
        status, text, headers = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, text, headers = error.code, error.read().decode(errors="replace"), error.headers
    name, _, _ = cookie.partition("=")
    for header in headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            cookie = f"{name}={jar[name].value}"
    return status, text, cookie


def reflection_form(page: str, prompt_id: int, text: str) -> dict[str, str]:
    """The session page's form for the prompt, filled in and shared."""
    soup = BeautifulSoup(page, "html.parser")
    form = soup.find(
        "form", action=lambda a: bool(a) and a.endswith(f"/prompts/{prompt_id}/reflection")
    )
    if form is None:
        raise RuntimeError("the session page has no reflection form")
    data = {
        tag["name"]: tag.get("value", "")
        for tag in form.find_all("input", attrs={"type": "hidden"})
        if tag.get("name")
    }
    prefix = f"p{prompt_id}-"
    data[prefix + "body"] = text
    data[prefix + "lens"] = "professional"
    data[prefix + "visibility"] = "cohort"
    share = form.find("button", attrs={"value": "share"})
    if share is None or not share.get("name"):
        raise RuntimeError("the reflection form has no share button")
    data[share["name"]] = share["value"]
    return data


def submit_all(
    base_url: str,
    seeded: Seeded,
    page_path: str,
    fill: Callable[[str, int], dict[str, str]],
    action_path: str,
) -> tuple[list[str], float]:
    """Every participant loads the page, then all post their form at the same moment.
    Returns the failures and the seconds from the barrier to the last answer."""
    count = len(seeded.cookies)
    barrier = threading.Barrier(count + 1)
    failures: list[str] = []
    lock = threading.Lock()

    def participant(n: int) -> None:
        try:
            status, page, cookie = _request(base_url + page_path, seeded.cookies[n])
            if status != 200:
                raise RuntimeError(f"loading the page gave {status}")
            data = fill(page, n)
        except Exception as error:
            with lock:
                failures.append(f"participant {n}: {error}")
            barrier.abort()
            return
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            return
        status, _text, _ = _request(base_url + action_path, cookie, data)
        if status != 303 and status != 302:
            with lock:
                failures.append(f"participant {n}: posting gave {status}")

    threads = [threading.Thread(target=participant, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    with suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=120)
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=180)
    return failures, time.monotonic() - started


def reflections_at_once(database_url: str, participants: int = 50, workers: int = 4) -> Outcome:
    """50 participants share a reflection on the same prompt at the same moment."""
    app = app_for(database_url)
    seeded = seed(app, participants)
    page = f"/inquiries/{seeded.inquiry_id}/sessions/{seeded.round_id}/take-part"
    action = f"/inquiries/{seeded.inquiry_id}/prompts/{seeded.prompt_id}/reflection"
    with gunicorn(
        "inquiry:create_app()", production_env(database_url), workers=workers
    ) as base_url:
        failures, seconds = submit_all(
            base_url,
            seeded,
            page,
            lambda html, n: reflection_form(
                html, seeded.prompt_id, f"Participant {n}: the same carer every morning matters."
            ),
            action,
        )
    return Outcome(participants, stored_reflections(app, seeded), failures, seconds)


def ballots_at_once(
    database_url: str, participants: int = 50, workers: int = 4, recommendations: int = 5
) -> Outcome:
    """50 participants send their ballot papers at the same moment. Stored counts as
    one when the paper, its votes and the record that they took part are all there."""
    app = app_for(database_url)
    seeded = seed(app, participants)
    ballot_id = open_a_ballot(app, seeded, recommendations)
    with gunicorn(
        "inquiry:create_app()", production_env(database_url), workers=workers
    ) as base_url:
        failures, seconds = submit_all(
            base_url,
            seeded,
            f"/inquiries/{seeded.inquiry_id}/ballot",
            lambda html, n: ballot_form(html),
            f"/inquiries/{seeded.inquiry_id}/ballot/vote",
        )
    papers, votes, took_part = stored_ballot_papers(app, ballot_id)
    if votes != papers * recommendations:
        failures.append(f"{votes} votes on {papers} papers of {recommendations} recommendations")
    if took_part != papers:
        failures.append(f"{took_part} people took part but there are {papers} papers")
    return Outcome(participants, papers, failures, seconds)
