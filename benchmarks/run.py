"""make bench: seed synthetic inquiries, load the main pages under gunicorn, print a table.

Measured in one run on this machine, so the targets are ratios, not absolute times. The
pages: the participant's session page (of an open session, with the forms to write and
reply), the recommendations list, the results page and the researcher's cohort page; the
participant's overview is measured too, for information.

1. Pages under load: each page served by gunicorn (2 workers) under wrk with 16
   connections, against a minimal Flask page of the same size (benchmarks/minimal_app.py),
   the two loaded in turn, three times each. Target: at least 40% of the minimal page's
   requests per second, and p95 under 100 ms.
2. Queries per page, for a small and the large inquiry. Target: the same number.
3. Growth: each page's median latency with 10 times more inquiries and members,
   both sizes served at once and loaded in turn. Target: at most 1.25 times the
   latency at 1 times.

4. Report build: the whole build against WeasyPrint alone on the same HTML (at most
   1.15 times), queries to gather the content (the same at both sizes), and the
   download of a published PDF (under 50 ms); see benchmarks/report_build.py.
5. Concurrent writes: 50 participants share a reflection at the same moment through
   gunicorn, on SQLite and, with --postgres URL, on PostgreSQL: no errors, none lost.

``--only SECTION`` (queries, load, growth, report, concurrency) measures one part.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from benchmarks.concurrency import SECRET, gunicorn, production_env  # noqa: E402
from benchmarks.seed import LARGE, SMALL, password_hash, seed_inquiry, seed_many  # noqa: E402
from inquiry import create_app  # noqa: E402
from inquiry.extensions import db  # noqa: E402

LUA = Path(__file__).with_name("p95.lua")


@dataclass(frozen=True)
class Page:
    name: str
    actor: str  # "researcher" or "participant"
    path: str  # under /inquiries/<id>
    # The four pages the targets name; others are measured the same way, for information.
    targeted: bool = True


PAGES = [
    Page("Participant's session page", "participant", "/sessions/{round_id}/take-part"),
    Page("Recommendations list", "participant", "/recommendations"),
    Page("Results page", "participant", "/results"),
    Page("Researcher's cohort page", "researcher", "/cohort"),
    Page("Participant's overview (no target)", "participant", "", targeted=False),
]


def machine() -> str:
    cpu = "unknown processor"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        if match:
            cpu = match.group(1).strip()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        if match:
            memory = f", {int(match.group(1)) / 1024 / 1024:.0f} GiB"
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores{memory}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def build(path: Path, many: int) -> dict:
    """A SQLite database migrated to the latest schema, seeded; returns what pages need."""
    os.environ["SECRET_KEY"] = SECRET
    app = create_app(
        "production",
        overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": SECRET},
    )
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        hashed = password_hash()
        seed_many(db.session, many, password_hash=hashed)
        small = seed_inquiry(db.session, SMALL, tag="small", password_hash=hashed)
        large = seed_inquiry(db.session, LARGE, tag="large", password_hash=hashed)
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        name = app.config["SESSION_COOKIE_NAME"]

        def cookie(user) -> str:
            value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True, "sid": "b"})
            return f"{name}={value}"

        return {
            "app": app,
            "paths": {
                "small": {page.name: small.path(page.path) for page in PAGES},
                "large": {page.name: large.path(page.path) for page in PAGES},
            },
            "cookies": {
                "small": {
                    "researcher": cookie(small.researcher),
                    "participant": cookie(small.participant),
                },
                "large": {
                    "researcher": cookie(large.researcher),
                    "participant": cookie(large.participant),
                },
            },
        }


def count_queries(app, url: str, cookie: str) -> tuple[int, int]:
    """(queries, bytes) for one request to the page, made after a first one as a browser
    would. Each request has its own app context and so its own database session, as
    under gunicorn: nothing one request loaded is at hand for the next."""
    statements: list[str] = []
    client = app.test_client()
    client.set_cookie(*cookie.split("=", 1), domain="localhost")
    with app.app_context():
        engine = db.engine
    client.get(url, base_url="https://localhost")

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url, base_url="https://localhost")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(statements), len(response.data)


USER_AGENT = "inquiry-benchmark"


def browser_cookie(url: str, cookie: str) -> str:
    """The cookie a browser sends once it has visited ``url``. On a first visit the
    server adds to the session (a CSRF token, and the identifier Flask-Login's session
    protection checks) and sends the cookie back; a browser keeps it. Without this,
    every request of the load would do the work of a first visit."""
    name = cookie.split("=", 1)[0]
    for _ in range(3):
        request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": USER_AGENT})  # noqa: S310
        with urllib.request.urlopen(request) as response:  # noqa: S310 - the local server
            sent = [
                header.split(";", 1)[0]
                for header in response.headers.get_all("Set-Cookie") or []
                if header.startswith(f"{name}=")
            ]
        if not sent or sent[-1] == cookie:
            return cookie
        cookie = sent[-1]
    raise RuntimeError(f"{url} sends a new session cookie on every visit")


def load(url: str, cookie: str | None, seconds: int) -> dict[str, float]:
    command = [
        "wrk",
        "-t2",
        "-c16",
        f"-d{seconds}s",
        "-s",
        str(LUA),
        "-H",
        f"User-Agent: {USER_AGENT}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {browser_cookie(url, cookie)}"]
    command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.+)", output)
    if not match:
        raise RuntimeError(f"wrk gave no result:\n{output}")
    return {k: float(v) for k, v in (item.split("=") for item in match.group(1).split())}


def in_turn(
    targets: list[tuple[str, str | None]], repeat: int, seconds: int
) -> list[list[dict[str, float]]]:
    """Each (url, cookie) loaded in turn, ``repeat`` times over, so that every target
    sees the same conditions on the machine; the results by target, in the given order."""
    results: list[list[dict[str, float]]] = [[] for _ in targets]
    for _ in range(repeat):
        for found, (url, cookie) in zip(results, targets, strict=True):
            found.append(load(url, cookie, seconds))
    return results


def app_env(path: Path) -> dict[str, str]:
    return production_env(f"sqlite:///{path}")


SECTIONS = ("queries", "load", "growth", "report", "concurrency")


def queries_per_page(base: dict) -> tuple[dict[str, int], list[str]]:
    """Section 1; returns each page's size in bytes, for the minimal page."""
    failures = []
    print("\n## Queries per page (small inquiry / large inquiry)\n")
    print("| Page | Small | Large | Same? | Page size |")
    print("| --- | --- | --- | --- | --- |")
    sizes = {}
    for page in PAGES:
        small_q, _ = count_queries(
            base["app"], base["paths"]["small"][page.name], base["cookies"]["small"][page.actor]
        )
        large_q, size = count_queries(
            base["app"], base["paths"]["large"][page.name], base["cookies"]["large"][page.actor]
        )
        sizes[page.name] = size
        same = small_q == large_q
        if not same:
            failures.append(f"{page.name}: {small_q} queries small, {large_q} large")
        print(
            f"| {page.name} | {small_q} | {large_q} | {'yes' if same else 'NO'} | "
            f"{size / 1024:.0f} KB |"
        )
    return sizes, failures


