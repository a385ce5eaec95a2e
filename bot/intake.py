"""The intake, as domain logic with no Rasa in it: which follow-up questions a topic needs,
what an answer means, how urgent the matter is, what to do right now, and the read-back
summary with its corrections. The Rasa forms in `actions/` only call into this module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

from bot import topics
from bot.language import Language
from bot.topics import Question

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge" / "intake.yml"
# The privacy notice shown before any personal question (domain: utter_ask_privacy_consent).
# Change the version whenever its text changes: each lead records the version it agreed to.
NOTICE_VERSION = "2026-11-29"
SKIPPED = "unknown"  # the stored answer for "don't know" / "skip"
UNCLEAR = "unclear"  # two bad answers in a row: recorded as such, and the bot moves on
MAX_ANSWER = 500
MAX_BAD_ANSWERS = 2
# Topics whose matters usually have another party: the firms need its name for a conflict check.
DISPUTE_TOPICS = ("contract", "ip", "employment", "ecommerce")
# The answer keys that already name the other party.
COUNTERPARTY_KEYS = ("counterparty_name",)
# How many questions a high-urgency matter keeps, when its topic does not list them.
URGENT_QUESTIONS = 2
_URGENT_KEYS: dict[str, tuple[str, ...]] = {
    "data_breach": ("ongoing_or_contained", "affected_data", "regulators_involved"),
    "investigation": ("authority", "received", "deadline"),
    "criminal": ("involved_person", "stage"),
}


@lru_cache(maxsize=1)
def texts() -> dict:
    return yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))


def text(key: str, language: Language, **values: object) -> str:
    """One bilingual text of bot/knowledge/intake.yml, with {placeholders} filled in."""
    node = texts()
    for part in key.split("."):
        node = node[part]
    return str(node[language]).format(**values)


# ---------------------------------------------------------------- questions


def questions_for(code: str, urgency: str = "normal") -> tuple[Question, ...]:
    """The follow-up questions of a topic; a high-urgency matter gets only the essential ones."""
    questions = topics.get(code).questions
    if urgency != "high":
        return questions
    keys = _URGENT_KEYS.get(code)
    if keys:
        return tuple(q for q in questions if q.key in keys)
    return questions[:URGENT_QUESTIONS]


def next_question(code: str | None, urgency: str, answers: Mapping[str, object]) -> Question | None:
    if code not in topics.TOPIC_CODES:
        return None
    return next((q for q in questions_for(code, urgency) if q.key not in answers), None)


def question_buttons(question: Question, language: Language) -> list[dict[str, str]]:
    """Each option as a button (its payload carries the option's value), plus "skip"."""
    buttons = [
        {"title": option.label[language], "payload": f'/choose{{"choice": "{option.value}"}}'}
        for option in question.options
    ]
    if buttons:
        buttons.append({"title": text("skip_button", language), "payload": "/dont_know"})
    return buttons


# ---------------------------------------------------------------- answers


@dataclass(frozen=True)
class Invalid:
    """The answer could not be used; `hint` names the response that explains why."""

    hint: str


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
# Replies that answer a yes/no question by themselves. AGREE and REFUSE are explicit enough for
# consent; a yes/no follow-up question also takes the looser ones ("有", "嗯", "none").
AGREE = {
    "yes",
    "y",
    "ok",
    "okay",
    "sure",
    "agree",
    "i agree",
    "yes i agree",
    "confirm",
    "correct",
    "同意",
    "是",
    "是的",
    "好",
    "好的",
    "可以",
    "行",
    "没问题",
    "同意继续",
    "确认",
    "对",
    "没错",
    "正确",
}
REFUSE = {"no", "n", "nope", "disagree", "no thanks", "不", "不同意", "不要", "不用", "算了", "否"}
_YES = AGREE | {"yeah", "yep", "有", "嗯", "需要"}
_NO = REFUSE | {"not", "none", "不是", "没有", "无", "不需要", "还没有"}


def agreement(raw: str, intent: str | None) -> bool | None:
    """A clear yes (True), a clear no (False), or neither (None): for consent and confirmations."""
    words = raw.lower().strip(" .!。！,，")
    if intent == "affirm" or words in AGREE:
        return True
    if intent == "deny" or words in REFUSE:
        return False
    return None


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def looks_like_garbage(raw: str) -> bool:
    """Keyboard mashing, symbols only, one repeated character: not an answer to anything."""
    value = raw.strip().lower()
    if not value:
        return True
    if not re.search(r"[a-z0-9\u3400-\u4dbf\u4e00-\u9fff]", value):
        return True
    if _CJK.search(value):
        return len(set(value)) == 1 and len(value) > 2
    compact = re.sub(r"[^a-z]", "", value)
    if len(compact) >= 3 and len(set(compact)) <= 2 and len(value.split()) == 1:
        return True
    if len(value.split()) == 1 and len(compact) >= 3 and not re.search(r"\d", value):
        adjacent = sum(
            any(pair in row or pair[::-1] in row for row in _KEYBOARD_ROWS)
            for pair in (compact[i : i + 2] for i in range(len(compact) - 1))
        )
        if adjacent / (len(compact) - 1) >= 0.6:
            return True
        if len(compact) >= 4 and not re.search(r"[aeiouy]", compact):
            return True
    return False


def _normalise(value: str) -> str:
    return re.sub(r"[\s\"'“”‘’.,，。!！?？:：()（）]", "", value.lower())


def match_option(
    question: Question, raw: str, choice: str | None = None, intent: str | None = None
) -> str | None:
    """The option an answer picks: a button's value, its number, its label in either language,
    or a plain yes/no for yes/no questions."""
    values = [option.value for option in question.options]
    if choice in values:
        return choice
    value = _normalise(raw)
    number = re.fullmatch(r"(\d{1,2})", value) or re.fullmatch(r"(?:option|选|第)(\d{1,2})(?:个|项)?", value)
    if number and 1 <= int(number.group(1)) <= len(values):
        return values[int(number.group(1)) - 1]
    for option in question.options:
        names = {_normalise(option.value), *(_normalise(label) for label in option.label.values())}
        if value in names:
            return option.value
    contained = [
        option.value
        for option in question.options
        if any(len(_normalise(label)) >= 2 and _normalise(label) in value for label in option.label.values())
    ]
    if len(contained) == 1:
        return contained[0]
    if "yes" in values and (intent == "affirm" or value in _YES):
        return "yes"
    if "no" in values and (intent == "deny" or value in _NO):
        return "no"
    return None


def interpret(
    question: Question, raw: str, choice: str | None = None, intent: str | None = None
) -> str | Invalid:
    """What an answer to a follow-up question means, as it will be stored.

    A choice question takes its option's value; a free explanation in place of a choice is
    kept as typed (people explain); "don't know"/"skip" is stored as `unknown`."""
    if intent == "dont_know" or _normalise(raw) in {"skip", "跳过", "/dont_know"}:
        return SKIPPED
    if question.options:
        option = match_option(question, raw, choice, intent)
        if option:
            return option
    if looks_like_garbage(raw) or raw.strip().startswith("/"):
        return Invalid("utter_hint_choose" if question.options else "utter_hint_free_text")
    if question.options and len(raw.split()) < 2 and len(_CJK.findall(raw)) < 3:
        return Invalid("utter_hint_choose")
    return " ".join(raw.split())[:MAX_ANSWER]


def answer_label(code: str, key: str, value: object, language: Language) -> str:
    """An answer as the user reads it back: the option's label, or what they typed."""
    question = next((q for q in topics.get(code).questions if q.key == key), None)
    if value == SKIPPED:
        return text("summary.skipped", language)
    if value == UNCLEAR:
        return text("summary.unclear", language)
    if question:
        for option in question.options:
            if option.value == value:
                return option.label[language]
    return str(value)


def is_sensitive(code: str | None, answers: Mapping[str, object]) -> bool:
    """Whether the matter carries sensitive details (criminal matters, health, financial
    accounts: PIPL Art. 28), which need their own consent before they go into a lead."""
    if code not in topics.TOPIC_CODES:
        return False
    sensitive_keys = {q.key for q in topics.get(code).questions if q.sensitive}
    return code == "criminal" or any(key in answers for key in sensitive_keys)


def without_sensitive(code: str, answers: Mapping[str, object]) -> dict[str, object]:
    sensitive_keys = {q.key for q in topics.get(code).questions if q.sensitive}
    return {key: value for key, value in answers.items() if key not in sensitive_keys}


# ---------------------------------------------------------------- triage

_ONGOING = re.compile(
    r"right now|as we speak|still (?:happening|going on|leaking|encrypting|under attack|being)|"
    r"ongoing|in progress|currently (?:being )?(?:hacked|attacked|leaking|down)|"
    r"being (?:hacked|attacked|ddos)|under attack|"
    r"(?:正在|还在|仍在|持续)(?:被)?(?:攻击|入侵|泄露|外泄|加密|勒索|删|篡改|扩散|发生)|"
    r"(?:现在|此刻|目前)(?:还|仍)?(?:在)?(?:被攻击|被入侵|泄露|中毒)",
    re.IGNORECASE,
)
_DETENTION = re.compile(
    r"detain|arrest|in custody|taken away by (?:the )?police|locked up|"
    r"拘留|逮捕|被抓|抓走|带走|羁押|刑拘|关起来|看守所",
    re.IGNORECASE,
)
_AUTHORITY_CONTACT = re.compile(
    r"police\b.{0,25}(?:came|come|called|visited|contacted|want|asked|raided|summoned|questioned)|"
    r"(?:cac|miit|regulator|authorit(?:y|ies)|cyberspace administration|public security|"
    r"market supervision|communications administration)\b.{0,40}"
    r"(?:called|contacted|sent|visited|inspect|raid|summon|notice|order|fine|letter)|"
    r"summons|raided|dawn raid|rectification order|"
    r"约谈|传唤|找上门|上门(?:检查|调查)|来查|突击检查|"
    r"(?:公安|警察|派出所|网警|网信办|网信|工信|通信管理局|市场监管)[^。！？]{0,12}"
    r"(?:找|来|联系|传唤|通知|约谈|检查|调查|要求|处罚|罚)|"
    r"(?:收到|接到)[^。！？]{0,12}(?:通知|整改|处罚|罚单|函)|责令",
    re.IGNORECASE,
)
_NUMBER = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
_DEADLINE_DAYS = re.compile(
    rf"(?:within|in|only|next|have|got)\s+{_NUMBER}\s+(?:business |working )?days?|"
    rf"{_NUMBER}\s+days?\s+(?:left|to (?:respond|reply|comply|fix)|deadline)|"
    rf"{_NUMBER}\s*(?:个)?(?:工作)?(?:天|日)(?:内|之内|以内|期限|后截止|截止)|"
    rf"(?:限期|期限|还有|只有|剩)\s*{_NUMBER}\s*(?:个)?(?:工作)?(?:天|日)",
    re.IGNORECASE,
)
_DEADLINE_WEEKS = re.compile(
    rf"(?:within|in)\s+{_NUMBER}\s+weeks?|{_NUMBER}\s*(?:个)?(?:周|星期)(?:内|之内)", re.IGNORECASE
)
_DEADLINE_SOON = re.compile(
    r"\b(?:today|tomorrow|tonight|this week|next week|by (?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday))\b|今天|明天|后天|今晚|本周|这周|下周|周[一二三四五六日末]前|星期[一二三四五六日天]前",
    re.IGNORECASE,
)
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
URGENT_WITHIN_DAYS = 14


def _number(value: str) -> int:
    if value.isdigit():
        return int(value)
    if value.startswith("十"):
        return 10 + _CHINESE_DIGITS.get(value[1:], 0)
    if "十" in value:
        tens, _, ones = value.partition("十")
        return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)
    return _CHINESE_DIGITS.get(value, 99)


