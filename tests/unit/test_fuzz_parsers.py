"""The parsers of what users type, fuzzed: any text, in any script, mixed with the digits, signs
and words the parsers look for, gives an answer of the promised type and never an exception.

Hypothesis draws a few thousand messages per parser; the alphabet leans on the characters that
matter (digits, full-width digits, @, +, brackets, Chinese and Latin letters, emoji) so the
cases reach the parsers' inner branches rather than stopping at "not a phone number"."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import answers, contact, language, person, readback, triage
from bot.contact_names import Problem
from bot.prefill import prefill
from bot.replies import Choice, Said
from bot.topics import TOPIC_CODES

FUZZ = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_PIECES = st.sampled_from(
    [
        "139",
        "1391234",
        "5678",
        "+86",
        "+7",
        "+852",
        "0451-",
        "８６",
        "１３９",
        "@",
        ".com",
        "qq.com",
        "WeChat",
        "微信",
        "手机",
        "邮箱",
        "电话",
        "名字",
        "我姓王",
        "叫我",
        "老张",
        "有限公司",
        "Co., Ltd.",
        "（",
        "）",
        "(",
        ")",
        "，",
        ",",
        " ",
        "Dr.",
        "先生",
        "不是",
        "改成",
        "wrong",
        "it's",
        "phone",
        "email",
        "明天",
        "下周三",
        "3 days",
        "三天内",
        "被抓",
        "detained",
        "police",
        "网信办",
        "去年",
        "已经",
        "not",
        "没有",
        "万",
        "元",
        "%",
        "<script>",
        "\u200b",
        "😀",
        "\n",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=14).map("".join)


@FUZZ
@given(_TEXT)
def test_contact_parsers_never_crash(text: str) -> None:
    methods = contact.parse_methods(text)
    assert all(isinstance(value, str) for value in methods.found.values())
    for parse in (contact.parse_email, contact.parse_wechat_id, contact.parse_name):
        assert isinstance(parse(text), (str, Problem))
    name, company = contact.parse_name_and_company(text)
    assert isinstance(name, (str, Problem)) and (company is None or isinstance(company, str))
    contact.extract_details(text)
    contact.is_contact_details_message(text)
    parsed = person.parse_person(text)
    assert isinstance(parsed, (person.Person, Problem))
    kept = person.kept_as_typed(text)
    assert kept is None or isinstance(kept, str)


@FUZZ
@given(_TEXT)
def test_phone_parser_gives_e164_or_a_problem(text: str) -> None:
    from bot.contact_phones import parse_phone

    phone = parse_phone(text)
    assert isinstance(phone, Problem) or (phone.startswith("+") and phone[1:].isdigit())


@FUZZ
@given(_TEXT, st.sampled_from(["name", "phone", "email", "company", "wechat_id", "counterparty"]))
def test_readback_corrections_never_crash(text: str, field: str) -> None:
    found = readback.field_to_correct(text)
    assert found is None or isinstance(found, str)
    value = readback.corrected_value(field, text, current="+8613912345678")
    assert value is None or isinstance(value, str)


@FUZZ
@given(_TEXT)
def test_answers_and_language_never_crash(text: str) -> None:
    said = Said(text)
    assert answers.agreement(said) in (True, False, None)
    answers.is_skip(said)
    answers.looks_like_garbage(text)
    choices = (Choice("是 Yes", "yes"), Choice("否 No", "no"), Choice("不确定 Not sure", "unknown"))
    assert answers.pick(choices, said) in (None, "yes", "no", "unknown")
    assert language.sentence_language(text) in (None, "en", "zh")
    assert language.requested_language(text) in (None, "en", "zh")
    assert language.conversation_language("zh", text) in (None, "en", "zh")
    language.is_foreign(text)


@FUZZ
@given(_TEXT)
def test_triage_never_crashes(text: str) -> None:
    result = triage.assess(text, today=date(2026, 11, 29))
    assert result.urgency in ("high", "normal")
    assert all(isinstance(reason, str) for reason in result.reasons)
    triage.is_contest(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(TOPIC_CODES)), _TEXT, st.sampled_from(["en", "zh"]))
def test_prefill_never_crashes(code: str, text: str, lang: str) -> None:
    filled = prefill(code, text, {}, language=lang)
    assert isinstance(filled, dict)
