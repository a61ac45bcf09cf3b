"""The newsletter's public pages: sign-up, confirmation, unsubscribing, the archive, and a
member's one-click choice. The organiser's pages are in manage_views."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forum.errors import InvalidInput
from forum.extensions import csrf
from forum.forms import show_error
from forum.newsletter import consent, issues, queries, subscribers
from forum.newsletter.forms import SignupForm
from forum.ratelimits import allow

bp = Blueprint("newsletter", __name__, url_prefix="/newsletter")


@bp.route("", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        if not allow("newsletter_signup", request.remote_addr or "-"):
            form.email.errors = [*form.email.errors, "Too many sign-ups from here. Wait a minute."]
        else:
            try:
                subscribers.sign_up(email=form.email.data, name=form.name.data or "",
                                    profession=form.profession.data or "",
                                    organisation=form.organisation.data or "",
                                    source="home" if request.form.get("from") == "home" else "form",
                                    agreed=form.agree.data)
            except InvalidInput as error:
                show_error(form, error)
            else:
                return redirect(url_for("newsletter.check_email"), 303)
    return render_template("newsletter/signup.html", form=form, wording=consent.current_text(),
                           archive=queries.archive()), 400 if form.errors else 200


@bp.get("/check-email")
def check_email():
    return render_template("newsletter/check_email.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET asks (mail scanners follow links: a GET must not subscribe anyone); POST confirms."""
    subscriber = subscribers.subscriber_for_confirmation(token)
    if subscriber is None:
        return render_template("newsletter/confirm.html", invalid=True), 404
    if request.method == "POST":
        subscribers.confirm(subscriber)
        return render_template("newsletter/confirm.html", done=True)
    return render_template("newsletter/confirm.html", token=token, email=subscriber.email)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail systems POST here with no cookies; the signed token is the key
def unsubscribe(token: str):
    """As forum.notify's: GET shows a confirm page, POST unsubscribes at once."""
    subscriber = subscribers.read_unsubscribe_token(token)
    if subscriber is None:
        return render_template("newsletter/unsubscribe.html", invalid=True), 404
    if request.method == "POST":
        subscribers.unsubscribe(subscriber, source="one-click" if request.form.get(
            "List-Unsubscribe") == "One-Click" else "link")
        return render_template("newsletter/unsubscribe.html", done=True)
    return render_template("newsletter/unsubscribe.html", token=token)


@bp.get("/<int:number>")
def archived(number: int):
    issue = queries.archived(number)
    if issue is None:
        abort(404)
    return render_template("newsletter/archived.html", issue=issue, groups=issues.grouped(issue),
                           sign_in_text=queries.SIGN_IN)


@bp.post("/settings")
@login_required
def member_choice() -> Response:
    on = request.form.get("subscribe") == "1"
    subscribers.set_member_subscription(current_user, on=on)
    flash("You will get the newsletter." if on else "You will not get the newsletter any more.",
          "success")
    return redirect(url_for("members.edit_account") + "#newsletter", 303)


@bp.app_context_processor
def _newsletter_helpers() -> dict:
    def newsletter_subscribed() -> bool:
        return current_user.is_authenticated and subscribers.is_member_subscribed(current_user)
    return {"newsletter_subscribed": newsletter_subscribed,
            "newsletter_wording": consent.current_text}


from forum.newsletter import manage_views  # noqa: E402, F401  (its routes)
