"""Contact details as people type them."""

import pytest

from bot import contact
from bot.contact import Problem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("0086 13812345678", "+8613812345678"),
        ("(+86) 138 1234 5678", "+8613812345678"),
        ("+7 914 123 45 67", "+79141234567"),
        ("1381234567", Problem("phone_length")),
        ("12345", Problem("phone_length")),
        ("0451 8888 6666", Problem("phone_not_mobile")),
        ("abc", Problem("phone_missing")),
    ],
)
def test_phone_numbers_are_stored_in_e164(raw, expected):
    assert contact.parse_phone(raw) == expected


def test_several_ways_to_reach_someone_in_one_message():
    found = contact.parse_methods("电话 138 1234 5678，邮箱 Li.Wei@Example.com，微信号：li_wei88")
    assert found.found == {"phone": "+8613812345678", "email": "Li.Wei@example.com", "wechat_id": "li_wei88"}
    assert found.problems == []


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("anna@", "email_invalid"),
        ("138123", "phone_length"),
        ("call me maybe", "methods_missing"),
        ("<script>alert(1)</script>", "methods_missing"),
    ],
)
def test_unusable_contact_details_say_what_is_wrong(raw, problem):
    found = contact.parse_methods(raw)
    assert not found.found and found.problems[0].code == problem


def test_a_bare_wechat_id_is_accepted_when_nothing_else_is_given():
    assert contact.parse_methods("wangfang_88").found == {"wechat_id": "wangfang_88"}
    assert contact.parse_wechat_id("1abc") == Problem("wechat_invalid")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("王芳", "王芳"),
        ("我叫张伟", "张伟"),
        ("my name is Anna Müller", "Anna Müller"),
        ("欧阳·娜娜", "欧阳·娜娜"),
        ("O'Brien", "O'Brien"),
        ("x", Problem("name_too_short")),
        ("agent 007", Problem("name_invalid")),
        ("<b>Bob</b>", Problem("name_invalid")),
        ("a" * 100, Problem("name_too_long")),
    ],
)
def test_names_in_chinese_or_latin_script(raw, expected):
    assert contact.parse_name(raw) == expected
