"""The /search page over HTTP."""

from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.discussions.test_long_threads import lands_on, top_level


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def member(db, client):
    user = f.member(display_name="Asha Nurse")
    f.sign_in(client, user)
    return user


def test_every_page_has_the_search_box_in_its_header(client):
    html = page(client.get("/"))
    assert 'action="/search"' in html and 'name="q"' in html


def test_the_empty_page_shows_the_form_and_how_to_search(client, index):
    html = page(client.get("/search"))
    assert 'id="search-form"' in html and 'id="search-syntax"' in html
    assert 'id="results-title"' not in html
    assert html.count("<h1") == 1


def test_results_are_grouped_highlighted_and_counted(client, member, sync):
    thread = f.thread(member, title="Lymphoedema clinic", body="A clinic in primary care.")
    f.reply(member, thread, body="Our clinic runs weekly.")
    sync()
    html = page(client.get("/search?q=clinic"))
    assert "2 posts in 1 discussion" in html
    assert html.count(f'id="result-thread-{thread.id}"') == 1
    assert "<mark>clinic</mark>" in html
    assert 'Lymphoedema <mark>clinic</mark>' in html


def test_counts_from_the_index_say_about(client, member, sync, monkeypatch):
    from forum.search import queries

    for n in range(3):
        f.thread(member, title=f"Clinic {n}", body="A clinic in primary care.")
    sync()
    monkeypatch.setattr(queries, "RECHECK_ALL", 2)
    assert "About 3 posts in 3 discussions" in page(client.get("/search?q=clinic"))


def test_hostile_text_in_the_query_and_in_posts_is_escaped(client, member, sync):
    f.thread(member, title="<img src=x onerror=alert(1)> fatigue",
             body="`<script>alert(1)</script>` fatigue")
    sync()
    html = page(client.get('/search?q=<script>alert(2)</script> fatigue'))
    assert "<script>alert" not in html and "<img src=x" not in html
    html = page(client.get("/search?q=fatigue"))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;/script&gt;" in html and "&lt;img src=x" in html


def test_filters_are_query_string_arguments_so_searches_can_be_bookmarked(client, member, sync):
    f.thread(member, board=f.board("shadowing"), title="Shadowing", body="Radiotherapy visit.")
    f.thread(member, board=f.board("clinical-leadership"), title="Leading", body="Radiotherapy plans.")
    sync()
    html = page(client.get("/search?q=radiotherapy&board=shadowing&sort=newest"))
    assert "1 post in 1 discussion" in html
    assert re.search(r'<option[^>]*selected[^>]*value="shadowing"|<option[^>]*value="shadowing"[^>]*selected',
                     html)
    html = page(client.get("/search?board=shadowing"))
    assert "1 post in 1 discussion" in html


def test_a_syntax_error_says_what_happened_and_still_searches(client, member, sync):
    f.thread(member, title="Delirium", body="Delirium screening tools.")
    sync()
    html = page(client.get('/search?q="delirium screening'))
    assert 'id="search-notice"' in html and "quotation mark is not closed" in html
    assert "1 post in 1 discussion" in html


def test_did_you_mean_links_to_the_corrected_search(client, member, sync):
    f.thread(member, title="Dietitian", body="Nutrition advice.")
    sync()
    html = page(client.get("/search?q=nutrtion&sort=newest"))
    link = re.search(r'id="did-you-mean".*?href="([^"]+)"', html, re.S).group(1)
    assert "q=nutrition" in link and "sort=newest" in link


def test_an_empty_result_with_filters_suggests_removing_them(client, member, sync):
    f.thread(member, board=f.board("shadowing"), title="Shadowing", body="Podiatry visit.")
    sync()
    html = page(client.get("/search?q=podiatry&board=clinical-leadership"))
    assert 'id="no-results"' in html and 'id="remove-filters"' in html
    assert 'href="/search?q=podiatry"' in html


def test_visitors_are_told_to_sign_in_for_members_only_boards(client, db, index, sync):
    author = f.member()
    f.thread(author, board=f.board("clinical-leadership"), title="Private", body="Haematology.")
    sync()
    html = page(client.get("/search?q=haematology"))
    assert "0 posts in 0 discussions" in html and "Sign in</a> to search the members-only" in html
    assert "Private" not in html


