"""Routes for write-ups: the list, a write-up's page, creating, editing and publishing."""

from flask import render_template

from forum.qi.views import bp


@bp.get("/")
def index():
    return render_template("qi/index.html")
