"""Pages for the report: published versions for every member; for researchers the
narrative, builds with their progress, publishing and the members' review; for
participants, while the review is open, the draft and a form to comment on it.

Builds run outside the request (``jobs``); the page shows their progress with a small
script that polls a JSON status and announces changes, and a "Check again" link for
those without scripts. Stored versions are served from storage, never rebuilt, and
every download is audited: the PDF, the HTML version and, for published versions, the
CSV and JSON stored with them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from .. import policy
from ..exports import safe_filename
from ..extensions import db, limiter
from ..models import BuildKind, BuildStatus, Inquiry, ReportBuild, ReviewStatus, Role, utcnow
from ..permissions import requires
from ..security.rate_limits import config_limit, per_user
from . import jobs, services, storage
from .defaults import default_method
from .document import HEAD_LIMIT, REVIEW_SECTIONS, content_security_policy
from .forms import (
    NARRATIVE_LABELS,
    ActionForm,
    CommentForm,
    NarrativeForm,
    PublishForm,
    revision_of,
)

log = logging.getLogger(__name__)

bp = Blueprint("reports", __name__)

# Requests for builds, per researcher, counted together whatever the kind of build.
build_limit = limiter.shared_limit(
    config_limit("REPORT_BUILD_LIMIT_PER_USER"),
    scope="report-builds",
    key_func=per_user,
    methods=["POST"],
)


def _index_url(inquiry: Inquiry) -> str:
    return url_for("reports.index", inquiry_id=inquiry.id)


def _is_researcher() -> bool:
    return g.membership is not None and g.membership.role == Role.RESEARCHER


def _refresh(inquiry: Inquiry) -> None:
    """Fail builds whose worker is gone, so nothing shows "in progress" for ever."""
    jobs.refresh_stale_and_commit(db.session, now=utcnow(), inquiry=inquiry)


def _build_urls(inquiry: Inquiry, build: ReportBuild) -> dict[str, str]:
    if build.status != BuildStatus.DONE:
        return {}
    if build.kind == BuildKind.PUBLISHED and build.version is not None:
        endpoint, values = "reports.version", {"version": build.version}
    else:
        endpoint, values = "reports.draft", {"build_id": build.id}
    return {
        "pdf": url_for(f"{endpoint}_pdf", inquiry_id=inquiry.id, **values),
        "html": url_for(f"{endpoint}_html", inquiry_id=inquiry.id, **values),
    }


def _describe(build: ReportBuild) -> str:
    if build.kind == BuildKind.PUBLISHED:
        if build.version is not None:
            return f"Version {build.version}"
        return "New version"
    return "Draft"


@bp.route("/inquiries/<int:inquiry_id>/report")
@requires(policy.can_read_published_report)
def index(inquiry: Inquiry):
    researcher = _is_researcher()
    if researcher:
        _refresh(inquiry)
    report = services.report_of(db.session, inquiry)
    context: dict = {
        "inquiry": inquiry,
        "versions": services.published_versions(db.session, inquiry),
        "report": report,
        "review_open": report is not None and report.review_status == ReviewStatus.OPEN,
        "researcher": researcher,
        "can_review": policy.can_review_report(current_user, inquiry),
    }
    if researcher:
        builds = services.recent_builds(db.session, inquiry)
        comments = services.comments_by_section(db.session, inquiry, REVIEW_SECTIONS)
        context.update(
            builds=builds,
            build_urls={build.id: _build_urls(inquiry, build) for build in builds},
            describe=_describe,
            building=any(build.status in jobs.ACTIVE for build in builds),
            latest_draft=services.latest_draft(db.session, inquiry),
            comment_count=sum(len(group.comments) for group in comments),
            narrative_labels=NARRATIVE_LABELS,
            action_form=ActionForm(),
        )
    return render_template("reports/index.html", **context)


# The narrative ----------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/report/narrative", methods=["GET", "POST"])
@requires(policy.can_manage_report)
def narrative(inquiry: Inquiry):
    report = services.report_of(db.session, inquiry)
    if request.method == "GET":
        data = {"revision": str(report.revision if report else 1)}
        if report is not None:
            data.update({name: getattr(report, name) for name in NARRATIVE_LABELS})
        form = NarrativeForm(formdata=None, data=data)
        return _narrative_page(inquiry, form)
    form = NarrativeForm()
    if not form.validate_on_submit():
        return _narrative_page(inquiry, form)
    try:
        _, changed = services.save_narrative(
            db.session,
            inquiry,
            values=form.values,
            expected_revision=revision_of(form.revision),
            actor=current_user,
            now=utcnow(),
        )
    except services.ChangedElsewhere as conflict:
        db.session.rollback()
        current = services.report_of(db.session, inquiry)
        form.revision.data = str(current.revision if current else 1)
        form.add_form_error(conflict.message)
        return _narrative_page(inquiry, form, conflict=current, status=409)
    db.session.commit()
    flash(
        "The narrative is saved. Build a draft to see it in the report."
        if changed
        else "Nothing had changed, so nothing was saved.",
        "success",
    )
    return redirect(_index_url(inquiry))


def _narrative_page(inquiry: Inquiry, form: NarrativeForm, *, conflict=None, status: int = 200):
    return (
        render_template(
            "reports/narrative.html",
            inquiry=inquiry,
            form=form,
            conflict=conflict,
            labels=NARRATIVE_LABELS,
            default_method=default_method(inquiry.mode),
        ),
        status,
    )


# Builds -----------------------------------------------------------------------------------


def _start(inquiry: Inquiry, build: ReportBuild, success: str):
    """Commit the queued build, hand it to a worker, and say what happens next."""
    db.session.commit()
    if jobs.start(db.session, build, now=utcnow()):
        flash(success, "success")
    else:
        flash(jobs.QUEUE_UNREACHABLE_MESSAGE, "error")
    return redirect(_index_url(inquiry) + "#builds")


@bp.route("/inquiries/<int:inquiry_id>/report/builds", methods=["POST"])
@requires(policy.can_manage_report)
@build_limit
def build_draft(inquiry: Inquiry):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        build = jobs.request_build(
            db.session, inquiry, kind=BuildKind.DRAFT, actor=current_user, now=utcnow()
        )
    except jobs.BuildRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(_index_url(inquiry) + "#builds")
    return _start(
        inquiry,
        build,
        "The draft is being built. This page shows when it is ready, usually within a minute.",
    )


@bp.route("/inquiries/<int:inquiry_id>/report/publish", methods=["GET", "POST"])
@requires(policy.can_manage_report)
@build_limit
def publish(inquiry: Inquiry):
    form = PublishForm()
    versions = services.published_versions(db.session, inquiry)
    if form.validate_on_submit():
        try:
            build = jobs.request_build(
                db.session,
                inquiry,
                kind=BuildKind.PUBLISHED,
                actor=current_user,
                now=utcnow(),
                label=form.label.data or "",
            )
        except jobs.BuildRefused as refused:
            db.session.rollback()
            form.add_form_error(refused.message)
        else:
            return _start(
                inquiry,
                build,
                "The new version is being built. It is published, and every member told, "
                "as soon as it is ready.",
            )
    return render_template(
        "reports/publish.html",
        inquiry=inquiry,
        form=form,
        versions=versions,
        next_version=(versions[0].version + 1) if versions else 1,
    )


@bp.route("/inquiries/<int:inquiry_id>/report/builds/<int:build_id>/status")
@requires(policy.can_manage_report)
def build_status(inquiry: Inquiry, build_id: int):
    """The build's status as JSON, for the page's progress script."""
    build = services.build_in(db.session, inquiry, build_id)
    if build is None:
        abort(404)
    if build.status in jobs.ACTIVE:
        _refresh(inquiry)
        db.session.refresh(build)
    urls = _build_urls(inquiry, build)
    return jsonify(
        id=build.id,
        kind=build.kind.value,
        status=build.status.value,
        label=build.status.label,
        description=_describe(build),
        finished=build.status not in jobs.ACTIVE,
        error=build.error if build.status == BuildStatus.FAILED else "",
        pdf_url=urls.get("pdf", ""),
        html_url=urls.get("html", ""),
    )


@bp.route("/inquiries/<int:inquiry_id>/report/builds/<int:build_id>/retry", methods=["POST"])
@requires(policy.can_manage_report)
@build_limit
def retry(inquiry: Inquiry, build_id: int):
    build = services.build_in(db.session, inquiry, build_id)
    if build is None:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        jobs.retry_build(db.session, build, inquiry=inquiry, actor=current_user, now=utcnow())
    except jobs.BuildRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(_index_url(inquiry) + "#builds")
    return _start(inquiry, build, "The build is being tried again.")


# Downloads ---------------------------------------------------------------------------------

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
STORED_NAMES = {
    "pdf": "pdf_name",
    "html": "html_name",
    "csv": "csv_name",
    "json": "json_name",
}


def _stored_head(path: Path) -> str:
    """The start of a stored HTML file, where its head and inline styles are."""
    with path.open("rb") as handle:
        return handle.read(HEAD_LIMIT).decode("utf-8", errors="replace")


def _send(inquiry: Inquiry, build: ReportBuild, file_format: str):
    """The stored file, audited; never rebuilt."""
    name = getattr(build, STORED_NAMES[file_format])
    try:
        path = storage.path_of(name)
    except ValueError:
        abort(404)
    if not path.is_file():
        log.error("the stored %s of report build %s is missing", file_format, build.id)
        abort(404)
    services.record_download(
        db.session, inquiry, build, file_format=file_format, actor=current_user
    )
    db.session.commit()
    what = "recommendations" if file_format == "csv" else "report"
    if build.version is not None:
        stem = f"{inquiry.title} {what} version {build.version}"
    else:
        stem = f"{inquiry.title} draft {what} {build.created_at:%Y-%m-%d} {build.id}"
    response = send_file(
        path,
        mimetype=MEDIA_TYPES[file_format],
        as_attachment=file_format != "html",
        download_name=safe_filename(stem, extension=file_format),
        max_age=0,
        etag=False,
    )
    # As it is, without a second charset added for text types.
    response.headers["Content-Type"] = MEDIA_TYPES[file_format]
    if file_format == "html":
        # Shown in the browser rather than saved.
        response.headers["Content-Disposition"] = (
            f'inline; filename="{safe_filename(stem, extension="html")}"'
        )
        # Its stylesheet is inline: a policy of its own allows that style and nothing
        # else (the security headers keep a policy a view has set).
        policy = content_security_policy(_stored_head(path))
        if policy:
            response.headers["Content-Security-Policy"] = policy
    return response


def _version(inquiry: Inquiry, version: int) -> ReportBuild:
    build = services.published_version(db.session, inquiry, version)
    if build is None:
        abort(404)
    return build


@bp.route("/inquiries/<int:inquiry_id>/report/versions/<int:version>.pdf")
@requires(policy.can_read_published_report)
def version_pdf(inquiry: Inquiry, version: int):
    return _send(inquiry, _version(inquiry, version), "pdf")


@bp.route("/inquiries/<int:inquiry_id>/report/versions/<int:version>.html")
@requires(policy.can_read_published_report)
def version_html(inquiry: Inquiry, version: int):
    return _send(inquiry, _version(inquiry, version), "html")


@bp.route("/inquiries/<int:inquiry_id>/report/versions/<int:version>.csv")
@requires(policy.can_read_published_report)
def version_csv(inquiry: Inquiry, version: int):
    """The recommendations as they were in this version, stored when it was published."""
    return _send(inquiry, _version(inquiry, version), "csv")


@bp.route("/inquiries/<int:inquiry_id>/report/versions/<int:version>.json")
@requires(policy.can_read_published_report)
def version_json(inquiry: Inquiry, version: int):
    """This version's publishable content, stored when it was published."""
    return _send(inquiry, _version(inquiry, version), "json")


