"""The name at the intake, as the firm writes it: a name in both scripts is one form, the Chinese-script
name first and the Latin one in full-width parentheses ("王磊（Wang Lei）"); a nickname beside a full
name, a role or department before the name, how a character is written and a name taken back within
the answer are dropped; "Surname, Given" is put in order only when that is safe; a correction at the
read-back that explains a character changes exactly the name. Sentences written here, apart from the
simulated users of tests/strangers/."""

from __future__ import annotations

import pytest

from bot import readback
from bot.contact import Problem
from bot.name_framing import canonical, is_role
from bot.person import Person, parse_person
from tests.support.names import name_of

# -- 1. a name in both scripts: one canonical form


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("刘洋 Liu Yang", "刘洋（Liu Yang）"),
        ("Gao Fei 高飞", "高飞（Gao Fei）"),
        ("Li Ming，中文名李明", "李明（Li Ming）"),
        ("英文名 Andy Sun，中文名孙安迪", "孙安迪（Andy Sun）"),
        ("英文名叫Grace Lin，中文是林佳怡", "林佳怡（Grace Lin）"),
        ("我叫马克·约翰逊，Mark Johnson，同事们都叫我老马", "马克·约翰逊（Mark Johnson）"),
        ("Tan Wei Ming，中文名陈伟明", "陈伟明（Tan Wei Ming）"),
        ("胡军（Hu Jun），叫我小胡就行", "胡军（Hu Jun）"),
        ("Zhou Ting 周婷, my colleagues call me Tina", "周婷（Zhou Ting）"),
        ("I'm Xu Bin 徐斌, people at work call me Ben", "徐斌（Xu Bin）"),
        ("Hu Jun 胡军, english name Jason", "胡军（Hu Jun）"),
        ("Hiroshi Sato - 佐藤浩 in Chinese", "佐藤浩（Hiroshi Sato）"),
        ("Olga Smirnova, chinese name 奥尔加", "奥尔加（Olga Smirnova）"),
        ("Ma Lin (马琳)", "马琳（Ma Lin）"),
        ("伊琳娜（Irina Volkova）", "伊琳娜（Irina Volkova）"),
        ("孙悦（英文名 Sunny Sun）", "孙悦（Sunny Sun）"),
    ],
)
def test_a_name_in_both_scripts_is_one_canonical_form(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("欧阳明 英文名Simon", "欧阳明（Simon）"),
        ("潘晓东 英文名Dan 同事都叫我Dan", "潘晓东（Dan）"),
        ("邵婷，Tina也行", "邵婷（Tina）"),
        ("韩冰，在外企大家都叫我Bella", "韩冰（Bella）"),
        ("米拉，俄语名字 Mila Sokolova", "米拉（Mila Sokolova）"),
        ("Oleg Ivanov. My Chinese name is 奥列格", "奥列格（Oleg Ivanov）"),
        ("Dr. Wei Zhang", "Wei Zhang"),
        ("彭涛，叫我老彭就行", "彭涛"),
        ("彭涛，Tom或者Tommy都行", "彭涛"),
        ("我叫朴智妍，英文 Jiyeon Park", "朴智妍（Jiyeon Park）"),
        ("高桥诚，英文写Makoto Takahashi", "高桥诚（Makoto Takahashi）"),
        ("我叫安娜，全名 Anna Sidorova", "安娜（Anna Sidorova）"),
        ("Dmitry Orlov, in the office everyone calls me 德米特里", "德米特里（Dmitry Orlov）"),
        ("英文名 Grace Wu", "Grace Wu"),
        ("Max Fischer, or 费马克 if you need chinese", "费马克（Max Fischer）"),
        ("Nina Weber, head of HR. My Chinese name is 韦妮娜.", "韦妮娜（Nina Weber）"),
    ],
)
def test_a_latin_name_the_user_also_goes_by_is_kept_beside_the_chinese_one(raw, expected):
    """One Latin name offered beside a Chinese-script name, however introduced (a label after a space,
    "X也行", "…都叫我X"), is kept in the canonical form; a Chinese nickname is not, nor two choices."""
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kevin 周", "Kevin 周"),  # no full name in either script
        ("邓立（英文名Eric）", "邓立（Eric）"),  # convention: the only Latin name, labelled, is kept
        ("Sun Yu, chinese name 小雨", "Sun Yu"),  # 小雨: a nickname
        ("王磊，Songhua Soft", "王磊"),  # a company, not the Latin-script name
        ("Anna Berg，谢谢", "Anna Berg"),  # thanks, not the Chinese-script name
        ("王磊，Best Regards", "王磊"),
        ("Anna Petrova", "Anna Petrova"),
        ("赵立军", "赵立军"),
    ],
)
def test_near_misses_of_both_scripts_stay_as_they_were(raw, expected):
    assert name_of(raw) == expected


