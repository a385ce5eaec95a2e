"""The legal sources every statement of law rests on: the catalogue of laws, regulations and
notices (`bot/knowledge/sources.yml`), references to their articles, facts that carry them with
the date they were checked, and the short citations shown to users in their language."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from bot.language import LANGUAGES, Language

Text = Mapping[str, str]  # {"en": ..., "zh": ...}
SOURCES_FILE = Path(__file__).resolve().parent / "knowledge" / "sources.yml"


def bilingual(raw: Mapping[str, Any], where: str) -> dict[str, str]:
    """A text in every language, checked: none may be missing or empty."""
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang, "")).strip()]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)} text")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}


# ---------------------------------------------------------------- legal sources


@dataclass(frozen=True)
class Source:
    """A law, regulation or official notice in `sources.yml`."""

    id: str
    title: Text
    short: Text
    issuer: Text
    date: str
    in_force: str
    articles: tuple[str, ...] = ()
    amended: str = ""
    url: str = ""
    note: str = ""
    labels: Mapping[str, Text] = field(default_factory=dict)


@dataclass(frozen=True)
class Ref:
    """A reference to a source: "pipl:57" -> Ref("pipl", "57"); "cert_measures_2025" -> the
    instrument as a whole."""

    source: str
    article: str = ""

    @classmethod
    def parse(cls, raw: object) -> Ref:
        source, _, article = str(raw).strip().partition(":")
        return cls(source.strip(), article.strip())

    def __str__(self) -> str:
        return f"{self.source}:{self.article}" if self.article else self.source


@lru_cache(maxsize=1)
def sources() -> dict[str, Source]:
    """The sources catalogue, by id, in file order."""
    raw = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8")) or {}
    catalogue: dict[str, Source] = {}
    for entry in raw.get("sources") or []:
        where = f"{SOURCES_FILE} {entry.get('id')}"
        catalogue[str(entry["id"])] = Source(
            id=str(entry["id"]),
            title=bilingual(entry["title"], f"{where} title"),
            short=bilingual(entry["short"], f"{where} short"),
            issuer=bilingual(entry["issuer"], f"{where} issuer"),
            date=str(entry["date"]),
            in_force=str(entry.get("in_force") or ""),
            articles=tuple(str(a) for a in entry.get("articles") or ()),
            amended=str(entry.get("amended") or ""),
            url=str(entry.get("url") or ""),
            note=" ".join(str(entry.get("note") or "").split()),
            labels={
                str(k): bilingual(v, f"{where} label {k}") for k, v in (entry.get("labels") or {}).items()
            },
        )
    return catalogue


_ZH_DIGITS = "零一二三四五六七八九"
_ARTICLE = re.compile(r"(\d+)(?:-(\d+))?")


def _zh_number(n: int) -> str:
    """1-999 in Chinese numerals, as articles are numbered: 10 十, 57 五十七, 110 一百一十, 307 三百零七."""
    if n < 10:
        return _ZH_DIGITS[n]
    if n < 20:
        return "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _ZH_DIGITS[n // 10] + "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    hundreds, rest = _ZH_DIGITS[n // 100] + "百", n % 100
    if rest == 0:
        return hundreds
    if rest < 10:
        return hundreds + "零" + _ZH_DIGITS[rest]
    return hundreds + _ZH_DIGITS[rest // 10] + "十" + (_ZH_DIGITS[rest % 10] if rest % 10 else "")


def article_label(source: Source | None, article: str, language: Language) -> str:
    """One article as the law names it: "Art. 57" / "第五十七条", "253-1" -> "第二百五十三条之一"."""
    if source is not None and article in source.labels:
        return source.labels[article][language]
    numbered = _ARTICLE.fullmatch(article)
    if not numbered:
        return article
    main, sub = numbered.groups()
    if language == "zh":
        return f"第{_zh_number(int(main))}条" + (f"之{_zh_number(int(sub))}" if sub else "")
    return f"Art. {article}"


def _cite_source(source_id: str, articles: list[str], language: Language) -> str:
    source = sources().get(source_id)
    short = source.short[language] if source else source_id
    if not articles:
        return short
    numbered = [a for a in articles if _ARTICLE.fullmatch(a) and not (source and a in source.labels)]
    if language == "zh":
        return short + "、".join(article_label(source, a, language) for a in articles)
    if len(numbered) > 1:
        others = [article_label(source, a, language) for a in articles if a not in numbered]
        return f"{short} Arts. " + ", ".join(numbered + others)
    return f"{short} " + ", ".join(article_label(source, a, language) for a in articles)


def cite(refs: tuple[Ref, ...] | list[Ref], language: Language, brackets: bool = True) -> str:
    """The short citation of some references in the user's language, sources in the order
    given: "(PIPL Arts. 38, 39; Cross-Border Data Provisions Art. 5)" /
    "（《个人信息保护法》第三十八条、第三十九条；《促进和规范数据跨境流动规定》第五条）"."""
    grouped: dict[str, list[str]] = {}
    for ref in refs:
        articles = grouped.setdefault(ref.source, [])
        if ref.article and ref.article not in articles:
            articles.append(ref.article)
    parts = [_cite_source(source_id, articles, language) for source_id, articles in grouped.items()]
    if not parts:
        return ""
    if language == "zh":
        body = "；".join(parts)
        return f"（{body}）" if brackets else body
    body = "; ".join(parts)
    return f"({body})" if brackets else body


@dataclass(frozen=True)
class Fact:
    """One piece of general information: a statement of law with its sources and the date it was
    checked, or (`practice`) practical guidance that states no law."""

    text: Text
    sources: tuple[Ref, ...] = ()
    as_of: str = ""
    practice: bool = False

    def citation(self, language: Language) -> str:
        return cite(self.sources, language) if self.sources else ""


def _as_of_date(value: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def as_of_line(items: Sequence[object], language: Language) -> str:
    """The closing line of the information: general information, checked on (the oldest) date."""
    dates = sorted(d for d in (_as_of_date(getattr(item, "as_of", "")) for item in items) if d)
    if language == "zh":
        checked = f"；法律状态核对至{dates[0].year}年{dates[0].month}月{dates[0].day}日" if dates else ""
        return f"（以上为一般性信息，不构成法律意见{checked}。）"
    checked = f"; the law as checked on {dates[0].day} {dates[0]:%B} {dates[0].year}" if dates else ""
    return f"(General information, not legal advice{checked}.)"
