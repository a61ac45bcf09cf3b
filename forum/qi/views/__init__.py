"""The QI blueprint, at /qi. Each part of a write-up has its own module of routes."""

from flask import Blueprint

bp = Blueprint("qi", __name__, url_prefix="/qi")

# Imported for their routes; each module adds its views to bp.
from forum.qi.views import attachments, measures, replication, writeups  # noqa: E402, F401
