"""Every page type the browser checks look at: who views it, and how to reach it.

An entry whose endpoint does not exist yet (a later issue's page) is skipped with a reason;
each new feature adds its pages here and they are checked from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass(frozen=True)
class PageType:
    name: str
    role: str  # "visitor" or a member of the sample: "author", "reader", "moderator", "organiser"
    endpoint: str | None  # None: `path` is used as it is
    args: Callable[[Any], dict] = field(default=lambda s: {})
    query: str = ""
    path: str = ""
    status: int = 200
    # A state reached by sending the page's form: fill these labels, then press `press`.
    fill: dict[str, str] = field(default_factory=dict)
    press: str = ""

    def url(self, server, sample) -> str:
        if self.endpoint is None:
            return self.path
        if not server.has_endpoint(self.endpoint):
            pytest.skip(f"{self.endpoint} does not exist yet")
        return server.url_for(self.endpoint, **self.args(sample)) + self.query

    def open(self, page, server, sample):
        """Go to the page (and send its form, for a state after sending); the response."""
        response = page.goto(self.url(server, sample))
        if self.press:
            form = page.locator("main form").filter(
                has=page.get_by_role("button", name=self.press, exact=True)).first
            for label, text in self.fill.items():
                form.get_by_label(label, exact=True).fill(text)
            with page.expect_navigation() as navigation:
                form.get_by_role("button", name=self.press, exact=True).click()
            response = navigation.value
        return response


PREVIEW = """A **preview** with a list:

1. measure both arms
2. book the fitting

