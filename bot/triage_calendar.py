"""Calendar arithmetic of the triage engine (bot/triage.py): number words in both languages,
month and weekday names, days to a weekday, a date or a day of the month, and the day the
message itself says it is ("today is the 9th", "今天都9号了")."""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, timedelta
from functools import lru_cache

from bot.triage_vocab import node


@lru_cache(maxsize=1)
def numbers() -> tuple[dict[str, int], dict[str, int]]:
    table = node("numbers")
    return (
        {str(k).lower(): int(v) for k, v in table["en"].items()},
        {str(k): int(v) for k, v in table["zh"].items()},
    )


def number(word: str) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    english, chinese = numbers()
    if re.sub(r"\s+", " ", word) in english:
        return english[re.sub(r"\s+", " ", word)]
    if word == "半":
        return 0
    if word and all(ch in chinese for ch in word):
        if "十" in word:
            tens, _, ones = word.partition("十")
            return (chinese.get(tens, 1) if tens else 1) * 10 + (chinese.get(ones, 0) if ones else 0)
        if len(word) == 1:
            return chinese[word]
    return None


WEEKDAYS_EN = {name: i for i, name in enumerate(calendar.day_name)}
WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
MONTHS_EN = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS_EN.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTH_NAMES = "|".join(sorted(MONTHS_EN, key=len, reverse=True))
WEEKDAY_NAMES = "|".join(name.lower() for name in calendar.day_name)


def days_to_weekday(today: date, weekday: int, next_week: bool) -> int:
    if next_week:
        return (7 - today.weekday()) + weekday
    return (weekday - today.weekday()) % 7


def days_to_date(today: date, year: int | None, month: int, day: int) -> int | None:
    try:
        target = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and (today - target).days > 180:
        target = date(today.year + 1, month, day) if month != 2 or day != 29 else target
    return (target - today).days


def month_end(today: date) -> int:
    return calendar.monthrange(today.year, today.month)[1] - today.day


def next_month(today: date, day: int) -> int:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return (date(year, month, day) - today).days


def next_month_end(today: date) -> int:
    """Days to the last day of next month ("下个月底", "the end of next month")."""
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return (date(year, month, calendar.monthrange(year, month)[1]) - today).days


def day_of_month(today: date, day: int) -> int | None:
    if day < 1 or day > 31:
        return None
    if day >= today.day:
        return days_to_date(today, today.year, today.month, day)
    return next_month(today, min(day, 28))


_DAY = r"(?:the\s+(?P<{0}a>\d{{1,2}})(?:st|nd|rd|th)?|(?P<{0}b>\d{{1,2}})(?:st|nd|rd|th))(?!\s*(?:days?|weeks?|hours?))"
_ANCHOR_EN = re.compile(
    (
        r"\btoday(?:\s+is|'s|,)\s+(?:already\s+|only\s+|now\s+)?(?:(?P<wd>WEEKDAY),?\s+)?"
        r"(?:DAY_D(?:\s+(?:of\s+)?(?P<m2>MONTH))?|(?P<m1>MONTH)\.?\s+(?P<dm>\d{1,2})(?:st|nd|rd|th)?"
        r"|(?P<dn>\d{1,2})\s+(?:of\s+)?(?P<m3>MONTH))\b"
        r"|\bit(?:'s|\s+is)\s+(?:already\s+)?DAY_E\s+(?:today|now|already)\b"
        r"|\btoday\s+is\s+(?:a\s+)?(?P<wd2>WEEKDAY)\b"
    )
    .replace("DAY_D", _DAY.format("d"))
    .replace("DAY_E", _DAY.format("e"))
    .replace("WEEKDAY", WEEKDAY_NAMES)
    .replace("MONTH", MONTH_NAMES),
    re.IGNORECASE,
)
_ANCHOR_ZH = re.compile(
    r"今(?:天|日|儿)(?:已经|已|都|才|是|就|也)*(?:(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月)?"
    r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[号日]|"
    r"今(?:天|日|儿)(?:是)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])"
)


def anchors(text: str) -> list[re.Match[str]]:
    return list(_ANCHOR_EN.finditer(text)) + list(_ANCHOR_ZH.finditer(text))


def anchored_today(text: str, today: date) -> date:
    """The day the message says it is ("today is the 9th", "今天都9号了", "today is Monday"): the
    date of that name nearest to `today`, so that "the hearing is on the 18th" is 9 days away."""
    for match in anchors(text):
        groups = {k: v for k, v in match.groupdict().items() if v}
        weekday = groups.get("wd") or groups.get("wd2")
        day = number(next((groups[k] for k in ("da", "db", "dm", "dn", "ea", "eb", "d") if k in groups), ""))
        month_word = groups.get("m1") or groups.get("m2") or groups.get("m3") or groups.get("m")
        month = (MONTHS_EN.get(month_word.lower()) or number(month_word)) if month_word else None
        candidates: list[date] = []
        if day is not None:
            for shift in (-1, 0, 1):
                year, month_index = divmod(today.year * 12 + today.month - 1 + shift, 12)
                if month is not None:
                    year, month_index = today.year + shift, month - 1
                try:
                    candidates.append(date(year, month_index + 1, day))
                except ValueError:
                    continue
        elif weekday:
            index = WEEKDAYS_EN.get(weekday.capitalize(), WEEKDAYS_ZH.get(weekday, 0))
            candidates = [today + timedelta(days=d) for d in range(-3, 4)]
            candidates = [c for c in candidates if c.weekday() == index]
        if candidates:
            return min(candidates, key=lambda c: abs((c - today).days))
    return today


def duration_days(value: int, unit: str, working: bool) -> int:
    if unit == "hour":
        return math.ceil(value / 24)
    per_unit = {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
    days = value * per_unit
    return math.ceil(days * 7 / 5) if working and unit == "day" else days
