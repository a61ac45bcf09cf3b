"""Moderation and clinical safety.

pid.py       find_patient_data(): the patient-identifiable-data detector (no Flask)
guard.py     check_patient_data(): what every form that saves member-written text runs first
policy.py    who may moderate what (views, templates and services ask the same functions),
             and slow_mode_wait(), which the discussion services call before a reply
services.py  every moderator action, reports and the queue, approvals, warnings and
             suspensions; each one audited (AuditEntry is append-only)
queries.py   the queue, the audit log and the member page, in a fixed number of queries
views.py     the "moderation" blueprint under /moderation
"""
