"""The name at the intake, second round of classes: an address form before the full name with the
same surname is dropped ("赵女士，赵春华"); a role or department beside the name without a comma is
dropped ("审计科 钱立新"); one Latin given name beside a Chinese name is kept in the parentheses when
it is the only Latin name ("Jack 邵俊" -> "邵俊（Jack）"), dropped beside a full Latin name; other
languages' titles are dropped like "Dr."; a read-back correction of one script keeps the other.
Sentences written here, apart from the simulated users of tests/strangers/."""

from __future__ import annotations

import pytest

from bot.contact import Problem
from bot.name_corrections import corrected_name
from bot.name_framing import canonical, is_role
from tests.support.names import name_of

# -- 1. an address form before the full name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("赵女士，赵春华", "赵春华"),
        ("孙先生，孙建业", "孙建业"),
        ("周总，周立群", "周立群"),
        ("钱老板，钱永福", "钱永福"),
        ("老蒋 蒋文斌", "蒋文斌"),
        ("小唐 唐悦", "唐悦"),
        ("吴姐，吴美兰", "吴美兰"),
        ("何老师，何丽君", "何丽君"),
        ("欧阳女士，欧阳雪", "欧阳雪"),
        ("Ms. Li, Li Na", "Li Na"),
        ("Mr. Zhou, Zhou Ping", "Zhou Ping"),
    ],
)
def test_an_address_form_before_the_full_name_is_dropped(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("赵女士", "赵女士"),  # alone: kept as given
        ("周总", "周总"),
        ("老蒋", "老蒋"),
        ("Mr. Zhou", "Mr. Zhou"),
        ("赵女士，钱春华", "赵女士"),  # another surname: not the same person's full name, as before
        ("Mr. Zhou, Li Ping", "Mr. Zhou"),
        ("赵春华", "赵春华"),
    ],
)
def test_address_form_near_misses_stay_as_they_were(raw, expected):
    assert name_of(raw) == expected


# -- 2. a role or department beside the name, without a comma


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("审计科 钱立新", "钱立新"),
        ("钱立新 审计科的", "钱立新"),
        ("网络中心主任 郝建军", "郝建军"),
        ("郝建军 行政部", "郝建军"),
        ("人事部 经理 邹艳", "邹艳"),
        ("法务 宁静", "宁静"),
        ("HR 邹女士 / Zou Yan 邹艳", "邹艳（Zou Yan）"),
        ("Legal 冯雪", "冯雪"),
        ("Olga Ivanova head of legal", "Olga Ivanova"),
        ("IT manager Peter Novak", "Peter Novak"),
    ],
)
def test_a_role_beside_the_name_is_dropped(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["审计科", "人事 总监", "信息中心 主任", "HR 经理", "我是 财务部的", "the head of legal"],
)
def test_a_role_alone_is_still_no_name(raw):
    assert name_of(raw) == Problem("name_missing")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Anna Head", "Anna Head"),  # one Latin word: not told apart from a role
        ("张伟 不凡科技有限公司", "张伟"),  # a company, not a role
        ("宁静", "宁静"),
    ],
)
def test_role_near_misses_stay_as_they_were(raw, expected):
    assert name_of(raw) == expected


def test_a_name_beside_a_department_is_no_role():
    assert not is_role("钱立新 审计科")
    assert is_role("审计科 主任")


# -- 3. one Latin given name beside a Chinese name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jack 邵俊", "邵俊（Jack）"),
        ("邵俊 Jack", "邵俊（Jack）"),
        ("Ruby 彭丽", "彭丽（Ruby）"),
        ("Max，中文名 蔡明", "蔡明（Max）"),
        ("Coco，中文名叫 祝可", "祝可（Coco）"),
        ("蔡明，英文名 Max", "蔡明（Max）"),
        ("莫凡（英文名 Vince）", "莫凡（Vince）"),
        ("我叫 Yoyo，真名 梁悠", "梁悠（Yoyo）"),
        ("my name is Ken, real name 费建", "费建（Ken）"),
        ("朴志勋，韩文名 Park Jihoon", "朴志勋（Park Jihoon）"),
        ("彼得，俄文名字 Pyotr Orlov", "彼得（Pyotr Orlov）"),
        ("山田太郎，日文名 Yamada Taro", "山田太郎（Yamada Taro）"),
    ],
)
def test_the_only_latin_name_is_kept_in_the_parentheses(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zhou Xun 周迅, english name Rita", "周迅（Zhou Xun）"),  # a full Latin name wins
        ("Lin Tao 林涛, colleagues call me Ted", "林涛（Lin Tao）"),
        ("林涛，Lin Tao，英文名 Ted", "林涛（Lin Tao）"),
        ("Wu Di 吴迪 (english name Dave)", "吴迪（Wu Di）"),
        ("叫我 Ted，真名 林涛", "林涛"),  # an alias, not the Latin-script name
        ("林涛，叫我老林就行", "林涛"),
        ("Kevin 周", "Kevin 周"),  # no full name in either script
        ("王总 Kevin", "王总 Kevin"),  # an address form, no name
        ("林涛，Huawei", "林涛"),  # unlabelled and no given name: not taken for a name
        ("林涛 HR", "林涛"),
        ("林涛，Thanks", "林涛"),
    ],
)
def test_a_nickname_beside_a_full_latin_name_is_dropped(raw, expected):
    assert name_of(raw) == expected


def test_canonical_keeps_one_latin_given_name():
    assert canonical("Jack 邵俊") == "邵俊（Jack）"
    assert canonical("邵俊 Tech") == "邵俊 Tech"
    assert canonical("老邵 Jack") == "老邵 Jack"


# -- 4. other languages' titles


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mme Camille Laurent", "Camille Laurent"),
        ("Mlle Léa Moreau", "Léa Moreau"),
        ("Herr Jonas Vogel", "Jonas Vogel"),
        ("Frau Petra Braun", "Petra Braun"),
        ("Sr. Diego Torres", "Diego Torres"),
        ("Sra. Lucía Romero", "Lucía Romero"),
        ("Gospodin Oleg Smirnov", "Oleg Smirnov"),
        ("Frau Braun", "Frau Braun"),  # only a surname would remain: kept as given
        ("Sra. Romero", "Sra. Romero"),
        ("Pan Wei", "Pan Wei"),  # a surname, not the Polish title
    ],
)
def test_titles_of_other_languages_are_dropped(raw, expected):
    assert name_of(raw) == expected


# -- 5. a read-back correction of one script of a name in both


@pytest.mark.parametrize(
    ("current", "message", "expected"),
    [
        ("梁悠（Yoyo）", "名字打错了，是梁优，优秀的优", "梁优（Yoyo）"),
        ("邵俊（Jack）", "名字错了 是邵骏，马字旁的骏", "邵骏（Jack）"),
        ("邵俊（Jack）", "是邵骏不是邵俊", "邵骏（Jack）"),
        ("蔡明（Max）", "my English name is Mack not Max", "蔡明（Mack）"),
        ("林涛（Lin Tao）", "名字是林韬，韬略的韬", "林韬（Lin Tao）"),
    ],
)
def test_a_correction_of_one_script_keeps_the_other(current, message, expected):
    assert corrected_name(message, current) == expected
