"""Time one page of the large synthetic inquiry in one process, and optionally profile it.

    .venv/bin/python benchmarks/one_request.py /results --as participant --profile

The page path is under the inquiry, as in tests/test_query_counts.py (for example
"/sessions/{round_id}/take-part"). Seeds the large inquiry into a temporary SQLite file,
warms the page once, then prints the median of ``--repeat`` requests; with ``--profile``
it also prints the functions where one request spends most of its time. For finding
where a page's time goes; ``benchmarks/run.py`` measures pages under load.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.concurrency import SECRET  # noqa: E402
from benchmarks.seed import LARGE, password_hash, seed_inquiry  # noqa: E402
from inquiry import create_app  # noqa: E402
from inquiry.extensions import db  # noqa: E402

BASE_URL = "https://localhost"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help='e.g. "/results" or "/sessions/{round_id}/take-part"')
    parser.add_argument(
        "--as",
        dest="actor",
        default="participant",
        choices=["participant", "researcher", "witness"],
    )
    parser.add_argument("--repeat", type=int, default=5)
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
        url = seeded.path(args.path)
    client = app.test_client()
    with client.session_transaction(base_url=BASE_URL) as session:
        session["_user_id"] = user_id
        session["_fresh"] = True

    def request() -> float:
        started = time.perf_counter()
        response = client.get(url, base_url=BASE_URL)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        return elapsed

    request()
    times = [request() for _ in range(args.repeat)]
    size = len(client.get(url, base_url=BASE_URL).data)
    print(
        f"{url} as {args.actor}: median {statistics.median(times) * 1000:.1f} ms "
        f"over {args.repeat} requests, {size / 1024:.0f} KB"
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
