"""The IT-law topics: codes, names, follow-up questions, general information and documents
to prepare, in English and Chinese. Each topic's knowledge has one home,
`bot/knowledge/topics/<code>.yml`; this module loads and renders it.

Every statement of law carries its sources (ids of `bot/knowledge/sources.yml`, with the
article) and the date it was checked ("as of"); the information shows each fact with its short
citation in the user's language. `sources_markdown` renders the catalogue as
docs/legal-sources.md."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, cast

import yaml

from bot.language import LANGUAGES, Language
from bot.replies import Choice
from bot.sources import Fact, Ref, as_of_line
from bot.sources import bilingual as _text

TOPICS_DIR = Path(__file__).resolve().parent / "knowledge" / "topics"
SHARED_QUESTIONS = TOPICS_DIR.parent / "questions.yml"
OUT_OF_SCOPE = "out_of_scope"
INTENT_PREFIX = "topic_"

# The order of the brief's table: buttons and listings follow it.
TOPIC_CODES: tuple[str, ...] = (
    "icp",
    "personal_info",
    "cross_border",
    "data_breach",
    "ip",
    "contract",
    "investigation",
    "cybersecurity",
    "localization",
    "foreign_investment",
    "criminal",
    "employment",
    "ecommerce",
)

Text = Mapping[str, str]  # {"en": ..., "zh": ...}


# ---------------------------------------------------------------- topics


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class Question:
    key: str
    text: Text
    options: tuple[Option, ...] = ()
    sensitive: bool = False
    # a question of every topic (bot/knowledge/questions.yml), asked only after a demand
    after_demand: bool = False


@dataclass(frozen=True)
class Note(Fact):
    """General information that applies only when the answers match `when`."""

    when: Mapping[str, str] = field(default_factory=dict)

    def applies(self, answers: Mapping[str, object]) -> bool:
        return all(str(answers.get(key)) == str(value) for key, value in self.when.items())


@dataclass(frozen=True)
class Topic:
    code: str
    name: Text
    acknowledge: Text
    info: Mapping[str, tuple[str, ...]]
    documents: Mapping[str, tuple[str, ...]]
    questions: tuple[Question, ...] = ()
    notes: tuple[Note, ...] = field(default=())
    facts: tuple[Fact, ...] = field(default=())  # `info` with its sources; info holds the texts

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.code

    def information(self, language: Language, answers: Mapping[str, object] | None = None) -> str:
        """The general information as a bulleted text, notes matching the answers first; each
        statement of law followed by its short citation in the user's language, and a closing
        line saying it is general information and when the law was checked."""
        answers = answers or {}
        facts = self.facts or tuple(
            Fact({"en": en, "zh": zh}) for en, zh in zip(self.info["en"], self.info["zh"], strict=True)
        )
        shown: list[Note | Fact] = [*(note for note in self.notes if note.applies(answers)), *facts]
        lines: list[str] = []
        for item in shown:
            lines.append(f"• {item.text[language]}")
            citation = item.citation(language)
            if citation:
                lines.append(f"  {citation}")
        lines.append(as_of_line(shown, language))
        return "\n".join(lines)

    def documents_text(self, language: Language) -> str:
        heading = "Documents to prepare for a consultation:" if language == "en" else "咨询前建议准备："
        return "\n".join([heading, *(f"• {item}" for item in self.documents[language])])


def _lines(raw: Mapping[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    for lang in LANGUAGES:
        items = tuple(str(item).strip() for item in (raw.get(lang) or []))
        if not items:
            raise ValueError(f"{where}: no {lang} items")
        result[lang] = items
    return result


def parse_fact(raw: Mapping[str, Any], where: str) -> Fact:
    """A fact of the knowledge files: {text: {en, zh}, sources: [...], as_of: ..., practice: ...}
    (or {en, zh, ...}); the sources are kept as written, the tests check them."""
    text = _text(raw.get("text", raw), where)
    return Fact(
        text=text,
        sources=tuple(Ref.parse(ref) for ref in raw.get("sources") or ()),
        as_of=str(raw.get("as_of") or ""),
        practice=bool(raw.get("practice", False)),
    )


def _facts(raw: object, where: str) -> tuple[Fact, ...]:
    """The information of a topic: a list of facts, or the older {en: [...], zh: [...]}."""
    if isinstance(raw, Mapping):
        lines = _lines(raw, where)
        return tuple(Fact({"en": en, "zh": zh}) for en, zh in zip(lines["en"], lines["zh"], strict=True))
    items = cast("Iterable[Mapping[str, Any]]", raw or ())
    facts = tuple(parse_fact(item, f"{where} {number}") for number, item in enumerate(items, 1))
    if not facts:
        raise ValueError(f"{where}: no items")
    return facts


def _acknowledge(raw: Mapping[str, Any], where: str) -> dict[str, str]:
    """The acknowledgement; one that states law ({text, sources, as_of}) ends with its citation."""
    fact = parse_fact(raw, where)
    return {
        lang: ("" if lang == "zh" else " ").join(filter(None, (fact.text[lang], fact.citation(lang))))
        for lang in LANGUAGES
    }


def parse_question(q: Mapping[str, Any], where: str) -> Question:
    return Question(
        key=q["key"],
        text=_text(q["text"], f"{where} question {q['key']}"),
        options=tuple(
            Option(value=str(o["value"]), label=_text(o["label"], f"{where} {q['key']} option"))
            for o in q.get("options") or []
        ),
        sensitive=bool(q.get("sensitive", False)),
        after_demand=bool(q.get("after_demand", False)),
    )


@lru_cache(maxsize=1)
def shared_questions() -> tuple[Question, ...]:
    """The questions every topic may ask after its own (bot/knowledge/questions.yml)."""
    raw = yaml.safe_load(SHARED_QUESTIONS.read_text(encoding="utf-8")) or []
    return tuple(parse_question(q, str(SHARED_QUESTIONS)) for q in raw)


def parse_topic(raw: Mapping[str, Any], where: str) -> Topic:
    """Builds a Topic from one knowledge file's content, insisting on both languages; the shared
    questions it has no question of the same key for follow its own."""
    own = tuple(parse_question(q, where) for q in raw.get("questions") or [])
    keys = {q.key for q in own}
    questions = (*own, *(q for q in shared_questions() if q.key not in keys))
    notes = []
    for n in raw.get("notes") or []:
        fact = parse_fact(n, f"{where} note")
        notes.append(
            Note(
                when={k: str(v) for k, v in n["when"].items()},
                text=fact.text,
                sources=fact.sources,
                as_of=fact.as_of,
                practice=fact.practice,
            )
        )
    facts = _facts(raw["info"], f"{where} info")
    return Topic(
        code=raw["code"],
        name=_text(raw["name"], f"{where} name"),
        acknowledge=_acknowledge(raw["acknowledge"], f"{where} acknowledge"),
        info={lang: tuple(fact.text[lang] for fact in facts) for lang in LANGUAGES},
        documents=_lines(raw["documents"], f"{where} documents"),
        questions=questions,
        notes=tuple(notes),
        facts=facts,
    )


@lru_cache(maxsize=1)
def all_topics() -> dict[str, Topic]:
    """Every topic, by code, in the brief's order."""
    topics = {}
    for code in TOPIC_CODES:
        path = TOPICS_DIR / f"{code}.yml"
        topic = parse_topic(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
        if topic.code != code:
            raise ValueError(f"{path}: code {topic.code!r} does not match the file name")
        topics[code] = topic
    return topics


def get(code: str) -> Topic:
    return all_topics()[code]


def topic_of_intent(intent: str | None) -> str | None:
    """Maps an NLU intent to a topic code, `out_of_scope`, or None (not a problem description)."""
    if not intent:
        return None
    if intent == OUT_OF_SCOPE:
        return OUT_OF_SCOPE
    if intent.startswith(INTENT_PREFIX) and intent[len(INTENT_PREFIX) :] in TOPIC_CODES:
        return intent[len(INTENT_PREFIX) :]
    return None


def topic_choices(language: Language) -> tuple[Choice, ...]:
    """Every topic as a choice (its value is the topic's code), plus "something else"."""
    from bot.intake import text

    return (
        *(Choice(topic.name[language], topic.code) for topic in all_topics().values()),
        Choice(text("something_else", language), OUT_OF_SCOPE),
    )


# ---------------------------------------------------------------- a refusal needs a second look

# Words naming an online business or an IT thing. A message the classifier calls out_of_scope
# that names one of them (or is urgent) is not refused on that reading alone: the topics are
# offered instead ("not sure which area, pick the closest"); "something else" is among them.
_ONLINE_WORDS = re.compile(
    r"\b(?:online|on-line|internet|e-?commerce|e-?shops?|web ?shops?|apps?|"
    r"websites?|web ?sites?|platforms?|live[- ]?stream\w*|streamers?|douyin|tiktok|taobao|tmall|"
    r"jd|pinduoduo|kuaishou|xiaohongshu|wechat|weixin|alipay|data|databases?|software|servers?|"
    r"computers?|laptops?|hack\w*|crawlers?|scrap\w*|algorithms?|source code|ransom\w*|"
    r"bitcoin|btc|crypto\w*|mini[- ]?programs?|saas|cloud|domain|ICP|PIPL|VPNs?|proxy|proxies)\b",
    re.IGNORECASE,
)
_ONLINE_ZH = re.compile(
    "网店|微店|网站|平台|直播|主播|带货|抖音|快手|淘宝|天猫|京东|拼多多|小红书|闲鱼|"
    "微信|公众号|小程序|应用|数据|软件|服务器|电脑|网络|网上|线上|电商|算法|源码|代码|爬虫|"
    "黑客|勒索|比特币|加密|域名|备案|个人信息|翻墙|梯子|科学上网|VPN|vpn"
)


# A shop counts as online unless the message places it on the street: "the shop in the mall
# won't take the jacket back" is an everyday consumer matter.
_SHOP = re.compile(r"\b(?:shops?|stores?)\b|店铺|小店", re.IGNORECASE)
_OFFLINE = re.compile(
    r"\b(?:mall|supermarket|market stall|street|downstairs|corner|restaurant|bakery|in person)\b|"
    "商场|超市|菜市场|门店|实体店|街边|楼下|饭店|饭馆|线下",
    re.IGNORECASE,
)


def names_online_or_it(message: str) -> bool:
    """The message names an online business or an IT thing (a shop not placed on the street, an
    app, a platform, a live stream, data, software...), in either language."""
    if _ONLINE_WORDS.search(message) or _ONLINE_ZH.search(message):
        return True
    return bool(_SHOP.search(message)) and not _OFFLINE.search(message)


def worth_a_second_look(message: str) -> bool:
    """A message read as out_of_scope that must not be refused on that reading alone: it is
    urgent (`bot.triage`: someone detained, an authority, a deadline, an incident) or it names
    an online business or an IT thing. Such a message gets the topics to pick from."""
    from bot import triage  # late: the triage engine loads its vocabulary and second reader

    text = message.strip()
    if not text or text.startswith("/"):
        return False
    return names_online_or_it(text) or triage.assess(text).urgency == "high"
