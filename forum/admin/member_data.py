"""Organisers acting on a member's request about their data: downloading it for them (a
subject access request) and erasing their account. Routes of the admin blueprint (so the
organisers-only check runs first); both are audited by the service."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from forum.admin.views import _member, bp
from forum.errors import InvalidInput
from forum.forms import BaseForm, show_error
from forum.members import account_data
from forum.members.data_views import send_archive
from forum.members.forms import EraseMemberForm


@bp.post("/members/<int:user_id>/export")
def export_member(user_id: int):
    member = _member(user_id)
    form = BaseForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin.member", user_id=member.id), 303)
    try:
        archive = account_data.export_archive(current_user, member)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("admin.member", user_id=member.id), 303)
    return send_archive(archive, f"member-{member.id}-data")


@bp.route("/members/<int:user_id>/erase", methods=["GET", "POST"])
def erase_member(user_id: int):
    member = _member(user_id)
    form = EraseMemberForm()
    if form.validate_on_submit():
        try:
            account_data.erase_member_on_request(current_user, member, reason=form.reason.data,
                                                 remove_content=form.remove_posts.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(f"Member {member.id}’s account has been deleted and their data erased.",
                  "success")
            return redirect(url_for("admin.members"), 303)
    return render_template("admin/erase_member.html", member=member, form=form), \
        400 if form.errors else 200