def deadline_is_near(message: str) -> bool:
    """A deadline within 14 days: "within 7 days", "10天内", "下周", "by Friday"."""
    for match in _DEADLINE_DAYS.finditer(message):
        number = next(group for group in match.groups() if group)
        if _number(number) <= URGENT_WITHIN_DAYS:
            return True
    for match in _DEADLINE_WEEKS.finditer(message):
        number = next(group for group in match.groups() if group)
        if _number(number) <= 2:
            return True
    return bool(_DEADLINE_SOON.search(message))


# Answers that by themselves make a matter urgent: (question key, value) -> reason.
_URGENT_ANSWERS: dict[tuple[str, str], str] = {
    ("ongoing_or_contained", "ongoing"): "ongoing_incident",
    ("regulators_involved", "yes"): "authority_contact",
    ("authority_request", "yes"): "authority_contact",
    ("received", "inspection"): "authority_contact",
    ("received", "rectification"): "authority_contact",
    ("received", "penalty"): "authority_contact",
    ("stage", "investigation"): "authority_contact",
    ("stage", "charged"): "authority_contact",
    ("stage", "detained"): "detention",
}
_PATTERNS = (
    ("ongoing_incident", _ONGOING.search),
    ("detention", _DETENTION.search),
    ("authority_contact", _AUTHORITY_CONTACT.search),
    ("deadline", deadline_is_near),
)