def _draft(inquiry: Inquiry, build_id: int) -> ReportBuild:
    build = services.draft_for_reader(db.session, inquiry, build_id, membership=g.membership)
    if build is None:
        abort(404)
    return build


@bp.route("/inquiries/<int:inquiry_id>/report/drafts/<int:build_id>.pdf")
@requires(policy.can_review_report)
def draft_pdf(inquiry: Inquiry, build_id: int):
    return _send(inquiry, _draft(inquiry, build_id), "pdf")


@bp.route("/inquiries/<int:inquiry_id>/report/drafts/<int:build_id>.html")
@requires(policy.can_review_report)
def draft_html(inquiry: Inquiry, build_id: int):
    return _send(inquiry, _draft(inquiry, build_id), "html")


# The members' review ------------------------------------------------------------------------


@bp.route("/inquiries/<int:inquiry_id>/report/review", methods=["GET", "POST"])
@requires(policy.can_review_report)
def review(inquiry: Inquiry):
    report = services.report_of(db.session, inquiry)
    review_open = report is not None and report.review_status == ReviewStatus.OPEN
    researcher = _is_researcher()
    form = CommentForm()
    form.set_sections(REVIEW_SECTIONS)
    if request.method == "POST":
        if not review_open:
            flash("The review of the draft report is closed, so comments cannot be added.", "error")
            return redirect(url_for("reports.review", inquiry_id=inquiry.id))
        if form.validate_on_submit():
            try:
                services.add_comment(
                    db.session,
                    inquiry,
                    author=g.membership,
                    section=form.section.data,
                    body=form.body.data,
                    sections=dict(REVIEW_SECTIONS),
                    now=utcnow(),
                )
            except services.ReportError as error:
                db.session.rollback()
                form.add_form_error(error.message)
            else:
                db.session.commit()
                flash("Thank you: your comment is sent to the researchers.", "success")
                return redirect(url_for("reports.review", inquiry_id=inquiry.id) + "#your-comments")
    draft = services.latest_draft(db.session, inquiry)
    return render_template(
        "reports/review.html",
        inquiry=inquiry,
        form=form,
        report=report,
        review_open=review_open,
        researcher=researcher,
        draft=draft,
        draft_urls=_build_urls(inquiry, draft) if draft and (review_open or researcher) else {},
        sections=REVIEW_SECTIONS,
        comments=services.comments_by_section(
            db.session, inquiry, REVIEW_SECTIONS, author=None if researcher else g.membership
        ),
        action_form=ActionForm(formdata=None),
    )


@bp.route("/inquiries/<int:inquiry_id>/report/review/open", methods=["POST"])
@requires(policy.can_manage_report)
def open_review(inquiry: Inquiry):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.open_review(
            db.session,
            inquiry,
            actor=current_user,
            now=utcnow(),
            link=url_for("reports.review", inquiry_id=inquiry.id),
        )
    except services.ReportError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("The review is open. Participants are told they can read the draft.", "success")
    return redirect(url_for("reports.review", inquiry_id=inquiry.id))


@bp.route("/inquiries/<int:inquiry_id>/report/review/close", methods=["POST"])
@requires(policy.can_manage_report)
def close_review(inquiry: Inquiry):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.close_review(db.session, inquiry, actor=current_user, now=utcnow())
    except services.ReportError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("The review is closed. Participants can no longer comment.", "success")
    return redirect(url_for("reports.review", inquiry_id=inquiry.id))


@bp.app_template_global("latest_published_report")
def latest_published_report(inquiry: Inquiry) -> ReportBuild | None:
    """For the overview page: the newest published version, for every member."""
    if not policy.can_read_published_report(current_user, inquiry):
        return None
    return services.latest_published_version(db.session, inquiry)