def test_the_company_in_the_same_message_still_goes_to_the_company():
    assert parse_person("王磊 Wang Lei，冰城科技有限公司") == Person("王磊（Wang Lei）", "冰城科技有限公司")
    assert parse_person("Li Ming, chinese name 李明, Polar Soft Ltd") == Person(
        "李明（Li Ming）", "Polar Soft Ltd"
    )
    assert parse_person("Anna Petrova, Songhua Soft Ltd") == Person("Anna Petrova", "Songhua Soft Ltd")


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("林悦 Lily Lin", "林悦（Lily Lin）"),
        ("Lily Lin 林悦", "林悦（Lily Lin）"),
        ("伊万 (Ivan Petrov)", "伊万（Ivan Petrov）"),
        ("Kevin 周", "Kevin 周"),
        ("王晓燕", "王晓燕"),
    ],
)
def test_every_path_writes_the_one_form(stored, expected):
    assert canonical(stored) == expected


def test_the_read_back_shows_the_one_form():
    person = parse_person("Gao Fei 高飞")
    assert isinstance(person, Person)
    lead = {"contact": {"name": person.name}}
    assert "高飞（Gao Fei）" in readback.summary(lead, "zh")
    assert "高飞（Gao Fei）" in readback.summary(lead, "en")


# -- 2. an alias in parentheses in the same script: a nickname


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("李晓雪（小雪）", "李晓雪"),
        ("王建（阿建）", "王建"),
        ("Aleksei (Lyosha) Smirnov", "Aleksei Smirnov"),
        ("Maria Ivanova (Masha)", "Maria Ivanova"),
        ("Robert (Rob) Klein, Polar Soft Ltd", "Robert Klein"),
    ],
)
def test_a_same_script_alias_in_parentheses_is_dropped(raw, expected):
    assert name_of(raw) == expected


def test_a_different_script_parenthesis_is_the_other_scripts_name():
    assert name_of("李明（Leo）") == "李明（Leo）"
    assert name_of("Chen Yu（陈宇）") == "陈宇（Chen Yu）"


# -- 3. a role or department before the name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("我是法务负责人，孙悦", "孙悦"),
        ("市场部的，我叫高远", "高远"),
        ("财务总监，姓邹，邹静，邹韬奋的邹", "邹静"),
        ("技术这边，许昊然", "许昊然"),
        ("我叫韩雪，韩国的韩", "韩雪"),
        ("姓卢，卢涛，卢沟桥的卢", "卢涛"),
        ("Head of legal here, Maria Schmidt", "Maria Schmidt"),
        ("I'm the founder, Oleg Sidorov", "Oleg Sidorov"),
        ("HR manager, Anna Berg", "Anna Berg"),
    ],
)
def test_a_role_before_the_name_is_not_the_name(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("我是技术总监王磊", Person("王磊")),
        ("我是人事部王芳，冰城科技有限公司", Person("王芳", "冰城科技有限公司")),
        ("人事部", Problem("name_missing")),  # a role alone: the name is asked for
        ("我是创始人", Problem("name_missing")),
        ("I'm the CTO", Problem("name_missing")),
    ],
)
def test_a_role_without_a_separate_clause(raw, expected):
    assert parse_person(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("王科，人事部", "王科"),
        ("范志刚，技术总监", "范志刚"),
        ("Peter Novak, head of IT", "Peter Novak"),
        ("张科", "张科"),
    ],
)
def test_a_name_before_a_role_stays_the_name(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("clause", "role"),
    [
        ("人事总监", True),
        ("信息中心的", True),
        ("CTO here", True),
        ("王科", False),
        ("高远", False),
        ("Li Na", False),
    ],
)
def test_what_is_a_role(clause, role):
    assert is_role(clause) is role


# -- 4. a name taken back within the answer: the full name given last


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("李总就行……哦，要全名啊，李振东", "李振东"),
        ("叫我刘工吧...全名刘海波", "刘海波"),
        ("小周就可以…噢全名是周立群", "周立群"),
        ("Just call me Mr. Wang... ok, full name Wang Tao", "Wang Tao"),
        ("Ms. Zhou is fine... oh you need the full name, Zhou Xin", "Zhou Xin"),
    ],
)
def test_the_full_name_given_last_wins(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("王总", "王总"), ("叫我老李就行", "老李"), ("Mr. Brown", "Mr. Brown")]
)
def test_a_short_form_alone_stays(raw, expected):
    assert name_of(raw) == expected


# -- 5. "Surname, Given" in Latin script


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Schmidt, Anna", "Anna Schmidt"), ("Novak, Peter", "Peter Novak"), ("Ivanova, Olga.", "Olga Ivanova")],
)
def test_surname_comma_given_is_put_in_order_when_safe(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("王芳，冰城科技有限公司", Person("王芳", "冰城科技有限公司")),
        ("Peter, Novak", Person("Peter", None)),  # the given name first: left as it is
        ("Thomas, Anna", Person("Thomas", None)),  # both could be given names: left as it is
        ("Anna Petrova, Songhua Soft Ltd", Person("Anna Petrova", "Songhua Soft Ltd")),
    ],
)
def test_surname_comma_given_near_misses(raw, expected):
    assert parse_person(raw) == expected


