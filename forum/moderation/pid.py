"""Find patient-identifiable data in member-written text, before it is published.

A plain module (no Flask): `find_patient_data(text)` returns what looks like an NHS number,
a date of birth, a hospital number, a postcode beside a date or a name, or a named patient.
It errs towards asking: the writer sees each finding and may confirm the text is safe, and
a confirmed post waits for a moderator. It must stay quiet on ordinary clinical writing
(tests hold it under 1% of the MedQuAD answers), so plain dates, phone numbers and numbers
that fail the NHS check digit are not findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NHS_NUMBER = "nhs_number"
DATE_OF_BIRTH = "date_of_birth"
HOSPITAL_NUMBER = "hospital_number"
POSTCODE = "postcode"
PATIENT_NAME = "patient_name"

LABELS = {
    NHS_NUMBER: "NHS number",
    DATE_OF_BIRTH: "date of birth",
    HOSPITAL_NUMBER: "hospital number",
    POSTCODE: "postcode with a date or name",
    PATIENT_NAME: "patient's name",
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, self.kind)


# --- NHS numbers --------------------------------------------------------------------------

# Ten digits as 3-3-4, separated by spaces, dashes or nothing; not part of a longer number,
# not an international phone number (+44 ...) and not a US-style 1-800-... number.
_NHS = re.compile(
    r"(?<![\d+])(?<!\d[ -])(?<!\+44 )(?<!\+44)"
    r"(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})"
    r"(?![\d])(?![ \-]\d)"
)


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number Modulus 11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


# Labelled ("NHS no 055 203 4096", "Patient NHS number: 0830166130", "nhs# ...", "CHI
# number ..."): ten digits in any grouping of spaces, dashes or dots, right after the label.
_NHS_LABELLED = re.compile(
    r"\b(?:nhs|chi)(?:\s*(?:no\b\.?|num\b\.?|number\b|#))?(?:\s*(?:is\b|was\b|[:#=]))?\s*"
    r"(?<![\d+])(\d(?:[ .\-]?\d){9})(?!\d)(?![ .\-]\d)",
    re.IGNORECASE,
)


def _nhs_numbers(text: str) -> Iterable[Finding]:
    for match in _NHS_LABELLED.finditer(text):
        # Labelled, a leading 0 is no phone prefix: Scottish CHI numbers start with the day
        # of birth (01-31) and pass the same check.
        if nhs_check_digit_ok(re.sub(r"\D", "", match.group(1))):
            yield Finding(NHS_NUMBER, match.start(1), match.end(1), match.group(1))
    for match in _NHS.finditer(text):
        digits = "".join(match.groups())
        # Unlabelled, a leading 0 is a UK phone number's trunk prefix.
        if digits[0] == "0" or not nhs_check_digit_ok(digits):
            continue
        yield Finding(NHS_NUMBER, match.start(), match.end(), match.group())


# --- dates and dates of birth -------------------------------------------------------------

_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_DATE = (
    r"(?:"
    rf"{_DAY}\s*[/.\-]\s*(?:0?[1-9]|1[0-2])\s*[/.\-]\s*(?:\d{{4}}|\d{{2}})"  # 03/04/1950, 3.4.50
    rf"|{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}"  # 3rd March 1950
    rf"|{_MONTHS}\.?\s+{_DAY}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 3, 1950
    rf"|{_DAY}[\- ]{_MONTHS}[\- ]\d{{2,4}}"  # 03-Mar-50
    rf"|{_MONTHS}\.?\s+\d{{4}}"  # March 1950
    r"|\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"  # 1950-03-04
    r")"
)
_DATE_RE = re.compile(rf"(?<![\w/.\-]){_DATE}(?![\w/])", re.IGNORECASE)
_DOB_WORDS = r"(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?|birthday)"
# The keyword, then up to a few words (no sentence end), then the date.
_DOB_BEFORE = re.compile(
    rf"\b{_DOB_WORDS}\W{{0,3}}(?:[^.!?\n\d]{{0,20}}?)(?<![\w/.\-])({_DATE})(?![\w/])",
    re.IGNORECASE,
)
# The date, then "(DOB)" or "born" just after it.
_DOB_AFTER = re.compile(
    rf"(?<![\w/.\-])({_DATE})(?![\w/])[\s,(\[]{{0,3}}(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth)\b",
    re.IGNORECASE,
)


_DOB_ANYWHERE = re.compile(rf"\b{_DOB_WORDS}", re.IGNORECASE)


def _dates_of_birth(text: str) -> Iterable[Finding]:
    # Most text has no birth words at all: one cheap scan saves trying a date everywhere.
    if not _DOB_ANYWHERE.search(text):
        return
    for match in _DOB_BEFORE.finditer(text):
        yield Finding(DATE_OF_BIRTH, match.start(), match.end(), match.group())
    for match in _DOB_AFTER.finditer(text):
        yield Finding(DATE_OF_BIRTH, match.start(), match.end(), match.group())


# --- hospital numbers ---------------------------------------------------------------------

# Trusts number their patients differently; PID_HOSPITAL_NUMBER_PATTERNS in the config
# replaces these. Each pattern is matched case-insensitively and flags its whole match.
DEFAULT_HOSPITAL_PATTERNS: tuple[str, ...] = (
    r"\b(?:MRN|hosp(?:ital)?\.?\s*(?:no|num|number|id)\.?|unit\s+(?:no|number)\.?"
    r"|patient\s+(?:no|number|id)\.?|case\s+(?:no|number)\.?|PAS\s+(?:no|number|id)?\.?"
    r"|RiO\s+(?:no|number|id)?\.?|EMIS\s+(?:no|number)\.?)"
    r"\s*[:#=]?\s*[A-Z]{0,3}\s?\d[\d ]{4,11}\d\b",
)


def _compile_all(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


_DEFAULT_HOSPITAL = _compile_all(DEFAULT_HOSPITAL_PATTERNS)


def _hospital_numbers(text: str, patterns: Sequence[re.Pattern[str]]) -> Iterable[Finding]:
    for pattern in patterns:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                yield Finding(HOSPITAL_NUMBER, match.start(), match.end(), match.group())


# --- names --------------------------------------------------------------------------------

# Not "Dr": in clinical writing a titled doctor is a colleague far more often than a patient.
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Master)"
_SURNAME = r"(?:(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[\-'’][A-Z][a-z]+)?)"
_NAME_CAPS = r"[A-Z][a-z]+"
# "Mrs Smith", "Mr J. Smith", "Ms A B Jones": a title, up to two initials, a surname.
_TITLED = rf"{_TITLE}\.?\s+(?:[A-Z]\.?\s+){{0,2}}{_SURNAME}"
# Words that start sentences or headings after "patient", not first names.
_NOT_NAMES = frozenset({
    "The", "This", "That", "These", "Those", "And", "But", "Or", "If", "In", "On", "At", "With",
    "For", "To", "From", "By", "Of", "As", "After", "Before", "When", "While", "It", "He", "She",
    "They", "We", "You", "His", "Her", "Their", "Our", "My", "Your", "A", "An", "Is", "Was",
    "Care", "Information", "Support", "Education", "Safety", "Advocate", "Advocacy", "Centre",
    "Center", "Guide", "Guides", "Resources", "Services", "Service", "Health", "Data", "Summary",
    "Version", "Questions", "Organizations", "Organisations", "Groups", "Group", "Registry",
    "Assistance", "Navigator", "Navigators", "Portal", "Reported", "Outcomes", "Experience",
    "Home", "Medical", "Clinical", "Cancer", "National", "Network", "Society", "Foundation",
})
# "my patient Mrs Smith", "patient: Mr O'Brien", "a client called Jane Doe".
_PATIENT_WORD = (r"\b(?i:patient|pt|client|service\s+user|resident|lady|gentleman|gent|man|woman"
                 r"|husband|wife|daughter|son|mother|father|mum|dad)")
_PATIENT_TITLED = re.compile(
    rf"{_PATIENT_WORD}[,:;(\s]+(?i:(?:called|named|is|was|an?)\s+)?({_TITLED})\b"
)
_PATIENT_FULL_NAME = re.compile(
    rf"\b(?i:patient|pt|client|service\s+user)[,:;(\s]+(?i:(?:called|named|is|was)\s+)?"
    rf"(({_NAME_CAPS})\s+({_SURNAME}))\b"
)
# "Mrs Smith ... my patient" and "Mrs Smith, who I visited": a titled name beside a
# possessive patient word.
_TITLED_NAME = re.compile(rf"\b{_TITLED}\b")
# "the patient's name is Jane Doe", "patient name: Mr Patel".
_NAME_IS = re.compile(
    rf"\b(?i:patient|pt|client|service\s+user)(?:['’]s)?\s+(?i:name)\s*(?i:is|was|:|-)?\s*"
    rf"({_TITLED}|{_NAME_CAPS}\s+{_SURNAME})\b"
)
_MY_PATIENT = re.compile(r"\b(?:my|our|this|the)\s+(?:patient|pt|client|service\s+user)s?\b",
                         re.IGNORECASE)


def _patient_names(text: str) -> Iterable[Finding]:
    for match in _PATIENT_TITLED.finditer(text):
        start = match.start()
        yield Finding(PATIENT_NAME, start, match.end(1), text[start:match.end(1)])
    for match in _PATIENT_FULL_NAME.finditer(text):
        if match.group(2) in _NOT_NAMES or match.group(3) in _NOT_NAMES:
            continue
        yield Finding(PATIENT_NAME, match.start(), match.end(1), text[match.start():match.end(1)])
    for match in _NAME_IS.finditer(text):
        yield Finding(PATIENT_NAME, match.start(), match.end(1), text[match.start():match.end(1)])
    for match in _TITLED_NAME.finditer(text):
        window = text[max(0, match.start() - 60):match.end() + 60]
        if _MY_PATIENT.search(window):
            yield Finding(PATIENT_NAME, match.start(), match.end(), match.group())


# --- postcodes ----------------------------------------------------------------------------

_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|(?:[A-PR-UWYZ](?:\d\d?|[A-HK-Y]\d\d?|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]))"
    r" ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_ANY_NAME = re.compile(rf"\b{_TITLE}\.?\s+{_SURNAME}\b|\b{_NAME_CAPS}\s+{_SURNAME}\b")


def _postcodes(text: str) -> Iterable[Finding]:
    for match in _POSTCODE.finditer(text):
        code = match.group()
        # Outward codes are written in capitals or all in lower case, never mixed.
        if not (code.isupper() or code.islower()):
            continue
        before = text[max(0, match.start() - 60):match.start()]
        after = text[match.end():match.end() + 60]
        near = before + " | " + after
        if _DATE_RE.search(near) or _ANY_NAME.search(before) or _TITLED_NAME.search(after):
            yield Finding(POSTCODE, match.start(), match.end(), code)


# --- the detector -------------------------------------------------------------------------

def find_patient_data(text: str,
                      hospital_patterns: Sequence[str | re.Pattern[str]] | None = None
                      ) -> list[Finding]:
    """Every stretch of `text` that may identify a patient, in order, without overlaps."""
    if not text:
        return []
    if hospital_patterns is None:
        hospital = _DEFAULT_HOSPITAL
    else:
        hospital = tuple(p if isinstance(p, re.Pattern) else re.compile(p, re.IGNORECASE)
                         for p in hospital_patterns)
    found = [
        *_nhs_numbers(text),
        *_dates_of_birth(text),
        *_hospital_numbers(text, hospital),
        *_patient_names(text),
        *_postcodes(text),
    ]
    # Earliest first; where two overlap keep the longer, so each stretch is marked once.
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in found:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept


def describe(findings: Sequence[Finding]) -> str:
    """'an NHS number and a date of birth' for messages and the queue's reason."""
    labels = list(dict.fromkeys(f.label for f in findings))
    if not labels:
        return ""
    words = [("an " if label.startswith(("NHS", "a", "e", "i", "o", "u")) else "a ") + label
             for label in labels]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
