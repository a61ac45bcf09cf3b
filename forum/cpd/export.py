"""The record as the NMC CPD log (CSV and PDF) and the reflective accounts form (PDF).

The PDF is drawn with fpdf2 in its core Helvetica font, so text outside Latin-1 is
transliterated (curly quotes to straight, other characters to '?') rather than failing.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from forum.cpd import rules
from forum.cpd.hcpc import ExplainedGap
from forum.cpd.hcpc_models import HcpcProfile
from forum.cpd.models import CpdEntry, Reflection
from forum.cpd.reflections import QUESTIONS
from forum.members.models import User

COLUMNS = ("Start date", "End date", "Method", "Topic", "How it relates to my practice", "Hours",
           "Participatory hours", "Part of the Code", "Evidence")


def evidence_text(entry: CpdEntry, base_url: str = "") -> str:
    parts = []
    if entry.attendance_id is not None or entry.evidence_note:
        parts.append(entry.evidence_note or "Attendance record")
    if entry.source == "event" and entry.source_id:
        parts.append(f"{base_url}/events/{entry.source_id}")
    if entry.evidence_upload is not None:
        parts.append(f"Certificate: {entry.evidence_upload.download_name}")
    if entry.evidence_url:
        parts.append(f"{base_url}{entry.evidence_url}")
    return "; ".join(parts)


def _cell(value: str) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula: make it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def entry_row(entry: CpdEntry, base_url: str = "") -> list[str]:
    return [entry.start_date.isoformat(), entry.end_date.isoformat() if entry.end_date else "",
            entry.method_label, entry.topic, entry.practice, rules.hours_text(entry.minutes),
            rules.hours_text(entry.participatory_minutes), entry.code_label,
            evidence_text(entry, base_url)]


NOT_EXPLAINED = "NOT EXPLAINED: the HCPC expects every gap of three months or more to be explained"


def profile_rows(gaps: Sequence[ExplainedGap], profile: HcpcProfile | None) -> list[list[str]]:
    """The HCPC CPD profile as label/value rows (after the log in the CSV, its own page in the PDF)."""
    rows = [["Summary of practice", profile.summary if profile and profile.summary else "Not written yet"],
            ["Personal statement", profile.statement if profile and profile.statement else "Not written yet"]]
    for item in gaps:
        rows.append([f"Gap {item.gap.start.isoformat()} to {item.gap.end.isoformat()} ({item.gap.days} days)",
                     item.explanation or NOT_EXPLAINED])
    return rows


def to_csv(entries: Sequence[CpdEntry], base_url: str = "", gaps: Sequence[ExplainedGap] = (),
           profile: HcpcProfile | None = None) -> str:
    """The NMC log, one row per entry; then, when there is one, the HCPC CPD profile section."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow([_cell(v) for v in entry_row(entry, base_url)])
    if gaps or (profile and (profile.summary or profile.statement)):
        writer.writerows([[], ["HCPC CPD profile"]])
        writer.writerows([_cell(v) for v in row] for row in profile_rows(gaps, profile))
    return buffer.getvalue()


_REPLACE = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
            "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "-"}


def _latin1(text: str) -> str:
    text = "".join(_REPLACE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    return text.encode("latin-1", "replace").decode("latin-1")


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="landscape", format="A4")
        self.title_text = title
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(title)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 8, _latin1(f"{self.title_text} - page {self.page_no()}"), align="C")


def _heading(pdf: _Pdf, text: str, size: int = 16) -> None:
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, size * 0.5, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _text(pdf: _Pdf, text: str, style: str = "", size: int = 10) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, 5, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


WIDTHS = (24, 30, 50, 75, 16, 20, 30, 32)  # A4 landscape less margins: 277 mm


def _profile_page(pdf: _Pdf, gaps: Sequence[ExplainedGap], profile: HcpcProfile | None) -> None:
    pdf.add_page()
    _heading(pdf, "HCPC CPD profile")
    for label, value in profile_rows(gaps, profile)[:2]:
        _text(pdf, label, "B", 11)
        _text(pdf, value)
        pdf.ln(3)
    _text(pdf, "Gaps of three months or more in the last two years", "B", 11)
    if not gaps:
        _text(pdf, "None.")
    for label, value in profile_rows(gaps, profile)[2:]:
        _text(pdf, label, "B")
        _text(pdf, value, "B" if value == NOT_EXPLAINED else "")
        pdf.ln(1)


def to_pdf(user: User, entries: Sequence[CpdEntry], reflections: Sequence[Reflection],
           progress: rules.Progress, base_url: str = "", gaps: Sequence[ExplainedGap] = (),
           profile: HcpcProfile | None = None) -> bytes:
    """The CPD log (one row per entry, NMC columns), each reflective account on its page, then
    the HCPC CPD profile (statement and gaps)."""
    pdf = _Pdf("CPD record")
    pdf.add_page()
    _heading(pdf, "CPD log")
    _text(pdf, f"Name: {user.display_name}")
    _text(pdf, f"Cycle: {progress.start:%d %B %Y} to {progress.end:%d %B %Y}")
    _text(pdf, f"Total: {rules.hours_text(progress.minutes)} hours, of which "
               f"{rules.hours_text(progress.participatory_minutes)} participatory "
               f"(the NMC asks for 35 hours, 20 participatory)")
    pdf.ln(3)
    with pdf.table(col_widths=WIDTHS, text_align="LEFT", line_height=5,
                   first_row_as_headings=True) as table:
        pdf.set_font("Helvetica", size=8)
        table.row([_latin1(h) for h in ("Dates", "Method", "Topic",
                   "How it relates to my practice", "Hours", "Particip. hours", "Part of the Code",
                   "Evidence")])
        for entry in entries:
            start, end, method, topic, practice, hours, part, code, evidence = entry_row(entry, base_url)
            dates = f"{start} to {end}" if end else start
            table.row([_latin1(v) for v in (dates, method, topic, practice, hours, part, code, evidence)])
    for reflection in reflections:
        pdf.add_page()
        _heading(pdf, "Reflective account" + (" (draft)" if reflection.is_draft else ""))
        if reflection.entry is not None:
            _text(pdf, f"CPD activity: {reflection.entry.topic} ({reflection.entry.start_date:%d %B %Y})")
        _text(pdf, f"Last changed: {reflection.updated_at:%d %B %Y}")
        pdf.ln(2)
        for name, question in QUESTIONS.items():
            _text(pdf, question, "B", 11)
            if name == "code_relevance" and reflection.code_label:
                _text(pdf, f"Theme: {reflection.code_label}", "I")
            _text(pdf, getattr(reflection, name) or "(not answered yet)")
            pdf.ln(3)
    _profile_page(pdf, gaps, profile)
    return bytes(pdf.output())