# -- 6. a correction at the read-back that explains a character


@pytest.mark.parametrize(
    ("current", "message", "expected"),
    [
        ("王伟", "名字错了，是王玮，斜玉旁那个玮，不是伟大的伟", "王玮"),
        ("陈亭", "名字是陈婷，女字旁的婷", "陈婷"),
        ("孙静", "名字不对，是孙婧，女字旁那个婧", "孙婧"),
        ("赵新宇（Kevin Zhao）", "名字错了，是赵欣宇，欣喜的欣", "赵欣宇（Kevin Zhao）"),
        ("Zhou Ming", "it's Zhao not Zhou, Zhao Ming", "Zhao Ming"),
        ("Chen Lei", "the name is wrong, it's Chan not Chen, Chan Lei", "Chan Lei"),
        ("高飞（Gao Fei）", "英文名是Gao Fay不是Gao Fei", "高飞（Gao Fay）"),
    ],
)
def test_a_correction_explaining_a_character_changes_the_name(current, message, expected):
    assert readback.field_to_correct(message, current) == "name"
    assert readback.corrected_value("name", message, current) == expected


@pytest.mark.parametrize(
    ("current", "message"),
    [
        ("高飞（Gao Fei）", "全对，没问题"),
        ("高飞（Gao Fei）", "All fine, no problem"),
        ("陈宇（Chen Yu）", "Yes correct"),
        ("陈宇（Chen Yu）", "Looks right"),
    ],
)
def test_a_confirmation_never_corrects_a_name_in_both_scripts(current, message):
    assert readback.field_to_correct(message, current) is None


def test_a_confirmation_that_explains_a_character_changes_nothing():
    assert readback.corrected_value("name", "对，刘玮，王字旁的玮", "刘玮") in (None, "刘玮")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("杨老汉，杨建民", "杨建民"),
        ("刘大夫，我叫刘春生", "刘春生"),
        ("我是她妈，孙秀兰", "孙秀兰"),
        ("孩子他爸 马国强", "马国强"),
        ("风控专员 罗丹", "罗丹"),
        ("校长 孔令华", "孔令华"),
        ("驻华代表 康宁", "康宁"),
        ("项目经理 卢静", "卢静"),
        ("Anton Volkov / 安东, sales manager", "安东（Anton Volkov）"),
        ("Jess (Jessica Moore)", "Jessica Moore"),
        ("我叫卡佳，Katya Ivanova，在道里开店", "卡佳（Katya Ivanova）"),
        ("我是尚志的马建国", "马建国"),
        ("I'm the reception supervisor, Grace Lin (林佳)", "林佳（Grace Lin）"),
        ("翻译兼秘书 葛丽", "葛丽"),
        ("我是他奶奶 叫董秀英", "董秀英"),
        ("写 邹静（Jing Zou）", "邹静（Jing Zou）"),
        ("不想留名……算了 苗青", "苗青"),
        ("宋志远经理", "宋志远"),
        ("我是财务部的小孟，孟佳琪。", "孟佳琪"),
        ("敝姓包，包文静，文静花店的店主", "包文静"),
    ],
)
def test_an_address_form_a_relation_or_a_role_before_the_name_is_no_name(raw, expected):
    assert name_of(raw) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "前员工的名字是赵磊，不是赵雷",
        "the former CTO's name is Lin Tao, not Lin Tai",
        "对方公司名称少了个字",
    ],
)
def test_a_correction_of_someone_elses_name_is_the_other_partys(typed):
    assert readback.field_to_correct(typed, "王海峰") == "counterparty"


@pytest.mark.parametrize(
    ("typed", "current", "expected"),
    [
        ("名字只写金敏浩就行，不要英文", "金敏浩（Minho Kim）", "金敏浩"),
        ("请只写张伟，去掉拼音", "张伟（Zhang Wei）", "张伟"),
        ("名字写错了，是刘洋不是刘阳", "刘阳（Liu Yang）", "刘洋（Liu Yang）"),
        ("Please write my name as Minjun Lee", "Lee Min-jun", "Minjun Lee"),
        ("name should be just Robert Hale", "Bob (Robert) Hale", "Robert Hale"),
        ("The name field should just be Mary Quinn, without the title.", "Dr. Mary Quinn", "Mary Quinn"),
        ("名字写金秀就可以", "金秀（Kim Su）", "金秀"),
    ],
)
def test_a_correction_keeping_one_script_keeps_only_it(typed, current, expected):
    from bot.name_corrections import corrected_name

    assert corrected_name(typed, current) == expected
