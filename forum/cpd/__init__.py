"""CPD evidence (issue 14): a member's revalidation record built from what they did here.

Entries come from attended events (outbox `events.attended`), QI team membership and completed
shadowing (suggestions to accept or ignore), and the member's own entries with a certificate.
Everything here is private to its member: no moderator, organiser or admin can open it.
"""
