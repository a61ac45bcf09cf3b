"""Per-member rate limits refused beside a form's field (the text kept), not on a 429 page.

Flask-Limiter's decorators (forum/auth/views.py) answer 429 and lose what was typed; a
member previewing or posting too fast is told so on the form instead. Same storage
(FORUM_REDIS_URL, shared by every worker), same limit syntax.
"""

from __future__ import annotations

from flask import current_app
from limits import parse_many

from forum.extensions import limiter


def allow(scope: str, who: str) -> bool:
    """Count one `scope` action (e.g. "preview") by `who`; False once a limit in the
    config's `<SCOPE>_RATE_LIMIT` ("20 per minute;200 per hour") is spent."""
    if not limiter.enabled:
        return True
    spec = current_app.config[f"{scope.upper()}_RATE_LIMIT"]
    return all(limiter.limiter.hit(item, "member-" + scope, who) for item in parse_many(spec))
