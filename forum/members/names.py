"""What a display name may be: visible characters only, no role it does not have, and
nothing that reads as a moderator's or organiser's name.

"Tom Gallagher" + U+202E + "(rotarédom)" displays as "Tom Gallagher (moderator)": direction
controls and other invisible characters are refused; roles are shown from `User.role` (see
forum.templating.member_name), so a role word in a name is refused too; and a name whose
skeleton matches a member of staff's is refused. The skeleton follows Unicode's UTS #39 idea
(map each character to a representative of the characters it can be mistaken for) using the
confusables data of the `confusable_homoglyphs` package, with letter case, spacing and
punctuation ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from forum.errors import InvalidInput

# Control, format (bidi controls, zero-width characters), private-use, unassigned,
# surrogate, and line/paragraph separator characters.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
# Letters and marks that draw nothing: Hangul fillers, the combining grapheme joiner, the
# braille blank and the variation selectors.
INVISIBLE_CHARACTERS = frozenset(
    "\u034f\u115f\u1160\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
ROLE_WORDS = ("moderator", "moderators", "mod", "mods", "admin", "admins", "administrator",
              "organiser", "organisers", "organizer", "organizers")

FIELD = "display_name"
INVISIBLE_MESSAGE = ("Your display name contains a character that is invisible or changes the "
                     "direction of the text. Use letters, numbers, spaces and ordinary punctuation")
ROLE_MESSAGE = ("Your display name cannot include “moderator”, “admin” or “organiser”. Roles "
                "are shown beside names by the forum itself")
LOOKALIKE_MESSAGE = ("This name looks too like the name of a moderator or organiser. Choose "
                     "another, for example with your surname or an initial")
LENGTH_MESSAGE = "Your display name must be between 2 and 80 characters"


def _is_invisible(char: str) -> bool:
    return char in INVISIBLE_CHARACTERS or unicodedata.category(char) in INVISIBLE_CATEGORIES


def visible_line(text: str, *, field: str, message: str) -> str:
    """One line of text as it will be stored (NFC, one plain space between words); raises
    InvalidInput(message, field) if it holds an invisible or direction-changing character."""
    # Any space character (no-break, ideographic, ...) becomes a plain space first.
    spaced = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)
    if any(_is_invisible(c) for c in spaced):
        raise InvalidInput(message, field=field)
    return re.sub(" {2,}", " ", unicodedata.normalize("NFC", spaced)).strip()


def clean_organisation(organisation: str) -> str:
    """The organisation shown beside a member's name: visible characters only, like the name."""
    return visible_line(organisation, field="organisation",
                        message=INVISIBLE_MESSAGE.replace("display name", "organisation"))


def clean_display_name(name: str) -> str:
    """The name as it will be stored; raises InvalidInput if it holds an invisible or
    direction-changing character, or is too short or long once spaces are tidied."""
    cleaned = visible_line(name, field=FIELD, message=INVISIBLE_MESSAGE)
    if not 2 <= len(cleaned) <= 80:
        raise InvalidInput(LENGTH_MESSAGE, field=FIELD)
    return cleaned


@cache
def _representatives() -> dict[str, str]:
    """Each character that can be mistaken for others -> one representative of its group.

    Built once from the package's data and only read afterwards. Groups are joined
    transitively (l ~ I ~ 1 ~ |); an ASCII letter is preferred as the representative, so
    that letter case can be folded after mapping (0 -> O -> o).
    """
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def find(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    def rank(char: str) -> tuple[bool, bool, int]:
        return (not char.isascii(), not char.isalpha(), ord(char))

    for char, homoglyphs in confusables_data.items():
        if len(char) != 1:
            continue
        for homoglyph in homoglyphs:
            other = homoglyph["c"]
            if len(other) != 1:
                continue  # sequences ("rn" for "m") are left out: a word-by-word compare
            a, b = find(char), find(other)
            if a != b:
                a, b = sorted((a, b), key=rank)
                parent[b] = a
    return {char: find(char) for char in parent}


def _map(text: str) -> str:
    table = _representatives()
    return "".join(table.get(c, c) for c in text)


def _word_skeletons(name: str) -> list[str]:
    """The name's words, each reduced to what it looks like: compatibility forms folded
    (full-width, mathematical letters), lookalike characters mapped to one, case folded,
    accents-as-marks and punctuation dropped."""
    text = unicodedata.normalize("NFKC", name)
    for _ in range(3):  # map and fold until nothing changes (L -> l -> I -> i)
        folded = _map(text).casefold()
        if folded == text:
            break
        text = folded
    text = unicodedata.normalize("NFD", text)
    text = "".join(c if unicodedata.category(c)[0] in "LN" else " "
                   for c in text if unicodedata.category(c) not in ("Mn", "Me"))
    return text.split()


@cache
def _role_skeletons() -> frozenset[str]:
    return frozenset(s for word in ROLE_WORDS for s in _word_skeletons(word))


def name_skeleton(name: str) -> str:
    """What the name looks like, ignoring case, spacing, punctuation and role words."""
    roles = _role_skeletons()
    return "".join(w for w in _word_skeletons(name) if w not in roles)


def check_display_name(name: str, *, staff_names: Iterable[str]) -> str:
    """The name to store, if it may be used; raises InvalidInput (on the display name field).

    `staff_names`: the names of moderators and organisers other than the person naming
    themselves, which no one else may look like.
    """
    cleaned = clean_display_name(name)
    roles = _role_skeletons()
    if any(word in roles for word in _word_skeletons(cleaned)):
        raise InvalidInput(ROLE_MESSAGE, field=FIELD)
    skeleton = name_skeleton(cleaned)
    if skeleton and any(name_skeleton(staff) == skeleton for staff in staff_names):
        raise InvalidInput(LOOKALIKE_MESSAGE, field=FIELD)
    return cleaned