def pages_under_load(args, work: Path, base: dict, sizes: dict[str, int]) -> list[str]:
    """Section 2: each page against the minimal page of the same size. The two are
    loaded in turn, ``--repeat`` times each, so that both see the same conditions on the
    machine (loaded once each a minute apart, minimal pages of 121 KB and 127 KB served 539
    and 774 requests a second); the figures are the medians."""
    failures = []
    print(
        f"\n## Pages under load (gunicorn, 2 workers; wrk, 16 connections, {args.seconds} s; "
        f"page and minimal page loaded in turn, {args.repeat} times each, medians)\n"
    )
    print(
        "| Page | Requests/s | Minimal page of the same size | Ratio (target >= 0.40) "
        "| p95 ms (target < 100) | Errors |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    with (
        gunicorn("benchmarks.minimal_app:create_app()", {}, workers=2) as minimal,
        gunicorn("inquiry:create_app()", app_env(work / "base.sqlite"), workers=2) as real,
    ):
        for page in PAGES:
            baselines, results = in_turn(
                [
                    (f"{minimal}/page?bytes={sizes[page.name]}", None),
                    (
                        real + base["paths"]["large"][page.name],
                        base["cookies"]["large"][page.actor],
                    ),
                ],
                args.repeat,
                args.seconds,
            )
            rps = statistics.median(result["rps"] for result in results)
            baseline = statistics.median(result["rps"] for result in baselines)
            p95 = statistics.median(result["p95_ms"] for result in results)
            errors = sum(result["errors"] for result in results)
            ratio = rps / baseline
            ok = ratio >= 0.40 and p95 < 100 and not errors
            if page.targeted and not ok:
                failures.append(f"{page.name}: ratio {ratio:.2f}, p95 {p95:.1f} ms")
            print(
                f"| {page.name} | {rps:.0f} | {baseline:.0f} | {ratio:.2f} | {p95:.1f} | "
                f"{errors:.0f} |"
            )
    return failures


