"""Every statement of law the bot makes names its source and the date it was checked; the
sources catalogue and docs/legal-sources.md agree; English and Chinese state the same numbers."""

import datetime as dt
import re

import pytest
import yaml

from bot import glossary, topics
from bot.settings import PROJECT_ROOT
from bot.sources import Ref, article_label, cite, sources
from bot.sources_doc import knowledge_facts, sources_markdown

KNOWLEDGE = topics.TOPICS_DIR.parent
TODAY = dt.date.today()


def _refs(raw) -> list[Ref]:
    return [Ref.parse(ref) for ref in raw.get("sources") or ()]


# ---------------------------------------------------------------- the catalogue


def test_the_catalogue_has_unique_ids_and_complete_entries():
    raw = yaml.safe_load((KNOWLEDGE / "sources.yml").read_text(encoding="utf-8"))["sources"]
    ids = [entry["id"] for entry in raw]
    assert len(ids) == len(set(ids)), "duplicate source ids"
    for source in sources().values():
        assert all(source.title[lang] and source.short[lang] and source.issuer[lang] for lang in ("en", "zh"))
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", source.date), source.id
        for field in (source.in_force, source.amended):
            assert not field or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", field), source.id
        assert not source.url or source.url.startswith("http"), source.id
        for article in source.articles:
            assert re.fullmatch(r"\d+(-\d+)?", article) or article in source.labels, (source.id, article)


def test_every_fact_has_a_known_source_or_is_marked_as_practice_and_has_an_as_of_date():
    problems = []
    for where, raw in knowledge_facts():
        refs = _refs(raw)
        if not refs and not raw.get("practice"):
            problems.append(f"{where}: no sources (and not marked practice: true)")
        for ref in refs:
            source = sources().get(ref.source)
            if source is None:
                problems.append(f"{where}: unknown source {ref.source!r}")
            elif ref.article and ref.article not in source.articles:
                problems.append(f"{where}: {ref} is not among the articles listed for {ref.source}")
        as_of = str(raw.get("as_of") or "")
        try:
            checked = dt.date.fromisoformat(as_of)
        except ValueError:
            problems.append(f"{where}: as_of {as_of!r} is not a date")
            continue
        if checked > TODAY:
            problems.append(f"{where}: as_of {as_of} is in the future")
    assert not problems, "\n".join(problems)


def test_every_information_item_of_every_topic_is_a_checked_fact():
    """The loader's view: each fact and note of each topic carries sources or is practice."""
    for topic in topics.all_topics().values():
        for item in (*topic.facts, *topic.notes):
            assert item.sources or item.practice, f"{topic.code}: {item.text['en'][:60]}"
            assert item.as_of, f"{topic.code}: {item.text['en'][:60]}"


def test_every_listed_article_and_every_source_is_cited_somewhere():
    cited: dict[str, set[str]] = {}
    for _, raw in knowledge_facts():
        for ref in _refs(raw):
            cited.setdefault(ref.source, set()).add(ref.article)
    for source in sources().values():
        assert source.id in cited, f"{source.id} is in the catalogue but no fact cites it"
        unused = set(source.articles) - cited[source.id]
        assert not unused, f"{source.id}: articles {sorted(unused)} are listed but never cited"


def test_statements_of_law_keep_their_citations_in_the_sources_not_in_the_text():
    for where, raw in knowledge_facts():
        text = raw.get("text") or {}
        if not isinstance(text, dict):
            continue
        assert not re.search(r"\bArts?\.\s*\d", text.get("en", "")), where
        assert not re.search(r"第[一二三四五六七八九十百零]+条", text.get("zh", "")), where


def test_docs_legal_sources_is_generated_from_the_catalogue():
    path = PROJECT_ROOT / "docs" / "legal-sources.md"
    assert path.read_text(encoding="utf-8") == sources_markdown(), (
        "docs/legal-sources.md is out of date: regenerate it with\n"
        '  .venv/bin/python -c "from bot.topics import sources_markdown; '
        "print(sources_markdown(), end='')\" > docs/legal-sources.md"
    )


# ---------------------------------------------------------------- what the user sees


@pytest.mark.parametrize(
    "article, language, label",
    [
        ("57", "zh", "第五十七条"),
        ("10", "zh", "第十条"),
        ("14", "zh", "第十四条"),
        ("110", "zh", "第一百一十条"),
        ("307", "zh", "第三百零七条"),
        ("253-1", "zh", "第二百五十三条之一"),
        ("57", "en", "Art. 57"),
        ("286-1", "en", "Art. 286-1"),
    ],
)
def test_articles_read_as_the_law_numbers_them(article, language, label):
    assert article_label(None, article, language) == label


