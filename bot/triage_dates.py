"""Dates and durations of the triage engine (bot/triage.py): "周五前", "within 3 working days",
"by December 3", "the 18th", "18号", placed relative to today (the day the message names, when it
names one: see bot/triage_calendar.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.triage_calendar import (
    MONTH_NAMES,
    MONTHS_EN,
    WEEKDAY_NAMES,
    WEEKDAYS_EN,
    WEEKDAYS_ZH,
    anchors,
    day_of_month,
    days_to_date,
    days_to_weekday,
    duration_days,
    month_end,
    next_month,
    next_month_end,
    number,
    numbers,
)


@dataclass(frozen=True)
class When:
    start: int
    end: int
    days: int | None  # from today; None: not a point in time we can place
    bounded: bool  # "by", "within", "前", "内": a limit by itself
    future: bool = False  # surely ahead ("tomorrow", "下周三", a date), not "on Tuesday" or "today"
    point: bool = False  # a day of the calendar ("by next Monday"), not a duration ("within 72 hours")


@lru_cache(maxsize=1)
def _time_patterns() -> dict[str, re.Pattern[str]]:
    english, _ = numbers()
    number_words = "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(english, key=len, reverse=True)
    )
    en_num = rf"\d{{1,3}}|{number_words}"
    zh_num = r"\d{1,3}|[零一二两三四五六七八九十几]{1,3}|半"
    flags = re.IGNORECASE
    return {
        "en_duration": re.compile(
            rf"\b(?P<pre>within|in|under|inside(?:\s+of)?|the\s+next|next|only|just|have|has|had|got|"
            rf"given|gave\s+us|give\s+us|for|over|every)?\s*\b(?P<num>{en_num})[\s-]*(?:more\s+)?"
            r"(?P<work>business|working|calendar|clear)?\s*(?P<unit>hours?|days?|weeks?|months?|years?)\b"
            r"(?P<post>\s+(?:ago|earlier|back)\b|\s+(?:left|remaining|to\s+\w+|deadline|notice|limit)\b)?",
            flags,
        ),
        "zh_duration": re.compile(
            r"(?P<pre>还有|只有|仅有|剩下?|给了?(?:我们|我|公司)?|限期|期限(?:为|是)?|宽限)?\s*"
            rf"(?<![\d年月])(?P<num>{zh_num})\s*(?P<work>个工作|个自然|工作|自然)?\s*"
            r"(?P<unit>个?\s*小时|个\s*月|个?\s*(?:天|日|周|星期|礼拜|年))"
            r"(?P<post>内|之内|以内|前|以前|之前|后|之后|以后|时间)?"
        ),
        "en_point": re.compile(
            r"(?<![A-Za-z])(?:(?P<today>today|tonight|this\s+evening|end\s+of\s+(?:the\s+)?day)|"
            r"(?P<twodays>(?:the\s+)?day\s+after\s+tomorrow)|(?P<tomorrow>tomorrow)|"
            r"(?P<thisweek>(?:the\s+)?end\s+of\s+(?:the|this)\s+week|this\s+week(?:end)?|the\s+weekend)|"
            r"(?P<nextweek>next\s+week)|"
            r"(?P<monthend>(?:the\s+)?end\s+of\s+(?:the|this)\s+month|this\s+month|month[- ]end)|"
            r"(?P<nextmonthend>(?:the\s+)?end\s+of\s+next\s+month)|(?P<nextmonth>next\s+month)|"
            r"(?P<yearend>(?:the\s+)?end\s+of\s+(?:the|this)\s+year|year[- ]end)|"
            r"(?P<past>yesterday|last\s+(?:week|month|night|" + WEEKDAY_NAMES + r"))|"
            r"(?<!every\s)(?<!each\s)(?:(?P<which>this|next|coming)\s+)?(?P<weekday>"
            + WEEKDAY_NAMES
            + r")(?![A-Za-z])|"
            r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))|"
            r"(?P<md>(?P<mdm>" + MONTH_NAMES + r")\.?\s+(?P<mdd>\d{1,2})(?:st|nd|rd|th)?\b"
            r"(?:,?\s*(?P<mdy>\d{4}))?)|"
            r"(?P<dm>(?P<dmd>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmm>" + MONTH_NAMES + r")\b"
            r"(?:,?\s*(?P<dmy>\d{4}))?)|"
            r"(?P<nth>the\s+(?P<nthd>\d{1,2})(?:st|nd|rd|th)))",
            flags,
        ),
        "en_bound": re.compile(
            r"\b(?:by|before|until|till|til|no\s+later\s+than|not\s+later\s+than|due(?:\s+on)?|"
            r"on\s+or\s+before|deadline\s+(?:is|of)|expires?(?:\s+on)?|within)\s+(?:the\s+)?(?:this\s+)?$",
            flags,
        ),
        "zh_point": re.compile(
            r"(?P<date>(?:(?P<y>\d{4})年)?(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月"
            r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号])|"
            r"(?P<dom>(?:本月|这个月|当月)(?P<domd>\d{1,2})[日号])|"
            r"(?P<domb>(?<![\d月])(?P<dombd>\d{1,2})[日号](?=前|之前|以前|截止|到期|为止))|"
            # "18号就开庭": a day of this month, not "3日内" (a duration) nor "5号楼".
            r"(?P<bare>(?<![\d月年第/.\-])(?P<bared>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
            r"(?:号|日(?!内|之内|以内|后|之后|以后|起))(?![线楼房码机院门库店口员位人床台期]))|"
            r"(?P<threedays>大后天)|(?P<twodays>后天)|"
            r"(?P<today>今天|今日|今晚|今早|今天下午|当天|当日)|(?P<tomorrow>明天|明日|明早|明晚)|"
            r"(?<!每)(?P<weekday>(?P<which>本|这|下个?|这个)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天]))|"
            r"(?P<weekend>(?:本|这个?)?周末)|"
            r"(?P<thisweek>本周|这周|这个?星期|本星期|这个?礼拜)|"
            r"(?P<nextweek>下个?(?:周|星期|礼拜))|"
            r"(?P<mend>(?P<mendm>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:底|末|份?底))|"
            r"(?P<monthend>(?:本|这个?)?(?<![\d一二三四五六七八九十])月(?:底|末)|本月内?|这个月内?)|"
            r"(?P<nextmonthstart>下个?月初)|(?P<nextmonthend>下个?月(?:底|末))|"
            r"(?P<nmd>下个?月(?:的)?(?P<nmdd>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号])|"
            r"(?P<nextmonth>下个?月)|"
            r"(?P<yearend>(?:今)?年(?:底|末))|"
            r"(?P<past>昨天|昨晚|昨日|前天|上周|上个?星期|上个?月|上礼拜)"
        ),
        "zh_bound_after": re.compile(r"^\s*(?:前|之前|以前|为止|内|之内|以内|截止|到期)"),
        "zh_bound_before": re.compile(
            r"(?:截至|截止(?:到|日期)?(?:是|为)?|最迟|最晚|不晚于|(?:给|宽限)(?:了)?(?:我们|我|公司|你们|他们)?(?:时间)?到)\s*$"
        ),
    }


# Points surely ahead ("tomorrow", "下周三", a date), not "on Tuesday" or "today".
_AHEAD = frozenset(
    {
        "tomorrow",
        "twodays",
        "threedays",
        "nextweek",
        "nextmonth",
        "nextmonthstart",
        "nextmonthend",
        "nmd",
        "iso",
        "md",
        "dm",
        "date",
        "dom",
        "mend",
    }
)
_ZH_UNITS = {
    "小时": "hour",
    "天": "day",
    "日": "day",
    "周": "week",
    "星期": "week",
    "礼拜": "week",
    "月": "month",
}


def _point_days(g: dict[str, str], today: date) -> int | None:
    """Days from today to a point matched by en_point or zh_point (its groups that matched)."""
    week_left = 6 - today.weekday()
    fixed = {
        "today": 0, "tomorrow": 1, "twodays": 2, "threedays": 3, "past": -1, "thisweek": week_left,
        "nextweek": week_left + 4, "weekend": (5 - today.weekday()) % 7, "monthend": month_end(today),
        "nextmonthstart": next_month(today, 1), "nextmonth": next_month(today, 15),
        "nextmonthend": next_month_end(today),
        "yearend": (date(today.year, 12, 31) - today).days,
    }  # fmt: skip
    days = next((offset for name, offset in fixed.items() if name in g), None)
    if days is not None:
        return days
    if "weekday" in g:
        which = g.get("which", "").lower()
        index = WEEKDAYS_ZH[g["wd"]] if "wd" in g else WEEKDAYS_EN[g["weekday"].capitalize()]
        return days_to_weekday(today, index, which == "next" or which.startswith("下"))
    if "iso" in g:
        return days_to_date(today, int(g["iy"]), int(g["im"]), int(g["id"]))
    for key in ("md", "dm"):
        if key in g:
            year = int(g[key + "y"]) if key + "y" in g else None
            return days_to_date(today, year, MONTHS_EN[g[key + "m"].lower()], int(g[key + "d"]))
    if "date" in g:
        month, day = number(g["m"]), number(g["d"])
        return days_to_date(today, int(g["y"]) if "y" in g else None, month, day) if month and day else None
    if "mend" in g:  # "6月底": the last day of that month
        month = number(g["mendm"])
        if not month or not 1 <= month <= 12:
            return None
        last = (date(today.year + month // 12, month % 12 + 1, 1) - date(today.year, month, 1)).days
        return days_to_date(today, None, month, last)
    if "nmd" in g:
        day = number(g["nmdd"])
        return next_month(today, min(day, 28)) if day else None
    for key in ("nthd", "domd", "dombd", "bared"):  # a day of this month: "the 30th", "18号"
        if key in g:
            day = number(g[key])
            return day_of_month(today, day) if day is not None else None
    return None


def times(text: str, today: date) -> list[When]:
    patterns = _time_patterns()
    # "today is the 9th" says what today is; it is no date of its own.
    found: list[When] = [When(m.start(), m.end(), None, False) for m in anchors(text)]

    def add(
        start: int, end: int, days: int | None, bounded: bool, ahead: bool = False, point: bool = False
    ) -> None:
        if not any(w.start <= start < w.end or start <= w.start < end for w in found):
            found.append(When(start, end, days, bounded, bounded or ahead, point))

    for m in [*patterns["en_point"].finditer(text), *patterns["zh_point"].finditer(text)]:
        g = {name: value for name, value in m.groupdict().items() if value}
        which = g.get("which", "").lower()
        ahead = bool(_AHEAD & g.keys()) or (
            "weekday" in g and (which in ("next", "coming") or which.startswith("下"))
        )
        bounded = bool(
            patterns["en_bound"].search(text[max(0, m.start() - 30) : m.start()])
            or patterns["zh_bound_after"].search(text[m.end() : m.end() + 3])
            or patterns["zh_bound_before"].search(text[max(0, m.start() - 8) : m.start()])
        )
        add(m.start(), m.end(), _point_days(g, today), bounded, ahead, point=True)

    for m in patterns["en_duration"].finditer(text):
        value = number(m.group("num"))
        pre = (m.group("pre") or "").lower()
        post = (m.group("post") or "").strip().lower()
        if (
            value is None
            or pre in ("for", "over", "every")
            or post.split(" ")[0] in ("ago", "earlier", "back")
        ):
            if value is not None:
                add(m.start(), m.end(), -1, False)
            continue
        unit = m.group("unit").lower().rstrip("s")
        days = duration_days(value, unit, bool(m.group("work")))
        bounded = bool(pre) and pre not in ("for",) or bool(post)
        add(m.start(), m.end(), days, bounded)

    for m in patterns["zh_duration"].finditer(text):
        value = number(m.group("num"))
        post = m.group("post") or ""
        unit = re.sub(r"[个\s]", "", m.group("unit"))
        if m.group("num") == "半":
            value = 15 if unit == "月" else 0
            unit = "天" if unit == "月" else unit
        if value is None:
            continue
        if post in ("前", "以前", "之前"):
            add(m.start(), m.end(), -1, False)
            continue
        unit_en = _ZH_UNITS.get(unit, "year")
        days = duration_days(value, unit_en, bool(m.group("work")) and "工作" in (m.group("work") or ""))
        bounded = bool(m.group("pre")) or post in ("内", "之内", "以内", "时间")
        add(m.start(), m.end(), days, bounded, post in ("后", "之后", "以后"))
    return found


# "it was fixed within a day", "restored everything within two days": a duration of something
# already done (not "will be closed within 3 days").
DONE_WITHIN = re.compile(
    r"\b(?:(?:was|were|been|got)\s+\w+(?:ed|en)|(?:was|were|came|got\s+(?:it|them))\s+back|(?<!\bbe\s)(?<!\bget\s)(?<!\bgets\s)(?<!\bto\s)(?<!\bwill\s)(?:restored|fixed|recovered|contained|revoked|removed|"
    r"resolved|patched|cleaned|stopped|repaired|rebuilt|reset|rotated|changed|blocked|replaced|"
    r"reinstalled|refunded|handled|sorted(?:\s+out)?|dealt\s+with|"
    r"(?:shut|took|taken|pulled)\s+(?:(?:it|them|everything|(?:the|our)\s+\w+)\s+)?(?:down|offline)|"
    r"found|caught|detected|discovered|identified|traced)"
    r"(?:\s+(?:everything|it|them|all|(?:the|our|every|each|all\s+the|all\s+our)\s+\w+))?)\s+"
    r"(?:(?:with)?in\s*)?$",
    re.IGNORECASE,
)
# "两天内就恢复了系统", "半小时内就吊销了": the same told in Chinese, after the duration.
DONE_AFTER = re.compile(
    r"\s*(?:内|之内|以内)?\s*(?:就|便|都|已经|已)(?!到|要|得|会|该|必须|需|截止)[^，,。？?]{0,8}了"
)


# "…within 20 days, and we got it 10 days ago", "15天内整改，已经过去12天了": how much of a period
# has already run since the notice came.
_ELAPSED_EN = re.compile(
    r"\b(?:received|got|get|served|sent|delivered|came|arrived|issued|dated|it\s+was|that\s+was)\b"
    r"[^.;?!]{0,40}?\b(?P<num>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|twenty|a)\s+(?P<unit>days?|weeks?)\s+ago\b",
    re.IGNORECASE,
)
_ELAPSED_ZH = re.compile(
    r"(?P<num>\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:个)?(?P<unit>天|日|周|星期|礼拜)(?:前|之前|以前)"
    r"(?:就)?(?:收到|接到|拿到|送达|寄到|下发|发来)|"
    r"(?:已经|都|已)(?:过去|过了|用掉|用了)(?:了)?(?P<num2>\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:个)?"
    r"(?P<unit2>天|日|周|星期|礼拜)"
)


def elapsed_days(text: str) -> int | None:
    """Days already gone since a notice arrived, when the message says so; None otherwise."""
    found = _ELAPSED_EN.search(text)
    if found:
        value = 1 if found.group("num").lower() == "a" else number(found.group("num"))
        unit = found.group("unit").lower()
    else:
        found = _ELAPSED_ZH.search(text)
        if not found:
            return None
        value = number(found.group("num") or found.group("num2"))
        unit = found.group("unit") or found.group("unit2")
    if value is None:
        return None
    return value * (7 if unit.startswith(("week", "周", "星期", "礼拜")) else 1)
