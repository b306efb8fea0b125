"""Building the report outside the request: queued, running, done and failed; in the
web process's own worker and through RQ on a real Redis server; a killed build; trying
again; publishing versions that never change; and the limit on requests."""

from __future__ import annotations

import hashlib
import io
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from access_rows.reports import stored_build
from conftest import make_app, make_inquiry, make_user, sign_in_as
from flask import Flask
from pypdf import PdfReader

from inquiry.extensions import db
from inquiry.inquiries import lifecycle
from inquiry.models import (
    AuditEvent,
    BuildKind,
    BuildStatus,
    InquiryStatus,
    Notification,
    ReportBuild,
    utcnow,
)
from inquiry.reports import jobs, services, storage
from inquiry.reports.document import content_security_policy

# Helpers ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _builds_start_held(
    shared_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """Each test starts with the in-process worker empty and held, without Redis, and
    with an empty report folder of its own."""
    monkeypatch.setitem(shared_app.config, "REDIS_URL", "")
    monkeypatch.setitem(shared_app.config, "REPORT_FOLDER", str(tmp_path / "reports"))
    worker = jobs.local_worker(shared_app)
    worker.clear()
    worker.hold()
    yield
    worker.clear()
    worker.hold()


def run_local(app: Flask) -> None:
    """Let the in-process worker build what is waiting, and wait until it has."""
    db.session.commit()
    worker = jobs.local_worker(app)
    worker.release()
    try:
        assert worker.wait_until_idle(timeout=120), "the in-process worker did not finish"
    finally:
        worker.hold()
    db.session.expire_all()


def run_rq(app: Flask) -> None:
    """Work the RQ queue in this process until it is empty."""
    from rq import SimpleWorker

    db.session.commit()
    worker = SimpleWorker([jobs.rq_queue(app)], connection=jobs.redis_connection(app))
    worker.work(burst=True, with_scheduler=False)
    db.session.expire_all()


def builds() -> list[ReportBuild]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ReportBuild).order_by(ReportBuild.id)))


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def stored_bytes(name: str) -> bytes:
    return storage.path_of(name).read_bytes()


