"""Contact details as people type them."""

import pytest

from bot import contact
from bot.contact import NO_COMPANY, Details, NoCompany, Problem

MOBILE = "+8613904512233"
LANDLINE = "+8645186661234"


# -- phone numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("0086 13812345678", "+8613812345678"),
        ("(+86) 138 1234 5678", "+8613812345678"),
        ("+7 914 123 45 67", "+79141234567"),
        ("+86 139-0451-2233", MOBILE),
        ("0086 13904512233", MOBILE),
        ("(+86)13904512233", MOBILE),
        ("１３９０４５１２２３３", MOBILE),
        ("＋８６ １３９０４５１２２３３", MOBILE),
        ("手机：13904512233", MOBILE),
        # landlines are how offices are reached: accepted
        ("0451-8666 1234", LANDLINE),
        ("0451 86661234", LANDLINE),
        ("(0451) 8666-1234", LANDLINE),
        ("+86 (0)451 8666 1234", LANDLINE),
        ("0451 8888 6666", "+8645188886666"),
        # neighbours and partners
        ("+852 9123 4567", "+85291234567"),
        ("+853 6612 3456", "+85366123456"),
        ("+886 912 345 678", "+886912345678"),
        ("+7 912 345-67-89", "+79123456789"),
        ("+7 701 234 5678", "+77012345678"),
        # wrong
        ("1381234567", Problem("phone_length")),
        ("12345", Problem("phone_length")),
        ("86661234", Problem("phone_length")),
        ("abc", Problem("phone_missing")),
    ],
)
def test_phone_numbers_are_stored_in_e164(raw, expected):
    assert contact.parse_phone(raw) == expected


# -- several ways to reach someone in one message


def test_several_ways_to_reach_someone_in_one_message():
    found = contact.parse_methods("电话 138 1234 5678，邮箱 Li.Wei@Example.com，微信号：li_wei88")
    assert found.found == {"phone": "+8613812345678", "email": "li.wei@example.com", "wechat_id": "li_wei88"}
    assert found.problems == []


def test_a_trailing_empty_wechat_label_is_ignored():
    found = contact.parse_methods("手机 13904512233，邮箱 Wang.XY@Example.COM，微信 ")
    assert found.found == {"phone": MOBILE, "email": "wang.xy@example.com"}
    assert found.problems == []


def test_full_width_digits_and_punctuation():
    found = contact.parse_methods("手机：１３９０４５１２２３３，邮箱：ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ")
    assert found.found == {"phone": MOBILE, "email": "wang@example.com"}


@pytest.mark.parametrize(
    "raw",
    [
        "手机13904512233，微信同手机号",
        "WeChat same as my phone: +86 139 0451 2233",
        "微信就是手机号 139 0451 2233",
    ],
)
def test_wechat_same_as_phone_stores_the_national_number(raw):
    found = contact.parse_methods(raw)
    assert found.phone == MOBILE
    assert found.wechat_id == "13904512233"
    assert found.wechat_same_as_phone


def test_wechat_same_as_phone_without_a_phone_is_flagged_for_the_caller():
    found = contact.parse_methods("微信同手机号")
    assert found.wechat_same_as_phone and not found.found


def test_a_mobile_is_preferred_over_a_landline_and_the_landline_is_kept():
    for raw in ("座机 0451-8666 1234，手机 139 0451 2233", "13904512233 0451-86661234"):
        found = contact.parse_methods(raw)
        assert found.phone == MOBILE, raw
        assert found.other_phones == [LANDLINE], raw


def test_foreign_numbers_in_a_message():
    assert contact.parse_methods("my number is +852 9123 4567").phone == "+85291234567"
    assert contact.parse_methods("tel: +7 701 234 5678, email ivan@mail.kz").found == {
        "phone": "+77012345678",
        "email": "ivan@mail.kz",
    }


@pytest.mark.parametrize(
    "raw",
    [
        "合同金额 300000元，2024-05-01 签的",
        "80w，已付60w",
        "30万",
        "2019-2024 一直合作",
        "服务器 192.168.100.200",
    ],
)
def test_amounts_and_dates_are_not_phone_numbers(raw):
    found = contact.parse_methods(raw)
    assert found.phone is None
    assert [p.code for p in found.problems] == ["methods_missing"]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("anna@", "email_invalid"),
        ("138123", "phone_length"),
        ("call me maybe", "methods_missing"),
        ("<script>alert(1)</script>", "methods_missing"),
        ("微信：1abc", "wechat_invalid"),
    ],
)
def test_unusable_contact_details_say_what_is_wrong(raw, problem):
    found = contact.parse_methods(raw)
    assert not found.found and found.problems[0].code == problem


