"""Answers the user has already given: "ask only what is still unknown".

People often say in their first message (or in an answer to another question) what a later
follow-up question asks: "三天内", "charges monthly fees", "still leaking", "两万条",
"对方是XX科技有限公司", "AWS Singapore", "我儿子被刑拘了". `prefill(code, text)` returns, for the
questions of topic `code`, the answers the text states unmistakably: an option's value for
choice questions, a short normalised text for free ones ("2026-12-05", "within 3 days",
"300,000 CNY", "Germany", "phone numbers, addresses"). The free texts are read back to the user,
so `language="zh"` writes them in Chinese ("12月5日前", "3天内", "30万元", "德国", "手机号、地址";
bot/prefill_render.py); company names stay as written, option values are codes in any language.

Precision first: a wrong prefilled answer is worse than asking. A hit is dropped when its
clause negates it ("没有报警" is not "报警"), talks about what might happen ("if the police
come", "会不会被抓"), hedges a fact ("maybe still leaking"), or asks it ("can they detain
me?"); different answers found for one question cancel out unless the vocabulary says what
they mean together. The words live in bot/knowledge/prefill.yml, the logic here; the
question keys and option values come from the topics' knowledge.

Longer than 300 lines because the extractors (choices, counts, amounts, dates, places,
company names) share one clause model and one set of negation and hypothetical cues; split
up, each would need them all again.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot import topics
from bot.prefill_render import Writer, check_language

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge" / "prefill.yml"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_NEVER = re.compile(r"(?!x)x")
_FULLWIDTH = str.maketrans("０１２３４５６７８９’‘＄", "0123456789''$")
_SENTENCE = re.compile(
    rf"[。！？!?；;\n]|(?<![A-Z])(?<!Co)(?<!Ltd)(?<!Inc)(?<!Corp)(?<!No)\.(?=\s|$)|，|,(?=\s*[{_CJK}])|(?<=[{_CJK}]),"
)


# ---------------------------------------------------------------- the vocabulary


def _wrap(pattern: str, english: bool) -> str:
    return rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])" if english else f"(?:{pattern})"


def _parts(raw: Any, fill: Callable[[str], str] = lambda p: p) -> list[str]:
    """Patterns of a {en: [...], zh: [...]} entry (or a plain list, matched anywhere)."""
    if raw is None:
        return []
    if isinstance(raw, Mapping):
        return [_wrap(fill(str(p)), lang == "en") for lang in ("en", "zh") for p in raw.get(lang) or []]
    return [_wrap(fill(str(p)), False) for p in raw]


def _rx(parts: Sequence[str], before: str = "", after: str = "") -> re.Pattern[str]:
    if not parts:
        return _NEVER
    return re.compile(before + "(?:" + "|".join(parts) + ")" + after, re.IGNORECASE)


@dataclass(frozen=True)
class _Entry:
    value: str
    regex: re.Pattern[str]
    negated: bool  # the entry says the negation itself ("还没控制住", "not paid")


@dataclass(frozen=True)
class _Named:
    name: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class _Rule:
    kind: str
    raw: Mapping[str, Any]
    entries: tuple[_Entry, ...] = ()
    fact: bool = False
    resolve: Mapping[frozenset[str], str] | None = None


@dataclass(frozen=True)
class _Spec:
    raw: Mapping[str, Any]
    cue: Mapping[str, re.Pattern[str]]
    regions: tuple[_Named, ...]
    cities: tuple[_Named, ...]
    categories: tuple[_Named, ...]
    sensitive: frozenset[str]
    lists: Mapping[str, tuple[_Named, ...]]
    topics: Mapping[str, Mapping[str, _Rule]]
    labels_zh: Mapping[str, str]  # canonical name of a place, category, industry, system -> Chinese


def _aliases(item: Mapping[str, Any]) -> list[str]:
    """A place's or a category's patterns, longest first; `exact` ones keep their case ("US")."""
    exact = [_wrap(f"(?-i:{a})", True) for a in item.get("exact") or []]
    return sorted([*_parts({"en": item.get("en"), "zh": item.get("zh")}), *exact], key=len, reverse=True)


def _named(items: Iterable[Mapping[str, Any]]) -> tuple[_Named, ...]:
    return tuple(_Named(str(item["name"]), _rx(_aliases(item))) for item in items)


@lru_cache(maxsize=1)
def _spec() -> _Spec:
    raw: Mapping[str, Any] = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))
    places = raw["places"]

    def alternation(items: Iterable[Mapping[str, Any]]) -> str:
        bare = [str(a) for item in items for lang in ("en", "zh") for a in item.get(lang) or []]
        bare += [f"(?-i:{a})" for item in items for a in item.get("exact") or []]
        return "(?:" + "|".join(sorted(bare, key=len, reverse=True)) + ")"

    holes = {
        "@foreign@": alternation(places["regions"]),
        "@city@": alternation(places["cities"]),
        "@cloud@": alternation([{"en": places["clouds"]["en"], "zh": places["clouds"]["zh"]}]),
    }

    def fill(pattern: str) -> str:
        for hole, value in holes.items():
            pattern = pattern.replace(hole, value)
        return pattern

    cues = raw["cues"]
    cue = {name: _rx(_parts(cues[name])) for name in ("negation", "hypothetical", "hedge", "future", "self")}
    # clause boundaries say their own edges: no word boundaries added
    cue["split"] = _rx([f"(?:{p})" for lang in ("en", "zh") for p in cues["split"][lang]])
    cue["exempt"] = _rx(_parts(cues["negation_exempt"]))
    cue["modal_en"] = _rx(_parts({"en": cues["modal"]["en"]}))
    cue["modal_zh"] = _rx(_parts({"zh": cues["modal"]["zh"]}))
    cue["question_start"] = _rx(_parts({"en": cues["question_start"]["en"]}), before=r"^\s*")
    cue["question_end"] = _rx(_parts({"zh": cues["question_end"]["zh"]}))
    cue["negation_after"] = _rx(_parts(cues["negation_after"]), before=r"^\s*")
    cue["self_now"] = _rx(_parts(cues["self"]), after=r"\s*(?:an?\s+|one\s+|一家|一个|家)?\s*$")

    def carries_negation(pattern: str) -> bool:
        masked = cue["exempt"].sub(lambda m: " " * len(m.group()), pattern.replace("''", "'"))
        return bool(cue["negation"].search(masked))

    rules: dict[str, dict[str, _Rule]] = {}
    for code, keys in raw["topics"].items():
        rules[code] = {}
        for key, rule in keys.items():
            entries = tuple(
                _Entry(str(value), _rx([part]), carries_negation(str(pattern)))
                for value, words in (rule.get("values") or {}).items()
                for lang in ("en", "zh")
                for pattern in (words or {}).get(lang) or []
                for part in _parts({lang: [pattern]}, fill)
            )
            resolve = {frozenset(r["values"]): str(r["value"]) for r in rule.get("resolve") or []}
            rules[code][key] = _Rule(rule["kind"], rule, entries, bool(rule.get("fact")), resolve)
    return _Spec(
        raw=raw,
        cue=cue,
        regions=_named(places["regions"]),
        cities=_named(places["cities"]),
        categories=_named(raw["data_categories"]),
        sensitive=frozenset(raw["sensitive_categories"]),
        lists={name: _named(raw[name]) for name in ("industries", "systems")},
        topics=rules,
        labels_zh={
            str(item["name"]): str(item["zh_name"])
            for items in (
                places["regions"],
                places["cities"],
                raw["data_categories"],
                raw["industries"],
                raw["systems"],
            )
            for item in items
        },
    )


def supported_keys(code: str) -> tuple[str, ...]:
    """The question keys of a topic that prefill can answer."""
    return tuple(_spec().topics.get(code, {}))


# ---------------------------------------------------------------- clauses and cues


@dataclass(frozen=True)
class _Clause:
    text: str
    masked: str  # the text with exempt words ("不断", "未经") blanked out
    question: bool


@dataclass(frozen=True)
class _Hit:
    value: str
    clause: _Clause
    start: int
    end: int


def _clauses(text: str, spec: _Spec) -> list[_Clause]:
    cuts = sorted(
        [(m.start(), m.end(), m.group()) for m in _SENTENCE.finditer(text)]
        + [(m.start(), m.end(), "") for m in spec.cue["split"].finditer(text) if m.end() > m.start()]
    )
    clauses, position = [], 0
    for start, end, mark in [*cuts, (len(text), len(text), "")]:
        if start < position:
            position = max(position, end)
            continue
        piece = text[position:start]
        if piece.strip():
            masked = spec.cue["exempt"].sub(lambda m: " " * len(m.group()), piece)
            clauses.append(_Clause(piece, masked, mark in "?？" and bool(mark)))
        position = end
    return clauses


def _longest(found: Iterable[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Overlapping hits keep the longest ("还没控制住" over "控制住")."""
    kept: list[tuple[int, int, Any]] = []
    for start, end, item in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, item))
    return sorted(kept, key=lambda f: f[0])


