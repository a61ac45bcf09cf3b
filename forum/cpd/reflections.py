"""Reflective accounts (the NMC form's four questions): saved as drafts, private to the writer.

The patient-data guard runs in the view before saving (reflections must identify no patient
or colleague); a reflection is never held for moderators because no one else ever reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from forum.cpd.models import CODE_LABELS, Reflection
from forum.db import utcnow
from forum.errors import InvalidInput, NotFound
from forum.extensions import db
from forum.members.models import User

ANSWER_MAX = 5000
QUESTIONS = {
    "nature": "What was the nature of the CPD activity or practice-related feedback or event or "
              "experience in your practice?",
    "learned": "What did you learn from the CPD activity or feedback or event or experience in "
               "your practice?",
    "changed": "How did you change or improve your practice as a result?",
    "code_relevance": "How is this relevant to the Code?",
}


@dataclass(slots=True)
class ReflectionInput:
    entry_id: int | None
    nature: str
    learned: str
    changed: str
    code_theme: str
    code_relevance: str
    is_draft: bool


def _check(actor: User, data: ReflectionInput) -> None:
    for name in ("nature", "learned", "changed", "code_relevance"):
        text = getattr(data, name)
        if len(text) > ANSWER_MAX:
            raise InvalidInput(f"This answer must be {ANSWER_MAX} characters or fewer", field=name)
        if not data.is_draft and not text.strip():
            raise InvalidInput("Answer this question, or save the reflection as a draft", field=name)
    if data.code_theme and data.code_theme not in CODE_LABELS:
        raise InvalidInput("Choose a theme of the Code", field="code_theme")
    if not data.is_draft and not data.code_theme:
        raise InvalidInput("Choose a theme of the Code, or save the reflection as a draft",
                           field="code_theme")
    if data.entry_id is not None:
        from forum.cpd.queries import entry

        if entry(actor, data.entry_id) is None:
            raise InvalidInput("Choose one of your CPD entries", field="entry_id")


def save_reflection(actor: User, data: ReflectionInput, reflection: Reflection | None = None) -> Reflection:
    """Create or update a reflection; a draft may have empty answers, a finished one may not."""
    if reflection is not None and reflection.user_id != actor.id:
        raise NotFound("No such reflection")
    _check(actor, data)
    if reflection is None:
        reflection = Reflection(user_id=actor.id)
        db.session.add(reflection)
    reflection.entry_id = data.entry_id
    for name in ("nature", "learned", "changed", "code_relevance"):
        setattr(reflection, name, getattr(data, name).strip())
    reflection.code_theme, reflection.is_draft = data.code_theme, data.is_draft
    reflection.updated_at = utcnow()
    db.session.commit()
    return reflection


def delete_reflection(actor: User, reflection: Reflection) -> None:
    if reflection.user_id != actor.id:
        raise NotFound("No such reflection")
    db.session.delete(reflection)
    db.session.commit()
