"""The name a person gives is stored as a person at the firm would write it (no titles, job
descriptions, framing words or aliases; a name in both scripts is written "王磊（Wang Lei）"), and a
correction at the read-back changes exactly the name. Sentences written here, apart from the
simulated users of tests/strangers/."""

from __future__ import annotations

import pytest

from bot import readback
from bot.name_framing import as_written
from bot.person import Person, parse_person
from tests.support.names import name_of

# -- 1. titles and honorifics


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dr. Anna Sokolova", "Anna Sokolova"),
        ("Dr Wei Zhang", "Wei Zhang"),
        ("Prof. Chen Xiaoping", "Chen Xiaoping"),
        ("Mrs. Helen Park", "Helen Park"),
        ("Ms Olivia Grant", "Olivia Grant"),
        ("Miss Laura Bell", "Laura Bell"),
        ("Eng. Ahmed Karimov", "Ahmed Karimov"),
        ("Mr. Pavel Orlov, PhD", "Pavel Orlov"),
        ("孙立新先生", "孙立新"),
        ("赵雅琴 女士", "赵雅琴"),
        ("马振华律师", "马振华"),
        ("韩冬梅老师", "韩冬梅"),
        ("钱永刚 教授", "钱永刚"),
        ("邹海峰博士", "邹海峰"),
        ("姜立军 高工", "姜立军"),
        ("唐雪工程师", "唐雪"),
        ("宋志远经理", "宋志远"),
        ("方明主任", "方明"),
    ],
)
def test_titles_and_honorifics_are_dropped(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize("raw", ["王总", "李先生", "周老师", "Mr. Brown", "Dr. Kuznetsov"])
def test_a_title_with_only_a_surname_stays_as_given(raw):
    assert name_of(raw) == raw


def test_an_alias_alone_stays_the_name():
    assert name_of("叫我老李就行") == "老李"
    assert name_of("叫我小赵吧") == "小赵"


# -- 2. framing words and job descriptions


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("我姓孙，孙晓梅，是公司的出纳", "孙晓梅"),
        ("我姓钱，钱国栋", "钱国栋"),
        ("姓邓，邓丽萍", "邓丽萍"),
        ("本人姓欧阳，欧阳晨", "欧阳晨"),
        ("黄海涛，我姓黄", "黄海涛"),
        ("我是财务部的，叫冯雪", "冯雪"),
        ("我是这家店的老板，名叫曹阳", "曹阳"),
        ("吴倩（Chloe Wu），法务专员", "吴倩（Chloe Wu）"),
        ("范志刚，技术总监", "范志刚"),
        ("I'm the office manager, name's Irina Petrova", "Irina Petrova"),
        ("I run the legal team, my name is Daria Volkova", "Daria Volkova"),
        ("this is Sam from accounting", "Sam"),
        ("Peter Novak, head of IT", "Peter Novak"),
    ],
)
def test_framing_and_job_descriptions_are_dropped(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("林悦 Lily Lin", "林悦（Lily Lin）"),
        ("安娜（Anna Belova）", "安娜（Anna Belova）"),
        ("Zhao Yifan (Evan)", "Zhao Yifan"),
        ("我姓王，叫王晓燕", "王晓燕"),
    ],
)
def test_a_name_given_bare_in_both_scripts_is_one_canonical_form(raw, expected):
    assert name_of(raw) == expected


# -- 3. aliases introduced by words


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Aleksandr 'Sasha' Morozov", "Aleksandr Morozov"),
        ('Robert "Bob" Miller', "Robert Miller"),
        ("Katherine “Kate” Moss", "Katherine Moss"),
        ("Zhang Hui (you can call me Helen)", "Zhang Hui"),
        ("Liu Bo (everyone calls me Bob)", "Liu Bo"),
        ("Sun Yu, but call me Sunny", "Sun Yu"),
        ("叫我阿杰就行，大名苏建杰", "苏建杰"),
        ("叫我小雪吧，全名是蔡雪莹", "蔡雪莹"),
        ("彭立伟（英文名Leo）", "彭立伟（Leo）"),  # convention: the only Latin name is kept
        ("何静（小名静静）", "何静"),
        ("Dmitry Orlov，中文名叫德米特里", "德米特里（Dmitry Orlov）"),
        ("Nikolai Popov，中文名字是尼古拉", "尼古拉（Nikolai Popov）"),
        ("许文强，叫我强哥就行", "许文强"),
        ("韩雪“小雪”", "韩雪"),
        ("Sean O'Brien", "Sean O'Brien"),
        ("Aoife O'Neill O'Brien", "Aoife O'Neill O'Brien"),
    ],
)
def test_aliases_introduced_by_words_are_dropped(raw, expected):
    assert name_of(raw) == expected