def actions(name: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first (PostgreSQL keeps no order of its own)."""
    return list(
        db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == name).order_by(AuditEvent.id)
        )
    )


def status_of(client, inquiry, build) -> dict:
    response = client.get(f"/inquiries/{inquiry.id}/report/builds/{build.id}/status")
    assert response.status_code == 200
    return response.get_json()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_server_binary() -> str:
    for candidate in (
        os.environ.get("REDIS_SERVER"),
        shutil.which("redis-server"),
        "/usr/bin/redis-server",
        "/usr/sbin/redis-server",
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "The report build tests need redis-server: run scripts/ensure_redis.sh, or "
        "apt-get install redis-server, or set REDIS_SERVER to its path."
    )


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis server on a free port in a temporary folder, stopped afterwards."""
    from redis import Redis

    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    log = (folder / "redis.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
        [
            redis_server_binary(),
            *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)),
            *("--save", "", "--appendonly", "no"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                Redis.from_url(url, socket_connect_timeout=1).ping()
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("redis-server did not start: " + (folder / "redis.log").read_text())
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def with_rq(app: Flask, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared app sending builds to RQ on the test Redis server, emptied first."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    return redis_url


@pytest.fixture
def researcher(world):
    return world.people["researcher"]


@pytest.fixture
def as_researcher(client, world):
    return sign_in_as(client, world.people["researcher"])


@pytest.fixture(params=["in-process", "rq"])
def backend(request: pytest.FixtureRequest, app: Flask) -> Callable[[Flask], None]:
    """The tests that build run once with the web process's own worker and once through
    RQ on the real Redis server; each returns how to let the waiting builds run."""
    if request.param == "rq":
        request.getfixturevalue("with_rq")
        return run_rq
    return run_local


def waiting_for_a_worker(app: Flask, build: ReportBuild) -> bool:
    """Whether the build was handed to a worker: in this process's queue, or in RQ's."""
    if app.config.get("REDIS_URL"):
        return jobs.job_id(build) in jobs.rq_queue(app).job_ids
    return jobs.local_worker(app).knows(build.id)


def served_policy(response) -> str:
    return response.headers["Content-Security-Policy"]


def report_url(inquiry) -> str:
    return f"/inquiries/{inquiry.id}/report"


def ask_for_draft(client, inquiry):
    return client.post(report_url(inquiry) + "/builds")


# In the web process ------------------------------------------------------------------------


def test_a_draft_is_built_in_the_background_and_offered_when_ready(
    app, world, as_researcher, backend
):
    inquiry = world.inquiry
    response = ask_for_draft(as_researcher, inquiry)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/report#builds")

    (build,) = builds()
    assert (build.kind, build.status, build.attempts) == (BuildKind.DRAFT, BuildStatus.QUEUED, 1)
    assert build.requested_by_id == world.people["researcher"].id
    assert waiting_for_a_worker(app, build)
    (requested,) = actions("report.build_requested")
    assert requested.details == {"kind": "draft"}

    # The page shows the progress and a way to check again; the script polls the status.
    page = as_researcher.get(report_url(inquiry)).get_data(as_text=True)
    assert "Waiting to start" in page
    assert f'data-status-url="/inquiries/{inquiry.id}/report/builds/{build.id}/status"' in page
    assert "Check again" in page
    assert "report-status.js" in page
    assert status_of(as_researcher, inquiry, build) == {
        "id": build.id,
        "kind": "draft",
        "status": "queued",
        "label": "Waiting to start",
        "description": "Draft",
        "finished": False,
        "error": "",
        "pdf_url": "",
        "html_url": "",
    }

    backend(app)
    (build,) = builds()
    assert build.status == BuildStatus.DONE
    assert build.started_at and build.finished_at and build.heartbeat_at
    assert build.version is None and build.published_at is None
    pdf = stored_bytes(build.pdf_name)
    assert build.pdf_size == len(pdf)
    assert build.sha256 == hashlib.sha256(pdf).hexdigest()
    assert build.html_sha256 == hashlib.sha256(stored_bytes(build.html_name)).hexdigest()
    # A draft has no stored downloads: only published versions do.
    assert build.csv_name is None and build.json_name is None
    assert storage.stored_names() == {build.pdf_name, build.html_name}
    assert storage.partial_files() == []

    status = status_of(as_researcher, inquiry, build)
    assert (status["status"], status["label"], status["finished"]) == ("done", "Ready", True)
    assert status["pdf_url"] == f"/inquiries/{inquiry.id}/report/drafts/{build.id}.pdf"
    download = as_researcher.get(status["pdf_url"])
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.data == pdf
    assert "DRAFT" in pdf_text(pdf)
    # The web version holds its stylesheets, finding only its fonts on the web; the PDF
    # read them from the bundled folder.
    html = stored_bytes(build.html_name).decode()
    assert "<style>" in html and 'rel="stylesheet"' not in html
    assert 'url("/static/report/fonts/' in html
    assert "file:" not in html
    # Served under a policy of its own that allows that style and no script.
    page = as_researcher.get(status["html_url"])
    assert page.data == stored_bytes(build.html_name)
    policy = served_policy(page)
    assert policy == content_security_policy(html)
    assert "style-src 'sha256-" in policy and "script-src" not in policy
    assert "unsafe-inline" not in policy
    # Every other page keeps the site's policy.
    assert "script-src 'self' 'nonce-" in served_policy(as_researcher.get(report_url(inquiry)))
    page = as_researcher.get(report_url(inquiry)).get_data(as_text=True)
    assert "Check again" not in page
    assert "report-status.js" not in page


def test_one_build_at_a_time_for_an_inquiry(app, world, as_researcher):
    inquiry = world.inquiry
    ask_for_draft(as_researcher, inquiry)
    refused = ask_for_draft(as_researcher, inquiry)
    assert refused.status_code == 302
    page = as_researcher.get(report_url(inquiry)).get_data(as_text=True)
    assert "The report is already being built" in page
    published = as_researcher.post(report_url(inquiry) + "/publish", data={"label": "First"})
    assert published.status_code == 200
    assert "The report is already being built" in published.get_data(as_text=True)
    assert len(builds()) == 1
    # Another inquiry is not held up.
    other = world.other_inquiry
    outsider = sign_in_as(app.test_client(), world.people["other_member"])
    assert ask_for_draft(outsider, other).status_code == 302
    assert len(builds()) == 2


def test_a_failed_build_says_so_plainly_and_can_be_tried_again(
    app, world, as_researcher, monkeypatch, backend
):
    from inquiry.reports import pdf as report_pdf

    inquiry = world.inquiry
    real_html_to_pdf = report_pdf.html_to_pdf

    def broken(html, *, title):
        raise RuntimeError("renderer exploded at /srv/secret/path")

    monkeypatch.setattr(report_pdf, "html_to_pdf", broken)
    ask_for_draft(as_researcher, inquiry)
    backend(app)
    (build,) = builds()
    assert build.status == BuildStatus.FAILED
    assert build.error == jobs.FAILED_MESSAGE
    assert "secret" not in build.error
    assert build.pdf_name is None and build.finished_at is not None
    assert storage.partial_files() == []
    (failed,) = actions("report.build_failed")
    assert failed.details == {"kind": "draft", "attempt": 1}
    status = status_of(as_researcher, inquiry, build)
    assert (status["status"], status["finished"], status["error"]) == (
        "failed",
        True,
        jobs.FAILED_MESSAGE,
    )
    page = as_researcher.get(report_url(inquiry)).get_data(as_text=True)
    assert "Try again" in page

    monkeypatch.setattr(report_pdf, "html_to_pdf", real_html_to_pdf)
    response = as_researcher.post(f"{report_url(inquiry)}/builds/{build.id}/retry")
    assert response.status_code == 302
    (build,) = builds()
    assert (build.status, build.attempts, build.error) == (BuildStatus.QUEUED, 2, "")
    assert waiting_for_a_worker(app, build)
    backend(app)
    (build,) = builds()
    assert build.status == BuildStatus.DONE
    assert actions("report.build_requested")[-1].details == {"kind": "draft", "attempt": 2}
    # A build that is done is not built again.
    as_researcher.post(f"{report_url(inquiry)}/builds/{build.id}/retry")
    assert builds()[0].attempts == 2


def test_another_inquirys_build_is_not_found(app, world, as_researcher):
    outsider = world.people["other_member"]
    other = jobs.request_build(
        db.session, world.other_inquiry, kind=BuildKind.DRAFT, actor=outsider, now=utcnow()
    )
    db.session.commit()
    base = report_url(world.inquiry)
    assert as_researcher.get(f"{base}/builds/{other.id}/status").status_code == 404
    assert as_researcher.post(f"{base}/builds/{other.id}/retry").status_code == 404


# Builds whose worker is gone -------------------------------------------------------------------


def make_build(
    inquiry,
    researcher,
    status: BuildStatus,
    *,
    age: timedelta,
    owner: tuple[str, int] | None = None,
) -> ReportBuild:
    then = utcnow() - age
    build = ReportBuild(
        inquiry_id=inquiry.id,
        kind=BuildKind.DRAFT,
        status=status,
        requested_by_id=researcher.id,
        created_at=then,
        started_at=then if status == BuildStatus.RUNNING else None,
        heartbeat_at=then,
        attempts=1,
        owner_host=owner[0] if owner else None,
        owner_pid=owner[1] if owner else None,
    )
    db.session.add(build)
    db.session.commit()
    return build


def test_a_running_build_whose_heartbeat_stopped_is_failed_when_read(
    app, world, researcher, as_researcher
):
    inquiry = world.inquiry
    stopped = make_build(inquiry, researcher, BuildStatus.RUNNING, age=timedelta(minutes=6))
    status = status_of(as_researcher, inquiry, stopped)
    assert (status["status"], status["error"]) == ("failed", jobs.STOPPED_MESSAGE)
    (failed,) = actions("report.build_failed")
    assert failed.object_id == stopped.id
    # A build beating recently is left alone.
    alive = make_build(inquiry, researcher, BuildStatus.RUNNING, age=timedelta(seconds=20))
    assert status_of(as_researcher, inquiry, alive)["status"] == "running"


def test_a_waiting_build_no_worker_knows_is_failed_when_read(app, world, researcher, as_researcher):
    inquiry = world.inquiry
    # Handed to this process's worker, which has lost it.
    lost = make_build(
        inquiry, researcher, BuildStatus.QUEUED, age=timedelta(minutes=6), owner=jobs.this_process()
    )
    # The page fails it too, and offers to try again.
    page = as_researcher.get(report_url(inquiry)).get_data(as_text=True)
    assert jobs.LOST_MESSAGE in page
    assert "Try again" in page
    db.session.expire_all()
    assert db.session.get(ReportBuild, lost.id).status == BuildStatus.FAILED
    # One waiting in this process's worker is not failed, however long it waits.
    waiting = make_build(
        inquiry, researcher, BuildStatus.QUEUED, age=timedelta(minutes=6), owner=jobs.this_process()
    )
    jobs.local_worker(app).submit(waiting.id)
    assert status_of(as_researcher, inquiry, waiting)["status"] == "queued"


def ended_process_id() -> int:
    """The id of a process that has just ended."""
    child = subprocess.Popen(["true"])  # noqa: S607 - a fixed command
    child.wait()
    return child.pid


def test_a_build_waiting_in_another_web_process_is_not_taken_for_lost(
    app, world, researcher, as_researcher
):
    """With several web processes and no Redis, each has its own worker: a build waiting
    in another process's worker is left alone while that process runs."""
    inquiry = world.inquiry
    stale = app.config["REPORT_BUILD_STALE_SECONDS"]
    host, pid = jobs.this_process()
    assert (host, pid) == (socket.gethostname(), os.getpid())
    # A request queues a build: the row records this process as its owner.
    ask_for_draft(as_researcher, inquiry)
    (build,) = builds()
    assert (build.owner_host, build.owner_pid) == (host, pid)
    jobs.local_worker(app).clear()
    db.session.delete(build)
    db.session.commit()

    sibling = subprocess.Popen(["sleep", "60"])  # noqa: S607 - another live process
    try:
        elsewhere = make_build(
            inquiry,
            researcher,
            BuildStatus.QUEUED,
            age=timedelta(seconds=stale + 60),
            owner=(host, sibling.pid),
        )
        assert not jobs.local_worker(app).knows(elsewhere.id)
        assert status_of(as_researcher, inquiry, elsewhere)["status"] == "queued"
        assert jobs.on_worker_start(db.session, now=utcnow()) == []
        # Waiting far longer than any queue takes, it is lost even so.
        later = utcnow() + timedelta(seconds=stale * jobs.QUEUED_LIMIT_FACTOR)
        assert jobs.refresh_stale_and_commit(db.session, now=later) == [elsewhere.id]
    finally:
        sibling.kill()
        sibling.wait()

    # Its owner process is gone (a web worker restarted): lost at once.
    gone = make_build(
        inquiry, researcher, BuildStatus.QUEUED, age=timedelta(0), owner=(host, ended_process_id())
    )
    status = status_of(as_researcher, inquiry, gone)
    assert (status["status"], status["error"]) == ("failed", jobs.LOST_MESSAGE)

    # On another machine, its process cannot be asked: only a very long wait counts.
    remote = make_build(
        inquiry,
        researcher,
        BuildStatus.QUEUED,
        age=timedelta(seconds=stale * 2),
        owner=("another-machine.example", pid),
    )
    assert status_of(as_researcher, inquiry, remote)["status"] == "queued"
    later = utcnow() + timedelta(seconds=stale * jobs.QUEUED_LIMIT_FACTOR)
    assert jobs.refresh_stale_and_commit(db.session, now=later) == [remote.id]

    # Once running, only the heartbeat counts, whoever owns it.
    running = make_build(
        inquiry,
        researcher,
        BuildStatus.RUNNING,
        age=timedelta(seconds=stale + 60),
        owner=(host, os.getppid()),
    )
    assert status_of(as_researcher, inquiry, running)["error"] == jobs.STOPPED_MESSAGE


def test_a_starting_worker_fails_stopped_builds_and_removes_leftovers(app, world, researcher):
    stopped = make_build(world.inquiry, researcher, BuildStatus.RUNNING, age=timedelta(hours=1))
    leftover = storage.folder() / f"{storage.PARTIAL_PREFIX}b{stopped.id}-abc"
    leftover.write_bytes(b"half a report")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    fresh = storage.folder() / f"{storage.PARTIAL_PREFIX}b999-def"
    fresh.write_bytes(b"being written now")
    # A whole file no build names: a build killed between storing its two files.
    orphan = storage.store(b"%PDF-1.7", suffix="pdf", build_id=stopped.id)
    os.utime(storage.path_of(orphan.name), (old, old))
    kept = stored_build(world.inquiry)
    os.utime(storage.path_of(kept.pdf_name), (old, old))
    failed = jobs.on_worker_start(db.session, now=utcnow())
    assert failed == [stopped.id]
    assert not leftover.exists()
    assert storage.stored_names() == {kept.pdf_name, kept.html_name}
    # A file being written by a live build elsewhere is not touched.
    assert fresh.exists()


# Through RQ ------------------------------------------------------------------------------------


def test_builds_go_through_rq_when_redis_is_configured(app, world, as_researcher, with_rq):
    from rq.job import Job

    inquiry = world.inquiry
    ask_for_draft(as_researcher, inquiry)
    (build,) = builds()
    assert build.status == BuildStatus.QUEUED
    queue = jobs.rq_queue(app)
    assert queue.name == "reports"
    assert queue.job_ids == [f"report-build-{build.id}-1"]
    assert not jobs.local_worker(app).knows(build.id)
    # Waiting in the queue is not mistaken for lost.
    assert status_of(as_researcher, inquiry, build)["status"] == "queued"

    run_rq(app)
    (build,) = builds()
    assert build.status == BuildStatus.DONE
    assert "DRAFT" in pdf_text(stored_bytes(build.pdf_name))
    job = Job.fetch(jobs.job_id(build), connection=jobs.redis_connection(app))
    assert job.get_status() == "finished"

    as_researcher.post(report_url(inquiry) + "/publish", data={"label": "First edition"})
    run_rq(app)
    version = builds()[-1]
    assert (version.status, version.version, version.label) == (
        BuildStatus.DONE,
        1,
        "First edition",
    )
    assert "DRAFT" not in pdf_text(stored_bytes(version.pdf_name))


def test_a_build_whose_rq_job_was_lost_or_killed_is_failed_when_read(
    app, world, as_researcher, with_rq
):
    from rq.job import Job

    inquiry = world.inquiry
    ask_for_draft(as_researcher, inquiry)
    (build,) = builds()
    Job.fetch(jobs.job_id(build), connection=jobs.redis_connection(app)).delete()
    assert status_of(as_researcher, inquiry, build)["error"] == jobs.LOST_MESSAGE

    # A worker whose build was killed: RQ marks the job failed, the row still says running.
    as_researcher.post(f"{report_url(inquiry)}/builds/{build.id}/retry")
    (build,) = builds()
    job = Job.fetch(jobs.job_id(build), connection=jobs.redis_connection(app))
    assert job.id == f"report-build-{build.id}-2"
    build.status = BuildStatus.RUNNING
    build.heartbeat_at = utcnow()
    db.session.commit()
    jobs.rq_queue(app).remove(job)
    job.set_status("failed")
    assert status_of(as_researcher, inquiry, build)["error"] == jobs.STOPPED_MESSAGE

    # Tried again, it builds.
    as_researcher.post(f"{report_url(inquiry)}/builds/{build.id}/retry")
    run_rq(app)
    (build,) = builds()
    assert (build.status, build.attempts) == (BuildStatus.DONE, 3)


def test_an_unreachable_queue_fails_the_build_at_once(app, world, as_researcher, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    app.extensions.pop("report_redis", None)
    response = ask_for_draft(as_researcher, world.inquiry)
    assert response.status_code == 302
    (build,) = builds()
    assert (build.status, build.error) == (BuildStatus.FAILED, jobs.QUEUE_UNREACHABLE_MESSAGE)
    app.extensions.pop("report_redis", None)


def test_the_worker_command_builds_from_the_queue_in_forked_workers(tmp_path, redis_url):
    """The real command: its worker forks a process per build, on a database file that
    the forked process shares, and first fails what a dead worker left behind."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    worker_app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'inquiry.sqlite'}",
        REPORT_FOLDER=str(tmp_path / "reports"),
        REDIS_URL=redis_url,
    )
    with worker_app.app_context():
        db.create_all()
        researcher = make_user("rhiannon.researcher@example.org", researcher=True)
        inquiry = make_inquiry(researcher)
        other = make_inquiry(researcher, title="Another inquiry")
        stopped = make_build(other, researcher, BuildStatus.RUNNING, age=timedelta(hours=1))
        build = jobs.request_build(
            db.session, inquiry, kind=BuildKind.PUBLISHED, actor=researcher, now=utcnow()
        )
        db.session.commit()
        jobs.dispatch(build)
        stopped_id, build_id = stopped.id, build.id
        db.session.remove()

        result = worker_app.test_cli_runner().invoke(args=["inquiry", "worker", "--burst"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        assert db.session.get(ReportBuild, stopped_id).status == BuildStatus.FAILED
        done = db.session.get(ReportBuild, build_id)
        assert (done.status, done.version) == (BuildStatus.DONE, 1)
        assert (tmp_path / "reports" / done.pdf_name).is_file()
        db.session.remove()


def test_the_worker_command_needs_redis(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    result = app.test_cli_runner().invoke(args=["inquiry", "worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


# A killed build -----------------------------------------------------------------------------


def test_a_killed_build_ends_failed_leaves_no_complete_file_and_can_be_retried(tmp_path):
    """A build runs in a child process, which is killed with SIGKILL while its first file
    is written (after the bytes, before the rename). The database is a file both share."""
    killed_app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'inquiry.sqlite'}",
        REPORT_FOLDER=str(tmp_path / "reports"),
        REPORT_BUILD_STALE_SECONDS=2,
        REPORT_BUILD_HEARTBEAT_SECONDS=0.2,
        REDIS_URL="",
    )
    with killed_app.app_context():
        db.create_all()
        researcher = make_user("rhiannon.researcher@example.org", researcher=True)
        inquiry = make_inquiry(researcher)
        build = jobs.request_build(
            db.session, inquiry, kind=BuildKind.DRAFT, actor=researcher, now=utcnow()
        )
        db.session.commit()
        build_id = build.id
        db.session.remove()
        db.engine.dispose()

        reached, tell = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker process
            try:
                os.close(reached)

                def stop_before_rename(fd: int) -> None:
                    os.write(tell, b"x")
                    time.sleep(120)

                os.fsync = stop_before_rename
                jobs.run_build(build_id, app=killed_app)
            finally:
                os._exit(1)
        os.close(tell)
        ready, _, _ = select.select([reached], [], [], 120)
        assert ready, "the build never reached its first file"
        assert os.read(reached, 1) == b"x"
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(reached)

        # Killed midway: still "running" in the database, no file that looks complete.
        assert db.session.get(ReportBuild, build_id).status == BuildStatus.RUNNING
        db.session.rollback()
        assert storage.stored_names() == set()
        assert len(storage.partial_files()) == 1

        client = sign_in_as(killed_app.test_client(), researcher)
        base = f"/inquiries/{inquiry.id}/report"
        deadline = time.monotonic() + 30
        while (status := client.get(f"{base}/builds/{build_id}/status").get_json())[
            "status"
        ] == "running":
            assert time.monotonic() < deadline, "the killed build was never failed"
            time.sleep(0.5)
        assert (status["status"], status["error"]) == ("failed", jobs.STOPPED_MESSAGE)

        assert client.post(f"{base}/builds/{build_id}/retry").status_code == 302
        assert storage.partial_files() == []
        worker = jobs.local_worker(killed_app)
        worker.release()
        assert worker.wait_until_idle(timeout=120)
        # End this session's read, which still sees the database as it was.
        db.session.rollback()
        build = db.session.get(ReportBuild, build_id)
        assert (build.status, build.attempts) == (BuildStatus.DONE, 2)
        assert storage.stored_names() == {build.pdf_name, build.html_name}
        db.session.remove()


# Publishing ----------------------------------------------------------------------------------


def test_publishing_freezes_a_version_and_tells_every_member(
    app, world, researcher, as_researcher, backend
):
    inquiry = world.inquiry
    services.save_narrative(
        db.session,
        inquiry,
        values={**dict.fromkeys(services.NARRATIVE_FIELDS, ""), "foreword": "Hello from 2026."},
        expected_revision=1,
        actor=researcher,
        now=utcnow(),
    )
    db.session.commit()
    inquiry.status = InquiryStatus.REPORTING
    db.session.commit()
    assert lifecycle.blockers(db.session, inquiry, InquiryStatus.PUBLISHED) == [
        "There is no published report yet"
    ]

    as_researcher.post(report_url(inquiry) + "/publish", data={"label": "First edition"})
    backend(app)
    (first,) = builds()
    assert (first.kind, first.status, first.version) == (BuildKind.PUBLISHED, BuildStatus.DONE, 1)
    assert first.published_at is not None
    first_pdf = stored_bytes(first.pdf_name)
    first_html = stored_bytes(first.html_name)
    first_csv = stored_bytes(first.csv_name)
    first_json = stored_bytes(first.json_name)
    assert first.html_sha256 == hashlib.sha256(first_html).hexdigest()
    # Its downloads, made from the same content as its PDF.
    assert first_csv.decode("utf-8").startswith("\ufeffRecommendation,Title,")
    assert json.loads(first_json)["report"]["narrative"]["foreword"] == "Hello from 2026."
    assert "DRAFT" not in pdf_text(first_pdf)
    assert "Hello from 2026." in pdf_text(first_pdf)
    (published,) = actions("report.published")
    assert published.details == {"version": 1}
    assert published.actor_id == researcher.id
    told = {n.user_id for n in db.session.scalars(db.select(Notification))}
    members = {
        world.people[name].id
        for name in ("researcher", "participant", "witness", "commissioner", "observer")
    }
    # Every active member, but not the disabled account.
    assert told == members
    assert lifecycle.blockers(db.session, inquiry, InquiryStatus.PUBLISHED) == []

    # Later changes make a new version; the first is never rebuilt or changed.
    report = services.report_of(db.session, inquiry)
    services.save_narrative(
        db.session,
        inquiry,
        values={**dict.fromkeys(services.NARRATIVE_FIELDS, ""), "foreword": "Changed later."},
        expected_revision=report.revision,
        actor=researcher,
        now=utcnow(),
    )
    db.session.commit()
    ask_for_draft(as_researcher, inquiry)
    backend(app)
    as_researcher.post(report_url(inquiry) + "/publish", data={"label": ""})
    backend(app)
    first_again, draft, second = builds()
    assert (first_again.pdf_name, first_again.sha256) == (first.pdf_name, first.sha256)
    assert (first_again.html_name, first_again.html_sha256) == (first.html_name, first.html_sha256)
    assert (first_again.csv_name, first_again.json_name) == (first.csv_name, first.json_name)
    assert stored_bytes(first.pdf_name) == first_pdf
    assert stored_bytes(first.html_name) == first_html
    assert stored_bytes(first.csv_name) == first_csv
    assert stored_bytes(first.json_name) == first_json
    assert second.html_sha256 != first.html_sha256
    assert "Changed later." in stored_bytes(second.json_name).decode()
    assert second.version == 2 and second.sha256 != first.sha256
    assert "Changed later." in pdf_text(stored_bytes(second.pdf_name))
    assert draft.version is None

    # Both versions are listed, newest first, and each downloads as it was.
    page = as_researcher.get(report_url(inquiry)).get_data(as_text=True)
    assert page.index("Version 2") < page.index("Version 1")
    assert first.sha256 in page and second.sha256 in page
    assert first.html_sha256 in page and second.html_sha256 in page
    download = as_researcher.get(f"{report_url(inquiry)}/versions/1.pdf")
    assert download.data == first_pdf
    for suffix, stored in (("html", first_html), ("csv", first_csv), ("json", first_json)):
        download = as_researcher.get(f"{report_url(inquiry)}/versions/1.{suffix}")
        assert download.status_code == 200
        assert download.data == stored


# The limit on requests ---------------------------------------------------------------------


def test_build_requests_are_rate_limited_per_person(tmp_path):
    limited = make_app(
        RATELIMIT_ENABLED=True,
        REPORT_BUILD_LIMIT_PER_USER="2 per hour",
        REPORT_FOLDER=str(tmp_path / "reports"),
        REDIS_URL="",
    )
    with limited.app_context():
        db.create_all()
        researcher = make_user("rhiannon.researcher@example.org", researcher=True)
        inquiry = make_inquiry(researcher)
        colleague = make_user("colin.colleague@example.org", researcher=True)
        other = make_inquiry(colleague, title="Another inquiry")
        client = sign_in_as(limited.test_client(), researcher)
        base = f"/inquiries/{inquiry.id}/report"
        assert client.post(f"{base}/builds").status_code == 302
        # Refused as one is running, but still counted.
        assert client.post(f"{base}/publish").status_code == 200
        refused = client.post(f"{base}/builds")
        assert refused.status_code == 429
        # Reading is not limited, and another person is not held up.
        assert client.get(base).status_code == 200
        colleague_client = sign_in_as(limited.test_client(), colleague)
        assert colleague_client.post(f"/inquiries/{other.id}/report/builds").status_code == 302
        db.session.remove()


def test_stored_files_are_written_whole_or_not_at_all(app):
    stored = storage.store([b"a" * 10, b"b" * 5], suffix="pdf", build_id=7)
    assert stored.size == 15
    assert stored.sha256 == hashlib.sha256(b"a" * 10 + b"b" * 5).hexdigest()
    assert Path(storage.path_of(stored.name)).read_bytes() == b"a" * 10 + b"b" * 5

    def failing_chunks():
        yield b"half"
        raise OSError("disk full")

    with pytest.raises(OSError):
        storage.store(failing_chunks(), suffix="pdf", build_id=8)
    assert storage.stored_names() == {stored.name}
    assert storage.partial_files() == []
    with pytest.raises(ValueError):
        storage.path_of("../../etc/passwd")