class _Reader:
    """One message, split into clauses, read against the vocabulary."""

    def __init__(self, text: str, today: date, language: str = "en") -> None:
        self.spec = _spec()
        self.text = text.translate(_FULLWIDTH)
        self.today = today
        self.clauses = _clauses(self.text, self.spec)
        self.write = Writer(language, today, self.spec.raw, self.spec.labels_zh)

    def blocked(
        self,
        clause: _Clause,
        start: int,
        end: int,
        carries_negation: bool,
        fact: bool,
        negation: bool = True,
        negation_after: bool = True,
    ) -> bool:
        cue, masked = self.spec.cue, clause.masked
        prefix, body, suffix = masked[:start], masked[start:end], masked[end:]
        if cue["hypothetical"].search(masked) or (negation and cue["negation"].search(prefix)):
            return True
        if negation and not carries_negation and cue["negation"].search(body):
            return True
        if negation and negation_after and not carries_negation and cue["negation_after"].search(suffix):
            return True
        if not fact:
            return False
        words = " ".join(prefix.split()[-3:])
        if (
            cue["hedge"].search(masked)
            or cue["future"].search(masked)
            or cue["modal_en"].search(words)
            or cue["modal_zh"].search(prefix[-4:])
        ):
            return True
        asked = clause.question and bool(cue["question_start"].search(clause.text))
        return asked or bool(cue["question_end"].search(clause.text.rstrip()))

    def hits(
        self,
        entries: Sequence[_Entry],
        fact: bool = False,
        not_after_self: bool = False,
        negation: bool = True,
        negation_after: bool = True,
    ) -> list[_Hit]:
        found: list[_Hit] = []
        for clause in self.clauses:
            candidates = [
                (m.start(), m.end(), entry)
                for entry in entries
                for m in entry.regex.finditer(clause.text)
                if m.end() > m.start()
            ]
            for start, end, entry in _longest(candidates):
                if self.blocked(clause, start, end, entry.negated, fact, negation, negation_after):
                    continue
                if not_after_self and self.said_of_self(clause, start):
                    continue
                found.append(_Hit(entry.value, clause, start, end))
        return found

    def said_of_self(self, clause: _Clause, start: int) -> bool:
        """Whether the words right before `start` say "we are" ("We are a German company")."""
        return bool(self.spec.cue["self_now"].search(clause.masked[:start]))

    def named(self, items: Sequence[_Named]) -> list[_Hit]:
        return self.hits([_Entry(item.name, item.regex, False) for item in items])


# ---------------------------------------------------------------- numbers


def _words_rx(words: Iterable[str]) -> str:
    return "|".join(
        sorted((re.escape(w) if not re.search(r"[\\(\[?+*]", w) else w for w in words), key=len, reverse=True)
    )