![A run chart](https://example.org/chart.png)
"""

PAGE_TYPES = [
    PageType("home", "visitor", "community.home"),
    PageType("home-signed-in", "reader", "community.home"),
    PageType("discussions", "reader", "discussions.list_threads"),
    PageType("discussions-narrowed", "reader", "discussions.list_threads",
             query="?alliance=north-central-london&profession=general-practice-nurse"),
    PageType("board", "reader", "discussions.show_board", lambda s: {"slug": s.board_slug}),
    # A board anyone can read: links its Atom feed (head and page).
    PageType("board-public", "visitor", "discussions.show_board",
             lambda s: {"slug": "introductions"}),
    PageType("thread", "reader", "discussions.show_thread", lambda s: {"thread_id": s.thread_id}),
    PageType("thread-flat", "reader", "discussions.show_thread",
             lambda s: {"thread_id": s.thread_id}, query="?view=flat"),
    PageType("thread-visitor", "visitor", "discussions.show_thread",
             lambda s: {"thread_id": s.thread_id}),
    PageType("thread-page-2", "reader", "discussions.show_thread",
             lambda s: {"thread_id": s.long_thread_id}, query="?page=2"),
    PageType("thread-flat-page-2", "reader", "discussions.show_thread",
             lambda s: {"thread_id": s.long_thread_id}, query="?view=flat&page=2"),
    PageType("thread-branch", "reader", "discussions.show_branch",
             lambda s: {"thread_id": s.long_thread_id, "post_id": s.branch_id}),
    PageType("new-thread", "author", "discussions.new_thread"),
    PageType("reply-to-post", "reader", "discussions.reply_to_post",
             lambda s: {"post_id": s.reply_ids[1]}),
    PageType("reply-preview", "reader", "discussions.reply_to_post",
             lambda s: {"post_id": s.reply_ids[1]}, fill={"Reply to Aisha Khan": PREVIEW},
             press="Preview"),
    PageType("reply-draft-saved", "reader", "discussions.show_thread",
             lambda s: {"thread_id": s.thread_id}, fill={"Your reply": "Half a thought"},
             press="Save draft"),
    PageType("edit-post", "author", "discussions.edit_post", lambda s: {"post_id": s.opening_id}),
    PageType("edit-preview", "author", "discussions.edit_post",
             lambda s: {"post_id": s.reply_ids[1]}, fill={"Your message": PREVIEW},
             press="Preview"),
    PageType("delete-post", "author", "discussions.delete_post",
             lambda s: {"post_id": s.reply_ids[1]}),
    PageType("post-history", "author", "discussions.post_history",
             lambda s: {"post_id": s.opening_id}),
    PageType("profile", "reader", "members.profile", lambda s: {"user_id": s.author["id"]}),
    PageType("account", "author", "members.edit_account"),
    PageType("change-password", "author", "members.change_password"),
    PageType("notifications", "author", "notify.notifications"),
    PageType("account-export", "author", "members.export_page"),
    PageType("account-delete", "author", "members.delete_account"),
    PageType("account-delete-errors", "author", "members.delete_account", status=400,
             press="Delete my account"),
    PageType("following", "reader", "notify.following"),
    PageType("following-errors", "reader", "notify.following", status=400, press="Follow"),
    PageType("email-preferences", "reader", "notify.edit_preferences"),
    PageType("alliances", "visitor", "community.alliances"),
    PageType("alliance", "reader", "community.show_alliance", lambda s: {"slug": s.alliance_slug}),
    PageType("professions", "visitor", "community.professions"),
    PageType("profession", "reader", "community.show_profession",
             lambda s: {"slug": s.profession_slug}),
    PageType("login", "visitor", "auth.login"),
    PageType("register", "visitor", "auth.register"),
    PageType("forgot-password", "visitor", "auth.forgot_password"),
    PageType("resend-verification", "visitor", "auth.resend_verification"),
    PageType("bad-link", "visitor", "auth.verify_email", lambda s: {"token": "not-a-token"},
             status=400),
    PageType("approvals", "moderator", "members.approvals"),
    PageType("search", "reader", "search.search", query="?q=lymphoedema+clinic"),
    PageType("search-empty", "reader", "search.search", query="?q=zzzznothingmatches"),
    # What was searched, the filters applied, and the profession filter the words name.
    PageType("search-empty-explained", "reader", "search.search",
             query="?q=the+district+nurse+garments&board=shadowing&kind=reply"),
    # Six visible posts say "referral": three shown, and "Show all 6 matching posts".
    PageType("search-show-all", "reader", "search.search", query="?q=referral"),
    PageType("search-one-discussion", "reader", "search.search",
             lambda s: {"q": "referral", "thread": s.thread_id}),
    # Found through its profession tag alone: the discussion, without posts.
    PageType("search-tags", "reader", "search.search", query="?q=physiotherapist"),
    PageType("thread-moderator", "moderator", "discussions.show_thread",
             lambda s: {"thread_id": s.thread_id}),
    PageType("report-post", "reader", "moderation.report_post",
             lambda s: {"post_id": s.reply_ids[1]}),
    PageType("moderation-queue", "moderator", "moderation.queue"),
    PageType("moderation-log", "moderator", "moderation.audit_log"),
    PageType("moderation-member", "moderator", "moderation.member",
             lambda s: {"user_id": s.reader["id"]}),
    PageType("lock-thread", "moderator", "moderation.lock_thread",
             lambda s: {"thread_id": s.thread_id}),
    PageType("move-thread", "moderator", "moderation.move_thread",
             lambda s: {"thread_id": s.thread_id}),
    PageType("merge-thread", "moderator", "moderation.merge_thread",
             lambda s: {"thread_id": s.thread_id}),
    PageType("hide-post", "moderator", "moderation.hide_post",
             lambda s: {"post_id": s.reply_ids[0]}),
    PageType("thread-held-author", "author", "discussions.show_thread",
             lambda s: {"thread_id": s.held_thread_id}),
    PageType("search-held-author", "author", "search.search", query="?q=zinc+paste"),
    PageType("profile-self-held", "author", "members.profile",
             lambda s: {"user_id": s.author["id"]}),
    PageType("privacy", "visitor", "pages.show_page", lambda s: {"slug": "privacy"}),
    PageType("accessibility", "visitor", "pages.show_page", lambda s: {"slug": "accessibility"}),
    PageType("community-guidelines", "visitor", "pages.show_page",
             lambda s: {"slug": "community-guidelines"}),
    PageType("contact", "reader", "pages.show_page", lambda s: {"slug": "contact"}),
    PageType("admin-home", "organiser", "admin.index"),
    PageType("admin-boards", "organiser", "admin.list_items", lambda s: {"kind": "boards"}),
    PageType("admin-professions", "organiser", "admin.list_items",
             lambda s: {"kind": "professions"}),
    PageType("admin-add-board", "organiser", "admin.add_item", lambda s: {"kind": "boards"}),
    PageType("admin-add-profession", "organiser", "admin.add_item",
             lambda s: {"kind": "professions"}),
    PageType("admin-members", "organiser", "admin.members"),
    PageType("admin-members-found", "organiser", "admin.members", query="?q=ben"),
    PageType("admin-member-role", "organiser", "admin.member", lambda s: {"user_id": s.reader["id"]}),
    PageType("admin-erase-member", "organiser", "admin.erase_member",
             lambda s: {"user_id": s.reader["id"]}),
    PageType("admin-erase-member-errors", "organiser", "admin.erase_member",
             lambda s: {"user_id": s.reader["id"]}, status=400, press="Delete this account"),
    PageType("admin-pages", "organiser", "admin.list_pages"),
    PageType("admin-edit-page", "organiser", "admin.edit_page", lambda s: {"slug": "privacy"}),
    PageType("admin-page-history", "organiser", "admin.page_history",
             lambda s: {"slug": "contact"}),
    PageType("admin-log", "organiser", "admin.log"),
    PageType("admin-refused", "moderator", "admin.index", status=403),
    PageType("events", "visitor", "events.index"),
    PageType("events-signed-in", "reader", "events.index"),
    PageType("events-past", "reader", "events.index", query="?when=past"),
    PageType("event-visitor-guest-form", "visitor", "events.show_event",
             lambda s: {"event_id": s.event_id}),
    PageType("event-with-a-place", "reader", "events.show_event", lambda s: {"event_id": s.event_id}),
    PageType("event-waiting", "reader", "events.show_event", lambda s: {"event_id": s.full_event_id}),
    PageType("event-organiser", "organiser", "events.show_event",
             lambda s: {"event_id": s.full_event_id}),
    PageType("event-guest-errors", "visitor", "events.show_event",
             lambda s: {"event_id": s.event_id}, fill={"Full name": "Gita"},
             press="Sign up as a guest", status=400),
    PageType("event-new", "organiser", "events.new_event"),
    PageType("event-new-errors", "organiser", "events.new_event", fill={"Title": "A title"},
             press="Save as a draft"),
    PageType("event-new-ambiguous-time", "organiser", "events.new_event",
             fill={"Title": "Late", "Start date": "2030-10-27", "Start time": "01:30",
                   "End date": "2030-10-27", "End time": "03:00", "Number of places": "5"},
             press="Save as a draft"),
    PageType("event-edit", "organiser", "events.edit_event", lambda s: {"event_id": s.event_id}),
    PageType("event-cancel", "organiser", "events.cancel_event", lambda s: {"event_id": s.event_id}),
    PageType("event-mine", "organiser", "events.my_events"),
    PageType("event-people", "organiser", "events.people", lambda s: {"event_id": s.event_id}),
    PageType("event-organisers", "organiser", "events.organisers"),
    PageType("events-report", "organiser", "events.report", query="?year=2023"),
    PageType("events-report-empty", "organiser", "events.report", query="?year=2019"),
    PageType("event-guest-confirm", "visitor", "events.verify_guest",
             lambda s: {"token": s.guest_tokens["confirm"]}),
    PageType("event-guest-cancel", "visitor", "events.cancel_guest",
             lambda s: {"token": s.guest_tokens["cancel"]}),
    PageType("event-guest-bad-link", "visitor", "events.verify_guest", lambda s: {"token": "x"},
             status=400),
    PageType("event-past-attended", "reader", "events.show_event",
             lambda s: {"event_id": s.past_event_id}),
    PageType("event-attendance", "organiser", "events.record_attendance",
             lambda s: {"event_id": s.past_event_id}),
    PageType("event-attendance-walk-in-errors", "organiser", "events.record_attendance",
             lambda s: {"event_id": s.past_event_id}, fill={"Name": "Sam Lee"},
             press="Add to the attendance list", status=400),
    PageType("event-outcomes", "organiser", "events.edit_outcomes",
             lambda s: {"event_id": s.past_event_id}),
    PageType("event-feedback-form", "reader", "events.give_feedback",
             lambda s: {"event_id": s.past_event_id}),
    PageType("event-feedback-errors", "reader", "events.give_feedback",
             lambda s: {"event_id": s.past_event_id}, fill={"What did you learn?": "x"},
             press="Send feedback", status=400),
    PageType("event-feedback-summary", "organiser", "events.feedback_summary",
             lambda s: {"event_id": s.past_event_id}),
    PageType("events-attended", "reader", "events.attended"),
    PageType("cpd-record", "reader", "cpd.index"),
    PageType("cpd-entry-new", "reader", "cpd.new_entry"),
    PageType("cpd-entry-errors", "reader", "cpd.new_entry", fill={"Topic": "Reading"}, press="Save",
             status=422),
    PageType("cpd-entry-edit", "reader", "cpd.edit_entry", lambda s: {"entry_id": s.cpd["entry_id"]}),
    PageType("cpd-reflection-new", "reader", "cpd.new_reflection"),
    PageType("cpd-reflection-edit", "reader", "cpd.edit_reflection",
             lambda s: {"reflection_id": s.cpd["reflection_id"]}),
    PageType("cpd-reflection-guard", "reader", "cpd.new_reflection",
             fill={"How did you change or improve your practice as a result?":
                   "I saw Mrs Jane Smith, NHS number 943 476 5919."}, press="Save as a draft", status=422),
    PageType("cpd-hcpc", "reader", "cpd.hcpc"),
    PageType("cpd-hcpc-statement", "reader", "cpd.statement"),
    PageType("cpd-hcpc-gap", "reader", "cpd.explain_gap", lambda s: {"start": s.cpd["gap_start"]}),
    PageType("cpd-certificate-verify", "visitor", "cpd.verify", lambda s: {"code": s.cpd["code"]}),
    PageType("cpd-certificate-organiser", "organiser", "cpd.verify", lambda s: {"code": s.cpd["code"]}),
    PageType("cpd-certificate-unknown", "visitor", None, path="/certificates/NO-SUCH-CODE", status=404),
    PageType("newsletter-signup", "visitor", "newsletter.signup"),
    PageType("newsletter-signup-errors", "visitor", "newsletter.signup", status=400,
             fill={"Email address": "not an address"}, press="Sign up"),
    PageType("newsletter-signup-member", "reader", "newsletter.signup"),
    PageType("newsletter-check-email", "visitor", "newsletter.check_email"),
    PageType("newsletter-confirm", "visitor", "newsletter.confirm",
             lambda s: {"token": s.newsletter["confirm"]}),
    PageType("newsletter-confirm-bad-link", "visitor", "newsletter.confirm",
             lambda s: {"token": "x"}, status=404),
    PageType("newsletter-unsubscribe", "visitor", "newsletter.unsubscribe",
             lambda s: {"token": s.newsletter["unsubscribe"]}),
    PageType("newsletter-archive", "visitor", "newsletter.archived",
             lambda s: {"number": s.newsletter["number"]}),
    PageType("newsletter-manage", "organiser", "newsletter.manage"),
    PageType("newsletter-subscribers", "organiser", "newsletter.subscribers"),
    PageType("newsletter-import", "organiser", "newsletter.import_list"),
    PageType("newsletter-new-issue", "organiser", "newsletter.new_issue"),
    PageType("newsletter-new-issue-errors", "organiser", "newsletter.new_issue", status=400,
             press="Save draft"),
    PageType("newsletter-edit-issue", "organiser", "newsletter.edit_issue",
             lambda s: {"issue_id": s.newsletter["draft_id"]}),
    PageType("newsletter-preview", "organiser", "newsletter.preview",
             lambda s: {"issue_id": s.newsletter["draft_id"]}),
    PageType("newsletter-progress", "organiser", "newsletter.issue_progress",
             lambda s: {"issue_id": s.newsletter["sent_id"]}),
    PageType("newsletter-manage-refused", "reader", "newsletter.manage", status=403),
    PageType("error-404", "visitor", None, path="/no-such-page", status=404),
    PageType("error-403", "reader", "members.approvals", status=403),
    # The resource library and shadowing (issue 16).
    PageType("resources", "visitor", "resources.index"),
    PageType("resources-filtered", "reader", "resources.index", query="?kind=guide&sort=title"),
    PageType("resource-guide", "visitor", "resources.show_resource",
             lambda s: {"resource_id": s.community["guide_id"]}),
    PageType("resource-document", "reader", "resources.show_resource",
             lambda s: {"resource_id": s.community["document_id"]}),
    PageType("resource-suggestion-curator", "organiser", "resources.show_resource",
             lambda s: {"resource_id": s.community["suggestion_id"]}),
    PageType("resource-suggest", "reader", "resources.new_resource"),
    PageType("resource-suggest-errors", "reader", "resources.new_resource",
             fill={"Title": "A title"}, press="Send the suggestion", status=422),
    PageType("resource-edit", "organiser", "resources.edit_resource",
             lambda s: {"resource_id": s.community["guide_id"]}),
    PageType("resource-decline", "organiser", "resources.decline",
             lambda s: {"resource_id": s.community["suggestion_id"]}),
    PageType("resource-suggestions", "organiser", "resources.suggestions"),
    PageType("resource-mine", "reader", "resources.mine"),
    PageType("shadowing", "reader", "shadowing.index"),
    PageType("shadowing-moderator", "moderator", "shadowing.index", query="?show=all"),
    PageType("shadowing-offer-author", "author", "shadowing.show_offer",
             lambda s: {"offer_id": s.community["offer_id"]}),
    PageType("shadowing-offer-interested", "reader", "shadowing.show_offer",
             lambda s: {"offer_id": s.community["offer_id"]}),
    PageType("shadowing-offer-moderator", "moderator", "shadowing.show_offer",
             lambda s: {"offer_id": s.community["offer_id"]}),
    PageType("shadowing-new", "author", "shadowing.new_offer"),
    PageType("shadowing-new-errors", "author", "shadowing.new_offer", press="Post it", status=422),
    PageType("shadowing-edit", "author", "shadowing.edit_offer",
             lambda s: {"offer_id": s.community["offer_id"]}),
    PageType("shadowing-interest", "reader", "shadowing.show_interest",
             lambda s: {"interest_id": s.community["interest_id"]}),
    PageType("shadowing-hide", "moderator", "shadowing.hide_offer",
             lambda s: {"offer_id": s.community["offer_id"]}),
    PageType("shadowing-mine", "reader", "shadowing.mine"),
]

BY_NAME = {p.name: p for p in PAGE_TYPES}
