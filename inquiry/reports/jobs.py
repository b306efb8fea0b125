"""Building the report outside the web request.

A researcher's request adds a QUEUED ``ReportBuild`` row; the view commits and hands the
build to a worker. With ``REDIS_URL`` set the build goes to the RQ queue (``reports``),
worked by ``flask --app inquiry inquiry worker`` on any machine that shares the database
and the report folder; otherwise a single background thread in the web process builds,
one build at a time, so requests are not slowed and two builds never run at once.

The worker claims the row (RUNNING), writes a heartbeat every few seconds while it works,
stores the PDF and the HTML version (and, for a published version, its CSV and JSON
downloads), and marks the row DONE (or FAILED with a plain message). A build whose worker
died is never left "in progress": a RUNNING build whose heartbeat stopped, or a QUEUED
one whose job was lost, is marked FAILED when its status is read and when a worker
starts, and can be tried again.

Several web processes (gunicorn workers) each have their own in-process worker, and
any of them may read a build another was handed. So a waiting build records the
machine and process it was handed to; another process judges it lost only when that
process is gone, or when it has waited far longer than any queue would take.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, has_app_context, url_for
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased
from sqlalchemy.pool import StaticPool

from ..audit.service import record
from ..extensions import db
from ..models import (
    BuildKind,
    BuildStatus,
    Inquiry,
    Membership,
    MembershipStatus,
    ReportBuild,
    User,
    utcnow,
)
from ..notifications.services import notify
from . import storage

log = logging.getLogger(__name__)

ACTIVE = (BuildStatus.QUEUED, BuildStatus.RUNNING)

FAILED_MESSAGE = (
    "Something went wrong while the report was being made. Try again. If it fails again, "
    "tell the people who run this platform."
)
STOPPED_MESSAGE = (
    "The build stopped before it finished: the process making it stopped responding. Try again."
)
LOST_MESSAGE = "The build was lost before it started: no worker picked it up. Try again."
# A waiting build whose owner cannot be checked (on another machine, or recorded before
# owners were) is lost only after this many times REPORT_BUILD_STALE_SECONDS: a queue
# of builds in one process, one at a time, never takes that long.
QUEUED_LIMIT_FACTOR = 12
QUEUE_UNREACHABLE_MESSAGE = (
    "The build could not be started because the build queue could not be reached. "
    "Try again in a few minutes."
)


class BuildRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Requesting builds -----------------------------------------------------------------------


def lock_inquiry(session: Session, inquiry: Inquiry) -> None:
    """Take the inquiry's row lock, so two requests that would start builds (researchers
    asking at once, a commissioner publishing) run one after the other (PostgreSQL locks
    the row; SQLite serialises writing requests already)."""
    session.execute(select(Inquiry.id).where(Inquiry.id == inquiry.id).with_for_update())


def active_build(session: Session, inquiry: Inquiry) -> ReportBuild | None:
    return session.scalar(
        select(ReportBuild)
        .where(ReportBuild.inquiry_id == inquiry.id, ReportBuild.status.in_(ACTIVE))
        .order_by(ReportBuild.id.desc())
        .limit(1)
    )


ALREADY_BUILDING = (
    "The report is already being built. Wait for that build to finish before starting another."
)


def request_build(
    session: Session,
    inquiry: Inquiry,
    *,
    kind: BuildKind,
    actor: User,
    now: datetime,
    label: str = "",
) -> ReportBuild:
    """Add a QUEUED build (audited). Refused while another build of the inquiry is waiting
    or running. The caller commits, then calls ``dispatch``."""
    lock_inquiry(session, inquiry)
    refresh_stale(session, now=now, inquiry=inquiry)
    if active_build(session, inquiry) is not None:
        raise BuildRefused(ALREADY_BUILDING)
    build = ReportBuild(
        inquiry_id=inquiry.id,
        kind=BuildKind(kind),
        status=BuildStatus.QUEUED,
        label=" ".join(label.split())[:200],
        requested_by_id=actor.id,
        created_at=now,
        # For a waiting build, the time it was handed to a worker.
        heartbeat_at=now,
        attempts=1,
    )
    _set_owner(build)
    session.add(build)
    session.flush()
    record(
        session,
        "report.build_requested",
        actor=actor,
        inquiry=inquiry,
        object_type="report_build",
        object_id=build.id,
        kind=build.kind.value,
    )
    return build


def retry_build(
    session: Session, build: ReportBuild, *, inquiry: Inquiry, actor: User, now: datetime
) -> ReportBuild:
    """Queue a failed build again (attempts + 1), removing what a killed attempt left."""
    lock_inquiry(session, inquiry)
    refresh_stale(session, now=now, inquiry=inquiry)
    session.refresh(build)
    if build.status != BuildStatus.FAILED:
        raise BuildRefused("Only a build that failed can be tried again.")
    if active_build(session, inquiry) is not None:
        raise BuildRefused(ALREADY_BUILDING)
    storage.remove_leftovers(build_id=build.id)
    storage.remove(build.pdf_name, build.html_name)
    build.status = BuildStatus.QUEUED
    build.attempts += 1
    build.error = ""
    build.started_at = None
    build.finished_at = None
    build.heartbeat_at = now
    storage.remove(build.csv_name, build.json_name)
    build.pdf_name = build.html_name = build.csv_name = build.json_name = None
    build.pdf_size = None
    build.sha256 = build.html_sha256 = None
    _set_owner(build)
    session.flush()
    record(
        session,
        "report.build_requested",
        actor=actor,
        inquiry=inquiry,
        object_type="report_build",
        object_id=build.id,
        kind=build.kind.value,
        attempt=build.attempts,
    )
    return build


def this_process() -> tuple[str, int]:
    """The machine and process this code runs in, as recorded on waiting builds."""
    return socket.gethostname()[:255], os.getpid()


def _set_owner(build: ReportBuild) -> None:
    """Record the process whose in-process worker will take the build; none for RQ.
    The view dispatches in the same process, right after committing the row."""
    if current_app.config.get("REDIS_URL"):
        build.owner_host = build.owner_pid = None
    else:
        build.owner_host, build.owner_pid = this_process()


def dispatch(build: ReportBuild) -> None:
    """Hand a committed QUEUED build to a worker: RQ when ``REDIS_URL`` is set, else the
    in-process worker. Raises if the queue cannot be reached."""
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        queue = rq_queue(app)
        queue.enqueue(
            "inquiry.reports.jobs.run_build",
            build.id,
            job_id=job_id(build),
            job_timeout=app.config["REPORT_BUILD_TIMEOUT_SECONDS"],
            result_ttl=24 * 3600,
            failure_ttl=7 * 24 * 3600,
            description=f"Report build {build.id}",
        )
    else:
        local_worker(app).submit(build.id)


def start(session: Session, build: ReportBuild, *, now: datetime) -> bool:
    """Dispatch a committed build; if the queue cannot be reached, mark it failed (and
    commit) so it can be tried again. True when the build is on its way."""
    judged = Stale(build.id, BuildStatus.QUEUED, build.attempts, QUEUE_UNREACHABLE_MESSAGE)
    try:
        dispatch(build)
    except Exception:
        log.exception("could not hand report build %s to a worker", judged.build_id)
        session.rollback()
        fail_builds(session, [judged], now=now)
        session.commit()
        return False
    return True


# Stale builds ---------------------------------------------------------------------------
#
# Failing a build writes before it reads: on SQLite a transaction that has read cannot
# write once another connection (a heartbeat, another request) has written meanwhile,
# so callers that read first end that transaction before calling ``fail_builds``.


@dataclass(frozen=True)
class Stale:
    """A build judged to have lost its worker, as it was when judged."""

    build_id: int
    status: BuildStatus
    attempts: int
    reason: str


def fail_builds(session: Session, judged: list[Stale], *, now: datetime) -> list[int]:
    """FAILED with the reason, each only if still in the state it was judged in (a worker
    finishing at the same moment wins). Audited. Returns the ids failed."""
    failed = []
    for stale in judged:
        changed = session.execute(
            update(ReportBuild)
            .where(
                ReportBuild.id == stale.build_id,
                ReportBuild.status == stale.status,
                ReportBuild.attempts == stale.attempts,
            )
            .values(status=BuildStatus.FAILED, error=stale.reason, finished_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            continue
        build = session.get(ReportBuild, stale.build_id, populate_existing=True)
        record(
            session,
            "report.build_failed",
            inquiry=session.get(Inquiry, build.inquiry_id),
            object_type="report_build",
            object_id=build.id,
            kind=build.kind.value,
            attempt=build.attempts,
        )
        failed.append(build.id)
    return failed


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        # It exists, under another user.
        return True
    except OSError:
        return False
    return True


def _waiting_build_lost(
    build: ReportBuild, *, app: Flask, last_sign: datetime, now: datetime
) -> bool:
    """Whether a build waiting for an in-process worker has lost it. Only its owner's
    worker can take it: this process knows its own queue; another process on this
    machine is asked whether it still runs; one elsewhere cannot be asked."""
    stale_after = timedelta(seconds=app.config["REPORT_BUILD_STALE_SECONDS"])
    host, pid = this_process()
    if build.owner_host == host and build.owner_pid == pid:
        if local_worker(app).knows(build.id):
            return False
        # Committed moments before it is handed over: only an old one is lost.
        return last_sign < now - stale_after
    on_this_machine = build.owner_host == host and build.owner_pid is not None
    if on_this_machine and not process_alive(build.owner_pid):
        return True
    # Alive elsewhere, or nobody to ask: a process id may be reused, and a machine may
    # have gone, so a build that waits far longer than any queue would is lost anyway.
    return last_sign < now - stale_after * QUEUED_LIMIT_FACTOR


def _stale_reason(build: ReportBuild, *, now: datetime, app: Flask) -> str | None:
    cutoff = now - timedelta(seconds=app.config["REPORT_BUILD_STALE_SECONDS"])
    last_sign = build.heartbeat_at or build.started_at or build.created_at
    if app.config.get("REDIS_URL") and build.owner_host is None:
        lost = rq_job_lost(app, build)
        if lost:
            return STOPPED_MESSAGE if build.status == BuildStatus.RUNNING else LOST_MESSAGE
    if build.status == BuildStatus.RUNNING:
        # Whoever runs it beats while it works.
        return STOPPED_MESSAGE if last_sign < cutoff else None
    if build.owner_host is None and app.config.get("REDIS_URL"):
        # Waiting in RQ for a free worker may take as long as it takes.
        return None
    if _waiting_build_lost(build, app=app, last_sign=last_sign, now=now):
        return LOST_MESSAGE
    return None


def find_stale(session: Session, *, now: datetime, inquiry: Inquiry | None = None) -> list[Stale]:
    """The waiting or running builds (of ``inquiry``, or of all) whose worker is gone."""
    query = select(ReportBuild).where(ReportBuild.status.in_(ACTIVE))
    if inquiry is not None:
        query = query.where(ReportBuild.inquiry_id == inquiry.id)
    app = current_app._get_current_object()
    judged = []
    for build in session.scalars(query).all():
        reason = _stale_reason(build, now=now, app=app)
        if reason:
            judged.append(Stale(build.id, build.status, build.attempts, reason))
    return judged


def refresh_stale(session: Session, *, now: datetime, inquiry: Inquiry | None = None) -> list[int]:
    """Fail the builds whose worker is gone, in a transaction that may write already (a
    request that changes something). The caller commits."""
    return fail_builds(session, find_stale(session, now=now, inquiry=inquiry), now=now)


def refresh_stale_and_commit(
    session: Session, *, now: datetime, inquiry: Inquiry | None = None
) -> list[int]:
    """For readers (status pages, a starting worker): judge, end the reading transaction,
    then fail what was judged, and commit."""
    judged = find_stale(session, now=now, inquiry=inquiry)
    if not judged:
        return []
    session.commit()
    failed = fail_builds(session, judged, now=now)
    session.commit()
    return failed


def on_worker_start(session: Session, *, now: datetime) -> list[int]:
    """What a starting worker does first: fail builds whose worker is gone and remove
    what killed builds left in the report folder. Commits."""
    failed = refresh_stale_and_commit(session, now=now)
    stale_after = current_app.config["REPORT_BUILD_STALE_SECONDS"]
    referenced = {
        name
        for names in session.execute(
            select(
                ReportBuild.pdf_name,
                ReportBuild.html_name,
                ReportBuild.csv_name,
                ReportBuild.json_name,
            )
        )
        for name in names
        if name
    }
    session.rollback()
    removed = storage.remove_leftovers(older_than=stale_after)
    removed += storage.remove_unreferenced(referenced, older_than=stale_after)
    if failed or removed:
        log.info(
            "marked %d stopped report builds failed; removed %d leftover files",
            len(failed),
            removed,
        )
    return failed


# Running a build ------------------------------------------------------------------------

_job_app: Flask | None = None


def _app_for_job() -> Flask:
    """The app a job runs in: the worker command's, or one made from the environment."""
    global _job_app
    if has_app_context():
        return current_app._get_current_object()
    if _job_app is None:
        from .. import create_app

        _job_app = create_app()
    return _job_app