@lru_cache(maxsize=1)
def _numbers() -> Mapping[str, Any]:
    raw = _spec().raw["numbers"]
    mags = {str(k).lower(): float(v) for k, v in raw["magnitudes"].items()}
    mag_rx = "|".join(
        (re.escape(m) + "(?![A-Za-z])") if m.isascii() else re.escape(m)
        for m in sorted(mags, key=len, reverse=True)
    )
    words = {str(k): float(v) for k, v in raw["en_words"].items()}
    counting_words = [w for w in words if w not in ("a", "an", "half a")]
    digits = "".join(raw["zh_digits"]) + "".join(raw["zh_units"])
    number = (
        rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:\s*(?:{mag_rx}))?"
        rf"|[一二两三四五六七八九十][{digits}]*"
        rf"|(?<![A-Za-z])(?:{_words_rx(counting_words)})(?![A-Za-z]))"
    )
    vague = {str(k): (float(v[0]), float(v[1])) for k, v in raw["vague"].items()}
    qualifier = {
        name: (_rx(_parts(raw[name]), after=r"\s*$"), _rx(_parts(raw[f"{name}_after"]), before=r"^\s*"))
        for name in ("over", "under", "about")
    }
    return {
        "mags": mags,
        "words": words,
        "number": number,
        "vague": vague,
        "vague_rx": _words_rx(vague),
        "qualifier": qualifier,
        "zh_digits": {str(k): int(v) for k, v in raw["zh_digits"].items()},
        "zh_units": {str(k): int(v) for k, v in raw["zh_units"].items()},
    }


def _chinese_number(text: str, digits: Mapping[str, int], units: Mapping[str, int]) -> float | None:
    total = section = number = 0
    for char in text:
        if char in digits:
            number = digits[char]
        elif char in units:
            unit = units[char]
            if unit >= 10000:
                total += (section + number) * unit
                section = 0
            else:
                section += (number or 1) * unit
            number = 0
        else:
            return None
    value = total + section + number
    return float(value) if value else None


def parse_number(text: str) -> float | None:
    """A number as people write it: "20,000", "1.2万", "80w", "3k", "两万", "一百二十万", "1.5 million"."""
    n = _numbers()
    value = text.strip().translate(_FULLWIDTH).replace(",", "")
    if value.lower() in n["words"]:
        return float(n["words"][value.lower()])
    digits = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(.*)", value)
    if digits:
        rest = digits.group(2).lower()
        if rest and rest not in n["mags"]:
            return None
        return float(digits.group(1)) * (n["mags"][rest] if rest else 1.0)
    return _chinese_number(value, n["zh_digits"], n["zh_units"])


@dataclass(frozen=True)
class _Quantity:
    low: float
    high: float
    number: float
    how: str  # exact, over, under, about, vague
    start: int
    end: int


def _qualifier_before(text: str) -> tuple[str, int] | None:
    """The qualifier right before a number and where it starts; the longest wins ("不超过" over
    "超过", "no less than" over "less than"). Read in the text, not the masked clause: "不到" and
    "no more than" are blanked there as negations that do not negate."""
    found = [
        (match.start(), name)
        for name, (before, _) in _numbers()["qualifier"].items()
        if (match := before.search(text))
    ]
    return (min(found)[1], min(found)[0]) if found else None


def _quantities(text: str) -> list[_Quantity]:
    """Numbers with their qualifiers: "about 20,000", "超过100万", "3万多", "几十万"."""
    n = _numbers()
    found = [
        (m.start(), m.end(), ("vague", m.group())) for m in re.finditer(n["vague_rx"], text, re.IGNORECASE)
    ]
    found += [
        (m.start(), m.end(), ("number", m.group())) for m in re.finditer(n["number"], text, re.IGNORECASE)
    ]
    quantities = []
    for start, end, (kind, raw) in _longest(found):
        if kind == "vague":
            low, high = n["vague"][raw.lower()] if raw.lower() in n["vague"] else n["vague"][raw]
            quantities.append(_Quantity(low, high, low, "vague", start, end))
            continue
        value = parse_number(raw)
        if value is None:
            continue
        how, q_start, q_end = "exact", start, end
        before = _qualifier_before(text[:start])
        if before:
            how, q_start = before
        else:
            for name, (_, after) in n["qualifier"].items():
                a = after.search(text[end:])
                if a:
                    how, q_end = name, end + a.end()
        low, high = {
            "exact": (value, value),
            "over": (value + 1, value * 10 - 1),
            "under": (value / 10, value - 1),
            "about": (value * 0.9, value * 1.1),
        }[how]
        quantities.append(_Quantity(low, high, value, how, q_start, q_end))
    return quantities


# ---------------------------------------------------------------- counts


@dataclass(frozen=True)
class _Count:
    quantity: _Quantity
    records: bool


def _counts(reader: _Reader, units: str) -> list[_Count]:
    raw = reader.spec.raw["count_units"]
    spec = raw[units]
    fillers = "|".join(f"{p}\\s*" for p in _parts(raw["fillers"]))
    qualifiers = "|".join(_parts(raw["qualifiers_after"]))
    after = _rx(_parts(spec["after"]), before=rf"^\s*(?:{qualifiers})?\s*(?:{fillers})*")
    links = "|".join(_parts(raw["links"]))
    before = _rx(_parts(spec["before"]), after=rf"\s*(?:(?:{links})\s*)*$")
    records = _rx(_parts(raw["records"]))
    size = _rx(_parts(spec.get("size")), after=r"\s*(?:about|around|over|约|大约|超过)?\s*$")
    counts = []
    for clause in reader.clauses:
        for q in _quantities(clause.text):
            unit = after.search(clause.text[q.end :])
            if not unit and not before.search(clause.text[: q.start]):
                continue
            end = q.end + unit.end() if unit else q.end
            if size.search(clause.masked[: q.start]) or reader.blocked(clause, q.start, end, False, False):
                continue
            counts.append(_Count(q, bool(unit and records.search(unit.group()))))
    return counts