def test_a_bare_wechat_id_is_accepted_when_nothing_else_is_given():
    assert contact.parse_methods("wangfang_88").found == {"wechat_id": "wangfang_88"}
    assert contact.parse_wechat_id("1abc") == Problem("wechat_invalid")


def test_emails_are_lower_case():
    assert contact.parse_email("Anna.Muller@Example.COM") == "anna.muller@example.com"


# -- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("王芳", "王芳"),
        ("我叫张伟", "张伟"),
        ("my name is Anna Müller", "Anna Müller"),
        ("欧阳·娜娜", "欧阳·娜娜"),
        ("O'Brien", "O'Brien"),
        ("伊万（Ivan Petrov）", "伊万 (Ivan Petrov)"),
        ("陈静 Jessica Chen", "陈静 Jessica Chen"),
        ("我姓王，叫王晓燕", "王晓燕"),
        ("我姓王，叫晓燕", "王晓燕"),
        ("叫我老张就行", "老张"),
        ("Kevin 周", "Kevin 周"),
        ("王先生", "王先生"),
        ("李女士", "李女士"),
        ("张律师", "张律师"),
        ("刘老师", "刘老师"),
        ("Dr. Olga Ivanova", "Dr. Olga Ivanova"),
        ("Mr. Smith", "Mr. Smith"),
        ("my name is Mike Zhang", "Mike Zhang"),
        ("it's Mike Zhang", "Mike Zhang"),
        ("I'm Zhang Wei (David)", "Zhang Wei (David)"),
        ("Zhang Wei, ABC Co.", "Zhang Wei"),
        ("Иван Петров", "Иван Петров"),
        ("王晓燕，13904512233", "王晓燕"),
        ("你好，我是王晓燕。", "王晓燕"),
        ("x", Problem("name_too_short")),
        ("agent 007", Problem("name_invalid")),
        ("<b>Bob</b>", Problem("name_invalid")),
        ("<script>alert(1)</script>", Problem("name_invalid")),
        ("不知道", Problem("name_invalid")),
        ("微信", Problem("name_invalid")),
        ("不凡科技有限公司", Problem("name_invalid")),
        ("why do you need my name", Problem("name_invalid")),
        ("", Problem("name_missing")),
        ("a" * 100, Problem("name_too_long")),
    ],
)
def test_names_as_people_write_them(raw, expected):
    assert contact.parse_name(raw) == expected


def test_a_name_followed_by_a_company_gives_both():
    assert contact.parse_name_and_company("Zhang Wei, ABC Co.") == ("Zhang Wei", "ABC Co.")
    assert contact.parse_name_and_company("王晓燕，不凡科技有限公司") == ("王晓燕", "不凡科技有限公司")
    assert contact.parse_name_and_company("王晓燕") == ("王晓燕", None)


# -- companies


@pytest.mark.parametrize(
    "raw",
    [
        "No Limits Technology Co., Ltd.",
        "不凡科技有限公司",
        "OK Computer Ltd",
        "Never Again GmbH",
        "None Such Ltd",
    ],
)
def test_company_names_that_start_like_a_refusal_are_companies(raw):
    assert contact.parse_company_answer(raw) == raw
    assert contact.parse_company(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "none",
        "None.",
        "no company",
        "没有",
        "个人",
        "just me",
        "freelancer",
        "No, I'm a freelancer",
        "没有，个人",
        "我是个体户",
        "n/a",
    ],
)
def test_no_company_is_a_distinct_answer(raw):
    answer = contact.parse_company_answer(raw)
    assert answer == NO_COMPANY and isinstance(answer, NoCompany)


def test_company_labels_are_dropped_and_markup_refused():
    assert contact.parse_company("公司：不凡科技有限公司") == "不凡科技有限公司"
    assert contact.parse_company("I work at OK Computer Ltd") == "OK Computer Ltd"
    assert contact.parse_company_answer("<script>alert(1)</script>") == Problem("company_invalid")


# -- every detail in a free message


def test_all_details_in_one_chinese_message():
    details = contact.extract_details(
        "你好，我叫王晓燕，在不凡科技有限公司工作，手机13904512233，邮箱 WXY@Bufan.cn，微信 wxy_2024"
    )
    assert details == Details(
        name="王晓燕", company="不凡科技有限公司", phone=MOBILE, email="wxy@bufan.cn", wechat_id="wxy_2024"
    )


def test_all_details_in_one_english_message():
    details = contact.extract_details(
        "Hi, I'm Zhang Wei (David), CTO of ABC Co., Ltd. Our database was hacked. "
        "Call me on +86 139 0451 2233."
    )
    assert details == Details(name="Zhang Wei (David)", company="ABC Co., Ltd.", phone=MOBILE)