def run_build(build_id: int, *, app: Flask | None = None) -> None:
    """Build one report, in its own app context and database session. Never raises for a
    failed build: the row says FAILED with a plain message and the log has the details."""
    app = app or _app_for_job()
    with app.app_context():
        try:
            _run(db.session, build_id)
        finally:
            db.session.remove()


class _Heartbeat:
    """Writes ``heartbeat_at`` every few seconds from a thread of its own, on its own
    connection, while the build renders. An in-memory test database has one shared
    connection that a second writer cannot use independently; there the build beats
    between its steps only."""

    def __init__(self, engine: Engine, build_id: int, attempt: int, interval: float) -> None:
        self.engine = engine
        self.build_id = build_id
        self.attempt = attempt
        self.interval = interval
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        if not isinstance(self.engine.pool, StaticPool):
            self.thread = threading.Thread(
                target=self._loop, name=f"report-heartbeat-{self.build_id}", daemon=True
            )
            self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=self.interval + 5)

    def _loop(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with self.engine.begin() as connection:
                    connection.execute(_beat_statement(self.build_id, self.attempt))
            except Exception:
                log.warning("could not write the heartbeat of report build %s", self.build_id)


def _beat_statement(build_id: int, attempt: int):
    return (
        update(ReportBuild)
        .where(
            ReportBuild.id == build_id,
            ReportBuild.status == BuildStatus.RUNNING,
            ReportBuild.attempts == attempt,
        )
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _beat(session: Session, build_id: int, attempt: int) -> None:
    """A heartbeat between steps: end the step's reading first (see ``fail_builds``)."""
    session.commit()
    session.execute(_beat_statement(build_id, attempt))
    session.commit()


def _claim(session: Session, build_id: int) -> ReportBuild | None:
    now = utcnow()
    claimed = session.execute(
        update(ReportBuild)
        .where(ReportBuild.id == build_id, ReportBuild.status == BuildStatus.QUEUED)
        .values(status=BuildStatus.RUNNING, started_at=now, heartbeat_at=now, error="")
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        log.info("report build %s is no longer waiting; nothing to do", build_id)
        return None
    session.commit()
    return session.get(ReportBuild, build_id, populate_existing=True)


def web_asset_base() -> str:
    """Where the HTML version finds its stylesheets and fonts on the web."""
    app = current_app._get_current_object()
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        return url_for("static", filename="report/")


def _run(session: Session, build_id: int) -> None:
    from . import content as report_content
    from . import document, exports, pdf

    build = _claim(session, build_id)
    if build is None:
        return
    attempt = build.attempts
    kind = build.kind
    inquiry_id = build.inquiry_id
    app = current_app._get_current_object()
    written: list[str] = []
    interval = app.config["REPORT_BUILD_HEARTBEAT_SECONDS"]
    failed = finished = False
    with _Heartbeat(db.engine, build_id, attempt, interval):
        try:
            inquiry = session.get(Inquiry, inquiry_id)
            built_at = utcnow()
            content = report_content.build_content(session, inquiry, now=built_at)
            _beat(session, build_id, attempt)
            draft = kind == BuildKind.DRAFT
            printed = document.render_document(
                content, draft=draft, asset_base=pdf.asset_base_for_pdf()
            )
            web = document.render_document(
                content, draft=draft, asset_base=web_asset_base(), self_contained=True
            )
            _beat(session, build_id, attempt)
            title = f"{content.cover.title}: {'draft report' if draft else 'report'}"
            pdf_bytes = pdf.html_to_pdf(printed, title=title)
            files: dict[str, storage.StoredFile] = {}
            outputs = {"html": web.encode("utf-8"), "pdf": pdf_bytes}
            if not draft:
                # The version's downloads, from the very content its PDF shows.
                outputs["csv"] = exports.recommendations_csv_bytes(content)
                outputs["json"] = exports.content_json(content, generated_at=built_at).encode(
                    "utf-8"
                )
            for suffix, data in outputs.items():
                files[suffix] = storage.store(data, suffix=suffix, build_id=build_id)
                written.append(files[suffix].name)
            session.commit()
            finished = _finish(session, build_id, inquiry_id, attempt, kind, files)
        except Exception:
            log.exception("report build %s failed", build_id)
            failed = True
            # Release any row the heartbeat is waiting to write.
            session.rollback()
    if failed:
        storage.remove(*written)
        judged = Stale(build_id, BuildStatus.RUNNING, attempt, FAILED_MESSAGE)
        fail_builds(session, [judged], now=utcnow())
        session.commit()
    elif not finished:
        # Judged stopped meanwhile (its heartbeat was too old): keep nothing.
        storage.remove(*written)


def _finish(
    session: Session,
    build_id: int,
    inquiry_id: int,
    attempt: int,
    kind: BuildKind,
    files: dict[str, storage.StoredFile],
) -> bool:
    """DONE, with the files (by suffix); a published build gets the next version number.
    The update comes first in its transaction (see ``fail_builds``)."""
    now = utcnow()
    values: dict = {
        "status": BuildStatus.DONE,
        "finished_at": now,
        "heartbeat_at": now,
        "html_name": files["html"].name,
        "html_sha256": files["html"].sha256,
        "pdf_name": files["pdf"].name,
        "pdf_size": files["pdf"].size,
        "sha256": files["pdf"].sha256,
    }
    if "csv" in files:
        values.update(csv_name=files["csv"].name, json_name=files["json"].name)
    if kind == BuildKind.PUBLISHED:
        earlier = aliased(ReportBuild)
        next_version = (
            select(func.coalesce(func.max(earlier.version), 0) + 1)
            .where(earlier.inquiry_id == inquiry_id)
            .scalar_subquery()
        )
        values.update(version=next_version, published_at=now)
    changed = session.execute(
        update(ReportBuild)
        .where(
            ReportBuild.id == build_id,
            ReportBuild.status == BuildStatus.RUNNING,
            ReportBuild.attempts == attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        session.rollback()
        return False
    build = session.get(ReportBuild, build_id, populate_existing=True)
    if kind == BuildKind.PUBLISHED:
        _announce(session, build, now=now)
    session.commit()
    return True


def _announce(session: Session, build: ReportBuild, *, now: datetime) -> None:
    """Audit the new version and tell every member in the app."""
    inquiry = session.get(Inquiry, build.inquiry_id)
    record(
        session,
        "report.published",
        actor=build.requested_by,
        inquiry=inquiry,
        object_type="report_build",
        object_id=build.id,
        version=build.version,
    )
    user_ids = session.scalars(
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.inquiry_id == inquiry.id,
            Membership.status == MembershipStatus.ACTIVE,
            User.is_disabled.is_(False),
        )
        .distinct()
    ).all()
    link = report_path(inquiry.id)
    for user_id in user_ids:
        notify(
            session,
            user_id,
            f"Version {build.version} of the report is published. You can read and download it.",
            inquiry=inquiry,
            link=link,
            now=now,
        )


def report_path(inquiry_id: int) -> str:
    """The report page's path, without needing a request (workers have none)."""
    return f"/inquiries/{inquiry_id}/report"


# The in-process worker ---------------------------------------------------------------------


class LocalWorker:
    """One background thread per web process that builds reports one at a time."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.held = bool(app.config.get("REPORT_WORKER_HELD"))
        self._queue: deque[int] = deque()
        self._busy: int | None = None
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None
        self._started = False

    def submit(self, build_id: int) -> None:
        with self._condition:
            self._queue.append(build_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="report-builds", daemon=True
                )
                self._thread.start()
            self._condition.notify_all()

    def knows(self, build_id: int) -> bool:
        with self._condition:
            return build_id == self._busy or build_id in self._queue

    def hold(self) -> None:
        """Tests: builds wait in the queue until ``release``."""
        with self._condition:
            self.held = True

    def release(self) -> None:
        with self._condition:
            self.held = False
            self._condition.notify_all()

    def clear(self) -> None:
        with self._condition:
            self._queue.clear()

    def wait_until_idle(self, timeout: float = 60) -> bool:
        with self._condition:
            return self._condition.wait_for(
                lambda: (not self._queue or self.held) and self._busy is None, timeout
            )

    def _loop(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._queue and not self.held)
                build_id = self._queue.popleft()
                self._busy = build_id
                first = not self._started
                self._started = True
            try:
                if first:
                    with self.app.app_context():
                        on_worker_start(db.session, now=utcnow())
                        db.session.remove()
                run_build(build_id, app=self.app)
            except Exception:
                log.exception("the in-process report worker failed on build %s", build_id)
            finally:
                with self._condition:
                    self._busy = None
                    self._condition.notify_all()


_local_lock = threading.Lock()


def local_worker(app: Flask) -> LocalWorker:
    with _local_lock:
        worker = app.extensions.get("report_worker")
        if worker is None:
            worker = app.extensions["report_worker"] = LocalWorker(app)
        return worker


# RQ -----------------------------------------------------------------------------------


def job_id(build: ReportBuild) -> str:
    return f"report-build-{build.id}-{build.attempts}"


def redis_connection(app: Flask):
    """One Redis connection pool per app and URL."""
    from redis import Redis

    url = app.config["REDIS_URL"]
    cached = app.extensions.get("report_redis")
    if cached is None or cached[0] != url:
        connection = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        cached = app.extensions["report_redis"] = (url, connection)
    return cached[1]


def rq_queue(app: Flask):
    from rq import Queue

    return Queue(app.config["REPORT_QUEUE"], connection=redis_connection(app))


def rq_job_lost(app: Flask, build: ReportBuild) -> bool | None:
    """Whether the build's RQ job is gone or ended without building; None when Redis
    cannot be asked (then nothing is judged)."""
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(job_id(build), connection=redis_connection(app))
        status = job.get_status(refresh=False)
    except NoSuchJobError:
        return True
    except RedisError:
        log.warning("could not ask Redis about report build %s", build.id)
        return None
    return status in (
        JobStatus.FAILED,
        JobStatus.STOPPED,
        JobStatus.CANCELED,
        JobStatus.FINISHED,
    )


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Run an RQ worker on the reports queue (the ``worker`` command). Each build runs in
    a forked child; the child must not reuse the parent's database connections."""
    from rq import Worker

    with app.app_context():
        on_worker_start(db.session, now=utcnow())
        db.session.remove()
        engine = db.engine
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    worker = Worker([rq_queue(app)], connection=redis_connection(app))
    with app.app_context():
        return worker.work(burst=burst, with_scheduler=False)