def buckets(values: Iterable[str]) -> list[tuple[str, float, float]]:
    """The ranges that count options name: "under_1m", "from_10k_to_1m", "over_1m", "up_to_1m",
    "from_10m", "two_to_ten", "one" -> (value, lowest, highest); other values are left out."""
    found = []
    for value in values:
        words = value.split("_")
        numbers = [parse_number(w) for w in words if w not in ("under", "up", "to", "over", "from")]
        if not numbers or None in numbers:
            continue
        low_high = [float(n) for n in numbers if n is not None]
        if words[0] == "under":
            found.append((value, 0.0, low_high[0] - 1))
        elif words[:2] == ["up", "to"]:
            found.append((value, 0.0, low_high[0]))
        elif words[0] == "over":
            found.append((value, low_high[0] + 1, float("inf")))
        elif len(low_high) == 2:
            found.append((value, low_high[0], low_high[1]))
        elif words[0] == "from":
            found.append((value, low_high[0], float("inf")))
        elif len(words) == 1:
            found.append((value, low_high[0], low_high[0]))
    starts = {low for _, low, _ in found}
    # "from_1m_to_10m" next to "from_10m": the upper bound belongs to the next range
    return [(v, low, high - 1 if high in starts and high != low else high) for v, low, high in found]


def _bucket(counts: Sequence[_Count], options: Sequence[str]) -> str | None:
    ranges = buckets(options)
    values = set()
    for count in counts:
        q = count.quantity
        values.add(next((v for v, low, high in ranges if q.low >= low and q.high <= high), None))
    return values.pop() if len(values) == 1 else None


def _count_text(count: _Count, write: Writer) -> str:
    q = count.quantity
    return write.count(q.low, q.high, q.number, q.how, count.records)


# ---------------------------------------------------------------- amounts


def _amount_rx() -> tuple[re.Pattern[str], Mapping[str, tuple[re.Pattern[str], re.Pattern[str]]]]:
    currencies = _spec().raw["currencies"]
    pre = "|".join(p for c in currencies.values() for p in c["prefix"])
    suf = "|".join(_wrap(s, s.isascii() and s[0].isalpha()) for c in currencies.values() for s in c["suffix"])
    money = re.compile(
        rf"(?P<pre>{pre})?\s*(?P<num>{_numbers()['number']})\s*(?P<more>多|余)?\s*(?P<suf>{suf})?",
        re.IGNORECASE,
    )
    each = {
        code: (
            re.compile(rf"^(?:{'|'.join(c['prefix'])})$", re.I),
            re.compile(rf"^(?:{'|'.join(c['suffix'])})$", re.I),
        )
        for code, c in currencies.items()
    }
    return money, each


def _amounts(reader: _Reader) -> list[tuple[float, str, str, str]]:
    """(value, currency, how, label) for each sum of money the text names."""
    money, currencies = _amount_rx()
    labels = {name: _rx(_parts(words)) for name, words in reader.spec.raw["amount_labels"].items()}
    bare = {str(m).lower() for m in reader.spec.raw["bare_money"]["magnitudes"]}
    follows = _rx(_parts(reader.spec.raw["bare_money"]["followed_by"]), before=r"^\s*")
    found = []
    for clause in reader.clauses:
        for m in money.finditer(clause.text):
            raw = m.group("num")
            value = parse_number(raw)
            if value is None or not raw.strip():
                continue
            pre, suf = m.group("pre"), m.group("suf")
            currency = next(
                (
                    code
                    for code, (p, s) in currencies.items()
                    if (pre and p.match(pre.strip())) or (suf and s.match(suf))
                ),
                None,
            )
            if currency is None:
                magnitude = re.sub(r"[\d.,\s]", "", raw).lower()
                rest = clause.text[m.end() :]
                if not (magnitude in bare or raw.endswith("万")) or not (
                    not rest.strip() or re.match(rf"\s*[^\w{_CJK}]", rest) or follows.search(rest)
                ):
                    continue
                currency = "CNY" if magnitude != "k" else ""
            if reader.blocked(clause, m.start(), m.end(), False, False, negation=False):
                continue
            qualifier = _qualifier_before(clause.text[: m.start()])
            how = "over" if m.group("more") else qualifier[0] if qualifier else "exact"
            near = clause.text[max(0, m.start() - 8) : m.start()] + " " + clause.text[m.end() : m.end() + 6]
            label = next((name for name, rx in labels.items() if rx.search(near)), "")
            found.append((value, currency, how, label))
    return found


def parse_amount(text: str, language: str = "en") -> str | None:
    """The sum of money a text names, normalised: "30万" -> "300,000 CNY" (zh: "30万元"),
    "$50k" -> "50,000 USD" (zh: "5万美元")."""
    return _amount_answer(_Reader(text, date.today(), language))


def _amount_answer(reader: _Reader) -> str | None:
    amounts = list(dict.fromkeys(_amounts(reader)))
    if not amounts or sum(1 for a in amounts if not a[3]) > 1:
        return None
    amounts.sort(key=lambda a: bool(a[3]))
    write = reader.write
    return write.parts(
        [
            write.labelled(label if len(amounts) > 1 else "", write.amount(value, currency, how))
            for value, currency, how, label in amounts
        ]
    )


# ---------------------------------------------------------------- dates


