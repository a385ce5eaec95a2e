"""Phone numbers as people type them: mobiles and landlines, Chinese or foreign, with or
without "+86"/"0086", full-width digits, brackets and dashes; and which digit runs in a message
are not phone numbers at all (dates, amounts, IP addresses, order numbers).

Split out of bot/contact.py (which re-exports `parse_phone`): these rules are the largest
part of contact parsing and change on their own (a new country, a new kind of amount)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from bot.contact_names import Problem, alternation, fold, words

# A run of digits with the separators people put in phone numbers, not inside a word or an ID.
PHONE_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9_@.+\-/])(?:\(\s*\+|\+|\()?\s*\d[\d \t\-().]{5,}\d(?![A-Za-z0-9_@])"
)
DIGIT_RUN = re.compile(r"\d[\d \-]*\d")
PHONE_LABEL = re.compile(rf"{alternation(words('contact', 'phone_labels'))}\s*(?::|是|为|is)?\s*$", re.I)
_NOT_PHONE = (
    re.compile(
        r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}.*|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|(?:19|20)\d{2}\s*[-~]\s*(?:19|20)\d{2}"
        r"|\d{1,3}(?:\.\d{1,3}){3}|\d+\.\d+"
    ),
    re.compile(rf"^\s*{alternation(words('contact', 'units'))}", re.I),
    re.compile(rf"{alternation(words('contact', 'not_phone_before'))}\s*:?\s*$", re.I),
)
_REACHABLE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
}


@dataclass(frozen=True)
class Number:
    """A valid, reachable phone number."""

    e164: str
    national: str
    mobile: bool
    explicit: bool  # plainly a phone number: "+…"/"00…", a Chinese mobile, or a landline with its 0 area code


def _parse_number(digits: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None


def wrong_length(digits: str) -> Problem:
    if digits.startswith("+") and not digits.startswith("+86"):
        return Problem("phone_invalid")
    national = digits.removeprefix("+86")
    if national.startswith("1"):
        return Problem("phone_length" if len(national) != 11 else "phone_invalid")
    if national.startswith("0"):
        return Problem("phone_length" if len(national) not in (11, 12) else "phone_invalid")
    return Problem("phone_length" if len(national) < 9 else "phone_invalid")


# The place a number is said to be from ("台湾手机 0912-345-678", "HK mobile 9123 4567"): its
# national form is then read as that place's.
_REGIONS = (
    ("TW", re.compile(r"台湾|臺灣|taiwan", re.I)),
    ("HK", re.compile(r"香港|hong\s*kong|\bhk\b", re.I)),
    ("MO", re.compile(r"澳门|澳門|macau|macao", re.I)),
    ("RU", re.compile(r"俄罗斯|russia", re.I)),
    ("KZ", re.compile(r"哈萨克|kazakh", re.I)),
    ("KR", re.compile(r"韩国|korea", re.I)),
    ("JP", re.compile(r"日本|japan", re.I)),
    ("US", re.compile(r"美国|\bus\b|\busa\b", re.I)),
)


# "010-5528-3391 Korea number", "8 914 123 45 67（俄罗斯号）": the place said right after the number
_NUMBER_WORDS = re.compile(
    r"^[\s,，:：-]*[(（]?\s*(?:the\s+)?(?P<place>[^\d,，;；。()（）]{2,12}?)\s*(?:mobile|number|phone|cell|号码?|手机|电话)",
    re.I,
)


_PLACE_IN_BRACKETS = re.compile(r"^\s*[(（]\s*(?P<place>[^\d()（）]{2,12}?)\s*[)）]")


def region_named(before: str, after: str = "") -> str | None:
    """The region a number is said to be from, in the words just before it or in a "<place> number"
    right after it."""
    found = next((code for code, pattern in _REGIONS if pattern.search(before)), None)
    said_after = _NUMBER_WORDS.match(after) or _PLACE_IN_BRACKETS.match(after)
    if found is None and said_after:
        found = next((code for code, pattern in _REGIONS if pattern.search(said_after.group("place"))), None)
    return found


def read_number(text: str, region: str | None = None) -> Number | Problem:
    """One phone number as typed (separators, "+86", "0086", "(0)", an extension), or its problem.
    `region`: where the number is said to be from, for a number typed in its national form."""
    raw = re.sub(r"(?:转|分机|ext\.?|x)\s*\d{1,6}\s*$", "", fold(text), flags=re.I).replace("(0)", "")
    digits = re.sub(r"[^\d+]", "", raw)
    if not re.search(r"\d", digits):
        return Problem("phone_missing")
    plus = digits.startswith(("+", "00"))
    digits = "+" + digits[2:] if digits.startswith("00") else digits
    if "+" in digits[1:]:
        return Problem("phone_invalid")
    number = _parse_number(digits)
    # A place said with the number wins over a Chinese reading, unless it is a Chinese mobile
    # ("韩国号 010-5528-3391" is Korean, though 010 is also Beijing's area code).
    chinese_mobile = number is not None and str(number.national_number).startswith("1") and len(digits) == 11
    if not plus and region and region != "CN" and not (chinese_mobile and not digits.startswith("0")):
        try:
            local = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            local = None
        number = local if local is not None and phonenumbers.is_valid_number(local) else number
    if not plus and region and (number is None or not phonenumbers.is_valid_number(number)):
        try:
            local = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            local = None
        number = local if local is not None and phonenumbers.is_valid_number(local) else number
    invalid = number is None or not phonenumbers.is_valid_number(number)
    if not plus and invalid and digits.startswith(("852", "853", "886", "7")):
        # a neighbour's number without its "+"
        foreign = _parse_number("+" + digits)
        number = foreign if foreign and phonenumbers.is_valid_number(foreign) else number
    if number is None:
        return Problem("phone_invalid")
    if not phonenumbers.is_valid_number(number):
        extension = re.match(r"(.*\d)[\s-]+\d{1,5}$", raw)  # "0451-86661234-801"
        shorter = read_number(extension.group(1)) if extension else None
        return shorter if isinstance(shorter, Number) and not shorter.mobile else wrong_length(digits)
    kind = phonenumbers.number_type(number)
    if kind not in _REACHABLE:
        return Problem("phone_invalid")
    national = str(number.national_number)
    chinese = number.country_code == 86 and (national.startswith("1") or digits.startswith("0"))
    return Number(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        national,
        kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE),
        plus or chinese,
    )


def parse_phone(text: str) -> str | Problem:
    """A phone number as E.164: a mobile or a landline with its area code. Chinese numbers with or
    without +86/0086, with spaces, dashes or brackets; other countries with their "+" prefix."""
    phone = read_number(re.sub(r"^[^\d+(]*", "", fold(text).strip()) or text)
    return phone if isinstance(phone, Problem) else phone.e164


def split_numbers(
    span: str, offset: int, region: str | None = None
) -> list[tuple[int, int, Number | Problem]]:
    """The numbers in a run of digits: one, or several separated by spaces ("139… 0451-8666…")."""
    whole = read_number(span, region)
    if not isinstance(whole, Problem) and (whole.explicit or " " not in span.strip()):
        return [(offset, offset + len(span), whole)]
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", span)]
    # Plain numbers first ("4312 - 139 0451 4321": the mobile, not a landline made of the digits
    # before it without their 0); then any valid reading.
    for plain_only in (True, False):
        found: list[tuple[int, int, Number | Problem]] = []
        i = 0
        while i < len(tokens):
            for j in range(len(tokens), i, -1):
                part = read_number(span[tokens[i][0] : tokens[j - 1][1]], region)
                if not isinstance(part, Problem) and (part.explicit or not plain_only):
                    found.append((offset + tokens[i][0], offset + tokens[j - 1][1], part))
                    i = j
                    break
            else:
                i += 1
        if found:
            return found
        if not isinstance(whole, Problem):  # a number read whole, though not plainly one
            return [(offset, offset + len(span), whole)]
    return [(offset, offset + len(span), whole)]


def not_a_phone(text: str, start: int, end: int) -> bool:
    """A date, a range of years, an IP address, an amount ("300000元") or a reference number."""
    pattern, unit_after, word_before = _NOT_PHONE
    return bool(
        pattern.fullmatch(text[start:end].strip())
        or unit_after.match(text[end:])
        or word_before.search(text[:start])
    )