def test_pagination_links_keep_the_query_and_filters(client, member, sync):
    for n in range(13):
        f.thread(member, title=f"Paramedic question {n}", body="Paramedic referrals.")
    sync()
    html = page(client.get("/search?q=paramedic&sort=newest"))
    assert "13 posts in 13 discussions" in html and "Page 1 of 2" in html
    assert 'href="/search?q=paramedic&amp;sort=newest&amp;page=2"' in html
    html = page(client.get("/search?q=paramedic&sort=newest&page=2"))
    assert html.count('class="search-result"') == 3


@pytest.mark.parametrize("query", [
    "q=%00%00", "q=" + "x" * 5000, "page=abc", "page=-1", "page=99999999999",
    "date_from=not-a-date", "date_from=2026-02-30", "board=no-such-board", "alliance=%00",
    "kind=everything", "sort=sideways", "q=AND+OR+NOT", "q=((((((((((((((((x", "author=%00",
    "q=title:", "q=%E2%80%9Cunclosed", "q=%ED%A0%80", "q=%FF%FE",
])
def test_bad_input_never_errors(client, member, sync, query):
    f.thread(member, title="Anything", body="Something to find.")
    sync()
    response = client.get(f"/search?{query}")
    assert response.status_code == 200
    assert "Search discussions" in page(response)


def test_unknown_filter_values_are_reported_beside_the_field(client, member, index):
    html = page(client.get("/search?q=x&board=no-such-board&date_from=2026-13-01"))
    assert "Choose a board from the list" in html and "Enter a real date" in html


def test_the_page_issues_the_same_number_of_queries_for_1_and_for_10_results(
        client, member, sync, count_queries):
    f.thread(member, title="Podiatrist", body="Podiatry for diabetic feet.")
    sync()
    with count_queries() as one:
        page(client.get("/search?q=podiatry"))
    for n in range(9):
        thread = f.thread(f.member(), title=f"Podiatry {n}", body="Podiatry clinic.")
        f.reply(member, thread, body="Podiatry reply.")
    sync()
    with count_queries() as many:
        html = page(client.get("/search?q=podiatry"))
    assert "19 posts in 10 discussions" in html
    assert many.count == one.count


@pytest.mark.parametrize("args", ["page=%C2%B2", "author=%C2%B2", "page=99999999999999999999",
                                  "author=99999999999999999999999", "page=-3"])
def test_odd_numbers_in_the_query_string_never_give_a_500(client, args):
    response = client.get(f"/search?q=lymphoedema&{args}")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["-", "~", "🙂", "- ~ …"])
def test_a_search_of_symbols_alone_says_it_had_no_words(client, member, sync, query):
    f.thread(member, title="Fatigue", body="Fatigue clinic.")
    sync()
    html = page(client.get("/search", query_string={"q": query}))
    assert "Your search had no words in it" in html and "very common words" not in html


def test_a_search_of_stop_words_alone_finds_them(client, member, sync):
    f.thread(member, title="Hamlet", body="To be or not to be, that is the question.")
    f.thread(member, title="Rotas", body="Not to be missed: to be honest, the rota.")
    sync()
    html = page(client.get("/search", query_string={"q": '"to be or not to be"'}))
    assert "very common words" not in html and html.count('class="search-result"') == 1


# --- empty results explain themselves; every match in a discussion can be seen -----------

def test_an_empty_result_says_what_was_searched_and_which_filters_applied(client, member, sync):
    f.thread(member, title="Rotas", body="Leave cover.")
    sync()
    html = page(client.get("/search?q=the+CNS+garments&board=shadowing&kind=reply"))
    searched = re.search(r'id="searched-for">(.*?)</p>', html, re.S).group(1)
    assert "CNS" in searched and "cancer nurse specialist" in searched and "garments" in searched
    assert "the" in re.search(r'id="left-out">(.*?)</', html, re.S).group(1)
    applied = re.search(r'id="filters-applied">(.*?)</ul>', html, re.S).group(1)
    assert "Shadowing" in applied and "Replies" in applied


def test_an_empty_result_names_the_words_without_the_punctuation_typed_around_them(
        client, member, sync):
    """A question or a list of words ("how do I refer to ESC?", "CNS, garments.") is read
    without its punctuation; the explanation says the words, not "ESC? (or …)"."""
    f.thread(member, title="Rotas", body="Leave cover.")
    sync()
    html = page(client.get("/search", query_string={"q": "refer to ESC? CNS, garments."}))
    searched = " ".join(re.search(r'id="searched-for">(.*?)</p>', html, re.S).group(1).split())
    assert "ESC (or enhanced supportive care)" in searched
    assert "CNS (or cancer nurse specialist" in searched and "and garments" in searched
    assert not re.search(r"[?,.] \(or|garments\.", searched), searched
    assert "to," not in re.search(r'id="left-out">(.*?)</', html, re.S).group(1)