@dataclass(frozen=True)
class _When:
    kind: str  # day, week, month, year, quarter, year_end, early_year, duration, asap
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _date_patterns() -> Mapping[str, Any]:
    raw = _spec().raw["dates"]
    months = {str(name).lower(): int(num) for num, names in raw["months"].items() for name in names}
    weekdays_en = {
        str(name).lower(): int(num) for num, names in raw["weekdays"].items() for name in names["en"]
    }
    weekdays_zh = {str(name): int(num) for num, names in raw["weekdays"].items() for name in names["zh"]}
    month_rx = _words_rx(months)
    small = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
    units = {
        str(unit): _rx(_parts(words), before="^", after="$") for unit, words in raw["duration_units"].items()
    }
    unit_rx = "|".join(p for words in raw["duration_units"].values() for p in _parts(words))
    return {
        "months": months,
        "weekdays_en": weekdays_en,
        "weekdays_zh": weekdays_zh,
        "units": units,
        "iso": re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"),
        "zh_md": re.compile(rf"(?P<rel>今年|明年|去年)?(?P<m>{small})月(?P<d>{small})[日号]"),
        "zh_ym": re.compile(
            rf"(?:(?P<y>\d{{4}})年|(?P<rel>今年|明年|去年))(?P<m>{small})月份?(?![\d一二三四五六七八九十]*[日号])"
        ),
        "zh_m": re.compile(rf"(?<![\d年个])(?P<m>{small})月份(?![日号\d])"),
        "en_md": re.compile(
            rf"(?<![A-Za-z])(?P<mon>{month_rx})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?(?!\d)",
            re.I,
        ),
        "en_dm": re.compile(
            rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{month_rx})(?![A-Za-z])\.?(?:,?\s+(?P<y>\d{{4}}))?",
            re.I,
        ),
        "en_my": re.compile(rf"(?<![A-Za-z])(?P<mon>{month_rx})\.?,?\s+(?P<y>\d{{4}})", re.I),
        "en_m": re.compile(
            rf"(?<![A-Za-z])(?:in|by|before|from|until|of)\s+(?P<mon>{month_rx})(?![A-Za-z])(?!\.?\s+\d)",
            re.I,
        ),
        "quarter": re.compile(
            r"(?:(?P<y>\d{4})\s*年?\s*|(?P<rel>今年|明年|next year'?s?|this year'?s?)\s*)?"
            r"(?:Q(?P<q>[1-4])|第(?P<qz>[一二三四1-4])季度|(?P<qe>first|second|third|fourth) quarter)"
            r"(?:\s+(?:of\s+)?(?P<y2>\d{4}))?",
            re.I,
        ),
        "ago": re.compile(
            rf"(?P<n>\d{{1,3}}|{_words_rx(['one', 'two', 'three', 'four', 'five', 'six', 'a'])}"
            r"|[一二两三四五六七八九十]{1,3})\s*"
            r"(?:(?P<ue>days?|weeks?|months?) ago|(?P<uz>天|周|个?星期|个月)(?:前|之前|以前))",
            re.I,
        ),
        "zh_weekday": re.compile(
            r"(?P<mod>本|这|下|上|这个|下个|上个)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天])"
        ),
        "en_weekday": re.compile(
            rf"(?<![A-Za-z])(?:(?P<mod>this|next|last|coming)\s+)?(?P<d>{_words_rx(weekdays_en)})(?![A-Za-z])",
            re.I,
        ),
        "month_end": re.compile(
            r"(?P<rel>本月|这个月|下个月|下月)?月底|end of (?:the |this )?(?P<rele>next )?month", re.I
        ),
        "year_end": re.compile(
            r"(?P<rel>今年|明年)?年底|(?:by )?(?:the )?end of (?:the |this )?(?P<rele>next )?year|year[- ]end"
            r"|end of (?P<y>\d{4})",
            re.I,
        ),
        "early_year": re.compile(r"明年(?:年)?初|early next year|beginning of next year", re.I),
        "mid_year": re.compile(
            r"mid-?\s*(?P<y>\d{4})|(?P<yz>\d{4})年(?:年)?中|(?P<rel>明年|今年)(?:年)?中"
            r"|mid(?:dle of)? (?P<rele>next )?year",
            re.I,
        ),
        "next_quarter": re.compile(r"next quarter|下个?季度", re.I),
        "duration": re.compile(
            r"(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3}|半个?|half an?|a couple of|"
            rf"{_words_rx(list(_numbers()['words']))})"
            rf"\s*-?\s*(?P<u>{unit_rx}|年|years?)",
            re.I,
        ),
        "asap": _rx(_parts(raw["asap"])),
        "days": [(int(offset), _rx(_parts(words))) for offset, words in raw["days"].items()],
        "periods": [
            (str(unit), int(offset), _rx(_parts(words)))
            for unit, offsets in raw["periods"].items()
            for offset, words in offsets.items()
        ],
    }


def _small(value: str) -> int | None:
    number = parse_number(value)
    return int(number) if number is not None and number == int(number) else None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer(month: int, day: int, today: date, future: bool) -> date | None:
    found = _day(today.year, month, day)
    if found is None:
        return None
    if future and found < today:
        return _day(today.year + 1, month, day)
    if not future and found > today:
        return _day(today.year - 1, month, day)
    return found


def _year_of(rel: str | None, today: date) -> int:
    rel = (rel or "").lower()
    return today.year + (1 if rel.startswith(("明年", "next")) else -1 if rel.startswith("去年") else 0)