def triage(message: str, answers: Mapping[str, object] | None = None) -> list[str]:
    """The reasons a matter is urgent (empty when it is not): an ongoing incident, a detention,
    police or regulator contact, a deadline within 14 days - in the message or the answers."""
    answers = answers or {}
    found = {
        _URGENT_ANSWERS[(key, str(value))]
        for key, value in answers.items()
        if (key, str(value)) in _URGENT_ANSWERS
    }
    for value in (message, *(str(v) for v in answers.values())):
        found.update(reason for reason, matches in _PATTERNS if matches(value))
    return [reason for reason, _ in _PATTERNS if reason in found]


def urgency(reasons: list[str]) -> str:
    return "high" if reasons else "normal"


def immediate_steps(reasons: list[str], language: Language) -> str:
    """What to do right now, most pressing first, for the reasons a matter is urgent."""
    lines = [text("immediate.heading", language)]
    for reason in ("detention", "ongoing_incident", "authority_contact", "deadline"):
        if reason in reasons:
            lines.append("• " + text(f"immediate.{reason}", language))
    lines.append("• " + text("immediate.records", language))
    return "\n".join(lines)


# ---------------------------------------------------------------- summary and corrections

_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "phone": ("phone", "mobile", "number", "cell", "电话", "手机", "号码"),
    "email": ("email", "e-mail", "mail", "邮箱", "邮件", "电邮"),
    "wechat_id": ("wechat", "weixin", "微信"),
    "name": ("name", "姓名", "名字", "称呼", "叫"),
    "company": ("company", "employer", "organisation", "organization", "公司", "单位", "企业"),
    "preferred_channel": ("channel", "contact me by", "reach me by", "联系方式偏好", "怎么联系", "联系渠道"),
    "counterparty": ("counterparty", "other party", "other side", "对方", "另一方"),
    "language": ("language", "english", "chinese", "语言", "英文", "英语", "中文"),
}


