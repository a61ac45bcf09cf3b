"""The mailing list and the newsletter (issue 15).

consent.py      the consent wording, by version: what a subscriber agreed to, word for word
models.py       subscribers, their consent history, suppressions, issues, items, deliveries
subscribers.py  sign-up, double opt-in, unsubscribe (one click, RFC 8058), bounces
importing.py    an organiser's CSV import (consent required, duplicates merged) and export
issues.py       composing an issue: subject, introduction, items picked from the platform
sending.py      the outbox handler that sends an issue in throttled batches, resumably
personal_data.py  what the members' data export and erasure do with newsletter records
"""
