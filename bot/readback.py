"""The read-back: everything the lead will hold, in the user's language, and the corrections a
user makes to it ("the phone is wrong, it's 139…", "你把我名字写错了，是刘洋不是刘阳"). A
correction changes the field it names and nothing else."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot import contact, topics
from bot import readback_edits as edits
from bot.intake import SKIPPED, UNCLEAR, answer_label, text, texts
from bot.language import Language, language_named
from bot.name_corrections import corrected_name, is_name_correction

TRIAGE_KEY = "triage"  # the answers' entry holding the reasons a matter is urgent (codes)

_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "counterparty": ("counterparty", "other party", "other side", "对方", "另一方", "被告", "对手"),
    "phone": ("phone", "mobile", "number", "cell", "电话", "手机", "号码"),
    "email": ("email", "e-mail", "mail", "邮箱", "邮件", "电邮", "域名", "domain"),
    "wechat_id": ("wechat", "weixin", "微信"),
    "company": ("company", "employer", "organisation", "organization", "公司", "单位", "企业"),
    "name": ("name", "姓名", "名字", "称呼", "叫我", "spell", "姓"),
    "preferred_channel": (
        "contact me by",
        "reach me by",
        "prefer",
        "call me",
        "email me",
        "by email",
        "by phone",
        "打电话给我",
        "发邮件给我",
        "联系方式偏好",
        "怎么联系",
        "联系渠道",
        "联系我",
    ),
    "language": ("language", "english", "chinese", "语言", "英文", "英语", "中文"),
}
# "前CTO的名字是许锋", "their CEO's name is spelt …": someone else's name is the other party's.
_THIRD_PARTY_NAME = re.compile(
    r"(?:前|原)?(?:CTO|CEO|COO|员工|同事|老板|合伙人|经理|总监|对方|他|她|他们|那个人|那家公司|侵权人|被告|竞争对手|客户|供应商|开发商)"
    r"[^，,。；;]{0,4}?(?:的)?(?:名字|姓名|名称)"
    r"|\b(?:his|her|their|the\s+(?:other\s+(?:party|side)|ex-?\w+|former\s+\w+|defendant|infringer|competitor"
    r"|vendor|client|customer|supplier)(?:'s)?|(?:ex-?|former\s+)\w+'s)\s+(?:\w+\s+)?name\b",
    re.IGNORECASE,
)
# The fields that hold a value the user gives (not a preference: channel, language).
_HELD_FIELDS = ("counterparty", "phone", "email", "wechat_id", "company", "name")
# "company name" is the company, "对方公司" the other party: the more specific field wins.
_PRECEDENCE = (
    "counterparty",
    "email",
    "wechat_id",
    "phone",
    "company",
    "preferred_channel",
    "language",
    "name",
)


def _is_channel_label(message: str) -> bool:
    """ "phone call", "微信吧": the label of a contact channel, as the read-back shows it."""
    typed = re.sub(r"[\s,，。.!！]*(?:please|吧|就行|联系)?[\s。.!！]*$", "", message.strip().lower())
    labels = {str(label).lower() for names in texts()["channels"].values() for label in names.values()}
    return typed in labels


# What says a correction follows: a negation of rightness, a new value, "should be", "change".
_CORRECTION_MARKERS = re.compile(
    r"错|不对|不是|有误|改|应该|应为|打反|写反|少|多了|多一|漏|缺|换|更正|其实是|但|不过|只是|就是.|"
    r"\b(?:wrong|incorrect|not (?:right|correct|ok|okay)|isn'?t|should|change|typo|mistake|instead|"
    r"actually|but|missing|update|fix|spell(?:ed|t|ing)?|corrections?|correct (?:the|my|it|this|that|one)|"
    r"(?:please|pls|kindly) (?:correct|write|put|use|change|make|add|enter|record|list|spell)|except|apart from|"
    r"other than|besides|full name|(?:chinese|english|real|legal) name)\b|除了|\d{3,}|@|"
    r"\b(?:write|put|list|record|enter)\b[^.!?]{0,20}?\bas\b|写成|写作|记成|请写|只写|名字(?:就|只)?写|"
    r"写[^，,。]{1,8}就(?:可以|行|好)",
    re.IGNORECASE,
)
# "名字是山峰的峰，高峰", "the surname is O'Connell": a field's value given, not a field confirmed.
_VALUE_GIVEN = re.compile(
    rf"(?:{'|'.join(re.escape(w) for f in _HELD_FIELDS for w in _FIELD_WORDS[f])})"
    r"\s*(?:\bis\b|\bshould\s+be\b|是|为|叫|写|[:：])"
    r"(?!\s*(?:(?:all|also|now)\s+)?(?:right|correct|fine|ok|okay|good|accurate|perfect)\b"
    r"|\s*(?:对|正确|没错|没问题|准确|无误))",
    re.IGNORECASE,
)
# "用邮件联系我吧", "please reach me by WeChat": how to be contacted, said at the read-back - a change
# of the preferred channel, not a confirmation ("用 吧" is left once the field words are taken out).
_CHANNEL_WISH = re.compile(
    r"(?:用|通过|走|打|发)\s*(?:邮件|邮箱|电邮|电话|手机|微信|短信)\s*(?:联系|找|通知|给)我|"
    r"(?:联系|通知)我(?:吧|就行|就好)|"
    r"\b(?:contact|reach|email|e-mail|text|message|ring)\s+me\b|\bcall\s+me\s+(?:on|at|by)\b|"
    r"\bby\s+(?:phone|email|e-mail|wechat|text)\s+(?:please|is\s+(?:better|best|fine))\b",
    re.IGNORECASE,
)
# "没错", "都没错了": a denial of a mistake, not a correction.
_NOT_WRONG = re.compile(r"没有?错|都没错|nothing(?:'s| is) wrong", re.IGNORECASE)
# Words that name what is confirmed and the fillers around it: "电话对的", "phone correct now".
_CONFIRMED_PARTS = re.compile(
    "|".join(
        sorted(
            {re.escape(w) for words in _FIELD_WORDS.values() for w in words}
            | {
                r"\bnumber\b",
                r"['’]s\b",
                r"\bis\b",
                r"\bare\b",
                r"\bnow\b",
                r"\btoo\b",
                r"\balso\b",
                r"\bboth\b",
                r"\bthe\b",
                r"\bmy\b",
                r"\band\b",
                r"\bas well\b",
                r"\beverything\b",
                r"\ball\b",
                "地址",
                "其余",
                "其他",
                "其它",
                "别的",
                "剩下的",
                "这回",
                "现在",
                "这次",
                "也",
                "都",
                "和",
                "跟",
                "了",
                "啊",
                "呀",
                "哈",
                # a yes in Korean or Japanese beside the Chinese one ("맞아요 对了")
                "맞아요",
                "맞습니다",
                "맞아",
                "네",
                "はい",
            },
            key=len,
            reverse=True,
        )
    ),
    re.IGNORECASE,
)


def is_confirmation(message: str) -> bool:
    """ "电话对的", "邮箱也没问题", "phone correct now", "all correct, thanks": the read-back, or the
    fields named in the message, are right, and nothing is corrected. Read as the whole confirmed;
    a message that also corrects something ("电话对，邮箱错了") is not one."""
    from bot.answers import agreement
    from bot.replies import Said

    if _CORRECTION_MARKERS.search(_NOT_WRONG.sub(" ", message)) or _CHANNEL_WISH.search(message):
        return False
    if _VALUE_GIVEN.search(message):
        return False
    rest = _CONFIRMED_PARTS.sub(" ", message)
    rest = " ".join(re.sub(r"[,，。.!！;；、~～]+", " ", rest).split())
    if not rest:
        return False
    return agreement(Said(message)) is True or agreement(Said(rest)) is True


def _names_a_field(message: str) -> bool:
    lowered = message.lower()
    return any(word in lowered for words in _FIELD_WORDS.values() for word in words)


def field_to_correct(message: str, current_name: str | None = None) -> str | None:
    """Which field a correction talks about: "the phone is wrong" -> phone, "电话写错了" -> phone,
    "phone call" (a channel's label) -> how to be contacted; a name that corrects the current
    one ("不是刘阳，是刘洋", "it's Kevin with a K, Kevin Zhou") -> the name."""
    if _is_channel_label(message):
        return "preferred_channel"
    clauses = [c for c in re.split(r"[,，;；。]+", message) if c.strip()]
    confirmed = [c for c in clauses if _names_a_field(c) and is_confirmation(c)]
    rest = [c for c in clauses if c not in confirmed]
    if confirmed and rest and all(_names_a_field(c) or edits.names_a_tail(c) for c in rest):
        # "邮箱没问题，电话最后一位是5": the field named as right is not the one corrected
        message = "，".join(rest)
    # "Max is just what friends call me": how people address the user, no contact channel
    value = re.sub(r"\bwhat\s+(?:\w+\s+){0,2}calls?\s+me\b", " ", message.lower())
    found = {name for name, words in _FIELD_WORDS.items() if any(word in value for word in words)}
    if _THIRD_PARTY_NAME.search(message):
        found.add("counterparty")
    if "@" in value:
        found.add("email")
    if "email" in found and "phone" in found and "@" in value:
        found.discard("phone")
    if re.search(r"英文名|中文名|english name|chinese name", value) or language_named(value) is None:
        # "英文名是Lena不是Lina": a name in another script; "不要英文", "use the Chinese number": no
        # language wanted
        found.discard("language")
    if "phone" in found and "wechat_id" in found and not re.search(r"\d{6,}", value):
        found.discard("phone")
    # "用邮件联系我吧": how to be contacted, unless the message carries a new address or number
    if "preferred_channel" in found and "@" not in value and not re.search(r"\d{6,}", value):
        return "preferred_channel"
    field = next((name for name in _PRECEDENCE if name in found), None)
    if field is None:
        # "打反了，+853 6612 3456", "sorry, it's +49 171 …": a complete new number or address
        # corrects the field it belongs to, even when the field is not named
        carried = contact.parse_methods(message).found
        field = next((f for f in ("phone", "email") if f in carried), None)
    if field is None and edits.names_a_tail(message):
        field = "phone"  # "最后一位是5不是6", "ends in 21 not 12": the end of the number
    if field is None and is_name_correction(message, current_name):
        return "name"
    return field


_NOT_A_VALUE = re.compile(
    r"^(?:wrong|incorrect|not right|a typo|mistaken|错|错了|写错了|不对|有误)$", re.IGNORECASE
)
_REST_AFTER = re.compile(
    r"(?:it'?s|it is|should be|change (?:it )?to|is|应该是|改成|改为|是|[:：])\s*(.+?)[\s.。!！]*$",
    re.IGNORECASE,
)


def corrected_value(field: str, message: str, current: str | None = None) -> str | None:
    """The new value a correction carries, validated for its field; None when it carries none
    (the field is then asked again). `current`: the value being corrected."""
    if field in ("phone", "email", "wechat_id"):
        found = contact.parse_methods(message).found
        if field == "phone" and "phone" not in found:
            return edits.new_tail(current, message)
        if field == "email" and "email" not in found:
            return edits.new_email(current, message)
        return found.get(field)
    if field in ("company", "counterparty"):
        # company names carry commas and full stops ("No Limits Technology Co., Ltd."): the rest
        # of the message after the last "it's" / "是" is the new value
        for clause in reversed(
            re.split(r"(?<=[，,。；;])\s*(?=(?:it'?s|it is|should be|应该是|改成|改为|是))", message)
        ):
            rest = _REST_AFTER.search(clause)
            if rest:
                candidate = re.split(r"[，,]\s*(?:不是|not)\b", rest.group(1))[0].strip(" “”\"'")
                if len(candidate) >= 2 and not _NOT_A_VALUE.match(candidate):
                    return candidate[:200]
        # "公司名写全一点 哈尔滨包尔汽车零部件有限公司": a company named plainly, without "it's"
        clauses = [c for c in re.split(r"[，,；;。\s]+", message) if c]
        return next((company for c in reversed(clauses) if (company := contact.find_company(c))), None)
    return corrected_name(message, current) if field == "name" else None


def summary(lead: Mapping[str, Any], language: Language, heading: bool = True) -> str:
    """The read-back of everything the lead will hold, in the user's language."""
    from bot import triage

    code = lead.get("topic")
    contact_fields = lead.get("contact") or {}
    lines = [text("summary.heading", language)] if heading else []
    answers = dict(lead.get("answers") or {})
    reasons = answers.pop(TRIAGE_KEY, None) or []
    if code in topics.TOPIC_CODES:
        topic_line = topics.get(code).name[language]
        if lead.get("urgency") == "high":
            topic_line += text("summary.urgent_suffix", language)
        lines.append(f"• {text('summary.topic', language)}: {topic_line}")
        if lead.get("urgency") == "high" and reasons:
            labels = text("summary.list_separator", language).join(
                triage.reason_label(reason, language) for reason in reasons
            )
            lines.append(f"• {text('summary.urgent_because', language)}: {labels}")
    if lead.get("summary"):
        lines.append(f"• {text('summary.description', language)}: “{lead['summary']}”")
    for key, value in answers.items():
        question = next((q for q in topics.get(code).questions if q.key == key), None) if code else None
        if question is None:
            continue  # only the topic's own questions are read back
        lines.append(f"• {question.text[language]} {answer_label(str(code), key, value, language)}")
    for field_name in ("name", "company", "phone", "email", "wechat_id", "preferred_channel"):
        value = contact_fields.get(field_name)
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


__all__ = ["SKIPPED", "UNCLEAR", "corrected_value", "field_to_correct", "summary"]
