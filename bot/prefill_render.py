"""Prefilled free-text answers written in the conversation's language.

bot/prefill.py finds what the user already said; this module writes it down for the read-back.
English keeps the canonical wording ("Germany", "phone numbers, addresses; about 20,000 people",
"within 3 days", "2026-12-05", "800,000 CNY; paid 600,000 CNY"). Chinese uses the `answers_zh`
section and the `zh_name` labels of bot/knowledge/prefill.yml ("德国", "手机号、地址；约2万人",
"3天内", "12月5日前", "80万元；已付60万元"). Company names and option values are never rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

LANGUAGES = ("en", "zh")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {LANGUAGES}")


def fmt(value: float) -> str:
    """A number in English: "20,000", "1.50"."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _trim(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def zh_number(value: float) -> str:
    """A number as Chinese writes it: "2万", "1.2万", "120万", "3.5亿", "5000"."""
    if abs(value) >= 100_000_000:
        return f"{_trim(value / 100_000_000)}亿"
    if abs(value) >= 10_000:
        return f"{_trim(value / 10_000)}万"
    return _trim(value)


class Writer:
    """Writes free-text answers in one language, dates relative to `today` (the year of a Chinese
    date is left out when it is this year)."""

    def __init__(self, language: str, today: date, raw: Mapping[str, Any], labels: Mapping[str, str]) -> None:
        check_language(language)
        self.zh = language == "zh"
        self.today = today
        self.words: Mapping[str, Any] = raw["answers_zh"]
        self.labels = labels
        self.vague: Mapping[str, Any] = raw["numbers"]["vague"]

    # ------------------------------------------------------------ lists

    def names(self, names: Iterable[str]) -> str | None:
        """Canonical names ("Germany", "phone numbers") as a list in the language."""
        unique = list(dict.fromkeys(names))
        if not self.zh:
            return ", ".join(unique) or None
        return self.words["list_separator"].join(self.labels.get(n, n) for n in unique) or None

    def parts(self, parts: Sequence[str | None]) -> str | None:
        """Parts of one answer ("phone numbers; about 20,000 people")."""
        separator = self.words["part_separator"] if self.zh else "; "
        return separator.join(p for p in parts if p) or None

    # ------------------------------------------------------------ counts and amounts

    def count(self, low: float, high: float, number: float, how: str, records: bool) -> str:
        """A number of people or records: "about 20,000 people" / "约2万人"."""
        if not self.zh:
            unit = "records" if records else "people"
            if how == "vague":
                return f"{fmt(low)}–{fmt(high)} {unit}"
            prefix = {"exact": "", "over": "over ", "under": "under ", "about": "about "}[how]
            return f"{prefix}{fmt(number)} {unit}"
        unit = self.words["count_units"]["records" if records else "people"]
        if how == "vague":
            return f"{self._vague_zh(low, high)}{unit}"
        return f"{self.words['qualifiers'].get(how, '')}{zh_number(number)}{unit}"

    def _vague_zh(self, low: float, high: float) -> str:
        """A vague count ([20000, 99999]) in Chinese words ("几万"), whatever words the user used."""
        for word, (w_low, w_high) in self.vague.items():
            if _CJK.search(str(word)) and (float(w_low), float(w_high)) == (low, high):
                return str(word).removesuffix("个")
        top = zh_number(high) if "." not in zh_number(high) else zh_number(high + 1)  # 99.9999万: 100万
        return str(self.words["range"]).format(low=zh_number(low), high=top)

    def amount(self, value: float, currency: str, how: str) -> str:
        """A sum of money: "about 500,000 CNY" / "约50万元"."""
        if not self.zh:
            prefix = {"over": "over ", "under": "under ", "about": "about ", "vague": "about "}.get(how, "")
            return f"{prefix}{fmt(value)} {currency}".strip()
        qualifier = self.words["qualifiers"].get("about" if how == "vague" else how, "")
        return f"{qualifier}{zh_number(value)}{self.words['currencies'].get(currency, currency)}"

    def labelled(self, label: str, amount: str) -> str:
        """An amount said to be paid or outstanding: "paid 600,000 CNY" / "已付60万元"."""
        if not label:
            return amount
        return f"{self.words['amount_labels'][label]}{amount}" if self.zh else f"{label} {amount}"

    # ------------------------------------------------------------ dates

    def when(self, kind: str, text: str, deadline: bool = False) -> str:
        """A date, period or duration from its canonical form ("2026-12-05", "week of 2026-11-23",
        "2026-11", "2027", "2027-Q1", "end of 2026", "early 2027", "mid 2027", "within 3 days",
        "as soon as possible"); a Chinese deadline day is "12月5日前"."""
        if not self.zh:
            return text
        w = self.words
        if kind == "day":
            day = self._day(date.fromisoformat(text))
            return str(w["deadline_day"]).format(date=day) if deadline else day
        if kind == "week":
            return str(w["week"]).format(date=self._day(date.fromisoformat(text.removeprefix("week of "))))
        if kind == "month":
            year, month = text.split("-")
            return self._year(int(year)) + str(w["month"]).format(m=int(month))
        if kind == "year":
            return str(w["year"]).format(y=int(text))
        if kind == "quarter":
            year, quarter = text.split("-Q")
            return str(w["quarter"]).format(y=int(year), q=w["quarters"][int(quarter)])
        if kind in ("year_end", "early_year", "mid_year"):
            return str(w[kind]).format(y=int(text.split()[-1]))
        if kind == "asap":
            return str(w["asap"])
        if kind == "duration":
            return self._duration(text)
        raise ValueError(f"no Chinese wording for a {kind!r}: {text!r}")

    def _year(self, year: int) -> str:
        return "" if year == self.today.year else str(self.words["year"]).format(y=year)

    def _day(self, day: date) -> str:
        return self._year(day.year) + str(self.words["day"]).format(m=day.month, d=day.day)

    def _duration(self, text: str) -> str:
        found = re.fullmatch(r"within (\d+) (.+?)s?", text)
        if not found:
            raise ValueError(f"not a duration: {text!r}")
        units: Mapping[str, str] = self.words["duration_units"]
        unit = units[f"{found.group(2)}s"]
        return str(self.words["within"]).format(n=int(found.group(1)), unit=unit)
