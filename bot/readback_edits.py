"""Read-back corrections that describe the change instead of retyping the value: new last
digits of the phone ("尾号是7329不是7328", "ends in 21 not 12"), a new domain, suffix or
provider of the email ("域名是x.cn", "后缀是.cn 不是.com", "at gmail not hotmail"). The stored
value is edited only when it is certain which part changes and the old part named is there;
otherwise None, and the field is asked again."""

from __future__ import annotations

import re

from bot import contact
from bot.contact_names import fold

# Where the end of a number is named: "尾号", "后四位", "最后一位", "the last two digits", "ends in".
# `count`: how many digits the words say; `bare`: "最后" alone, a tail only when the phone is named.
_NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "one": 1, "two": 2}
_NUMBERS |= {"three": 3, "four": 4, "five": 5, "six": 6}
_TAIL_MARK = re.compile(
    r"尾号|尾数|末尾|结尾|后\s*(?P<zh>[一两二三四五六\d])\s*位(?:数字?)?"
    r"|最后\s*(?:(?P<zh_last>[一两二三四五六几\d])\s*(?:位|个数字?)(?:数字?)?)?"
    r"|\blast\s+(?:(?P<en>one|two|three|four|five|six|\d)\s+)?(?:digits?|numbers?)\b"
    r"|\bends?\s+(?:in|with)\b|\bending\s+(?:in|with)\b|\bend\b",
    re.IGNORECASE,
)
_BEFORE_OLD = re.compile(
    r"(?:不是|而不是|而非|并非|not|instead of|rather than|isn'?t)\s*[:：]?\s*(?:at\s+|@\s*)?$", re.IGNORECASE
)
_AFTER_OLD = re.compile(r"^\s*(?:改成|改为|换成|应该是|应为|->|→|=>|to\b|should be)", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    r"\s*(?:年|月|日|号|点|天|元|块|万|岁|个|次|%|:\d|\.\d|years?\b|days?\b|am\b|pm\b)", re.I
)
# Positions counted from the start or the middle: not a tail.
_NOT_TAIL = re.compile(
    r"第\s*[一二三四五六七八九十\d]+\s*位|中间|开头|前\s*[一二三四五六\d]\s*位|\bfirst\b|\bmiddle\b", re.I
)


def _tail_count(mark: re.Match[str]) -> int | None:
    word = next((g for g in (mark.group("zh"), mark.group("zh_last"), mark.group("en")) if g), None)
    if word is None or word == "几":
        return None
    return int(word) if word.isdigit() else _NUMBERS.get(word.lower())


def _digit_runs(text: str) -> tuple[list[str], list[str]] | None:
    """The digit runs of a message, split into new ones and the old ones they replace ("不是06",
    "2018 改成 2019"); None when a run is too long to be a tail."""
    new: list[str] = []
    old: list[str] = []
    for run in re.finditer(r"\d+", text):
        if len(run.group(0)) > 6 or _UNIT_AFTER.match(text, run.end()):
            return None  # part of a longer number, or a date, an amount, a count
        if _BEFORE_OLD.search(text[: run.start()]) or _AFTER_OLD.search(text[run.end() :]):
            old.append(run.group(0))
        else:
            new.append(run.group(0))
    return new, old


def _bare(mark: re.Match[str]) -> bool:
    """ "最后", "end": words that name the end of a number only together with the old digits."""
    word = mark.group(0).lower()
    return word == "end" or (word.startswith("最后") and mark.group("zh_last") is None)


def names_a_tail(message: str) -> bool:
    """ "最后一位是5", "后四位3456", "ends in 21 not 12": the end of a number is corrected."""
    folded = fold(message)
    return any(not _bare(m) for m in _TAIL_MARK.finditer(folded)) and bool(
        re.search(r"\d", _TAIL_MARK.sub(" ", folded))
    )


def new_tail(current: str | None, message: str) -> str | None:
    """ "尾号是7210不是7201", "最后是2019 不是2018", "是7705，不是06", "the last digit is 5 not 6":
    the current number with its end replaced, when the old digits named (if any) are its end.
    None whenever that is not certain: the number is then asked again."""
    folded = fold(message)
    if not current or _NOT_TAIL.search(folded):
        return None
    marks = list(_TAIL_MARK.finditer(folded))
    runs = _digit_runs(_TAIL_MARK.sub(" ", folded))
    if runs is None:
        return None
    new, old = runs
    strong = [m for m in marks if not _bare(m)]
    if len(new) != 1 or len(old) > 1 or not (strong or old):
        return None  # "最后" alone ("最后是2019年换的") needs the old digits to be sure
    digits, national = new[0], re.sub(r"\D", "", current)
    if len(digits) > min(6, len(national) - 4):
        return None
    replaced = national[-len(digits) :]
    if old and (
        len(old[0]) > len(digits) or not replaced.endswith(old[0]) or old[0] == digits[-len(old[0]) :]
    ):
        return None
    count = next((c for m in marks if (c := _tail_count(m))), None)
    changed = sum(a != b for a, b in zip(replaced, digits, strict=True))
    if count is not None and len(digits) != count and changed > count:
        return None  # "最后一位" with four digits that differ in two places: not what was said
    candidate = current[: len(current) - len(digits)] + digits
    checked = contact.parse_phone(candidate)
    return candidate if checked == candidate else None


