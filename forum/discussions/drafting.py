"""How the reply and new-discussion forms answer "Save draft" and "Discard draft".

Without JavaScript the button re-shows the page with the text kept and "Draft saved at
10:42am"; static/js/drafts.js posts the same form every few seconds asking for JSON, and
shows the same message in the form's polite live region.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, jsonify, redirect, request
from flask_login import current_user

from forum.db import utcnow
from forum.discussions import services
from forum.discussions.models import Draft, Post, Thread
from forum.errors import InvalidInput, PermissionDenied
from forum.forms import BaseForm, show_error
from forum.templating import LONDON


def pressed() -> bool:
    return "save_draft" in request.form or "discard_draft" in request.form


def saved_message(draft: Draft) -> str:
    when = draft.updated_at.astimezone(LONDON)
    hour = when.strftime("%I").lstrip("0")
    return f"Draft saved at {hour}:{when:%M}{when.strftime('%p').lower()}."


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def answer(form: BaseForm, *, thread: Thread | None, back: str, page: Callable[..., Any],
           reply_to: Post | None = None):
    """Save or discard the member's draft, then answer the button (or the autosave)."""
    asked_at = utcnow()
    title = form.title.data if "title" in form else ""
    try:
        if "discard_draft" in request.form:
            services.discard_draft(current_user, thread)
            draft = None
        else:
            draft = services.save_draft(current_user, thread=thread, title=title or "",
                                        body=form.body.data or "", reply_to=reply_to,
                                        asked_at=asked_at)
    except (PermissionDenied, InvalidInput) as error:
        status = 403 if isinstance(error, PermissionDenied) else 422
        if _wants_json():
            return jsonify(saved=False, message=error.message), status
        if isinstance(error, PermissionDenied):
            raise
        show_error(form, error)
        return page()
    if draft is None and "discard_draft" not in request.form:
        message = "Nothing to keep: your draft is empty or already posted."
    else:
        message = saved_message(draft) if draft else "Your draft was discarded."
    if _wants_json():
        return jsonify(saved=draft is not None, message=message)
    if draft is None:
        flash(message, "success")
        return redirect(back, 303)
    form.draft = draft
    return page(draft_status=message)
