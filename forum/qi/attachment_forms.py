"""The attachment form (shape only; type and size are checked from the file's content)."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length

from forum.forms import BaseForm
from forum.qi.attachments import CAPTION_MAX


class AttachmentForm(BaseForm):
    file = FileField("File", validators=[FileRequired("Choose a file to upload")])
    caption = StringField("Caption (optional)", validators=[Length(max=CAPTION_MAX)])
