"""Uploaded files: one home for every domain (QI attachments, resources, CPD evidence).

Files are checked from their content, stored under FORUM_UPLOAD_DIR (never static/), and
served only through views that ask the owning domain who may read them.
"""