def test_details_inside_a_problem_description():
    details = contact.extract_details(
        "This is Mike Zhang from No Limits Technology Co., Ltd., we got a notice from the CAC. "
        "mike@nolimits.cn"
    )
    assert details.name == "Mike Zhang"
    assert details.company == "No Limits Technology Co., Ltd."
    assert details.email == "mike@nolimits.cn"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("叫我老张就行，电话 0451-8666 1234", Details(name="老张", phone=LANDLINE)),
        ("我是陈静，公司：不凡科技", Details(name="陈静", company="不凡科技")),
        ("Zhang Wei, ABC Co.", Details(company="ABC Co.")),
        (
            "my name is Mike Zhang and my wechat is mike_zh88",
            Details(name="Mike Zhang", wechat_id="mike_zh88"),
        ),
        (
            "我姓王，叫王晓燕，微信同手机号 13904512233",
            Details(name="王晓燕", phone=MOBILE, wechat_id="13904512233"),
        ),
    ],
)
def test_labelled_details_are_found(raw, expected):
    assert contact.extract_details(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "我是哈尔滨人，公司被网信办约谈了",
        "我们和XYZ有限公司签了合同，对方拖欠80w，已付60w，2024-05-01到期",
        "I'm worried, our server was hacked yesterday",
        "我是程序员，老板让我删数据",
        "请叫我们的法务联系你",
        "Our company was fined 300000 yuan on 2024-05-01",
        "对方公司：XYZ有限公司",
        "We signed with OK Computer Ltd last year and they never delivered",
        "我们公司有5000个用户，服务器在192.168.1.20",
        "This is very urgent, the police came today",
    ],
)
def test_no_details_are_invented_from_ordinary_sentences(raw):
    assert contact.extract_details(raw) == Details()


# -- a message of contact details is not a command


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("手机 13904512233，邮箱 a@b.com", True),
        ("my email is Anna@Example.com", True),
        ("微信：li_wei88", True),
        ("13904512233", True),
        ("王晓燕 13904512233", True),
        ("Mike Zhang, +86 139 0451 2233", True),
        ("手机 138123", True),
        ("delete my data", False),
        ("删除我的数据", False),
        ("start over", False),
        ("talk to a person, I have been waiting for an hour", False),
        ("delete my data, my email is a@b.com", False),
        ("我们公司数据泄露了，大概5000条", False),
    ],
)
def test_contact_details_messages_are_recognised(raw, expected):
    assert contact.is_contact_details_message(raw) is expected


# -- robustness


def test_every_problem_code_in_the_parsers_is_listed_for_the_hints():
    import re
    from pathlib import Path

    sources = "".join(
        p.read_text(encoding="utf-8") for p in Path(contact.__file__).parent.glob("contact*.py")
    )
    assert set(re.findall(r'Problem\("([a-z_]+)"\)', sources)) == {p.code for p in contact.PROBLEMS}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0451-86661234-801", LANDLINE),  # an extension is dropped
        ("13904512233转8", MOBILE),
        ("852 9123 4567", "+85291234567"),  # a neighbour's number without its "+"
    ],
)
def test_extensions_and_missing_plus_signs(raw, expected):
    assert contact.parse_phone(raw) == expected


def test_a_name_does_not_swallow_an_email_or_a_company_after_it():
    assert contact.parse_name("王晓燕 wang@x.com") == "王晓燕"
    assert contact.parse_name_and_company("张伟 不凡科技有限公司") == ("张伟", "不凡科技有限公司")
    assert contact.parse_name_and_company("Anna Müller (ABC GmbH)") == ("Anna Müller", "ABC GmbH")


def test_a_labelled_company_must_look_like_a_name():
    assert contact.extract_details("公司：对方说我们违约") == Details()
    assert contact.extract_details("我们公司叫不凡，主要做SaaS").company == "不凡"


def test_a_command_with_a_number_is_still_a_command():
    assert not contact.is_contact_details_message("删除我的数据 13904512233")
    assert not contact.is_contact_details_message("stop 13904512233")


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("010-2233-4455 (Korean number)", "+821022334455"),
        ("韩国手机 010 2233 4455", "+821022334455"),
        ("8 921 765 43 21, Russian mobile", "+79217654321"),
        ("010-2233-4455", "+861022334455"),  # Beijing, when no place is said
        ("13912345678 中国手机", "+8613912345678"),
        ("台湾手机 0912-345-678", "+886912345678"),
        ("or my mobile in Seoul 010-2233-4455 (Korea)", "+821022334455"),
        ("手机一五九零四五一二二三三", "+8615904512233"),
    ],
)
def test_a_number_in_its_national_form_is_read_as_the_place_said_before_or_after_it(typed, phone):
    assert contact.parse_methods(typed).found["phone"] == phone
