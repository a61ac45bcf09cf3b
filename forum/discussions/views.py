"""Boards, threads and posts."""

from flask import Blueprint

bp = Blueprint("discussions", __name__)


@bp.get("/discussions")
def list_threads():
    return "threads"