@pytest.mark.parametrize(("query", "link_text", "arg"), [
    ("district nurse wound swabs", "Show discussions tagged District or community nurse",
     "profession=district-or-community-nurse"),
    ("cns garments", "Show discussions tagged Cancer nurse specialist",
     "profession=cancer-nurse-specialist"),
    ("south east garments", "Show discussions in South East London",
     "alliance=south-east-london"),
])
def test_an_empty_result_offers_the_filter_its_words_name(client, member, sync, query, link_text, arg):
    f.thread(member, title="Rotas", body="Leave cover.")
    sync()
    html = page(client.get("/search", query_string={"q": query}))
    offer = re.search(r'<a href="([^"]+)"[^>]*class="search-offer"[^>]*>(.*?)</a>', html, re.S)
    assert offer is not None and offer.group(2).strip() == link_text
    assert arg in offer.group(1).replace("&amp;", "&")


def test_no_filter_is_offered_for_words_that_name_none(client, member, sync):
    f.thread(member, title="Rotas", body="Leave cover.")
    sync()
    html = page(client.get("/search?q=nurse+garments"))
    assert 'id="no-results"' in html and 'class="search-offer"' not in html


def test_a_discussion_with_more_matches_than_shown_links_to_all_of_them(client, member, sync):
    thread = f.thread(member, title="Rotas", body="Fatigue in the team.")
    for n in range(5):
        f.reply(member, thread, body=f"Fatigue point {n}.")
    sync()
    html = page(client.get("/search?q=fatigue&sort=newest"))
    link = re.search(rf'<a href="([^"]+)"[^>]*id="show-all-{thread.id}"[^>]*>(.*?)</a>', html, re.S)
    assert link.group(2).strip() == "Show all 6 matching posts in this discussion"
    href = link.group(1).replace("&amp;", "&")
    assert f"thread={thread.id}" in href and "q=fatigue" in href and "sort=newest" in href
    narrowed = page(client.get(href))
    assert narrowed.count('class="search-result__post"') == 6
    assert 'id="show-all-' not in narrowed
    assert 'id="search-everywhere"' in narrowed and "Rotas" in narrowed
    assert f'name="thread" value="{thread.id}"' in narrowed  # a new search stays in it


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "²"])
def test_an_odd_thread_argument_is_ignored_not_an_error(client, member, sync, value):
    f.thread(member, title="Rotas", body="Fatigue in the team.")
    sync()
    html = page(client.get("/search", query_string={"q": "fatigue", "thread": value}))
    assert "1 post in 1 discussion" in html


def test_a_thread_found_through_its_tags_is_shown_with_its_tags_and_no_posts(client, member, sync):
    thread = f.thread(member, title="Rotas", body="Leave cover.",
                      professions=[f.profession("cancer-nurse-specialist")])
    sync()
    html = page(client.get("/search?q=CNS"))
    result = re.search(rf'id="result-thread-{thread.id}"(.*?)</li>\s*</ol>', html, re.S).group(1)
    assert "<mark>Cancer</mark> <mark>nurse</mark> <mark>specialist</mark>" in result
    assert 'class="search-result__post"' not in result
    assert "1 discussion" in html


def test_a_held_post_found_in_search_links_to_the_page_that_shows_it(
        client, app, db, sync):
    app.config["POSTS_PER_PAGE"] = 5  # twelve replies make three pages
    thread = f.thread(f.member())
    top_level(thread, 12)
    app.config["PREMODERATE_FIRST_POSTS"] = 2
    try:
        newcomer = f.member(display_name="New Nurse")
        held = f.reply(newcomer, thread, body="Compression garments funding question")
        assert held.pending
        sync()
        f.sign_in(client, newcomer)
        html = page(client.get("/search?q=compression+garments"))
        section = html[html.index('id="held-results"'):]
        link = re.search(r'<a href="([^"]+)"', section).group(1)
        lands_on(client, link, held.id)
    finally:
        app.config["PREMODERATE_FIRST_POSTS"], app.config["POSTS_PER_PAGE"] = 0, 50
