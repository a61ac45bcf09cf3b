"""Joining, confirming an email address, signing in and out, and password resets."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from forum.auth import services
from forum.auth.forms import ConfirmForm, EmailForm, LoginForm, RegisterForm, ResetPasswordForm
from forum.auth.tokens import BadToken
from forum.errors import InvalidInput
from forum.extensions import limiter
from forum.forms import show_error
from forum.members.models import Status, User
from forum.members.queries import alliance_choices, profession_choices
from forum.newsletter import consent
from forum.templating import format_datetime
from forum.urls import safe_next

bp = Blueprint("auth", __name__)


def _auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


rate_limited = limiter.limit(_auth_limit, methods=["POST"])


def _home() -> str:
    return url_for("community.home")


@bp.route("/register", methods=["GET", "POST"])
@rate_limited
def register():
    if current_user.is_authenticated:
        return redirect(_home())
    form = RegisterForm()
    form.profession.set_choices(profession_choices())
    form.alliance.set_choices(alliance_choices())
    if form.validate_on_submit():
        try:
            services.register_member(
                email=form.email.data, display_name=form.display_name.data,
                password=form.password.data, profession_id=form.profession.data,
                alliance_id=form.alliance.data, organisation=form.organisation.data or "",
                accepted_guidelines=form.accept_guidelines.data,
                newsletter_version=(form.newsletter_version.data or consent.CURRENT)
                if form.newsletter.data else None,
            )
        except InvalidInput as error:
            show_error(form, error)
        else:
            return render_template("auth/check_email.html", email=form.email.data,
                                   reason="register")
    form.newsletter_version.data = consent.CURRENT  # the wording shown beside the box now
    return render_template("auth/register.html", form=form)


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("auth/link_problem.html", kind="verify"), 400
        try:
            user = services.verify_email(token)
        except BadToken:
            return render_template("auth/link_problem.html", kind="verify"), 400
        return render_template("auth/verified.html", user=user, active=user.status == Status.ACTIVE)
    try:
        user = services.check_verification_token(token)
    except BadToken:
        return render_template("auth/link_problem.html", kind="verify"), 400
    return render_template("auth/verify.html", form=form, user=user)


@bp.route("/verify/resend", methods=["GET", "POST"])
@rate_limited
def resend_verification():
    form = EmailForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data)
        return render_template("auth/check_email.html", email=form.email.data, reason="resend")
    return render_template("auth/resend.html", form=form)


def _suspension_notice(user: User) -> str | None:
    if not user.is_suspended:
        return None
    until = user.suspended_until
    if until is not None and until <= datetime.now(UTC):
        return None
    when = f"until {format_datetime(until)}" if until else "until a moderator lifts it"
    reason = f" The reason given: {user.suspension_reason.strip()}" if user.suspension_reason.strip() else ""
    return (f"Your account is suspended {when}. Until then you cannot read members-only "
            f"discussions, post or reply.{reason}")


@bp.route("/login", methods=["GET", "POST"])
@rate_limited
def login():
    target = safe_next(request.values.get("next"), _home())
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if request.method == "GET":
        form.next.data = target if target != _home() else ""
    refused = None
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.email.data, form.password.data)
        except services.SignInRefused as error:
            refused = error.reason
            if error.reason == services.SignInRefused.Reason.CREDENTIALS:
                form.email.errors = [*form.email.errors, error.message]
            else:
                form.form_errors.append(error.message)
        else:
            login_user(user, remember=form.remember.data)
            if notice := _suspension_notice(user):
                flash(notice, "warning")
            else:
                flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(target)
    return render_template("auth/login.html", form=form, refused=refused,
                           Reason=services.SignInRefused.Reason)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.sign_out(current_user)
    logout_user()
    flash("You have signed out.", "success")
    return redirect(_home())


@bp.route("/forgot-password", methods=["GET", "POST"])
@rate_limited
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("auth/check_email.html", email=form.email.data, reason="reset")
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.check_reset_token(token)
    except BadToken:
        return render_template("auth/link_problem.html", kind="reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except BadToken:
            return render_template("auth/link_problem.html", kind="reset"), 400
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token)
