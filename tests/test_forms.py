"""The shared form helpers: every view puts a service's message in the same place."""

from __future__ import annotations

import pytest
from wtforms import HiddenField, StringField

from forum.errors import InvalidInput
from forum.forms import BaseForm, show_error


class _Form(BaseForm):
    class Meta:
        csrf = False

    title = StringField("Title")
    reply_to = HiddenField()


@pytest.mark.parametrize(("field", "beside"), [
    ("title", "title"), ("reply_to", None), (None, None), ("no_such_field", None), ("data", None),
])
def test_show_error_puts_the_message_beside_a_visible_field_or_at_the_top(app, field, beside):
    with app.test_request_context(method="POST", data={"title": "kept"}):
        form = _Form()
        form.validate()
        show_error(form, InvalidInput("Say it plainly", field=field))
        if beside:
            assert form[beside].errors == ["Say it plainly"]
            assert form.form_errors == []
        else:
            assert form.form_errors == ["Say it plainly"]
            assert form.title.errors == []
        assert form.title.data == "kept"
