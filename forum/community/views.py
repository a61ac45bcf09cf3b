"""Home, alliance and profession pages."""

from flask import Blueprint, render_template

bp = Blueprint("community", __name__)


@bp.get("/")
def home():
    return render_template("community/home.html")


@bp.get("/alliances")
def alliances():
    return render_template("community/home.html")


@bp.get("/professions")
def professions():
    return render_template("community/home.html")
