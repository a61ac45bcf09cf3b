"""The patient-data detector: what it catches, what it leaves alone, and how quiet it is on
real clinical text."""

from __future__ import annotations

import itertools
import json

import pytest

from forum.moderation.pid import (
    DATE_OF_BIRTH,
    HOSPITAL_NUMBER,
    NHS_NUMBER,
    PATIENT_NAME,
    POSTCODE,
    describe,
    find_patient_data,
    nhs_check_digit_ok,
)
from tests.conftest import SHARED_DATA
from tests.markers import same_on_every_database

pytestmark = same_on_every_database  # pure functions: the database plays no part

VALID_NHS = ["9434765919", "4010232137", "4505577104", "7700900019"]


def kinds(text: str, **kw) -> list[str]:
    return [f.kind for f in find_patient_data(text, **kw)]


def first_valid(prefix: str, width: int, window: slice) -> str:
    """The first number `prefix` + n (n of `width` digits) whose `window` passes Modulus 11,
    so a test of 'not an NHS number' is a real test of the exclusion rule."""
    for n in range(10 ** width):
        number = prefix + str(n).zfill(width)
        if nhs_check_digit_ok(number[window]):
            return number
    raise AssertionError("no candidate")


@pytest.mark.parametrize("digits", VALID_NHS)
@pytest.mark.parametrize("layout", ["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}", "{a}-{b} {c}"])
def test_every_valid_nhs_number_layout_is_caught(digits, layout):
    number = layout.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    text = f"Her NHS number is {number}, please check."
    findings = find_patient_data(text)
    assert [f.kind for f in findings] == [NHS_NUMBER]
    assert findings[0].text == number
    assert text[findings[0].start:findings[0].end] == number


def test_nhs_number_at_start_and_end_of_text():
    assert kinds("9434765919") == [NHS_NUMBER]
    assert kinds("(943 476 5919)") == [NHS_NUMBER]


@pytest.mark.parametrize("number", ["943 476 5918", "9434765910", "401-023-2130", "123 456 7890"])
def test_numbers_failing_the_check_digit_are_not_nhs_numbers(number):
    assert not nhs_check_digit_ok(number.replace(" ", "").replace("-", ""))
    assert kinds(f"Number {number} here") == []


def test_check_digit_of_ten_is_never_valid():
    # 100000001x: total 10*1 + 2*0 ... = 10+0+...; find one whose check would be 10.
    for n in range(1000, 2000):
        nine = f"40000{n}"
        total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
        if 11 - total % 11 == 10:
            assert not any(nhs_check_digit_ok(nine + str(d)) for d in range(10))
            return
    raise AssertionError("no nine digits with check value 10 found")


@pytest.mark.parametrize("phone", [
    # Mobiles and landlines whose last ten digits would pass Modulus 11 on their own.
    first_valid("077009", 5, slice(1, None)),
    first_valid("0121496", 4, slice(1, None)),
    first_valid("0207946", 4, slice(1, None)),
])
@pytest.mark.parametrize("layout", ["plain", "spaced", "international"])
def test_uk_phone_numbers_are_not_nhs_numbers(phone, layout):
    if layout == "spaced":
        if phone.startswith("07"):
            phone = f"{phone[:5]} {phone[5:]}"
        else:
            phone = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    elif layout == "international":
        phone = "+44 " + phone[1:4] + " " + phone[4:7] + " " + phone[7:]
    assert kinds(f"Ring me on {phone} tomorrow") == []


def test_ten_digit_number_with_leading_zero_is_a_phone_number():
    number = first_valid("0", 9, slice(None))
    assert kinds(f"Call {number}") == []


# Scottish CHI numbers start with the day of birth (01-31), so a real, valid number may start
# with 0: labelled as an NHS number, it is one whatever its first digit.
LEADING_ZERO_NHS = ["0552034096", "0830166130", first_valid("01015", 5, slice(None))]
NHS_LABELS = ["NHS no {n}", "NHS No. {n}", "Patient NHS number: {n}", "nhs# {n}", "NHS #{n}",
              "NHS number is {n}", "NHS: {n}", "nhs num {n}", "CHI number {n}"]
GROUPINGS = ["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "{a} {b}{c}",
             "{d}"]


@pytest.mark.parametrize("digits", LEADING_ZERO_NHS + VALID_NHS[:1])
@pytest.mark.parametrize("label", NHS_LABELS)
@pytest.mark.parametrize("grouping", GROUPINGS)
def test_labelled_nhs_number_is_caught_even_with_a_leading_zero(digits, label, grouping):
    number = grouping.format(a=digits[:3], b=digits[3:6], c=digits[6:],
                             d=f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}")
    text = f"Referred today. {label.format(n=number)}. Seen in clinic."
    findings = find_patient_data(text)
    assert [f.kind for f in findings] == [NHS_NUMBER]
    assert findings[0].text == number