def _weekday(mod: str, weekday: int, today: date, future: bool) -> date | None:
    monday = today - timedelta(days=today.weekday())
    mod = mod.lower()
    if mod in ("本", "这", "这个", "this"):
        return monday + timedelta(days=weekday)
    if mod in ("下", "下个"):
        return monday + timedelta(days=7 + weekday)
    if mod in ("上", "上个", "last"):
        return monday + timedelta(days=weekday - 7)
    if mod == "next":
        return None  # "next Friday": this week's or next week's? Ask.
    if future or mod == "coming":
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def _whens(text: str, today: date, future: bool) -> list[_When]:
    p = _date_patterns()
    found: list[tuple[int, int, tuple[str, str]]] = []

    def add(m: re.Match[str], kind: str, value: str | None) -> None:
        if value:
            found.append((m.start(), m.end(), (kind, value)))

    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    for m in p["iso"].finditer(text):
        add(m, "day", iso(_day(int(m["y"]), int(m["m"]), int(m["d"]))))
    for m in p["zh_md"].finditer(text):
        month, day = _small(m["m"]), _small(m["d"])
        if month and day:
            when = (
                _day(_year_of(m["rel"], today), month, day) if m["rel"] else _infer(month, day, today, future)
            )
            add(m, "day", iso(when))
    for name in ("en_md", "en_dm"):
        for m in p[name].finditer(text):
            month, day = p["months"][m["mon"].lower()], int(m["d"])
            add(m, "day", iso(_day(int(m["y"]), month, day) if m["y"] else _infer(month, day, today, future)))
    for m in p["zh_ym"].finditer(text):
        month = _small(m["m"])
        year = int(m["y"]) if m["y"] else _year_of(m["rel"], today)
        add(m, "month", f"{year}-{month:02d}" if month and 1 <= month <= 12 else None)
    for m in p["en_my"].finditer(text):
        add(m, "month", f"{int(m['y'])}-{p['months'][m['mon'].lower()]:02d}")
    for name in ("zh_m", "en_m"):
        for m in p[name].finditer(text):
            month = _small(m["m"]) if name == "zh_m" else p["months"][m["mon"].lower()]
            if month and 1 <= month <= 12:
                year = today.year + (
                    1 if future and month < today.month else -1 if not future and month > today.month else 0
                )
                add(m, "month", f"{year}-{month:02d}")
    for m in p["quarter"].finditer(text):
        q = (
            m["q"]
            or str(_small(m["qz"]) if m["qz"] else "")
            or {"first": "1", "second": "2", "third": "3", "fourth": "4"}.get((m["qe"] or "").lower(), "")
        )
        year = int(m["y"] or m["y2"] or 0) or _year_of(m["rel"], today)
        if not (m["y"] or m["y2"] or m["rel"]) and future and int(q) < (today.month - 1) // 3 + 1:
            year += 1
        add(m, "quarter", f"{year}-Q{q}")
    for m in p["ago"].finditer(text):
        n = 1 if m["n"].lower() == "a" else _small(m["n"])
        unit = (m["ue"] or m["uz"] or "").lower()
        if n and unit.startswith(("month", "个月")):
            index = today.year * 12 + today.month - 1 - n
            add(m, "month", f"{index // 12}-{index % 12 + 1:02d}")
        elif n:
            add(m, "day", iso(today - timedelta(days=n * (1 if unit.startswith(("day", "天")) else 7))))
    for m in p["zh_weekday"].finditer(text):
        add(m, "day", iso(_weekday(m["mod"] or "", p["weekdays_zh"][m["d"]], today, future)))
    for m in p["en_weekday"].finditer(text):
        add(m, "day", iso(_weekday(m["mod"] or "", p["weekdays_en"][m["d"].lower()], today, future)))
    for offset, rx in p["days"]:
        for m in rx.finditer(text):
            add(m, "day", iso(today + timedelta(days=offset)))
    for unit, offset, rx in p["periods"]:
        for m in rx.finditer(text):
            if unit == "week":
                monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
                add(m, "week", f"week of {monday.isoformat()}")
            elif unit == "month":
                index = today.year * 12 + today.month - 1 + offset
                add(m, "month", f"{index // 12}-{index % 12 + 1:02d}")
            else:
                add(m, "year", str(today.year + offset))
    for m in p["month_end"].finditer(text):
        index = (
            today.year * 12
            + today.month
            - 1
            + (1 if (m["rel"] or m["rele"] or "").startswith(("下", "next")) else 0)
        )
        year, month = index // 12, index % 12 + 1
        add(m, "day", date(year, month, calendar.monthrange(year, month)[1]).isoformat())
    for m in p["year_end"].finditer(text):
        add(m, "year_end", f"end of {int(m['y']) if m['y'] else _year_of(m['rel'] or m['rele'], today)}")
    for m in p["early_year"].finditer(text):
        add(m, "early_year", f"early {today.year + 1}")
    for m in p["mid_year"].finditer(text):
        year = int(m["y"] or m["yz"] or 0) or _year_of(m["rel"] or m["rele"], today)
        add(m, "mid_year", f"mid {year}")
    for m in p["next_quarter"].finditer(text):
        index = today.year * 4 + (today.month - 1) // 3 + 1
        add(m, "quarter", f"{index // 4}-Q{index % 4 + 1}")
    for m in p["duration"].finditer(text):
        add(m, "duration", _duration(m["n"], m["u"]))
    for m in p["asap"].finditer(text):
        add(m, "asap", "as soon as possible")
    return [_When(kind, value, start, end) for start, end, (kind, value) in _longest(found)]


def _duration(number: str, unit: str) -> str | None:
    units: Mapping[str, re.Pattern[str]] = _date_patterns()["units"]
    words: Mapping[str, float] = _numbers()["words"]
    raw = number.lower().strip()
    n = (
        0.5
        if raw.startswith(("半", "half"))
        else 2.0
        if raw == "a couple of"
        else words.get(raw) or parse_number(raw)
    )
    name = next(
        (u for u, rx in units.items() if rx.match(unit.strip())),
        "years" if re.match(r"年|years?", unit, re.I) else None,
    )
    if not n or not name or n > 100:
        return None
    if n == 0.5:
        n, name = {
            "months": (15, "days"),
            "years": (6, "months"),
            "weeks": (3.5, "days"),
            "days": (12, "hours"),
        }.get(name, (n, name))
    if n != int(n):
        return None
    count = int(n)
    label = name if count != 1 else name[:-1]
    return f"within {count} {label}"


