"""Routes for moderating QI write-ups: hide, restore, report, and answering reports in the
queue. The same forms and pages as for posts."""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forum.moderation import policy as moderation_policy
from forum.moderation.forms import ReasonForm, ReportForm
from forum.moderation.views import _form_page, _one_click
from forum.qi import moderation
from forum.qi.views import bp
from forum.qi.views.writeups import load_writeup

OUTCOME_MESSAGES = {"dismiss": "Reports dismissed: the write-up stays.",
                    "hide": "The write-up is hidden."}


def _page(writeup_id: int) -> str:
    return url_for("qi.show_writeup", writeup_id=writeup_id)


@bp.route("/<int:writeup_id>/hide", methods=["GET", "POST"])
@login_required
def hide_writeup(writeup_id: int):
    moderation_policy.require_moderator(current_user)
    writeup = load_writeup(writeup_id)
    return _form_page(
        ReasonForm(), lambda f: moderation.hide_writeup(current_user, writeup, reason=f.reason.data),
        success="The write-up is hidden. Its team has been told why.", done=_page(writeup.id),
        page={"title": f"Hide the QI write-up “{writeup.title}”", "submit": "Hide write-up",
              "intro": "It leaves the list of projects and search. Only moderators and its team "
                       "will see it; the team is told the reason you give."})


@bp.post("/<int:writeup_id>/restore")
@login_required
def restore_writeup(writeup_id: int) -> Response:
    moderation_policy.require_moderator(current_user)
    writeup = load_writeup(writeup_id)
    return _one_click(lambda: moderation.restore_writeup(current_user, writeup),
                      success="The write-up is visible again.", done=_page(writeup.id))


@bp.route("/<int:writeup_id>/report", methods=["GET", "POST"])
@login_required
def report_writeup(writeup_id: int):
    writeup = load_writeup(writeup_id)
    moderation_policy.require(moderation.can_report(current_user, writeup,
                                                    {m.user_id for m in writeup.team}),
                              "You cannot report this write-up.")
    form = ReportForm()
    form.reason.label.text = "Why are you reporting this write-up?"
    return _form_page(
        form, lambda f: moderation.report_writeup(current_user, writeup, reason=f.reason.data,
                                                  detail=f.detail.data),
        success="Thank you. A moderator will look at the write-up and we will tell you what "
                "they decide.",
        done=_page(writeup.id), template="qi/report.html", page={"writeup": writeup})


@bp.post("/<int:writeup_id>/reports/resolve")
@login_required
def resolve_writeup_reports(writeup_id: int) -> Response:
    moderation_policy.require_moderator(current_user)
    writeup = load_writeup(writeup_id)
    outcome = request.form.get("outcome", "")
    return _one_click(
        lambda: moderation.resolve_writeup_reports(current_user, writeup, outcome=outcome,
                                                   note=request.form.get("note", "")),
        success=OUTCOME_MESSAGES.get(outcome, "Done.") + " The people who reported it have been told.",
        done=url_for("moderation.queue"))
