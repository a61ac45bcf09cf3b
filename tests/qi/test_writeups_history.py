"""The history of a published write-up: word-by-word changes, escaped."""

from __future__ import annotations

from forum.qi import queries, services
from forum.qi.history import changes, word_diff


def test_word_diff_marks_removed_and_added_words_and_escapes_them():
    diff = str(word_diff("from 15% to 60%", "from 15% to <b>70%</b>"))
    assert diff == "from 15% to <del>60%</del><ins>&lt;b&gt;70%&lt;/b&gt;</ins>"


def test_each_version_lists_what_it_changed(author, published):
    services.edit_writeup(author, published, {"aim": "60% by March", "title": "New title"})
    found = changes(queries.revisions(published))
    assert found[1] is None
    assert {c.field for c in found[2]} == {"aim", "title"}
