"""The report build against WeasyPrint alone, queries per build, and downloads.

Run by ``make bench`` (benchmarks/run.py) and on its own:

    .venv/bin/python benchmarks/report_build.py

1. Build time: a published build of the large inquiry through the real job
   (``jobs.run_build``: gathering the content, rendering the HTML twice, the PDF, storing
   it with the HTML version and the CSV and JSON downloads), against WeasyPrint alone
   rendering the same final HTML with the same options and fetcher
   (``pdf.html_to_pdf``), the two measured in turn. Target: at most 1.15 times.
2. Queries: SQL queries to gather a build's content, for the small and the large
   inquiry. Target: the same number.
3. Download: a published PDF served from storage. Target: under 50 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402

from benchmarks.seed import LARGE, SMALL, password_hash, seed_inquiry  # noqa: E402
from inquiry import create_app  # noqa: E402
from inquiry.extensions import db  # noqa: E402
from inquiry.models import BuildKind, Inquiry, ReportBuild, User, utcnow  # noqa: E402

SECRET = "benchmark-secret-key-not-for-production"  # noqa: S105


def _median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _count_queries(action) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def measure(runs: int = 3) -> dict[str, float]:
    """Build, render and download figures for the large inquiry, in one process."""
    from inquiry.reports import content as report_content
    from inquiry.reports import document, jobs, pdf

    work = Path(tempfile.mkdtemp(prefix="inquiry-report-bench-"))
    os.environ["SECRET_KEY"] = SECRET
    app = create_app(
        "production",
        overrides={
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite'}",
            "SECRET_KEY": SECRET,
            "REPORT_FOLDER": str(work / "reports"),
            "UPLOAD_FOLDER": str(work / "uploads"),
        },
    )
    figures: dict[str, float] = {}
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        hashed = password_hash()
        small = seed_inquiry(db.session, SMALL, tag="small", password_hash=hashed)
        large = seed_inquiry(db.session, LARGE, tag="large", password_hash=hashed)
        db.session.commit()
        small_id, large_id = small.inquiry.id, large.inquiry.id
        researcher_id = large.researcher.id

        for name, inquiry_id in (("small", small_id), ("large", large_id)):
            inquiry = db.session.get(Inquiry, inquiry_id)
            figures[f"queries_{name}"] = _count_queries(
                lambda inquiry=inquiry: report_content.build_content(
                    db.session, inquiry, now=utcnow()
                )
            )

        def build_once() -> int:
            inquiry = db.session.get(Inquiry, large_id)
            build = jobs.request_build(
                db.session,
                inquiry,
                kind=BuildKind.PUBLISHED,
                actor=db.session.get(User, researcher_id),
                now=utcnow(),
            )
            db.session.commit()
            build_id = build.id
            # End this session's read, so it sees what the job's own session writes.
            db.session.commit()
            jobs.run_build(build_id, app=app)
            done = db.session.get(ReportBuild, build_id)
            if done.status.value != "done":
                raise RuntimeError(f"the build ended {done.status.value}: {done.error}")
            return build_id

        inquiry = db.session.get(Inquiry, large_id)
        final_html = document.render_document(
            report_content.build_content(db.session, inquiry, now=utcnow()),
            draft=False,
            asset_base=pdf.asset_base_for_pdf(),
        )

        def weasyprint_alone() -> None:
            # The one WeasyPrint call a build makes, with the same options and fetcher.
            pdf.html_to_pdf(final_html, title=inquiry.title)

        # In turn, so that both meet the machine in the same state: run one after the
        # other, a busy spell falls on one side only.
        build_times, weasyprint_times = [], []
        build_id = 0
        for _ in range(runs):
            started = time.perf_counter()
            build_id = build_once()
            build_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            weasyprint_alone()
            weasyprint_times.append(time.perf_counter() - started)
        figures["build_s"] = statistics.median(build_times)
        figures["weasyprint_s"] = statistics.median(weasyprint_times)
        figures["build_spread_s"] = max(build_times) - min(build_times)
        figures["weasyprint_spread_s"] = max(weasyprint_times) - min(weasyprint_times)
        figures["ratio"] = figures["build_s"] / figures["weasyprint_s"]

        build = db.session.get(ReportBuild, build_id)
        version = build.version
        figures["pdf_kb"] = (build.pdf_size or 0) / 1024
        user = db.session.scalar(select(User).where(User.id == researcher_id))
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie, domain="localhost")
    url = f"/inquiries/{large_id}/report/versions/{version}.pdf"

    def download() -> None:
        response = client.get(url, base_url="https://localhost")
        assert response.status_code == 200, response.status_code
        response.get_data()

    download()
    figures["download_ms"] = _median_seconds(download, 20) * 1000
    return figures


def report(figures: dict[str, float]) -> list[str]:
    """Print the table; return the targets missed."""
    missed = []
    print("\n## Report build (large inquiry, published version)\n")
    print("| Measure | Figure | Target |")
    print("| --- | --- | --- |")
    print(
        f"| Whole build (job), median | {figures['build_s']:.2f} s "
        f"(spread {figures['build_spread_s']:.2f} s) | |"
    )
    print(
        f"| WeasyPrint alone, same HTML, median | {figures['weasyprint_s']:.2f} s "
        f"(spread {figures['weasyprint_spread_s']:.2f} s) | |"
    )
    print(f"| Ratio | {figures['ratio']:.2f} | at most 1.15 |")
    print(
        f"| Queries to gather the content | small {figures['queries_small']:.0f}, "
        f"large {figures['queries_large']:.0f} | the same |"
    )
    print(
        f"| Published PDF download ({figures['pdf_kb']:.0f} KB) | "
        f"{figures['download_ms']:.1f} ms | under 50 ms |"
    )
    if figures["ratio"] > 1.15:
        missed.append(f"report build is {figures['ratio']:.2f} times WeasyPrint alone")
    if figures["queries_small"] != figures["queries_large"]:
        missed.append("report build queries grow with the inquiry")
    if figures["download_ms"] >= 50:
        missed.append(f"published PDF download takes {figures['download_ms']:.1f} ms")
    return missed


if __name__ == "__main__":
    problems = report(measure())
    print("\nTargets missed:\n- " + "\n- ".join(problems) if problems else "\nAll targets met.")
    sys.exit(1 if problems else 0)
