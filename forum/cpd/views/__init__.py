"""The CPD blueprint: "My CPD" at /cpd (the member's alone) and /certificates/<code> (anyone).

Every /cpd page answers 404 for a record that is not the viewer's own, whoever they are:
moderators, organisers and admins included.
"""

from flask import Blueprint

bp = Blueprint("cpd", __name__)

# Imported for their routes; each module adds its views to bp.
from forum.cpd.views import certificates, hcpc, record, reflections  # noqa: E402, F401