def parse_date(text: str, today: date | None = None, *, future: bool = True) -> str | None:
    """The first date a text names, resolved against `today`: "by Friday", "12月5日", "yesterday"."""
    whens = [
        w for w in _whens(text.translate(_FULLWIDTH), today or date.today(), future) if w.kind != "duration"
    ]
    return whens[0].text if whens else None


def _cued(clause: _Clause, when: _When, before: re.Pattern[str], after: re.Pattern[str]) -> bool:
    return bool(before.search(clause.masked[: when.start]) or after.search(clause.text[when.end :]))


def _deadline(reader: _Reader, rule: _Rule, options: Sequence[str] = ()) -> str | None:
    raw = reader.spec.raw["dates"]
    before = _rx(_parts(raw["deadline_before"]), after=r"\s*$")
    after = _rx(_parts(raw["deadline_after"]), before=r"^\s*")
    found = set()
    for clause in reader.clauses:
        for when in _whens(clause.text, reader.today, True):
            if when.kind not in ("day", "week", "duration") or reader.blocked(
                clause, when.start, when.end, False, False
            ):
                continue
            if _cued(clause, when, before, after):
                found.add((when.kind, when.text))
    return reader.write.when(*found.pop(), deadline=True) if len(found) == 1 else None


def _discovered(reader: _Reader, rule: _Rule, options: Sequence[str] = ()) -> str | None:
    raw = reader.spec.raw["dates"]
    discovery, incident = _rx(_parts(raw["discovery"])), _rx(_parts(raw["incident"]))
    strong, weak = set(), set()
    for clause in reader.clauses:
        for when in _whens(clause.text, reader.today, False):
            if when.kind not in ("day", "week", "month") or reader.blocked(
                clause, when.start, when.end, False, False
            ):
                continue
            if when.kind == "day" and when.text > reader.today.isoformat():
                continue
            if discovery.search(clause.text):
                strong.add((when.kind, when.text))
            elif incident.search(clause.text):
                weak.add((when.kind, when.text))
    chosen = strong or weak
    return reader.write.when(*chosen.pop()) if len(chosen) == 1 else None


def _timeline(reader: _Reader, rule: _Rule, options: Sequence[str] = ()) -> str | None:
    raw = reader.spec.raw["dates"]
    plan = _rx(_parts(raw["plan"]))
    within = re.compile(r"(?:within|in|inside of)\s*$", re.I)
    found = set()
    for clause in reader.clauses:
        if not plan.search(clause.text):
            continue
        for when in _whens(clause.text, reader.today, True):
            if reader.blocked(clause, when.start, when.end, False, False):
                continue
            if when.kind == "duration" and not (
                within.search(clause.text[: when.start])
                or re.match(r"\s*(?:内|之内|以内)", clause.text[when.end :])
            ):
                continue
            found.add((when.kind, when.text))
    return reader.write.when(*found.pop()) if len(found) == 1 else None


# ---------------------------------------------------------------- places and names


def _places(reader: _Reader, rule: _Rule, options: Sequence[str] = ()) -> str | None:
    spec, raw = reader.spec, rule.raw
    items = [
        item
        for group in raw.get("places") or []
        for item in (spec.regions if group == "regions" else spec.cities)
    ]
    before = _rx(_parts(raw.get("before")), after=r"$")
    after = _rx(_parts(raw.get("after")), before=r"^")
    not_before = _rx(_parts(raw.get("not_before")), after=r"$")
    cued, seen = [], []
    for hit in reader.named(items):
        if not_before.search(hit.clause.text[: hit.start]):
            continue
        seen.append(hit.value)
        if before.search(hit.clause.text[: hit.start]) or after.search(hit.clause.text[hit.end :]):
            cued.append(hit.value)
    names = list(dict.fromkeys(cued)) or (
        list(dict.fromkeys(seen)) if raw.get("single_ok") and len(set(seen)) == 1 else []
    )
    if len(names) > 1 and not raw.get("single_ok"):
        return None
    return reader.write.names(names)


def _company(reader: _Reader, rule: _Rule, options: Sequence[str] = ()) -> str | None:
    raw = reader.spec.raw["companies"]
    names: dict[str, bool] = {}  # name -> found after a cue naming the other party
    zh_suffix = "|".join(sorted(raw["zh_suffix"], key=len, reverse=True))
    zh_name = re.compile(rf"(?P<name>[{_CJK}A-Za-z0-9（）()·&]{{2,30}}?(?:{zh_suffix}))")
    zh_cue = _rx(_parts({"zh": raw["zh_cue"]}))
    generic = re.compile("|".join(sorted(map(re.escape, raw["zh_generic"]), key=len, reverse=True)))
    places = [n.regex for n in (*reader.spec.regions, *reader.spec.cities)]
    for clause in reader.clauses:
        text = clause.text
        starts = [(m.end(), True) for m in zh_cue.finditer(text)] + [(len(text) - len(text.lstrip()), False)]
        found: list[tuple[int, int, tuple[str, bool]]] = []
        for start, cued in starts:
            m = zh_name.match(text, start)
            if not m or reader.said_of_self(clause, start):
                continue
            name = m.group("name")
            body = re.sub(rf"(?:{zh_suffix})$", "", name)
            if re.match(r"一家|一个|这家|那家|该|某|对方|我|本|他们|它|公司", body) or re.search(
                r"[是叫]|名为|名叫", body
            ):
                continue
            if not cued and not re.search("有限|集团", name):
                continue
            rest = generic.sub("", body)
            for place in places:
                rest = place.sub("", rest)
            if len(rest) >= 2:
                found.append((m.start(), m.end(), (name, cued)))
        # "对方公司叫做X有限公司": the innermost name
        for start, end, (name, cued) in found:
            if not any(s >= start and e <= end and (s, e) != (start, end) for s, e, _ in found):
                names[name] = names.get(name, False) or cued
    en_suffix = "|".join(raw["en_suffix"])
    stop = set(raw["en_stopwords"])
    word = r"(?:[A-Z][\w&'.-]*|&|of|and)"
    with_suffix = re.compile(
        rf"(?P<name>[A-Z][\w&'-]*(?:\s+{word}){{0,5}}?)\s*,?\s+(?P<suffix>{en_suffix})(?![A-Za-z])"
    )
    strong = re.compile(
        rf"(?<![A-Za-z])(?:{'|'.join(raw['en_strong_cue'])})\s+(?P<name>[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*){{0,4}})"
    )
    for clause in reader.clauses:
        for m in with_suffix.finditer(clause.text):
            words = m.group("name").split()
            while words and words[0] in stop:
                words.pop(0)
            if words and not reader.said_of_self(clause, m.start()):
                names[" ".join([*words, m.group("suffix")])] = True
        for m in strong.finditer(clause.text):
            words = m.group("name").split()
            if words[0] not in stop and not any(n.startswith(" ".join(words)) for n in names):
                names[" ".join(words)] = True
    cued_names = [n for n, cued in names.items() if cued]
    chosen = cued_names if cued_names else list(names)
    return chosen[0] if len(chosen) == 1 else None