def test_citations_are_short_and_in_the_users_language():
    refs = [Ref.parse("pipl:38"), Ref.parse("pipl:39"), Ref.parse("cbdf_2024:5")]
    assert cite(refs, "en") == "(PIPL Arts. 38, 39; Cross-Border Data Provisions Art. 5)"
    assert (
        cite(refs, "zh")
        == "（《个人信息保护法》第三十八条、第三十九条；《促进和规范数据跨境流动规定》第五条）"
    )
    assert cite([Ref.parse("pipl:57")], "en") == "(PIPL Art. 57)"
    assert cite([Ref.parse("pipl:57")], "zh") == "（《个人信息保护法》第五十七条）"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_information_shows_each_statement_of_law_with_its_source(language):
    breach = topics.get("data_breach")
    text = breach.information(language, {"regulators_involved": "no"})
    lines = text.splitlines()
    for item in (*[n for n in breach.notes if n.applies({"regulators_involved": "no"})], *breach.facts):
        position = lines.index(f"• {item.text[language]}")
        if item.sources:
            assert lines[position + 1].strip() == item.citation(language)
    assert cite([Ref.parse("pipl:57")], language, brackets=False) in text
    closing = "not legal advice" if language == "en" else "不构成法律意见"
    assert closing in lines[-1]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_breach_is_met_with_the_reporting_clock_in_the_first_reply(language):
    from bot import intake

    first = topics.get("data_breach").acknowledge[language] + intake.immediate_steps(
        ["ongoing_incident"], language
    )
    assert ("4 hours" if language == "en" else "4小时") in first
    assert ("1 hour" if language == "en" else "1小时") in first
    assert ("PIPL Art. 57" if language == "en" else "《个人信息保护法》第五十七条") in first


def test_glossary_explanations_carry_their_sources():
    text = glossary.explanation("sensitive_personal_information", "zh")
    assert text.endswith("（《个人信息保护法》第二十八条、第二十九条）")
    assert "行踪轨迹" in text


# ---------------------------------------------------------------- the immediate steps


def _immediate():
    return yaml.safe_load((KNOWLEDGE / "intake.yml").read_text(encoding="utf-8"))["immediate"]


def test_every_immediate_step_that_states_law_cites_its_basis_in_both_languages():
    immediate = _immediate()
    basis = immediate["basis"]
    steps = {key: value for key, value in immediate.items() if key not in ("basis", "heading")}
    assert set(basis) == set(steps), "each immediate step needs its basis (sources and as_of)"
    for key, entry in basis.items():
        for ref in _refs(entry):
            source = sources()[ref.source]
            for language in ("en", "zh"):
                text = steps[key][language]
                assert source.short[language] in text, (
                    f"immediate.{key} ({language}) does not name {ref.source}"
                )
                if ref.article:
                    label = article_label(source, ref.article, language)
                    assert label in text, f"immediate.{key} ({language}) does not cite {label}"


def test_the_urgent_steps_put_the_breach_clock_and_the_detention_rights_in_order():
    immediate = _immediate()
    breach = immediate["ongoing_incident"]["en"]
    order = ["Contain", "Preserve", "discovered", "Grade", "4 hours", "police", "people affected"]
    positions = [breach.index(word) for word in order]
    assert positions == sorted(positions), (
        "breach steps: contain, preserve, time, grade, report, police, notify"
    )
    detention = immediate["detention"]["en"]
    for needed in ("24 hours", "48 hours", "37 days", "bail", "scam", "consulate"):
        assert needed in detention, needed
    assert "Do not sign" not in detention, "state the right to read and correct, not advice"
    assert "more time" not in immediate["deadline"]["en"].split("keep running")[0]


# ---------------------------------------------------------------- English and Chinese agree