@pytest.mark.parametrize("label", NHS_LABELS)
def test_labelled_number_failing_the_check_digit_is_not_an_nhs_number(label):
    assert kinds(label.format(n="055 203 4097")) == []


@pytest.mark.parametrize("text", [
    "Call the NHS on 0552034096 to book.",  # the label must sit right before the number
    "NHS 111 or 0552034096",
    "Ring 055 203 4096 for the NHS team",
])
def test_unlabelled_number_with_a_leading_zero_stays_a_phone_number(text):
    assert kinds(text) == []


def test_part_of_a_longer_number_is_not_an_nhs_number():
    assert kinds("Order 94347659191 and 19434765919 and 1-943-476-5919") == []


@pytest.mark.parametrize("text", [
    "Seen on 03/04/2024 and again on 12 June 2024.",
    "The audit ran from March 2023 to 2024-01-31.",
    "Patients born after 1965 should be offered screening.",
    "She was born in 1950.",
])
def test_dates_alone_are_not_findings(text):
    assert kinds(text) == []


@pytest.mark.parametrize("text", [
    "DOB 03/04/1950",
    "D.O.B: 3rd March 1950",
    "d.o.b. 3.4.50",
    "Her date of birth is 12 June 1947",
    "born on 12 June 1947",
    "born 1947-06-12",
    "12/06/1947 (DOB)",
    "birthday March 3, 1950",
])
def test_dates_of_birth_are_caught(text):
    assert kinds(f"Lady seen at home. {text}. Plan agreed.") == [DATE_OF_BIRTH]


@pytest.mark.parametrize("text", [
    "MRN 12345678", "MRN: 1234567", "Hospital no: RAL 1234567", "hosp no. 7654321",
    "hospital number A123456", "unit number 9876543",
])
def test_hospital_numbers_are_caught(text):
    assert kinds(f"Referred with {text} yesterday") == [HOSPITAL_NUMBER]


def test_hospital_number_patterns_are_configurable():
    trust = [r"\bRAL\d{7}\b"]
    assert kinds("see RAL1234567", hospital_patterns=trust) == [HOSPITAL_NUMBER]
    assert kinds("see RAL1234567") == []
    assert kinds("MRN 12345678", hospital_patterns=trust) == []


@pytest.mark.parametrize("text", [
    "My patient Mrs Smith has asked about this",
    "patient: Mr O'Brien",
    "Patient called Jane Doe",
    "Mrs Patel, my patient, said she felt better",
    "I visited our patient Miss McDonald at home",
    "the client, Ms Hughes-Jones",
    "My patient Mr J. Smith is improving",
    "The patient's name is Jane Doe",
    "patient name: Mr Patel",
])
def test_named_patients_are_caught(text):
    assert kinds(text) == [PATIENT_NAME]


@pytest.mark.parametrize("text", [
    "My patient asked about lymphoedema.",
    "Dr Smith spoke at the webinar.",
    "Patient Information leaflets from Macmillan.",
    "Ask the patient. The next step is referral.",
    "Mr Men books were on the shelf.",
])
def test_unnamed_patients_and_colleagues_are_not_findings(text):
    assert kinds(text) == []


def test_postcode_beside_a_name_or_date_is_caught():
    assert kinds("John Smith, 10 High Street, SW1A 1AA") == [POSTCODE]
    assert POSTCODE in kinds("Visit on 03/04/2024 at SE1 7EH")


def test_postcode_on_its_own_is_not_a_finding():
    assert kinds("Our clinic is at SE1 7EH, near London Bridge.") == []


def test_findings_are_in_order_and_do_not_overlap():
    text = "My patient Mrs Smith, NHS 943 476 5919, DOB 03/04/1950, MRN 12345678."
    findings = find_patient_data(text)
    assert [f.kind for f in findings] == [PATIENT_NAME, NHS_NUMBER, DATE_OF_BIRTH, HOSPITAL_NUMBER]
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start
    for f in findings:
        assert text[f.start:f.end] == f.text


def test_describe_names_each_kind_once():
    text = "943 476 5919 and 401 023 2137, DOB 03/04/1950"
    assert describe(find_patient_data(text)) == "an NHS number and a date of birth"
    assert describe([]) == ""


def test_empty_text_has_no_findings():
    assert find_patient_data("") == []


MEDQUAD = SHARED_DATA / "medquad" / "medquad_all.jsonl"


@pytest.mark.skipif(not MEDQUAD.exists(), reason="../shared/data/medquad is not present")
def test_flags_under_one_percent_of_medquad_answers(capsys):
    answers = [json.loads(line)["answer"] for line in MEDQUAD.open(encoding="utf-8")]
    assert len(answers) == 16_407
    flagged = sum(1 for answer in answers if find_patient_data(answer))
    share = flagged / len(answers)
    with capsys.disabled():
        print(f"\npatient-data detector flags {flagged} of {len(answers)} MedQuAD answers "
              f"({share:.3%})")
    assert share < 0.01