# Email corrections that describe the change: a new domain ("是bingyuangame.com"), a new
# suffix ("后缀是.cn 不是.com", "should be .com.cn"), a new provider ("at gmail not hotmail").
_TLDS = frozenset(
    [
        "com",
        "cn",
        "net",
        "org",
        "edu",
        "gov",
        "io",
        "ru",
        "hk",
        "tw",
        "mo",
        "jp",
        "kr",
        "de",
        "uk",
        "fr",
        "us",
        "ca",
        "au",
        "sg",
        "co",
        "me",
        "info",
        "biz",
        "cc",
        "top",
        "xyz",
        "vip",
        "tech",
        "site",
        "online",
        "shop",
        "ai",
        "app",
        "dev",
        "mobi",
        "asia",
        "eu",
        "nl",
        "it",
        "es",
        "ch",
        "se",
        "no",
        "fi",
        "pl",
        "kz",
        "by",
        "ua",
        "in",
    ]
)
_TWO_PART = re.compile(r"\.(?:com|net|org|edu|gov|co|ac)\.[a-z]{2}$")
_PROVIDERS = {
    "gmail": "gmail.com",
    "hotmail": "hotmail.com",
    "outlook": "outlook.com",
    "yahoo": "yahoo.com",
    "icloud": "icloud.com",
    "qq": "qq.com",
    "foxmail": "foxmail.com",
    "163": "163.com",
    "126": "126.com",
    "sina": "sina.com",
    "sohu": "sohu.com",
    "yandex": "yandex.ru",
}
_SUFFIX_WORDS = re.compile(r"后缀|结尾|suffix|ending|ends? (?:in|with)|域名|domain", re.IGNORECASE)
_LOCAL_WORDS = re.compile(r"用户名|前缀|@\s*前|前面|前半|local part|user ?name|before the @", re.IGNORECASE)
_DOMAIN_TOKEN = re.compile(
    r"(?<![A-Za-z0-9@._-])\.?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*(?![A-Za-z0-9_-])"
)


def _suffix_of(domain: str) -> str:
    two = _TWO_PART.search(domain)
    return two.group(0) if two else domain[domain.rfind(".") :]


def _domain_tokens(message: str) -> tuple[list[str], list[str]]:
    """The domains, suffixes and providers a message names: new ones, and old ones ("不是.com")."""
    folded = fold(message).lower()
    suffix_named = bool(_SUFFIX_WORDS.search(folded))
    new: list[str] = []
    old: list[str] = []
    for token in _DOMAIN_TOKEN.finditer(folded):
        value = token.group(0).rstrip(".")
        labels = value.lstrip(".").split(".")
        if "." in value.lstrip("."):
            if labels[-1] not in _TLDS:
                continue
        elif value.startswith("."):
            if labels[0] not in _TLDS:
                continue
        elif value in _PROVIDERS:
            pass
        elif suffix_named and value in _TLDS and value not in ("me", "co", "in", "it", "no", "us"):
            value = "." + value  # "后缀是cn不是com"
        else:
            continue
        before, after = folded[: token.start()], folded[token.end() :]
        (old if _BEFORE_OLD.search(before) or _AFTER_OLD.search(after) else new).append(value)
    return new, old


_LOCAL = r"[a-z0-9][a-z0-9._\-]*[a-z0-9]"
# "邮箱是 jiangyf，不是 jiangyifan", "it's olga.k not olga_k", "不是li.na，是lina": the part before the @
_LOCAL_PAIR = re.compile(
    rf"(?<![\w.@])(?P<new>{_LOCAL})\s*[,，]?\s*(?:而?不是|not|instead of)\s*(?P<old>{_LOCAL})(?![\w@])"
    rf"|(?:而?不是|not)\s*(?P<old2>{_LOCAL})\s*[,，]?\s*(?:而?是|it'?s|but)\s*(?P<new2>{_LOCAL})(?![\w@])",
    re.IGNORECASE,
)


def _new_local(local: str, domain: str, message: str) -> str | None:
    """The address with the part before the @ a correction gives in place of the old one; the
    address as it is when it already holds the part given."""
    pair = _LOCAL_PAIR.search(fold(message))
    if pair is None:
        return None
    new, old = (
        (pair.group("new"), pair.group("old"))
        if pair.group("new")
        else (pair.group("new2"), pair.group("old2"))
    )
    if "." in new and new.rsplit(".", 1)[1] in _TLDS or local.lower() not in (new.lower(), old.lower()):
        return None
    checked = contact.parse_email(f"{new}@{domain}")
    return checked if isinstance(checked, str) else None


def new_email(current: str | None, message: str) -> str | None:
    """The current address with the domain, suffix or provider a correction describes; None when
    it is not certain which part changes, or the old part named is not in the address."""
    if not current or "@" not in current:
        return None
    local, domain = current.rsplit("@", 1)
    local_given = _new_local(local, domain, message)
    if local_given or _LOCAL_WORDS.search(fold(message)):
        return local_given
    new, old = _domain_tokens(message)
    if len(new) != 1 or len(old) > 1:
        return None
    value = new[0]
    if old:
        named = old[0].lstrip(".")
        before = old[0] if old[0] in _PROVIDERS else None
        if before is not None:
            if domain.split(".")[0] != before:
                return None
        elif not (domain == named or domain.endswith("." + named)):
            return None
    if value.startswith("."):
        cut = "." + old[0].lstrip(".") if old and old[0] not in _PROVIDERS else _suffix_of(domain)
        if len(cut) >= len(domain):
            return None
        domain = domain[: len(domain) - len(cut)] + value
    elif value in _PROVIDERS:
        domain = _PROVIDERS[value]
    else:
        domain = value
    candidate = f"{local}@{domain}"
    if candidate == current:
        return None
    checked = contact.parse_email(candidate)
    return checked if isinstance(checked, str) else None
