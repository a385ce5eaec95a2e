"""The name at the intake, third round of classes (session 8): Chinese words a space apart are
clauses of their own ("陈国栋 陈老师"), a surname alone before the full name, the polite forms of
saying a surname (免贵, 复姓…单名), an acronym of a job beside a name, where the person is from,
pinyin surnames spelt like English words ("Chen He"), a script label inside brackets after a role;
at the read-back, corrections that explain the spelling ("with a hyphen", "J-I-N-G"), a given name
alone, and a correction is never taken for a confirmation. Sentences written here, apart from the
simulated users of tests/strangers/."""

from __future__ import annotations

import pytest

from bot.contact import parse_methods
from bot.name_corrections import corrected_name
from bot.readback import is_confirmation
from tests.support.names import name_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("孙海涛 孙经理", "孙海涛"),
        ("大家叫我小孙 孙海涛", "孙海涛"),
        ("我是孩子姥姥 我姓韩 韩玉珍", "韩玉珍"),
        ("韩 韩玉珍", "韩玉珍"),
        ("外号老韩 真名韩立军", "韩立军"),
        ("免贵复姓司徒，单名一个静", "司徒静"),
        ("免贵姓韩，韩立军", "韩立军"),
        ("姓韩，名立军", "韩立军"),
        ("我姓Han，韩，韩立军", "韩立军"),
        ("韩立军 PM", "韩立军"),
        ("韩立军 绥化人", "韩立军"),
        ("我是佳木斯人，叫韩立军", "韩立军"),
        ("Wei He", "Wei He"),
        ("律师助理 何蔚（Wei He）", "何蔚（Wei He）"),
        ("Ivan Sokolov, sales lead (in Chinese papers 伊万)", "伊万（Ivan Sokolov）"),
        ("Marta Nowak. 中国同事叫我老马", "Marta Nowak"),
        ("小韩～韩玉珍", "韩玉珍"),
        ("研究生，叫韩立军", "韩立军"),
        ("个体户 韩立军", "韩立军"),
        ("我是他闺女，韩玉珍", "韩玉珍"),
    ],
)
def test_names_as_people_write_them_third_round(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("韩 立", "韩 立"),  # one character each side: a name typed with a space
        ("Sato Ken (佐藤 健)", "Sato Ken"),
        ("Anna", "Anna"),
        ("LENA", "LENA"),  # capitals with vowels are a name, not an acronym
    ],
)
def test_third_round_near_misses_stay_names(raw, expected):
    found = name_of(raw)
    assert isinstance(found, str) and found.startswith(expected)


@pytest.mark.parametrize(
    ("current", "message", "expected"),
    [
        ("Park Jiwoo", "please correct the name - it is Park Ji-woo, with a hyphen", "Park Ji-woo"),
        (
            "Alexey Orlov",
            "One correction: Aleksei with k-s and i, like in the passport. Aleksei Orlov.",
            "Aleksei Orlov",
        ),
        ("Wang Lin", "name is wrong, it's Wang Ling with a g at the end", "Wang Ling"),
        ("Wang Lin", "wrong name: Wang Ling, L-I-N-G, 王玲", "王玲（Wang Ling）"),
        ("赵春花", "名字错了 春华 中华的华", "赵春华"),
        ("韩丽君", "名字是君子的君，韩立君", "韩立君"),
        (
            "Max",
            "Please make it Maximilian Vogel for the official records, Max is just what friends call me",
            "Maximilian Vogel",
        ),
        (
            "sean obrien",
            "Small fix: O'Brien, capital O, apostrophe, one r. Typed it too quickly.",
            "sean O'Brien",
        ),
    ],
)
def test_corrections_that_explain_the_spelling(current, message, expected):
    from bot.readback import field_to_correct

    assert not is_confirmation(message)
    assert field_to_correct(message, current) == "name"
    assert corrected_name(message, current) == expected


@pytest.mark.parametrize(
    "message",
    [
        "Please correct the name, it is Park Ji-woo",
        "One small correction: the surname is Orlova",
        "All fine except the email",
        "除了邮箱其他都对",
    ],
)
def test_a_correction_is_no_confirmation(message):
    assert not is_confirmation(message)


@pytest.mark.parametrize(
    "message", ["I confirm the above details are correct.", "The information is all correct", "I agree"]
)
def test_a_formal_confirmation_is_one(message):
    assert is_confirmation(message)


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("邮箱是 88231907艾特qq点com", "88231907@qq.com"),
        ("mail: olga.k at yandex dot ru", "olga.k@yandex.ru"),
        ("邮箱 hanlj圈a126点com，手机13945112345", "hanlj@126.com"),
    ],
)
def test_an_email_said_aloud(text, email):
    assert parse_methods(text).email == email


@pytest.mark.parametrize("text", ["we meet at 3 pm", "下午3点见", "I'm at home now"])
def test_no_email_where_none_is_said(text):
    assert parse_methods(text).email is None


@pytest.mark.parametrize(
    ("current", "message", "expected"),
    [
        ("hanlijun@hljsoft.cn", "邮箱是 hanlj，不是 hanlijun", "hanlj@hljsoft.cn"),
        ("hanlj@hljsoft.cn", "邮箱是 hanlj，不是 hanlijun", "hanlj@hljsoft.cn"),  # already so
        ("olga_k@mail.ru", "the email: not olga_k, it's olga.k", "olga.k@mail.ru"),
    ],
)
def test_a_correction_of_the_part_before_the_at(current, message, expected):
    from bot.readback import corrected_value, field_to_correct

    assert field_to_correct(message) == "email"
    assert corrected_value("email", message, current) == expected


def test_a_part_before_the_at_of_another_address_changes_nothing():
    from bot.readback import corrected_value

    assert corrected_value("email", "邮箱不是zhang，是wang", "li@example.com") is None


@pytest.mark.parametrize(
    "message",
    [
        "Please write my full name, Natalia Orlova; Natasha is only my short name",
        "Please put my legal name instead: Chen Yuhang",
        "please use my Chinese name 陈宇航",
    ],
)
def test_a_request_starting_with_please_is_no_confirmation(message):
    assert not is_confirmation(message)


@pytest.mark.parametrize("message", ["please", "yes please", "Please!"])
def test_please_alone_still_agrees(message):
    assert is_confirmation(message)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("还没完全控制住，刚把一个账号停了", "ongoing"),
        ("都控制住了", "contained"),
        ("没彻底控制住", "ongoing"),
    ],
)
def test_not_fully_contained_is_ongoing(message, expected):
    from bot.prefill import prefill

    assert prefill("data_breach", message, language="zh").get("ongoing_or_contained") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("不想留名可以吗…那就叫我小韩吧，韩立军", "韩立军"),
        ("Leo 韩 / 韩立军", "韩立军（Leo）"),
        ("我是公司老板，韩立军", "韩立军"),
    ],
)
def test_names_as_people_write_them_session_8_last_round(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize("message", ["其余无误。", "其他都对", "别的没问题"])
def test_the_rest_confirmed_after_a_correction(message):
    assert is_confirmation(message)
