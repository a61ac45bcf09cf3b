"""Your own data: "Download my data" (/account/export) and "Delete my account"
(/account/delete). Routes of the members blueprint, kept apart from the profile pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required, logout_user

from forum.auth.views import rate_limited
from forum.db import utcnow
from forum.errors import InvalidInput
from forum.forms import BaseForm, show_error
from forum.members import account_data
from forum.members.forms import DeleteAccountForm
from forum.members.views import bp


def send_archive(archive, stem: str):
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=f"{stem}-{utcnow():%Y-%m-%d}.zip", max_age=0)


@bp.get("/account/export")
@login_required
def export_page():
    return render_template("members/export.html", form=BaseForm())


@bp.post("/account/export")
@login_required
def export_data():
    form = BaseForm()
    if not form.validate_on_submit():
        return render_template("members/export.html", form=form), 400
    return send_archive(account_data.export_archive(current_user, current_user), "my-data")


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@rate_limited  # the password must not be guessable from a signed-in session
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            account_data.delete_own_account(current_user, password=form.password.data,
                                            remove_content=form.remove_posts.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            logout_user()
            flash("Your account has been deleted. Thank you for taking part.", "success")
            return redirect(url_for("community.home"), 303)
    return render_template("members/delete_account.html", form=form), 400 if form.errors else 200
