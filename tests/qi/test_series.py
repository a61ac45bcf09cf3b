"""Parsing a measure's series from pasted text and CSV files: every format people bring."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from forum.qi.series import MAX_ROWS, as_text, decode, parse_csv, parse_date, parse_text


@pytest.mark.parametrize(("cell", "expected", "kind"), [
    ("2024-03-01", date(2024, 3, 1), "day"),
    ("2024/03/01", date(2024, 3, 1), "day"),
    ("2024-03-01 00:00:00", date(2024, 3, 1), "day"),
    ("01/03/2024", date(2024, 3, 1), "day"),  # UK: day first
    ("1/3/24", date(2024, 3, 1), "day"),
    ("13.03.2024", date(2024, 3, 13), "day"),
    ("1 March 2024", date(2024, 3, 1), "day"),
    ("1st Mar 2024", date(2024, 3, 1), "day"),
    ("Mar-24", date(2024, 3, 1), "month"),
    ("mar 24", date(2024, 3, 1), "month"),
    ("March 2024", date(2024, 3, 1), "month"),
    ("Mar 2024", date(2024, 3, 1), "month"),
    ("Sept 2024", date(2024, 9, 1), "month"),
    ("2024-03", date(2024, 3, 1), "month"),
    ("w/c 04/03/2024", date(2024, 3, 4), "week"),
    ("Week commencing 4/3/2024", date(2024, 3, 4), "week"),
])
def test_every_date_format_people_paste(cell, expected, kind):
    assert parse_date(cell) == (expected, kind)


@pytest.mark.parametrize(("cell", "reason"), [
    ("", "no date"),
    ("soon", "not a date we recognise"),
    ("03/13/2024", "day first"),  # US order is not guessed
    ("31/02/2024", "not a real date"),
    ("45352", "spreadsheet's date number"),
])
def test_a_bad_date_says_why(cell, reason):
    result = parse_text(f"{cell}\t5\n2024-04-01\t6")
    assert [e.line for e in result.errors] == [1]
    assert reason in result.errors[0].reason


def test_tab_separated_paste_with_a_header_and_notes():
    result = parse_text("Month\tPatients offered HNA\tNote\nJan-24\t12\t\nFeb-24\t15\tNew template\n")
    assert result.ok and result.has_header and result.delimiter == "\t"
    assert [(r.period, r.value, r.note, r.line) for r in result.rows] == [
        (date(2024, 1, 1), 12.0, "", 2), (date(2024, 2, 1), 15.0, "New template", 3)]
    assert {r.period_kind for r in result.rows} == {"month"}


def test_comma_separated_with_quoted_thousands():
    result = parse_text('date,value\n2024-03-01,"1,234"\n2024-03-02,7.5\n')
    assert result.delimiter == "," and [r.value for r in result.rows] == [1234.0, 7.5]


def test_semicolon_files_use_the_decimal_comma():
    result = parse_text("Datum;Wert\n01/03/2024;12,5\n02/03/2024;1.234,75\n")
    assert result.delimiter == ";" and [r.value for r in result.rows] == [12.5, 1234.75]


def test_columns_found_by_their_header_names():
    result = parse_text("Comment,Value,Date\nstart,3,2024-01-01\n,4,2024-01-02\n")
    assert [(r.period.day, r.value, r.note) for r in result.rows] == [(1, 3.0, "start"), (2, 4.0, "")]


def test_a_week_header_makes_weeks_and_so_do_whole_weeks_apart():
    by_header = parse_text("Week commencing\tCount\n04/03/2024\t1\n11/03/2024\t2\n")
    assert {r.period_kind for r in by_header.rows} == {"week"}
    by_spacing = parse_text("2024-03-04\t1\n2024-03-11\t2\n2024-03-18\t3\n")
    assert {r.period_kind for r in by_spacing.rows} == {"week"}
    daily = parse_text("2024-03-04\t1\n2024-03-05\t2\n2024-03-06\t3\n")
    assert {r.period_kind for r in daily.rows} == {"day"}


def test_blank_text_duplicate_and_missing_values_are_listed_with_reasons():
    text = "2024-01-01\t5\n\t6\n2024-01-03\tn/a\n2024-01-01\t7\n2024-01-05\t\n2024-01-06\t8\n"
    result = parse_text(text)
    assert not result.ok
    assert [(e.line, e.text) for e in result.errors] == [
        (2, "\t6"), (3, "2024-01-03\tn/a"), (4, "2024-01-01\t7"), (5, "2024-01-05\t")]
    reasons = [e.reason for e in result.errors]
    assert reasons[0] == "There is no date"
    assert reasons[1] == "“n/a” is not a number"
    assert reasons[2] == "1 January 2024 is also on row 1: each date once"
    assert reasons[3] == "There is no value"
    assert [r.line for r in result.rows] == [1, 6]  # the good rows, ready to keep


def test_out_of_order_dates_are_sorted_and_the_page_is_told():
    result = parse_text("2024-03-01\t3\n2024-01-01\t1\n2024-02-01\t2\n")
    assert result.ok
    assert [r.value for r in result.rows] == [1.0, 2.0, 3.0]
    assert result.notices == ["Some dates were not in order; they are put in date order."]


def test_one_point_all_equal_and_negative_values_are_fine():
    assert parse_text("2024-01-01\t4").ok
    equal = parse_text("".join(f"2024-01-{d:02d}\t5\n" for d in range(1, 21)))
    assert equal.ok and {r.value for r in equal.rows} == {5.0}
    negative = parse_text("2024-01-01\t-3.5\n2024-01-02\t\u22122\n2024-01-03\t0\n")
    assert [r.value for r in negative.rows] == [-3.5, -2.0, 0.0]


def test_percent_signs_and_spaces_in_values():
    assert [r.value for r in parse_text("2024-01-01\t45%\n2024-01-02\t 1 200 \n").rows] == [45.0, 1200.0]


def test_a_single_column_is_refused_row_by_row():
    result = parse_text("2024-01-01\n2024-01-02\n")
    assert len(result.errors) == 2 and "only one column" in result.errors[0].reason


def test_thousands_of_rows_are_handled_and_too_many_refused():
    start = date(2000, 1, 1).toordinal()
    lines = [f"{date.fromordinal(start + i).isoformat()}\t{i % 17}" for i in range(1_500)]
    result = parse_text("\n".join(lines))
    assert result.ok and len(result.rows) == 1_500
    too_many = parse_text("\n".join(
        f"{date.fromordinal(start + i).isoformat()}\t1" for i in range(MAX_ROWS + 1)))
    assert not too_many.ok and not too_many.rows
    assert too_many.problem.startswith(f"There are {MAX_ROWS + 1:,} rows")


def test_empty_input_is_a_problem_not_a_crash():
    assert parse_text("  \n\n").problem.startswith("There are no rows")
    assert parse_csv(b"").problem == "The file is empty."


CSV = "Month,Value,Note\nMar-24,12,Clinic at Ca\u00f1ada Road\nApr-24,14,R\u00e9sum\u00e9 sent\n"


@pytest.mark.parametrize("encoded", [
    CSV.encode("utf-8"),
    codecs.BOM_UTF8 + CSV.encode("utf-8"),  # Excel's "CSV UTF-8"
    CSV.encode("cp1252"),  # Excel's plain "CSV" on Windows
    CSV.encode("latin-1"),
    CSV.replace(",", "\t").encode("utf-16"),  # Excel's "Unicode text": UTF-16 with a BOM, tabs
    CSV.encode("utf-16-le"),
], ids=["utf8", "utf8-bom", "cp1252", "latin1", "utf16-excel", "utf16-no-bom"])
def test_csv_in_any_common_encoding(encoded):
    result = parse_csv(encoded)
    assert result.ok, result.errors
    assert [r.note for r in result.rows] == ["Clinic at Ca\u00f1ada Road", "R\u00e9sum\u00e9 sent"]
    assert result.rows[0].period == date(2024, 3, 1)


def test_windows_1252_punctuation_is_read_as_windows_1252():
    text, encoding = decode("2024-01-01,1,\u2018quoted\u2019 \u2013 \u20ac5\n".encode("cp1252"))
    assert encoding == "windows-1252" and "\u2018quoted\u2019 \u2013 \u20ac5" in text


def test_a_binary_file_is_not_read_as_a_series():
    assert "not a CSV" in parse_csv(b"PK\x03\x04\x00\x00\x08\x00binary").problem


def test_the_good_rows_go_back_into_the_box_as_text():
    rows = parse_text("2024-01-01\t5\tfirst\n2024-01-02\t6.25\n").rows
    assert as_text(rows) == "2024-01-01\t5\tfirst\n2024-01-02\t6.25\n"
    assert parse_text(as_text(rows)).rows == [r for r in rows]


def test_the_row_by_row_table_keeps_its_row_numbers_and_never_guesses_a_header():
    from forum.qi.series import parse_table

    result = parse_table([("Value", "3", ""), ("", "", ""), ("2024-01-02", "4", "a\tb")])
    assert [(e.line, e.reason[:10]) for e in result.errors] == [(1, "“Value” is")]
    assert [(r.line, r.note) for r in result.rows] == [(3, "a b")]
