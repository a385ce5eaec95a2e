"""Contact details as people type them: validated, normalised, and explained when wrong.

Every parser returns either a clean value or a `Problem` naming what is wrong, so the bot
can re-ask with a specific hint instead of a generic "invalid input"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_NAME = 60
MAX_COMPANY = 120

# WeChat IDs: 6-20 characters, starting with a letter; letters, digits, "_" and "-".
WECHAT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{5,19}$")
_WECHAT_LABELLED = re.compile(
    r"(?:wechat|weixin|微信号?|wx|vx|v信)\s*(?:id|号)?\s*[:：是为]?\s*([A-Za-z][A-Za-z0-9_-]{5,19})\b",
    re.IGNORECASE,
)
_EMAIL_CANDIDATE = re.compile(r"[^\s,;，；:：<>()（）]+@[^\s,;，；<>()（）]*")
# A run of digits with the separators people put in phone numbers.
_PHONE_CANDIDATE = re.compile(r"(?:\+|00)?\d[\d\s\-().]{5,}\d")
_CJK_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff·•]{2,20}$")
_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ .'\-]{0,58}[A-Za-zÀ-ÖØ-öø-ÿ.]$")
_NAME_PREFIXES = re.compile(
    r"^(?:my name is|i am|i'm|this is|name[:：]?|call me|我叫|我是|我姓|姓名[:：]?|名字[:：]?|叫我)\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Problem:
    """What is wrong with an answer: a code the bot turns into a specific hint."""

    code: str


@dataclass
class ContactMethods:
    phone: str | None = None
    email: str | None = None
    wechat_id: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def found(self) -> dict[str, str]:
        return {k: v for k, v in (("phone", self.phone), ("email", self.email),
                                  ("wechat_id", self.wechat_id)) if v}


def parse_phone(text: str) -> str | Problem:
    """A mobile number as E.164. Chinese numbers are accepted with or without +86, with spaces,
    dashes or brackets; other countries need their + prefix."""
    raw = text.strip()
    digits = re.sub(r"[^\d+]", "", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not re.search(r"\d", digits):
        return Problem("phone_missing")
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return Problem("phone_invalid")
    if not phonenumbers.is_valid_number(number):
        national = re.sub(r"\D", "", digits)
        if number.country_code == 86 and len(national.removeprefix("86")) != 11:
            return Problem("phone_length")
        return Problem("phone_invalid")
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return Problem("phone_not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_email(text: str) -> str | Problem:
    """An email address, checked for syntax only (no network lookups)."""
    try:
        result = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return Problem("email_invalid")
    return result.normalized if hasattr(result, "normalized") else result.email


def parse_wechat_id(text: str) -> str | Problem:
    value = text.strip()
    labelled = _WECHAT_LABELLED.search(value)
    if labelled:
        value = labelled.group(1)
    if WECHAT_ID.match(value):
        return value
    return Problem("wechat_invalid")


def parse_methods(text: str) -> ContactMethods:
    """Every way to reach the user found in one message: "13812345678, li@example.com, 微信 li_wei88".

    A phone-like or email-like fragment that fails validation becomes a problem; a bare
    word that looks like a WeChat ID counts only when labelled or when nothing else is given."""
    methods = ContactMethods()
    rest = text
    for candidate in _EMAIL_CANDIDATE.findall(text):
        email = parse_email(candidate.rstrip(".。"))
        if isinstance(email, Problem):
            methods.problems.append(email)
        elif not methods.email:
            methods.email = email
        rest = rest.replace(candidate, " ")
    labelled = _WECHAT_LABELLED.search(rest)
    if labelled:
        methods.wechat_id = labelled.group(1)
        rest = rest.replace(labelled.group(0), " ")
    for candidate in _PHONE_CANDIDATE.findall(rest):
        phone = parse_phone(candidate)
        if isinstance(phone, Problem):
            methods.problems.append(phone)
        elif not methods.phone:
            methods.phone = phone
        rest = rest.replace(candidate, " ")
    if not methods.found and not methods.problems:
        words = rest.split()
        if len(words) == 1 and WECHAT_ID.match(words[0]) and re.search(r"\d|_", words[0]):
            methods.wechat_id = words[0]
        elif re.search(r"\d{4,}", rest):
            methods.problems.append(Problem("phone_length"))
        else:
            methods.problems.append(Problem("methods_missing"))
    return methods


def parse_name(text: str) -> str | Problem:
    """A person's name in Chinese or Latin script ("王芳", "Anna Müller", "my name is Li Wei")."""
    value = _NAME_PREFIXES.sub("", " ".join(text.split())).strip(" .。!！,，")
    if not value:
        return Problem("name_missing")
    if len(value) > MAX_NAME:
        return Problem("name_too_long")
    if re.search(r"\d|[<>@/\\{}\[\]#$%^&*=+|~`]", value):
        return Problem("name_invalid")
    if _CJK_NAME.match(value) or _LATIN_NAME.match(value):
        return value
    if len(value) == 1:
        return Problem("name_too_short")
    return Problem("name_invalid")


def parse_company(text: str) -> str | Problem:
    value = " ".join(text.split()).strip()
    if len(value) < 2 or not re.search(r"[A-Za-z\u4e00-\u9fff]", value):
        return Problem("company_invalid")
    if re.search(r"[<>{}]", value):
        return Problem("company_invalid")
    return value[:MAX_COMPANY]
