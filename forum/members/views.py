"""Member profiles, your own account settings, and the approval list for moderators."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from forum.auth.queries import live_session_count
from forum.auth.services import sign_out_everywhere
from forum.auth.views import rate_limited
from forum.discussions.policy import is_member
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.forms import show_error
from forum.members import queries, services
from forum.members.forms import AccountForm, ChangePasswordForm, RejectForm
from forum.moderation.guard import check_patient_data

bp = Blueprint("members", __name__)


def _recent_posts(member, viewer) -> list:
    from forum.discussions.queries import recent_posts_by_author

    return list(recent_posts_by_author(member, viewer, limit=10))


def _waiting(member) -> int:
    from forum.discussions.queries import waiting_post_count

    return waiting_post_count(member)


def _writeups(member, viewer) -> list:
    from forum.qi.queries import member_writeups

    return member_writeups(viewer, member.id)


@bp.get("/members/<int:user_id>")
@login_required
def profile(user_id: int):
    member = queries.profile_for(user_id, current_user)
    if member.id != current_user.id and not is_member(current_user):
        # Profiles are members-only: a suspended member reads nothing members-only.
        raise PermissionDenied("Your account cannot see members' profiles at the moment.")
    is_self = member.id == current_user.id
    return render_template("members/profile.html", member=member,
                           posts=_recent_posts(member, current_user), is_self=is_self,
                           writeups=_writeups(member, current_user),
                           waiting=_waiting(member) if is_self or current_user.is_moderator else 0)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def edit_account():
    form = AccountForm(obj=current_user)
    if not form.is_submitted():
        form.profession.data = current_user.profession_id
        form.alliance.data = current_user.alliance_id
    form.profession.set_choices(queries.profession_choices(keep=current_user.profession_id))
    form.alliance.set_choices(queries.alliance_choices(keep=current_user.alliance_id))
    pid = None
    if form.validate_on_submit() and not (pid := check_patient_data(bio=form.bio.data)).blocked:
        try:
            services.update_profile(
                current_user, current_user, display_name=form.display_name.data,
                profession_id=form.profession.data, alliance_id=form.alliance.data,
                organisation=form.organisation.data or "", bio=form.bio.data or "",
                notify_replies=form.notify_replies.data,
                confirmed_finding=pid.summary if pid.hold else None,
            )
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("Your profile has been updated.", "success")
            return redirect(url_for("members.profile", user_id=current_user.id))
    return render_template("members/edit_account.html", form=form, pid=pid,
                           devices=live_session_count(current_user))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@rate_limited  # the current password must not be guessable from a signed-in session
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current_password=form.current_password.data,
                                     new_password=form.password.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            # Every other browser is now signed out; this one has a new session and stays
            # signed in, remembered if it was.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash("Your password has been changed. Any other browser signed in to your account "
                  "has been signed out.", "success")
            return redirect(url_for("members.edit_account"))
    return render_template("members/change_password.html", form=form)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_every_device():
    """Like Discourse's "Log out all": every session ends, this browser's too."""
    sign_out_everywhere(current_user)
    logout_user()
    flash("You have been signed out of every device, including this one. Sign in again to "
          "carry on.", "success")
    return redirect(url_for("auth.login"))


def _require_reviewer() -> None:
    if not services.can_review_applicants(current_user):
        raise PermissionDenied("Only moderators can see the approval list.")


@bp.get("/members/approvals")
@login_required
def approvals():
    _require_reviewer()
    return render_template("members/approvals.html", applicants=queries.pending_approvals(),
                           reject_form=RejectForm())


def _applicant(user_id: int):
    member = queries.member_by_id(user_id)
    if member is None:
        raise NotFound("No such member")
    return member


@bp.post("/members/approvals/<int:user_id>/approve")
@login_required
def approve_member(user_id: int):
    _require_reviewer()
    member = _applicant(user_id)
    try:
        services.approve_member(current_user, member)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(f"{member.display_name} has been approved and told by email.", "success")
    return redirect(url_for("members.approvals"))


@bp.post("/members/approvals/<int:user_id>/reject")
@login_required
def reject_member(user_id: int):
    _require_reviewer()
    member = _applicant(user_id)
    form = RejectForm()
    if not form.validate():
        flash(form.reason.errors[0] if form.reason.errors else "Check the note and try again.", "error")
        return redirect(url_for("members.approvals"))
    try:
        services.reject_member(current_user, member, reason=form.reason.data or "")
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(f"{member.display_name}'s request to join has been turned down and they have been told "
              f"by email.", "success")
    return redirect(url_for("members.approvals"))


from forum.members import data_views  # noqa: E402, F401  (its routes join this blueprint)