def test_the_company_after_a_name_is_still_read():
    assert parse_person("Dr. Anna Sokolova, Polar Soft Ltd") == Person("Anna Sokolova", "Polar Soft Ltd")
    assert parse_person("孙立新先生，冰城科技有限公司") == Person("孙立新", "冰城科技有限公司")
    assert parse_person("Mr. Brown, Polar Soft Ltd") == Person("Mr. Brown", "Polar Soft Ltd")


# -- 4. corrections at the read-back


@pytest.mark.parametrize(
    ("current", "message", "expected"),
    [
        ("Wang Fei", "Sorry, my surname is spelled Huang not Wang", "Huang Fei"),
        ("Wu Jun", "the family name is Hu not Wu", "Hu Jun"),
        ("Natasha Orlova", "my first name is Natalia not Natasha", "Natalia Orlova"),
        ("Park Min-soo", "My name is Park Min-seo not Min-soo", "Park Min-seo"),
        ("Calvin Li", "it's Kevin with a K, Kevin Li", "Kevin Li"),
        ("Stephen Ross", "Steven, spelled S-T-E-V-E-N, Steven Ross", "Steven Ross"),
        (
            "Maria Lopes",
            "Name should be Maria Lopes-Silva, I left out the second surname",
            "Maria Lopes-Silva",
        ),
        ("张雨涵", "名字我打错了，是宇宙的宇，张宇涵", "张宇涵"),
        ("王阳", "名字刚才打错了，是木字旁的杨，杨阳", "杨阳"),
        ("赵晓红", "名字错了，是赵晓虹，彩虹的虹", "赵晓虹"),
        ("李婷", "不是李婷，是李亭", "李亭"),
        ("陈雨", "你把名字写错了，应该是陈宇不是陈雨", "陈宇"),
        ("周磊", "我姓邹，不是周", "邹磊"),
        ("刘梦", "名字是刘萌，不是刘梦", "刘萌"),
        ("周雨航", "名字错了，是宇不是雨", "周宇航"),
        ("Zhou Lei", "姓写错了，是Zhao不是Zhou", "Zhao Lei"),
        ("李娜（Lina Li）", "英文名是Lena不是Lina", "李娜（Lena Li）"),
    ],
)
def test_a_correction_at_the_read_back_changes_the_name(current, message, expected):
    assert readback.field_to_correct(message, current) == "name"
    assert readback.corrected_value("name", message, current) == expected


@pytest.mark.parametrize(
    ("current", "message"),
    [
        ("刘阳", "不是刘阳，是刘洋"),
        ("Kelvin Zhou", "it's Kevin with a K, Kevin Zhou"),
        ("陈雨", "是陈宇，不是陈雨"),
    ],
)
def test_a_name_correction_needs_no_field_word(current, message):
    assert readback.field_to_correct(message, current) == "name"


@pytest.mark.parametrize(
    ("current", "message", "field"),
    [
        ("刘洋", "对，没错", None),
        ("刘洋", "对，是刘洋", None),
        ("Zhou Lei", "yes that's right", None),
        ("Zhou Lei", "looks good", None),
        ("Zhou Lei", "the phone is 13912345678 not 13912345677", "phone"),
        ("孙磊", "电话最后是7789 不是7788", "phone"),
        ("Emily Tran", "my email is emily@fitnorth.ca not emily.tran@fitnorth.ca", "email"),
        ("王芳", "公司名字写错了，是冰城科技有限公司", "company"),
    ],
)
def test_a_correction_of_anything_else_never_touches_the_name(current, message, field):
    assert readback.field_to_correct(message, current) == field


@pytest.mark.parametrize(
    ("current", "message"),
    [
        ("周雨航", "名字错了，是宇宙的宇"),  # which character is meant cannot be known: asked again
        ("Zhou Lei", "the name is wrong"),
        ("刘洋", "名字写错了"),
        ("王芳", "名字错了，谢谢"),
        ("Anna Lee", "name is wrong, sorry"),
    ],
)
def test_a_name_correction_without_a_name_asks_again(current, message):
    assert readback.corrected_value("name", message, current) is None


def test_titles_are_dropped_from_a_corrected_name():
    assert readback.corrected_value("name", "my name is Dr. Olga Petrova", "Olga Petrov") == "Olga Petrova"


def test_as_written_keeps_a_bare_name():
    assert as_written("陈静 Jessica Chen") == "陈静（Jessica Chen）"
    assert as_written("王总") == "王总"
