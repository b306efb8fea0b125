"""Time one page of the large synthetic inquiry in one process, and optionally profile it.

    .venv/bin/python benchmarks/one_request.py /results --as participant --profile

The page path is under the inquiry, as in tests/test_query_counts.py (for example
"/sessions/{round_id}/take-part"), or with ``--site`` a page of the site ("/account").
Seeds the large inquiry into a temporary SQLite file, serves it with the production
settings and gunicorn's garbage-collector settings, warms the page once, then prints the
mean of ``--repeat`` requests split into rendering the template, the database driver and
the rest, beside the minimal page of the same size (benchmarks/minimal_app.py) in the same
process; with ``--profile`` it also profiles ``--repeat`` more requests. For finding where
a page's time goes; ``benchmarks/run.py`` measures pages under load.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import runpy
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask.templating
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.concurrency import SECRET  # noqa: E402
from benchmarks.minimal_app import create_app as create_minimal_app  # noqa: E402
from benchmarks.seed import LARGE, password_hash, seed_inquiry  # noqa: E402
from inquiry import create_app  # noqa: E402
from inquiry.extensions import db  # noqa: E402

BASE_URL = "https://localhost"


class Split:
    """Where requests spend their time: rendering templates, and in the database driver
    (statements executed; the ORM's work on the rows they return is not included)."""

    def __init__(self) -> None:
        self.rendering = 0.0
        self.database = 0.0
        self.queries = 0

    @contextmanager
    def measuring(self, engine) -> Iterator[None]:
        started: list[float] = []

        def before(*args) -> None:
            started.append(time.perf_counter())

        def after(*args) -> None:
            self.database += time.perf_counter() - started.pop()
            self.queries += 1

        render = flask.templating._render

        def timed_render(*args):
            begun = time.perf_counter()
            try:
                return render(*args)
            finally:
                self.rendering += time.perf_counter() - begun

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        flask.templating._render = timed_render
        try:
            yield
        finally:
            flask.templating._render = render
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help='e.g. "/results" or "/sessions/{round_id}/take-part"')
    parser.add_argument(
        "--as",
        dest="actor",
        default="participant",
        choices=["participant", "researcher", "witness"],
    )
    parser.add_argument(
        "--site",
        action="store_true",
        help='the path is a page of the site, not under the inquiry (e.g. "/account")',
    )
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="profile --repeat requests")
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--lines", type=int, default=35)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="inquiry-one-request-"))
    # As gunicorn serves it in benchmarks/run.py: the production settings over HTTPS.
    os.environ["SECRET_KEY"] = SECRET
    app = create_app(
        "production",
        overrides={
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "SECRET_KEY": SECRET,
        },
    )
    with app.app_context():
        db.create_all()
        seeded = seed_inquiry(db.session, LARGE, tag="large", password_hash=password_hash())
        db.session.commit()
        user_id = getattr(seeded, args.actor).get_id()
        url = args.path if args.site else seeded.path(args.path)
        engine = db.engine
    client = app.test_client()
    with client.session_transaction(base_url=BASE_URL) as session:
        session["_user_id"] = user_id
        session["_fresh"] = True

    # As a gunicorn worker runs once the app is loaded (gunicorn.conf.py).
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"](None)
    split = Split()

    def request() -> float:
        started = time.perf_counter()
        response = client.get(url, base_url=BASE_URL)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        return elapsed

    request()
    with split.measuring(engine):
        times = [request() for _ in range(args.repeat)]
    size = len(client.get(url, base_url=BASE_URL).data)
    minimal = create_minimal_app().test_client()
    minimal_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        minimal.get(f"/page?bytes={size}")
        minimal_times.append(time.perf_counter() - started)
    mean = statistics.mean(times) * 1000
    rendering = split.rendering / args.repeat * 1000
    database = split.database / args.repeat * 1000
    print(
        f"{url} as {args.actor}, {size / 1024:.0f} KB: mean {mean:.1f} ms "
        f"(median {statistics.median(times) * 1000:.1f}) over {args.repeat} requests\n"
        f"  rendering the template {rendering:.1f} ms; {split.queries // args.repeat} statements, "
        f"{database:.1f} ms in the database driver; the rest {mean - rendering - database:.1f} ms\n"
        f"  the minimal page of the same size: mean "
        f"{statistics.mean(minimal_times) * 1000:.1f} ms"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            request()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
