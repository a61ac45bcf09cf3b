"""Password rules (length, common-password list, personal details) and hashing, in one place."""

from __future__ import annotations

import re
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 256  # scrypt's cost barely depends on length, but nobody types more than this

TOO_SHORT = "Your password must be at least {n} characters"
TOO_LONG = "Your password must be {n} characters or fewer"
TOO_COMMON = ("This password is too easy to guess. Try 3 or 4 random words together, "
              "like \u201csunflower ladder river kettle\u201d")
TOO_PERSONAL = "Your password must not contain your email address or your name"

# zxcvbn's ranked lists: leaked passwords, then the commonest words and names. A password that
# is one of these (ignoring case and a few digits or symbols on either end) is guessed at once.
_LISTS = ("passwords", "english_wikipedia", "us_tv_and_film", "surnames", "female_names",
          "male_names")
_EDGES = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for name in _LISTS for word in FREQUENCY_LISTS[name])


def is_common(password: str) -> bool:
    lowered = password.strip().lower()
    common = _common()
    if lowered in common or lowered.replace(" ", "") in common:
        return True
    core = _EDGES.sub("", lowered)
    return bool(core) and core in common


def _personal_parts(email: str | None, name: str | None) -> list[str]:
    parts: list[str] = []
    if email:
        email = email.strip().lower()
        parts.append(email)
        parts.append(email.split("@", 1)[0])
    if name:
        name = name.strip().lower()
        parts.append(name)
        parts.append(name.replace(" ", ""))
    return [p for p in parts if len(p) >= 3]


def password_problem(password: str, *, email: str | None = None, name: str | None = None,
                     min_length: int = MIN_LENGTH) -> str | None:
    """What is wrong with a new password, in plain English, or None when it is acceptable."""
    if len(password) < min_length:
        return TOO_SHORT.format(n=min_length)
    if len(password) > MAX_LENGTH:
        return TOO_LONG.format(n=MAX_LENGTH)
    lowered = password.lower()
    compact = lowered.replace(" ", "")
    if any(part in lowered or part in compact for part in _personal_parts(email, name)):
        return TOO_PERSONAL
    if is_common(password):
        return TOO_COMMON
    return None


def hash_password(password: str) -> str:
    """werkzeug's default: scrypt with a random salt."""
    return generate_password_hash(password)


# Compared against when no account matches, so a wrong address costs the same time as a
# wrong password and response times do not reveal who is registered.
@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a real password, only for timing")


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)
