"""Analysers, the query language and the synonym list, without a database."""

from __future__ import annotations

import pytest
from whoosh.query import And, AndNot, Term

from forum.search import analysis
from forum.search.analysis import exact_words, load_synonyms, parse_synonyms, stems
from forum.search.queries import QuerySyntaxError, build_query, parse, plain_words
from tests.markers import same_on_every_database

pytestmark = same_on_every_database  # pure functions: the database plays no part


def test_5fu_stays_one_token_in_both_analysers():
    assert stems("5-FU mouth care") == ["5fu", "mouth", "care"]
    assert exact_words("5-FU") == ["5fu"]


def test_one_character_tokens_are_kept():
    assert "4" in stems("stage 4 disease")
    assert exact_words("vitamin D") == ["vitamin", "d"]


@pytest.mark.parametrize(("text", "words"), [
    ("PD-L1", ["pdl1"]),
    ("2WW", ["2ww"]),
    ("COVID-19", ["covid19"]),
    ("patient's", ["patients"]),
    ("well-being", ["well", "being"]),
    ("24/7 service", ["24/7", "service"]),
])
def test_compounds_with_digits_or_single_letters_stay_whole_others_split(text, words):
    assert exact_words(text) == words


def test_stemming_joins_word_forms_but_exact_keeps_them_apart():
    assert stems("clinics") == stems("clinic")
    assert exact_words("clinics") != exact_words("clinic")


def test_stop_words_are_dropped_and_positions_renumbered_for_phrases():
    tokens = [(t.text, t.pos) for t in analysis.EXACT("quality of life", positions=True)]
    assert tokens == [("quality", 0), ("life", 1)]


def test_the_synonym_file_has_every_abbreviation_the_issue_names():
    synonyms = load_synonyms()
    pairs = [
        ("CNS", "cancer nurse specialist"), ("GPN", "general practice nurse"),
        ("AHP", "allied health professional"), ("ESC", "enhanced supportive care"),
        ("SACT", "systemic anti-cancer therapy"), ("MDT", "multidisciplinary team"),
        ("2WW", "two week wait"), ("FDS", "faster diagnosis standard"),
        ("QI", "quality improvement"), ("PDSA", "plan do study act"),
        ("lymphoedema", "lymphedema"), ("oedema", "edema"), ("tumour", "tumor"),
        ("haematology", "hematology"), ("anaemia", "anemia"),
    ]
    for short, long in pairs:
        group = synonyms.lookup(tuple(stems(short)))
        assert group is not None, short
        assert long in group, (short, group)


def test_synonym_lines_ignore_comments_blank_lines_and_lone_words():
    parsed = parse_synonyms("# a comment\n\nhospice, palliative unit  # trailing\nlonely\n")
    assert parsed.lookup(("hospic",)) == ("hospice", "palliative unit")
    assert parsed.lookup(("lone",)) is None and parsed.lookup(("lonely",)) is None
    assert parsed.longest == 2


def test_an_edited_synonym_file_is_used_without_a_restart(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("hospice, palliative unit\n")
    assert load_synonyms(path).lookup(("hospic",))
    path.write_text("respite, short break\n")
    import os
    os.utime(path, (1, 1))  # a different mtime even within the same second
    assert load_synonyms(path).lookup(("hospic",)) is None
    assert load_synonyms(path).lookup(("respit",))


@pytest.mark.parametrize(("text", "message"), [
    ('"unclosed phrase', "quotation mark is not closed"),
    ("(chemo OR radio", "bracket is not closed"),
    ("chemo)", "closing bracket has no opening one"),
    ("chemo AND", "AND needs a word on each side"),
    ("OR chemo", "OR needs a word on each side"),
    ("chemo NOT", "NOT (or -) needs a word"),
    ("()", "nothing to search for between the brackets"),
    ('""', "quotation marks have nothing between them"),
    ("title: referral", "needs a word straight after it"),
    ("(" * 20 + "x" + ")" * 20, "too many brackets"),
])
def test_syntax_errors_are_reported_in_plain_english(text, message):
    with pytest.raises(QuerySyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


@pytest.mark.parametrize("text", ['"unclosed', "a AND", "(a OR b", "NOT", ")(", 'title:"x', "AND OR NOT"])
def test_a_syntax_error_falls_back_to_plain_words_with_a_notice(text):
    _, built, notice = build_query(text)
    assert notice and notice.startswith("We could not read your search")
    assert built.plain == [w for w in plain_words(text)]


def test_minus_and_not_exclude_and_plain_hyphens_do_not():
    query, _, notice = build_query("chemotherapy -children")
    assert notice is None and isinstance(query, AndNot)
    query, _, _ = build_query("5-FU")
    assert "5fu" in {t[1] for t in query.iter_all_terms()}
    assert not isinstance(query, AndNot)


def test_fielded_words_only_search_their_field():
    query, _, _ = build_query("title:referrals")
    # the stem (as a word, or marked as a stem of other words) and the word as written
    assert set(query.iter_all_terms()) == {("title", "referr"), ("title", "~referr"),
                                           ("title", "referrals")}
    query, _, _ = build_query('author:"asha nurse"')
    assert query == And([Term("author", "asha"), Term("author", "nurse")])
    query, _, _ = build_query("author:asha")
    assert query == Term("author", "asha")


def test_quoted_phrases_search_word_pairs_only():
    query, _, _ = build_query('"two week wait"')
    assert set(query.iter_all_terms()) == {(field, pair) for field in ("title_pairs", "lead_pairs",
                                                                       "body_pairs")
                                           for pair in ("two week", "week wait")}
    query, _, _ = build_query('"signs and symptoms"')  # stop words are left out of pairs too
    assert set(query.iter_all_terms()) == {("title_pairs", "signs symptoms"),
                                           ("lead_pairs", "signs symptoms"),
                                           ("body_pairs", "signs symptoms")}


def test_common_words_alone_are_searched_as_a_phrase_of_them():
    query, _, notice = build_query("the and of")
    assert notice is None and {text for _, text in query.iter_all_terms()} == {"the", "and", "of"}
    query, _, _ = build_query('"the and"')
    assert {text for _, text in query.iter_all_terms()} == {"the and"}


def test_a_snippet_is_the_passage_around_the_match_escaped_and_marked():
    from forum.search.queries import highlight_text

    text = "Opening words. " * 40 + "Then <b>lymphoedema</b> & clinics appear here. " + "Closing. " * 40
    snippet = str(highlight_text(text, set(stems("lymphoedema clinic"))))
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "&lt;b&gt;<mark>lymphoedema</mark>&lt;/b&gt; &amp; <mark>clinics</mark>" in snippet
    assert len(snippet) < 400


def test_a_snippet_without_a_match_is_the_escaped_start_of_the_text():
    from forum.search.queries import highlight_text

    assert str(highlight_text("<i>x</i> " * 100, {"absent"})).startswith("&lt;i&gt;x&lt;/i&gt;")
