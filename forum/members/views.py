"""Member profiles and the approval list."""

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")


@bp.get("/<int:user_id>")
def profile(user_id: int):
    return "profile"


@bp.get("/approvals")
def approvals():
    return "approvals"