_EN_MONTHS = {
    month: number
    for number, month in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_MONTH = "|".join(_EN_MONTHS)
_EN_DATE_MONTH = re.compile(rf"\b\d{{1,2}}\s+({_MONTH})\b|\b({_MONTH})\s+\d{{4}}\b", re.IGNORECASE)
_EN_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion))?", re.IGNORECASE)
_EN_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
}
_EN_WORD = re.compile(rf"\b({'|'.join(_EN_WORDS)})\b", re.IGNORECASE)
_ZH_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万|亿)?")
# Chinese numerals counting something ("三条路径", "十四周岁", "两年"); 一 is left out, as "one" is
# in English, because it is mostly not a number ("一般", "一定").
_ZH_WORD = re.compile(
    r"([两二三四五六七八九十]+)(?=个月|条|个|项|种|类|年|月|天|日|小时|周岁|岁|级|倍|名|人|次)"
)
_ZH_DIGIT = {"二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _zh_value(numeral: str) -> int:
    """十 10, 十四 14, 三十七 37, 两 2."""
    if "十" not in numeral:
        return _ZH_DIGIT[numeral[-1]]
    tens, _, ones = numeral.partition("十")
    return (_ZH_DIGIT.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGIT.get(ones, 0) if ones else 0)


def numbers(text: str, language: str) -> set[float]:
    """The numbers a text states: digits with their scale (million, 万), numbers in words and
    numerals, and the months of dates ("1 November 2025" also states 11, as "2025年11月1日" does)."""
    found: set[float] = set()
    scale = {"million": 1e6, "billion": 1e9, "万": 1e4, "亿": 1e8}
    if language == "en":
        for value, unit in _EN_NUMBER.findall(text):
            found.add(float(value.replace(",", "")) * scale.get(unit.lower(), 1))
        found |= {float(_EN_WORDS[word.lower()]) for word in _EN_WORD.findall(text)}
        for day_month, month_year in _EN_DATE_MONTH.findall(text):
            found.add(float(_EN_MONTHS[(day_month or month_year).lower()]))
    else:
        for value, unit in _ZH_NUMBER.findall(text):
            found.add(float(value.replace(",", "")) * scale.get(unit, 1))
        found |= {float(_zh_value(numeral)) for numeral in _ZH_WORD.findall(text)}
    return found


def bilingual_texts():
    """(where, {en, zh}, refs cited inline) for every text a user can read from the knowledge."""
    for code in topics.TOPIC_CODES:
        raw = yaml.safe_load((topics.TOPICS_DIR / f"{code}.yml").read_text(encoding="utf-8"))
        ack = raw["acknowledge"]
        yield f"{code} acknowledge", ack.get("text", ack), []
        for number, item in enumerate(raw["info"], 1):
            yield f"{code} info {number}", item["text"], []
        for number, item in enumerate(raw.get("notes") or [], 1):
            yield f"{code} note {number}", item["text"], []
        for question in raw.get("questions") or []:
            yield f"{code} {question['key']}", question["text"], []
            for option in question.get("options") or []:
                yield f"{code} {question['key']}={option['value']}", option["label"], []
        for en, zh in zip(raw["documents"]["en"], raw["documents"]["zh"], strict=True):
            yield f"{code} documents", {"en": en, "zh": zh}, []
    for key, entry in yaml.safe_load((KNOWLEDGE / "glossary.yml").read_text(encoding="utf-8")).items():
        yield f"glossary {key}", entry["text"], []
    immediate = _immediate()
    for key, text in immediate.items():
        if key != "basis":
            yield f"immediate {key}", text, _refs(immediate["basis"].get(key) or {})


def _without_citations(text: str, refs: list[Ref], language: str) -> str:
    for ref in refs:
        source = sources()[ref.source]
        if ref.article:
            text = text.replace(article_label(source, ref.article, language), "")
        text = text.replace(source.short[language], "")
    return text


@pytest.mark.parametrize(
    "where, text, refs", list(bilingual_texts()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_english_and_chinese_state_the_same_numbers(where, text, refs):
    en = numbers(_without_citations(text["en"], refs, "en"), "en")
    zh = numbers(_without_citations(text["zh"], refs, "zh"), "zh")
    assert en == zh, f"{where}:\n  en {sorted(en)}\n  zh {sorted(zh)}"


def test_the_number_reader_reads_both_languages():
    assert numbers("personal information of 1 million people since 1 January 2026, within 4 hours", "en") == {
        1e6,
        1,
        2026,
        4,
    }
    assert numbers("自2026年1月1日起累计100万人，4小时内", "zh") == {2026, 1, 1e6, 4}
    assert numbers("the three routes, 30 days, 10,000 people", "en") == {3, 30, 1e4}
    assert numbers("三条路径，30日，1万人，十四周岁", "zh") == {3, 30, 1e4, 14}
    assert numbers("it may apply", "en") == set()
