"""Composing an issue (subject, Markdown introduction, items picked from the platform), the
email it becomes (HTML and plain text, the same for the preview, the test and the real
thing), and starting, scheduling or stopping the send.

The email carries no tracking pixel and no rewritten links: NHS mail readers distrust both,
and we do not want to know who opened what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import current_app, render_template
from sqlalchemy import func, select

from forum import markup, outbox
from forum.admin import policy
from forum.db import utcnow
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User
from forum.newsletter import queries
from forum.newsletter.models import Issue, IssueItem, IssueStatus
from forum.notify.emails import absolute, site

SUBJECT_MAX = 150
TOPIC = "newsletter"
EDITABLE = (IssueStatus.DRAFT, IssueStatus.SCHEDULED)


def _check_editable(issue: Issue) -> None:
    if issue.status not in EDITABLE:
        raise InvalidInput("This issue has been sent and can no longer be changed.")


def save_issue(actor: User, issue: Issue | None, *, subject: str, intro: str,
               refs: list[str]) -> Issue:
    """Make or change a draft. `refs` are candidates' refs ("thread:12"), in the order
    wanted; each is copied from what the organiser can see now."""
    policy.require_organiser(actor)
    subject = " ".join(subject.split())
    if not subject:
        raise InvalidInput("Enter a subject", field="subject")
    if len(subject) > SUBJECT_MAX:
        raise InvalidInput(f"Subject must be {SUBJECT_MAX} characters or fewer", field="subject")
    if problem := markup.problem(intro):
        raise InvalidInput(problem, field="intro")
    if issue is None:
        issue = Issue(subject=subject, created_by_id=actor.id, status=IssueStatus.DRAFT)
        db.session.add(issue)
    _check_editable(issue)
    issue.subject, issue.intro_source = subject, intro
    issue.intro_html = markup.render(intro, first_heading=2) if intro.strip() else ""
    issue.updated_at = utcnow()
    available = {c.ref: c for group in queries.candidates(actor).values() for c in group}
    kept = {f"{i.kind}:{i.target_id}": i for i in issue.items}
    items: list[IssueItem] = []
    for ref in dict.fromkeys(refs):  # once each, in order
        found = kept.get(ref) or (available.get(ref) and IssueItem(
            kind=available[ref].kind, target_id=available[ref].target_id,
            title=available[ref].title[:200], text=available[ref].text[:300],
            path=available[ref].path, members_only=available[ref].members_only))
        if not found:
            raise InvalidInput("Something you picked is no longer available. Pick again.",
                               field="items")
        found.position = len(items)
        items.append(found)
    issue.items = items
    db.session.commit()
    return issue


# --- the email -----------------------------------------------------------------------------

@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def list_id() -> str:
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    return f"{site()} newsletter <newsletter.{domain}>"


def sender() -> str:
    return current_app.config.get("NEWSLETTER_FROM") or current_app.config["MAIL_FROM"]


def grouped(issue: Issue) -> list[tuple[str, list[IssueItem]]]:
    """The issue's items under their headings, in the order first picked."""
    groups: dict[str, list[IssueItem]] = {}
    for item in issue.items:
        groups.setdefault(item.kind, []).append(item)
    return [(queries.KIND_HEADINGS.get(k, k), v) for k, v in groups.items()]


def render_issue(issue: Issue, *, unsubscribe: str | None) -> Rendered:
    """The issue as one recipient gets it; `unsubscribe` is their link (a placeholder in a
    preview or a test)."""
    context = dict(issue=issue, groups=grouped(issue),
                   site=site(), unsubscribe_url=unsubscribe, absolute=absolute,
                   archive_url=absolute(f"/newsletter/{issue.number}") if issue.number else None,
                   signup_url=absolute("/newsletter"), sign_in_url=absolute("/login"),
                   settings_url=absolute("/account"), sign_in_text=queries.SIGN_IN)
    headers = {"List-Id": list_id(), "Precedence": "bulk"}
    if unsubscribe:
        headers |= {"List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return Rendered(subject=issue.subject,
                    text=render_template("newsletter/email/issue.txt", **context),
                    html=render_template("newsletter/email/issue.html", **context),
                    headers=headers)


PREVIEW_UNSUBSCRIBE = "/newsletter/unsubscribe/preview"


def preview(issue: Issue) -> Rendered:
    """The email as a recipient gets it, with a placeholder unsubscribe link that unsubscribes
    nobody (the organiser's own would take them off the list)."""
    return render_issue(issue, unsubscribe=absolute(PREVIEW_UNSUBSCRIBE))


def send_test(actor: User, issue: Issue) -> str:
    """Email the issue to the organiser themselves, now, through the outbox."""
    policy.require_organiser(actor)
    email = preview(issue)
    outbox.enqueue("email", {"to": actor.email, "subject": f"[Test] {email.subject}",
                             "text": email.text, "html": email.html, "headers": email.headers})
    db.session.commit()
    return actor.email


# --- sending -------------------------------------------------------------------------------

def _check_sendable(issue: Issue) -> None:
    _check_editable(issue)
    if not issue.items and not issue.intro_source.strip():
        raise InvalidInput("Write an introduction or pick something to include first.")


def send_now(actor: User, issue: Issue) -> Issue:
    """Start sending: the recipients are fixed by the sender's first batch."""
    policy.require_organiser(actor)
    _check_sendable(issue)
    issue.status, issue.scheduled_at = IssueStatus.SCHEDULED, utcnow()
    outbox.enqueue(TOPIC, {"issue_id": issue.id})
    db.session.commit()
    return issue


def schedule(actor: User, issue: Issue, when: datetime) -> Issue:
    policy.require_organiser(actor)
    _check_sendable(issue)
    if when <= utcnow():
        raise InvalidInput("Choose a time in the future", field="send_at")
    issue.status, issue.scheduled_at = IssueStatus.SCHEDULED, when
    message = outbox.enqueue(TOPIC, {"issue_id": issue.id})
    message.next_attempt_at = when
    db.session.commit()
    return issue


def unschedule(actor: User, issue: Issue) -> Issue:
    """Back to a draft; the waiting outbox row finds it a draft and does nothing."""
    policy.require_organiser(actor)
    if issue.status != IssueStatus.SCHEDULED:
        raise InvalidInput("Only a scheduled issue can be stopped before it starts.")
    issue.status, issue.scheduled_at = IssueStatus.DRAFT, None
    db.session.commit()
    return issue


def delete_draft(actor: User, issue: Issue) -> None:
    policy.require_organiser(actor)
    if issue.status != IssueStatus.DRAFT:
        raise InvalidInput("Only a draft can be deleted.")
    db.session.delete(issue)
    db.session.commit()


def next_number() -> int:
    return (db.session.scalar(select(func.max(Issue.number))) or 0) + 1