def _terms(reader: _Reader, rule: _Rule, options: Sequence[str] = ()) -> str | None:
    spec = reader.spec
    context = spec.raw["industry_context"]
    before = _rx(_parts(context["before"]), after=r"\s*$")
    after = _rx(_parts(context["after"]), before=r"^\s*")
    names = []
    for hit in reader.named(spec.lists[rule.raw["list"]]):
        if rule.raw.get("context", True) and not (
            before.search(hit.clause.text[: hit.start]) or after.search(hit.clause.text[hit.end :])
        ):
            continue
        names.append(hit.value)
    return reader.write.names(names)


# ---------------------------------------------------------------- the question kinds


def _categories(reader: _Reader) -> list[str]:
    return list(dict.fromkeys(hit.value for hit in reader.named(reader.spec.categories)))


def _choice(reader: _Reader, rule: _Rule, options: Sequence[str] = ()) -> str | None:
    raw = rule.raw
    hits = reader.hits(
        rule.entries,
        rule.fact,
        raw.get("not_after") == "self",
        raw.get("negation", True),
        raw.get("negation_after", True),
    )
    values = {hit.value for hit in hits}
    if rule.raw.get("from_categories") and reader.spec.sensitive & set(_categories(reader)):
        values.add(str(rule.raw["from_categories"]))
    if not values:
        return None
    value = next(iter(values)) if len(values) == 1 else None
    if rule.resolve and frozenset(values) in rule.resolve:
        value = rule.resolve[frozenset(values)]
    return None if value is None or value.startswith("_") else value


def _count(reader: _Reader, rule: _Rule, options: Sequence[str]) -> str | None:
    return _bucket(_counts(reader, rule.raw["units"]), options)


def _affected(reader: _Reader, rule: _Rule, options: Sequence[str] = ()) -> str | None:
    counts = _counts(reader, rule.raw["units"])
    parts = [reader.write.names(_categories(reader))]
    if len({(c.quantity.low, c.quantity.high, c.quantity.how, c.records) for c in counts}) == 1:
        parts.append(_count_text(counts[0], reader.write))
    return reader.write.parts(parts)


_KINDS: Mapping[str, Callable[[_Reader, _Rule, Sequence[str]], str | None]] = {
    "choice": _choice,
    "count": _count,
    "categories": lambda reader, rule, options: reader.write.names(_categories(reader)),
    "affected": _affected,
    "place": _places,
    "company": _company,
    "amount": lambda reader, rule, options: _amount_answer(reader),
    "deadline": _deadline,
    "discovered": _discovered,
    "timeline": _timeline,
    "terms": _terms,
}


def prefill(
    code: str,
    text: str,
    already: Mapping[str, object] | None = None,
    today: date | None = None,
    *,
    language: str = "en",
) -> dict[str, str]:
    """For topic `code`, the follow-up answers `text` states clearly (question key -> option value
    or short normalised text, written in `language`, "en" or "zh"), leaving out every key in
    `already`."""
    check_language(language)
    rules = _spec().topics.get(code)
    if not rules or not text or not text.strip() or code not in topics.TOPIC_CODES:
        return {}
    questions = {q.key: q for q in topics.get(code).questions}
    reader = _Reader(text, today or date.today(), language)
    answers: dict[str, str] = {}
    for key, rule in rules.items():
        question = questions.get(key)
        if question is None or (already and key in already):
            continue
        options = [option.value for option in question.options]
        value = _KINDS[rule.kind](reader, rule, options)
        if value and (not options or value in options):
            answers[key] = value
    return _unless_triage_disagrees(answers, text, today or date.today())


# Answers a story may state of someone else or of later ("the gang was arrested", "they announced an
# inspection for next year"); "my brother has been charged" or "被要求做等保" are the user's own.
_WHOSE_MATTERS = frozenset(
    {
        ("stage", "detained"),
        ("received", "inspection"),
        ("received", "rectification"),
        ("received", "penalty"),
    }
)


def _unless_triage_disagrees(answers: dict[str, str], text: str, today: date) -> dict[str, str]:
    """An answer read from the story that would make the matter urgent by itself ("stage: detained",
    "received: inspection") is kept only when triage reads the same reason in the story: "听说那伙人
    被抓了" does not make the user detained, nor "a re-inspection sometime next year" an inspection
    under way. The user is asked instead, and their own answer counts."""
    from bot import triage  # late: triage is heavier than the rest of this module

    found: set[str] | None = None  # judged once, only when needed
    for key, value in list(answers.items()):
        reason = triage.answer_reason(key, value)
        if reason is None or (key, value) not in _WHOSE_MATTERS:
            continue
        if found is None:
            found = set(triage.assess(text, today=today).reasons)
        if reason not in found:
            del answers[key]
    return answers