def growth(args, work: Path, base: dict) -> list[str]:
    """Section 3: the same pages in a database with ``--growth`` times more inquiries
    and members. Both databases are served at once and loaded in turn, ``--repeat``
    times each, so that both sizes see the same conditions on the machine; the ratio
    is of the medians of the median latencies."""
    failures = []
    grown_count = args.inquiries * args.growth
    started = time.monotonic()
    grown = build(work / "grown.sqlite", grown_count)
    print(
        f"\nSeeded {grown_count} small inquiries for the growth run "
        f"in {time.monotonic() - started:.0f} s"
    )
    print(
        f"\n## Growth: median latency with {args.growth} times more inquiries and members "
        f"(loaded in turn, {args.repeat} times each)\n"
    )
    print(f"| Page | At 1x (ms) | At {args.growth}x (ms) | Ratio (target <= 1.25) |")
    print("| --- | --- | --- | --- |")
    with (
        gunicorn("inquiry:create_app()", app_env(work / "base.sqlite"), workers=2) as at_1x,
        gunicorn("inquiry:create_app()", app_env(work / "grown.sqlite"), workers=2) as at_10x,
    ):
        for page in PAGES:
            loads = in_turn(
                [
                    (
                        server + seeded["paths"]["large"][page.name],
                        seeded["cookies"]["large"][page.actor],
                    )
                    for server, seeded in ((at_1x, base), (at_10x, grown))
                ],
                args.repeat,
                args.seconds,
            )
            small, large = (
                statistics.median(result["p50_ms"] for result in results) for results in loads
            )
            ratio = large / small
            if page.targeted and ratio > 1.25:
                failures.append(f"{page.name}: grows {ratio:.2f} times")
            print(f"| {page.name} | {small:.2f} | {large:.2f} | {ratio:.2f} |")
    return failures


def concurrent_writes(args, work: Path) -> list[str]:
    """Section 5."""
    from benchmarks import concurrency

    failures = []
    print("\n## Concurrent writes: 50 participants share a reflection at the same moment\n")
    print("| Database | Errors | Lost | Seconds |")
    print("| --- | --- | --- | --- |")
    databases = [("SQLite", f"sqlite:///{work / 'concurrent.sqlite'}")]
    if args.postgres:
        databases.append(("PostgreSQL", args.postgres))
    for name, url in databases:
        outcome = concurrency.reflections_at_once(url, 50, workers=4)
        if outcome.failures or outcome.lost:
            failures.append(f"{name}: {len(outcome.failures)} errors, {outcome.lost} lost")
        print(f"| {name} | {len(outcome.failures)} | {outcome.lost} | {outcome.seconds:.2f} |")
    if not args.postgres:
        print("\n(PostgreSQL not measured: pass --postgres or set BENCH_POSTGRES_URL.)")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inquiries", type=int, default=1000, help="small inquiries at 1x")
    parser.add_argument("--growth", type=int, default=10, help="multiplier for the growth run")
    parser.add_argument("--seconds", type=int, default=10, help="load duration per page")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="loads of each page and its baseline (under load) or of each size (growth)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="measure only this section (may be given more than once)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", ""),
        help="an empty PostgreSQL database for the concurrent writes, e.g. "
        "postgresql://user@localhost/bench",
    )
    args = parser.parse_args()
    sections = set(args.only or SECTIONS)
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 1

    print(f"Machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="inquiry-bench-"))
    failures: list[str] = []
    if sections & {"queries", "load", "growth"}:
        started = time.monotonic()
        base = build(work / "base.sqlite", args.inquiries)
        print(
            f"Seeded {args.inquiries} small inquiries, a small and a large one "
            f"in {time.monotonic() - started:.0f} s"
        )
        # The minimal page of section 2 is sized from section 1's pages.
        sizes, missed = queries_per_page(base)
        failures += missed if "queries" in sections else []
        if "load" in sections:
            failures += pages_under_load(args, work, base, sizes)
        if "growth" in sections:
            failures += growth(args, work, base)
    if "report" in sections:
        from benchmarks import report_build

        failures += report_build.report(report_build.measure())
    if "concurrency" in sections:
        failures += concurrent_writes(args, work)

    shutil.rmtree(work, ignore_errors=True)
    print()
    if failures:
        print("Targets missed:\n- " + "\n- ".join(failures))
        return 1
    print("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