def field_to_correct(message: str) -> str | None:
    """Which field a correction talks about: "the phone is wrong" -> phone, "电话写错了" -> phone."""
    value = message.lower()
    found = [name for name, words in _FIELD_WORDS.items() if any(word in value for word in words)]
    if "email" in found and "phone" in found and "@" in value:
        return "email"
    # "name" also matches inside "company name"; the more specific field wins.
    if len(found) > 1 and "name" in found:
        found.remove("name")
    return found[0] if found else None


def summary(lead: Mapping, language: Language, heading: bool = True) -> str:
    """The read-back of everything the lead will hold, in the user's language."""
    code = lead.get("topic")
    contact = lead.get("contact") or {}
    lines = [text("summary.heading", language)] if heading else []
    if code in topics.TOPIC_CODES:
        topic_line = topics.get(code).name[language]
        if lead.get("urgency") == "high":
            topic_line += text("summary.urgent_suffix", language)
        lines.append(f"• {text('summary.topic', language)}: {topic_line}")
    if lead.get("summary"):
        lines.append(f"• {text('summary.description', language)}: “{lead['summary']}”")
    for key, value in (lead.get("answers") or {}).items():
        question = next((q for q in topics.get(code).questions if q.key == key), None) if code else None
        label = question.text[language] if question else key
        lines.append(f"• {label} {answer_label(code, key, value, language)}")
    for field_name in ("name", "company", "phone", "email", "wechat_id", "preferred_channel"):
        value = contact.get(field_name)
        if value:
            if field_name == "preferred_channel":
                value = text(f"channels.{value}", language)
            lines.append(f"• {text(f'summary.{field_name}', language)}: {value}")
    if lead.get("counterparty"):
        lines.append(f"• {text('summary.counterparty', language)}: {lead['counterparty']}")
    preferred_language = text("languages." + str(lead.get("language") or language), language)
    lines.append(f"• {text('summary.language', language)}: {preferred_language}")
    if lead.get("callback_requested"):
        lines.append("• " + text("summary.callback", language))
    return "\n".join(lines)
