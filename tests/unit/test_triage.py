"""The triage engine (bot/triage.py): one or two examples per mechanism, both languages.
These are development examples written from the brief, not the held-out set (tests/triage/)."""

import json
import subprocess
import sys
from datetime import date

import pytest

from bot.triage import REASONS, Triage, assess, is_contest, reason_label

TODAY = date(2026, 11, 25)  # a Wednesday


def reasons(message, answers=None):
    return set(assess(message, answers, today=TODAY).reasons)


# ---------------------------------------------------------------- the result


def test_result_is_a_frozen_triage_with_reasons_in_order():
    result = assess("黑客正在攻击我们的服务器，网信办也约谈了我们，要求三天内整改", today=TODAY)
    assert isinstance(result, Triage)
    assert result.urgency == "high"
    assert result.reasons == ("ongoing_incident", "authority_contact", "deadline")
    with pytest.raises(AttributeError):
        result.urgency = "normal"  # type: ignore[misc]
    calm = assess("We want to register our software copyright.", today=TODAY)
    assert (calm.urgency, calm.reasons) == ("normal", ())


# ---------------------------------------------------------------- detention


@pytest.mark.parametrize(
    "message",
    [
        "My brother was taken away by the police this morning",
        "Our CTO was arrested yesterday",
        "My father has been in custody since Monday",
        "My colleague was taken in for questioning and hasn't come back",
        "Police picked up my cousin at his office",
        "He is being held by police in Harbin",
        "我老公昨天被警察带走了",
        "我哥被带走调查了",
        "公司法人被刑拘了",
        "我弟弟被监察委留置了",
        "员工因为爬虫被抓了，现在在看守所",
        "我朋友被指定居所监视居住",
    ],
)
def test_detention_in_many_words(message):
    assert "detention" in reasons(message)


@pytest.mark.parametrize("message", ["我老板被取保候审了", "He was released on bail last week"])
def test_bail_is_authority_contact_not_detention(message):
    assert reasons(message) == {"authority_contact"}


# ---------------------------------------------------------------- other senses


@pytest.mark.parametrize(
    "message",
    [
        "I love Arrested Development, can I use a clip of it on our website?",  # a TV title
        "核心程序员离职了，把代码都带走了",  # code is taken, not a person
        "Our ex-employee took the source code and client list to a competitor",
        "Our servers were detained at customs",  # goods, not people
        "Customs detained our shipment of servers",
        "We want to reduce our attack surface before the audit",
        "Our app has a memory leak",
        "The client is in breach of contract",
        "We have a contract to build a police app and the client won't pay",
        "我们在做一个给公安局用的APP，合同怎么签？",
    ],
)
def test_other_senses_are_not_urgent(message):
    assert reasons(message) == set()


def test_police_taking_things_is_contact_not_detention():
    assert reasons("警方把我们的服务器带走了") == {"authority_contact"}
    assert reasons("Nobody has been arrested, but the police took away two of our laptops") == {
        "authority_contact"
    }


# ---------------------------------------------------------------- negation


@pytest.mark.parametrize(
    "message",
    [
        "没人被抓，只是想咨询一下",
        "Nobody was arrested, we just want advice on data export",
        "No data was leaked, we checked",
        "The police haven't contacted us yet",
        "还没收到任何通知",
        "公司没有被处罚，只是想了解一下合规要求。",
    ],
)
def test_negated_cues_do_not_count(message):
    assert reasons(message) == set()


def test_negation_stays_in_its_clause():
    assert reasons("没人被抓，但是警察来公司检查了") == {"authority_contact"}


# ---------------------------------------------------------------- time


@pytest.mark.parametrize(
    "message",
    [
        "We had a data breach last year, it has long been contained",
        "去年发生过一次数据泄露，已经处理完了",
        "I was arrested three years ago, will it affect my visa?",
        "我们公司几年前被约谈过一次",
        "我们昨天被黑客攻击了，目前已经恢复",
        "合同明年才用",
        "下个季度上线小程序，需要备案吗",
        "We plan to launch in three months",
    ],
)
def test_past_and_far_future_matters_are_not_urgent(message):
    assert reasons(message) == set()


def test_a_clause_about_now_does_not_inherit_last_year():
    assert reasons("去年我们被黑客攻击，今年又被网信办约谈了") == {"authority_contact"}


def test_still_happening_reopens_a_past_start():
    assert reasons("Our contractor has been leaking user data for weeks and is still doing it") == {
        "ongoing_incident"
    }


# ---------------------------------------------------------------- ongoing incidents


@pytest.mark.parametrize(
    "message",
    [
        "Hackers are encrypting our servers right now",
        "We are under a DDoS attack",
        "我们的服务器正在被攻击",
        "我们公司被勒索病毒攻击了，服务器数据全被加密",
        "黑客入侵了我们的系统，目前还没有控制住。",
    ],
)
def test_ongoing_incident(message):
    assert "ongoing_incident" in reasons(message)


# ---------------------------------------------------------------- hypotheticals and questions


@pytest.mark.parametrize(
    "message",
    [
        "What if the police come to our office?",
        "如果警察来了怎么办？",
        "Can the police arrest me for scraping public data?",
        "爬虫会被抓吗？",
        "我担心被抓",
        "How do we prevent ransomware attacks?",
        "What does the CAC require for cross-border transfers?",
        "网信办对APP收集个人信息有什么要求？",
        "网信办会约谈哪些企业？",
        "Can you explain what a rectification order is?",
        "Is web scraping illegal in China? I heard people get arrested for it.",
    ],
)
def test_hypotheticals_and_general_questions_are_not_urgent(message):
    assert reasons(message) == set()


# ---------------------------------------------------------------- authorities


@pytest.mark.parametrize(
    "message",
    [
        "The police came to our office yesterday and asked for server logs",
        "The CAC summoned us for a meeting",
        "网信办约谈了我们",
        "我们收到了整改通知",
        "市场监管局来公司检查了",
        "We received a rectification order from MIIT",
        "派出所民警今天上午来公司调取了后台数据。",
    ],
)
def test_authority_contact(message):
    assert "authority_contact" in reasons(message)


def test_a_regulator_deadline_is_contact_and_a_deadline_only_when_near():
    assert reasons("The regulator has given us 30 days to fix our privacy policy") == {"authority_contact"}
    assert reasons("通信管理局要求我们十天内整改") == {"authority_contact", "deadline"}
    assert reasons("我们APP被工信部通报了，要求5个工作日内整改") == {"authority_contact", "deadline"}


def test_a_left_out_subject_is_the_authority_of_the_clause_before():
    assert reasons("网信办的人刚走，让我们三天内把APP整改好") == {"authority_contact", "deadline"}


def test_an_intention_governs_only_the_verb_after_it():
    assert reasons("We want to report the incident to the CAC") == set()
    assert reasons("We want to respond to the CAC notice we received") == {"authority_contact"}
    assert reasons("我想问我老公被警察带走了怎么办") == {"detention"}


def test_incident_words_naming_a_document_are_not_an_incident():
    assert reasons("昨天开会讨论了数据泄露应急预案") == set()
    assert reasons("We need a data breach response plan") == set()


def test_chinese_clauses_separated_by_spaces():
    assert reasons("两年前中过勒索病毒 现在想做等保测评") == set()
    assert reasons("黑客还在我们服务器里 删不掉") == {"ongoing_incident"}


def test_blocked_attempts_are_not_incidents():
    assert reasons("Our WAF stopped several attack attempts this week, nothing got in") == set()
    assert reasons("防火墙拦截了很多攻击，没有损失") == set()


def test_the_object_right_after_the_verb_decides_who_is_held():
    assert reasons("Customs detained a container of routers we imported") == set()
    assert reasons("They picked up my husband at the train station") == {"detention"}


def test_a_date_set_by_an_authority_is_a_deadline_but_a_past_duration_is_not():
    assert reasons("公安通知我们后天上午去派出所说明情况") == {"authority_contact", "deadline"}
    assert reasons("The police visited us on Tuesday") == {"authority_contact"}
    assert reasons("Our database leaked in 2023, it was patched within two days") == set()


# ---------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    "message",
    [
        "We must respond within 3 days",
        "我们必须在周五前回复对方",
        "下周一之前要提交材料",
        "The court hearing is next Tuesday",
        "We have to sign by December 3",
        "12月3日前必须提交",
        "十二月三号之前要提交答辩材料",
        "we must pay by the 30th",
    ],
)
def test_deadline_within_fourteen_days(message):
    assert reasons(message) == {"deadline"}


@pytest.mark.parametrize(
    "message",
    [
        "12月20日前必须提交",  # 25 days away
        "The deadline is in 30 days",
        "要求15个工作日内提交材料",
        "明天开会想讨论一下隐私政策",  # a meeting
        "Nothing urgent, just planning our ICP filing for next week",
        "我们下个月要上线",
        "不着急，下周有空聊聊",
    ],
)
def test_no_near_deadline(message):
    # the day arithmetic: no deadline within two weeks (who set it is another question)
    assert "deadline" not in reasons(message)


def test_dates_are_relative_to_today():
    message = "12月3日前必须提交"
    assert assess(message, today=date(2026, 11, 25)).reasons == ("deadline",)
    assert assess(message, today=date(2026, 10, 1)).reasons == ()
    assert assess("by Friday we must reply", today=date(2026, 11, 25)).reasons == ("deadline",)


# ---------------------------------------------------------------- answers


def test_answers_count_as_codes_and_as_free_text():
    assert reasons("data breach", {"ongoing_or_contained": "ongoing"}) == {"ongoing_incident"}
    assert reasons("help", {"stage": "detained"}) == {"detention"}
    assert reasons("CAC sent us a notice", {"deadline": "周五"}) == {"authority_contact", "deadline"}
    assert reasons("CAC sent us a notice", {"deadline": "30 days"}) == {"authority_contact"}
    assert reasons("help", {"authority": "the police came yesterday"}) == {"authority_contact"}
    assert reasons("help", {"regulators_involved": "no", "evidence_preserved": "unknown"}) == set()


def test_an_answer_saying_contained_overrides_the_message():
    assert reasons("Hackers are in our system right now", {"ongoing_or_contained": "contained"}) == set()


# ---------------------------------------------------------------- contest and labels


@pytest.mark.parametrize(
    "message",
    [
        "为什么写紧急？没人被抓",
        "it's not urgent",
        "不紧急",
        "why urgent? nobody was arrested",
        "this isn't urgent at all",
        "不着急",
        "It's not an emergency",
    ],
)
def test_contest(message):
    assert is_contest(message)


@pytest.mark.parametrize("message", ["it is urgent!", "这很紧急", "我很着急", "please hurry", "我老公被抓了"])
def test_not_a_contest(message):
    assert not is_contest(message)


def test_reason_labels_are_plain_words_in_both_languages():
    assert reason_label("detention", "en") == "someone is detained"
    assert reason_label("detention", "zh") == "有人被羁押"
    for reason in REASONS:
        for language in ("en", "zh"):
            label = reason_label(reason, language)
            assert label and label != reason and "_" not in label
    with pytest.raises(ValueError):
        reason_label("weather", "en")


# ---------------------------------------------------------------- command line


def test_lawbot_triage_cli_without_a_model():
    result = subprocess.run(
        [sys.executable, "-m", "bot.ops.cli", "triage"],
        input="我老公被警察带走了\n\nWe want to register a trademark\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [
        {"text": "我老公被警察带走了", "urgency": "high", "reasons": ["detention"]},
        {"text": "We want to register a trademark", "urgency": "normal", "reasons": []},
    ]
    assert "被警察" in result.stdout  # ensure_ascii=False
    single = subprocess.run(
        [sys.executable, "-m", "bot.ops.cli", "triage", "The CAC summoned us"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(single.stdout)["reasons"] == ["authority_contact"]


# ---------------------------------------------------------------- incidents without attack words


@pytest.mark.parametrize(
    "message",
    [
        "An unknown account is still exporting our customer records",
        "Someone we don't know keeps downloading files from our shared drive",
        "Our ex-admin is still copying the database to his own cloud drive",
        "One of our sales reps handed in his notice and is still exporting client lists every evening",
        "Some account we never created is still syncing our mailbox to an outside server",
        "There's an admin account nobody recognises and it is still logged in",
        "The fired developer's VPN account is still active and there's traffic on it tonight",
        "有个不认识的账号现在还在导客户数据",
        "离职员工的账号还没停，他现在还在拷我们的代码",
        "内鬼还在往外发资料",
        "有个陌生账号一直在下载我们的合同文件",
        "那个不是我们开的账号现在还在线",
        "离职的运维还在远程登录我们的服务器",
        "Data is still flowing out to an IP in Russia",
        "The unknown user is still inside our Office 365 tenant",
        "有个境外IP一直在爬我们的用户数据",
        "前员工拿着账号密码还在登我们的系统",
    ],
)
def test_data_still_leaving_by_a_stranger_or_an_insider_is_an_incident(message):
    assert reasons(message) == {"ongoing_incident"}


@pytest.mark.parametrize(
    "message",
    [
        "They post another batch of our user data every night",
        "The exported files keep appearing on a Telegram channel, new ones every few hours",
        "泄出去的用户信息还在一批一批地往群里发",
        "泄露出去的病历每天晚上又放出来一批",
        "Every time we restore from backup the files get encrypted again",
        "The servers get re-encrypted after every restore",
        "每次恢复完备份，文件又被加密了",
        "服务器每次还原之后没多久又被锁了",
    ],
)
def test_leaks_in_batches_and_encryption_after_every_restore_are_ongoing(message):
    assert reasons(message) == {"ongoing_incident"}


@pytest.mark.parametrize(
    "message",
    [
        "An unknown IP pulled 20GB of files from our NAS last night, it's still going",
        "A stranger downloaded our client files yesterday. It is still happening.",
        "有人昨晚从后台导出了订单数据，现在还在继续",
    ],
)
def test_still_going_carries_on_an_incident_named_before(message):
    assert reasons(message) == {"ongoing_incident"}


@pytest.mark.parametrize(
    "message",
    [
        "We are migrating our files to a new cloud, it's still going",  # no incident named
        "We had a data breach last year. Our migration is still going on, do we need to notify?",
        "We are still exporting data to our Singapore parent every night, do we need a standard contract?",
        "我们每天都在往境外服务器同步用户数据，需要做安全评估吗",
        "Our old employee's email account is still active, should we delete it under PIPL?",
        "我们的员工离职后账号还没注销，按个保法需要删除吗",
        "Our ex-partner keeps posting negative reviews about us",
        "A former employee is still using our trademark on his website",
        "有个客户一直在下载我们的报告，这是他付费的服务",
        "Our product sends data to an IP address in Singapore for analytics",
        "An unknown number keeps calling our sales team to sell SEO services",
        "我们每周都会分批发布产品更新",
    ],
)
def test_our_own_data_work_and_housekeeping_are_not_incidents(message):
    assert reasons(message) == set()


# ---------------------------------------------------------------- detention in loose words


@pytest.mark.parametrize(
    "message",
    [
        "My husband was stopped by police at the airport and hasn't been released",
        "They stopped our CEO at Pudong airport and still haven't let him go",
        "Border police held my colleague at the railway station, he is still there",
        "My cousin is being held at the airport by border police and can't leave",
        "My business partner got locked up last week",
        "我老板进去了，公司怎么办",
        "爸爸进去了，家里人都不知道怎么办",
        "我弟让警察扣下了",
        "我们财务让公安控制起来了",
        "人关在哪儿都不知道，警察说是网络诈骗",
        "我老公在机场被警察拦下来了，到现在还没放出来",
        "同事在火车站被警察扣了，还没放",
        "我弟在机场被扣了，到现在联系不上",
        "We received a detention notice for my brother today",  # a notice of today: no deadline
        "今天收到了我哥的拘留通知书",
        "He's been at the police station since Monday and they won't let us see him",
        "老公被警察叫去问话，到现在还没回来",
        "警察把我哥关起来了",
    ],
)
def test_detention_in_loose_words(message):
    assert reasons(message) == {"detention"}


@pytest.mark.parametrize(
    "message",
    [
        "Police raided the office, searched everything and took away three of our engineers",
        "公安来公司搜查，带走了三个技术员",
        "警察来公司搜查，把老板和财务都带走了",
        "人被带走了，公司也被搜了",
    ],
)
def test_people_taken_in_a_raid_are_detention_and_the_raid_is_contact(message):
    assert reasons(message) == {"detention", "authority_contact"}


@pytest.mark.parametrize(
    "message",
    [
        "I was stopped by police for speeding last week",  # a road check, no border, let go
        "交警把我拦下来查了驾照",
        "我们把代码放进去了才发现有漏洞",  # code put in, nobody "went inside"
        "The customs stopped our shipment at the port",
        "Our CEO was stopped at the airport for a routine customs check and let go an hour later",
        "I'm at the police station to get a certificate of no criminal record for my visa",
        "我在派出所办户口迁移，顺便问下App备案的事",
        "进去了才发现这个后台没有权限管理，我们要整改吗",
    ],
)
def test_stopping_is_detention_only_at_a_border_or_until_released(message):
    assert "detention" not in reasons(message)


# ---------------------------------------------------------------- authorities here and now


@pytest.mark.parametrize(
    "message",
    [
        "Officials from the CAC are in our office right now inspecting our servers",
        "Two inspectors from the market supervision bureau are in our warehouse at this moment",
        "The cyberspace office people are here right now checking our servers",
        "The regulator forwarded a user complaint to us and asked for a written reply",
        "MIIT forwarded a complaint and wants a written response",
        "We got a letter saying our ICP licence will be revoked unless we respond",
        "网信办的人现在就在我们会议室",
        "公安的人现在在我们机房拷数据",
        "监管部门把用户投诉转给我们了，要求书面回复",
        "网信办转来一个用户投诉，要我们书面答复",
        "通管局来函说再不回复就吊销我们的许可证",
        "There are police officers at our front desk asking for our server logs",
        "监管局的人正在查我们的账",
        "有两个网警在我们前台等着",
    ],
)
def test_authorities_present_now_or_forwarding_a_complaint(message):
    assert reasons(message) == {"authority_contact"}


@pytest.mark.parametrize(
    "message",
    [
        "We got a letter threatening to revoke our licence unless we reply by the 3rd",
        "The telecom regulator's letter says they will revoke our permit if we don't reply within 10 days",
        "The communications administration ordered us to take the app offline before December 2",
        "通信管理局要求我们12月2日前把网站下线",
        "收到通知，如果12月3日前不答复，将吊销我们的经营许可证",
        "市监局把投诉转过来了，让我们三个工作日内书面回复",
    ],
)
def test_an_authority_setting_a_near_date_is_contact_and_deadline(message):
    assert reasons(message) == {"authority_contact", "deadline"}


@pytest.mark.parametrize(
    "message",
    [
        "The police called and told me not to leave town",
        "The police told me to stay in Harbin for the next week",
        "警察打电话让我这几天不要离开哈尔滨",
        "派出所让我这段时间保持手机畅通，不要出远门",
    ],
)
def test_an_order_not_to_leave_is_contact_not_a_deadline(message):
    assert reasons(message) == {"authority_contact"}


@pytest.mark.parametrize(
    "message",
    [
        "The regulator forwarded us a template for the annual report",  # no complaint
        "他说网信办最近在查App收集个人信息的问题，我们要准备什么",  # a campaign, not us
        "网信办的人上周来过，已经走了，没有什么问题",
        "我们在会议室开会讨论数据合规，想请律师来讲一讲",
    ],
)
def test_regulators_not_at_our_door(message):
    assert reasons(message) == set()


# ---------------------------------------------------------------- courts, arbitration, the day it is


@pytest.mark.parametrize(
    "message",
    [
        "Our defence period ends Friday",
        "The statement of defence is due Friday",
        "Our window to appeal closes next Monday",
        "The limitation period runs out in ten days",
        "仲裁下周二开庭",
        "答辩期这周五到",
        "举证期限这周五就截止了",
        "诉讼时效还剩十天",
        "劳动仲裁这个月30号开庭",
    ],
)
def test_court_and_arbitration_deadlines(message):
    assert reasons(message) == {"deadline"}


@pytest.mark.parametrize(
    "message",
    [
        "Today is the 9th and our hearing is on the 18th",
        "The arbitration hearing is on the 18th; today is the 9th",
        "It's the 20th today and the arbitration hearing is on the 27th",
        "Today is the 2nd. Our answer to the lawsuit must be filed by the 12th",
        "今天都9号了，18号就开庭",
        "仲裁18号开庭，今天已经9号了",
        "今天已经28号了，下个月3号开庭",
    ],
)
def test_dates_count_from_the_day_the_message_names(message):
    # Counted from TODAY (the 25th) these dates lie weeks ahead or behind.
    assert reasons(message) == {"deadline"}


def test_the_day_named_replaces_today_only_when_it_is_a_day():
    # the day arithmetic only: a hearing is a court's doing, but the 18th is not within two weeks
    assert "deadline" not in reasons("The hearing is on the 18th")  # 23 days after the 25th
    assert "deadline" not in reasons("Today is 5 days after our launch, and the hearing is on the 18th")
    assert reasons("We have a moot court hearing on the 18th; today is the 9th") == set()


# ---------------------------------------------------------------- topics, stories, other companies


@pytest.mark.parametrize(
    "message",
    [
        "We are building a game mode set in a detention centre",
        "Our app is called 'Police Radar' and warns drivers about speed traps, is it legal?",
        "I'm writing a thesis on detention periods in Chinese criminal law",
        "I'm researching the length of criminal detention in China for my master's thesis",
        "We sell a legal-tech product that tracks detentions for law firms",
        "Our backup software is advertised as ransomware-proof, can we say that?",
        "Our antivirus is marketed as blocking ransomware, is that claim risky?",
        "We are making a film about a hospital attacked by ransomware",
        "我们在做一款游戏，有个模式设定在看守所里",
        "我们做的一个游戏里有越狱玩法，被关进监狱的角色要逃出来，会不会违规",
        "我的论文写的是刑事拘留期限",
        "我的毕业论文研究的是行政拘留制度",
        "我们做了一个帮助家属查询羁押人员信息的小程序，需要什么资质",
        "我们的备份产品主打防勒索病毒，广告能这么写吗",
        "我们在拍一部关于医院被勒索病毒攻击的电影",
    ],
)
def test_products_studies_and_stories_about_police_or_ransomware_are_not_urgent(message):
    assert reasons(message) == set()


@pytest.mark.parametrize(
    "message",
    [
        "朋友在深圳的公司被警察查了，我们需要担心不",
        "朋友公司在杭州被网信办约谈了，我们同类业务要不要整改",
        "隔壁公司昨天被网信办约谈了，我们要不要自查",
        "同行的公司老板被抓了，我们做同样的业务会不会有事",
        "A friend's company in Shenzhen was raided by police, should we worry?",
        "A company in our building got raided by the police yesterday, could that affect us?",
        "We were told by a friend that the police are checking VPN users, should we stop using one?",
    ],
)
def test_another_companys_matter_is_not_ours(message):
    assert reasons(message) == set()


# ---------------------------------------------------------------- issue 13: a careful paralegal's reading


@pytest.mark.parametrize(
    "message",
    [
        "My aunt has been locked up the day before yesterday and nobody tells us why",
        "Officers went to his dorm and kept him overnight; he's still there",
        "Three of our testers were rounded up by police at the call centre",
        "Police have had my father since Sunday",
        "我们财务被行拘了五天",
        "我们法人被采取强制措施了",
        "会计也让带走了，电脑也被搬走了",
        "技术员被控制住了，家里人很着急",
        "我哥在派出所被扣了十几个小时了",
        "我老婆被公安叫去了，到现在也没回来",
    ],
)
def test_more_ways_of_saying_someone_is_held(message):
    assert "detention" in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "The telecom authority told us to take the mini game offline",
        "Our site was taken offline by the communications administration on Monday",
        "The internet regulator says our app violates the PIPL consent rules",
        "市监局说我们的自动续费违规，要处罚",
        "我被网安的人叫去喝茶了",
        "公司只是被要求写个情况说明",
        "Public security asked us to hand over the chat history of a customer",
    ],
)
def test_regulator_contact_in_other_words(message):
    assert "authority_contact" in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "Cyber police want me to come in on Friday with the admin passwords",  # TODAY is a Wednesday
        "The statute of limitations runs out on December 6, eight days from now",
        "The labour arbitration about the bonus is the day after tomorrow",
        "We got the complaint yesterday and have 15 days to answer",
        "起诉状副本今天送到，十五天答辩期",
        "The attackers threaten to publish the rest on Saturday",
    ],
)
def test_deadlines_said_in_other_ways(message):
    assert "deadline" in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "合同下个星期到期，续签要注意什么",
        "Our office lease expires next week, can we negotiate a renewal clause?",
        "New leaked files show up every few hours, what should we tell users?",
    ],
)
def test_a_contract_running_out_or_a_frequency_is_no_deadline(message):
    assert "deadline" not in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "A contractor is still syncing our design files to his private cloud account",
        "一个员工还在把报价单拷到他自己的U盘里",
        "Intruders froze all our servers and want 2 BTC",
        "黑客说后天再不付钱就公开我们的客户数据",
        "Someone logged into the admin console and we can't revoke his session",
        "The fired sysadmin still has root and keeps deleting backups",
        "Scans of our customers' passports are circulating in a Telegram group",
        "有人一直在用被盗的手机号注册我们的账号",
        "我们的存储桶一直是公开的，到现在还没关",
    ],
)
def test_incidents_still_under_way_in_other_words(message):
    assert "ongoing_incident" in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "我在写毕业论文，研究取保候审的适用条件",
        "昨天刷了个短视频，讲程序员被抓的，我们接外包会不会有风险",
        "我们在做一个小程序，帮家属查询羁押进度，需要哪些资质",
        "羁押期限最长是多少天",
        "网信办会不会因为我们没做备案就罚款",
        "勒索软件攻击要不要在24小时内报告",
        "我们是安全公司，每天帮客户处理勒索事件，想起草服务合同",
        "我在研究警察如何讯问被羁押的黑客",
        "我们系统里把卡住的订单称为被拘留订单，有问题吗",
        "We are building a tool that monitors leak sites for our clients",
        "We handle ransomware incidents for clients and need a standard engagement letter",
        "Our app helps families locate relatives in detention centres",
        "I'm a law student researching how police treat suspects in custody",
        "In our queue the status 'detained' means a message is stuck; can we trademark it?",
        "A former colleague was arrested years ago; may we mention it in a reference?",
    ],
)
def test_topics_general_questions_and_the_past_are_not_urgent(message):
    assert reasons(message) == set()


def test_taking_someone_away_is_detention_not_also_contact():
    assert reasons("我妈被警察叫去问话，到现在还没回来") == {"detention"}


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("收到MIIT的整改通知，十天内回复", "authority_contact"),  # Latin names inside Chinese
        ("我们法务被arrest了，在上海", "detention"),
        ("市场监管局让我们下架这款产品", "authority_contact"),
        ("The regulator wants our CEO in for a meeting", "authority_contact"),
        ("my uncle got taken to the police station and hasnt come back", "detention"),  # no apostrophe
        ("有人冒充我们财务，用企业微信让客户往一个陌生账户转账付款", "ongoing_incident"),
        ("The shop's checkout page was injected with a skimmer and it is still live", "ongoing_incident"),
        ("运营的抖音号被盗，对方一直在直播卖货", "ongoing_incident"),
    ],
)
def test_mixed_scripts_typed_shortcuts_and_more_incident_words(message, reason):
    assert reason in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "我们在写一部悬疑小说，程序员被警察抓了，情节上有什么法律硬伤",
        "I'd like to know what happens when someone is arrested for a data crime",
        "What rights does a detained person have to call a lawyer?",
        "因为泄露数据被抓会怎么处理",
        "派出所问某个用户是不是我们的客户",
    ],
)
def test_stories_and_the_general_case_are_not_our_detention(message):
    assert "detention" not in reasons(message)


def test_an_authority_asking_about_our_customer_is_still_contact():
    assert "authority_contact" in reasons("警察打电话问某个用户是不是我们客户")


@pytest.mark.parametrize(
    "message",
    [
        "Crawlers are hammering our login API and harvesting phone numbers",
        "Customers who open our site get redirected to a gambling page",
        "Somebody uploaded our internal wiki to a public GitHub repository",
        "Our client database is for sale on a darknet market",
        "Scammers posing as our support desk keep calling users",
        "Unauthorised withdrawals from merchant wallets have not stopped this morning",
        "The storefront was defaced and we have not been able to restore it",
        "They are holding our account manager in Suzhou",
        "竞品的脚本一直在刷我们的注册接口，封号也没用",
        "公司域名被劫持了，访客都被带到钓鱼页面",
        "内部文档被人传到GitHub上了",
        "数据库被人拖了，对方放出样本要钱",
        "财务电脑中招了，病毒在内网扩散",
        "官网被人挂了黑链，还没清理干净",
        "他被民警铐走了",
        "我舅舅进去二十天了，家里都不知道怎么办",
    ],
)
def test_everyday_words_for_incidents_and_detention(message):
    assert reasons(message) & {"ongoing_incident", "detention"}


@pytest.mark.parametrize(
    "message",
    [
        "Ransomware is everywhere nowadays, which insurance covers it?",
        "勒索病毒最近很多，我们想做个备份方案",
        "我们做病毒式营销，在群里扩散抽奖链接合法吗",
        "Our growth team says the app is spreading fast; do we need a licence?",
        "We were fined once, years back; does that matter for a tender?",
    ],
)
def test_prevalence_marketing_and_old_events_are_not_urgent(message):
    assert reasons(message) == set()


@pytest.mark.parametrize(
    "message",
    [
        "My nephew was led out of the dormitory by plainclothes police last night",
        "They shoved our director into a police van outside the office",
        "我侄子昨晚被两个便衣从宿舍带走了",
        "主管被带上警车，到现在没消息",
        "我表哥在外地被抓捕了",
        "厂长被双规了",
    ],
)
def test_detention_told_by_relatives_and_colleagues(message):
    assert "detention" in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "公司扣着我的工资不发，还说要留置我的电脑",
        "我被公司留置了押金",
        "听同学说他们公司被通管局查了，我们要注意什么",
        "Our mini-program was taken offline by the telecom regulator",
    ],
)
def test_liens_hearsay_and_things_taken_offline_are_not_detention(message):
    assert "detention" not in reasons(message)


def test_a_regulator_phoning_to_summon_us_is_contact_and_a_deadline():
    assert reasons("区市监局电话通知我们后天上午去说明情况") == {"authority_contact", "deadline"}


@pytest.mark.parametrize(
    "message",
    [
        "服务器被勒索的话，多少小时内必须上报",
        "In case a customer complains, what must we answer within 15 days?",
        "Do we have to delete the data within 7 days of a request?",
    ],
)
def test_a_time_limit_inside_a_condition_or_a_general_question_is_no_deadline(message):
    assert "deadline" not in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "The landlord says he will cut the power unless we pay by Friday",
        "整改材料下周二要交",
        "逾期未整改的，下周一起停止服务",
    ],
)
def test_ultimatums_and_plain_duties_with_a_near_date_are_deadlines(message):
    assert "deadline" in reasons(message)


def test_a_statement_taken_by_the_police_is_contact_not_detention():
    assert reasons("Nobody was arrested; the police only took a statement from our manager") == {
        "authority_contact"
    }


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("police catch my cousin in his shop today", "detention"),
        ("police take our engineer to station this morning", "detention"),
        ("our accountant is arrest from friday", "detention"),
        ("我爸被关着，已经三天", "detention"),
        ("他在黑河坐牢，是做软件的", "detention"),
        ("边检扣留了我们的俄罗斯工程师", "detention"),
        ("Officers make inspection in our warehouse now", "authority_contact"),
        ("somebody stole our order list and now sells it online", "ongoing_incident"),
        ("malware on every laptop, we can not work, they want bitcoin", "ongoing_incident"),
        ("前员工拷走了客户资料，现在还在用", "ongoing_incident"),
        ("电脑全中毒了，没法办公", "ongoing_incident"),
    ],
)
def test_plain_and_non_native_phrasing(message, reason):
    assert reason in reasons(message)


def test_an_active_chinese_verb_takes_what_follows():
    assert "detention" not in reasons("海关扣留了我们的样品")
    assert "detention" in reasons("警方扣留了我们的工程师")


@pytest.mark.parametrize(
    "message",
    [
        "Customs seized our sample phones over a labelling issue",
        "一批显卡被海关扣押了，说是申报有问题",
        "他把公司的营业执照带走了，一直不还",
    ],
)
def test_goods_held_by_customs_and_things_carried_off_are_not_urgent(message):
    assert reasons(message) == set()


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("有个IP在疯狂扫描我们的端口，封了又来", "ongoing_incident"),
        ("两个小时前发现后台被人篡改了", "ongoing_incident"),
        ("我同事被关在分局，说是配合调查", "detention"),
        ("网警上午来了。他们把我们的运维带走了", "detention"),
        ("Police came to the flat at dawn. They took my father away.", "detention"),
    ],
)
def test_progressive_recent_held_at_the_station_and_they_from_the_sentence_before(message, reason):
    assert reason in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "明天要去见投资人，协议怎么签",
        "我们在做数据加密方案，要注意什么",
        "以前报过警。现在想和客户签保密协议",
    ],
)
def test_plans_and_our_own_work_with_the_same_words_are_not_urgent(message):
    assert reasons(message) == set()


@pytest.mark.parametrize(
    "message",
    [
        "The CAC flagged our recommendation feature in its latest circular",
        "Our app was pulled from the stores by order of the MIIT",
        "We have to attend a meeting at the cyberspace office",
        "The internet police are asking questions about two of our users",
        "The regulator told us we must appoint a DPO",
        "工信部点名了我们的App",
        "公安局发来协查函，调取一个账号的注册信息",
        "监管说我们必须做数据出境安全评估",
    ],
)
def test_more_ways_a_regulator_gets_in_touch(message):
    assert "authority_contact" in reasons(message)


@pytest.mark.parametrize(
    "message",
    ["We send a newsletter every Friday, do we need consent?", "每周五我们给用户发推送，需要同意吗"],
)
def test_a_weekly_habit_is_no_deadline(message):
    assert "deadline" not in reasons(message)


def test_the_evaluation_never_prints_held_out_texts(tmp_path, capsys):
    from bot.ops.triage_eval import main

    secret = "黑客正在攻击我们的服务器"  # labelled calm on purpose: a miss the report must not show
    (tmp_path / "zh.blind.yml").write_text(f"- text: {secret}\n  urgency: normal\n", "utf-8")
    (tmp_path / "zh.fresh.yml").write_text(
        "- text: 明天开会讨论合同\n  urgency: high\n  reasons: [deadline]\n", "utf-8"
    )
    (tmp_path / "en.fresh.yml").write_text("- text: We like cats\n  urgency: normal\n", "utf-8")
    assert main(["--data", str(tmp_path)]) == 1
    printed = capsys.readouterr().out
    assert secret not in printed and "held-out files (texts not shown)" in printed
    assert "明天开会讨论合同" in printed  # development files still show their misses


# ---------------------------------------------------------------- round writer3: kinds of phrasing


@pytest.mark.parametrize(
    "message",
    [
        "A pop-up on every laptop is demanding 3 BTC and the shared drive keeps renaming files to .crypt",
        "Our CRM admin password was reset by someone else again this morning and we're locked out",
        "The backup server has been sending data to an unknown IP in Singapore for the past four hours",
        "Users say their wallets were logged in from other countries overnight and funds moved away",
        "Our order webhook was tampered with and payouts are still going to strange accounts",
        "小程序后台被人登进去了，现在还在改商品价格",
        "我们的找回密码接口被人疯狂刷，到现在还停不下来",
        "客户信息肯定是漏了，今天好多客户接到诈骗电话",
        "今天有人在论坛上公开了我们的内部代码和服务器密码",
        "官方微博从凌晨开始一直在群发赌博链接，我们根本没登过",
    ],
)
def test_incidents_told_without_the_usual_words(message):
    assert "ongoing_incident" in reasons(message)


@pytest.mark.parametrize(
    "message, reason",
    [
        ("My cousin was taken from his office in Daoli at noon by two plainclothes police", "detention"),
        (
            "My sister works in customer support for a lending app and was criminally detained on Monday",
            "detention",
        ),
        ("我弟回来以后今天在宿舍被警察带走了", "detention"),
        ("Our shop was named in an MIIT circular this week and we were told to fix it", "authority_contact"),
        (
            "The police say our bulk SMS account was used to send scam texts and want to meet our CEO",
            "authority_contact",
        ),
        ("海关缉私局的人今天来公司了，要我们把出口记录拿出来", "authority_contact"),
        ("HR says if I don't sign the new contract by Friday I lose my bonus", "deadline"),
        ("The claim papers were served on Monday and we must file a defence within 10 days", "deadline"),
    ],
)
def test_ways_of_saying_held_contacted_or_due(message, reason):
    assert reason in reasons(message)


@pytest.mark.parametrize(
    "message",
    [
        "A guy in my chat group says the police will fine anyone who uses a VPN. Is that true?",
        "A blogger claimed years ago that our startup stole his design. Nothing has happened since.",
        "I'm recording a podcast episode: what rights does a person in police custody have?",
        "最近在追一部警匪剧，里面说嫌疑人被抓以后24小时内通知家属，是真的吗",
        "我表哥以前在一家网贷公司上班，老板被抓了，已经好几年了，他现在想换工作",
        "我妈接到一个自称公安的电话让她转账，这肯定是诈骗吧",
        "Someone pretending to be from the police called my dad asking for his bank card number",
    ],
)
def test_hearsay_old_stories_works_and_impostors_are_not_urgent(message):
    assert reasons(message) == set()


def test_the_visit_that_took_someone_is_the_detention_not_also_a_contact():
    assert reasons("Police came to his flat this morning and took my husband away") == {"detention"}
    assert reasons("昨天警察上门把我弟弟抓了") == {"detention"}
    # A visit in its own sentence, with its own acts, still counts.
    assert reasons("Police came this morning and copied our servers. They took my husband too.") == {
        "detention",
        "authority_contact",
    }


@pytest.mark.parametrize(
    "message, expected",
    [
        (
            "Since this morning somebody has been logging into our CRM with the intern's login and deleting deals",
            {"ongoing_incident"},
        ),
        ("数据库的数据还在漏，我们查不出口子在哪", {"ongoing_incident"}),
        ("我们小程序现在还在被人登录操作，改了好多商品", {"ongoing_incident"}),
        (
            "The cyber police phoned today: our hacked server is still attacking other companies",
            {"ongoing_incident", "authority_contact"},
        ),
        ("网警今天突击检查了公司，把财务带回去做笔录，到现在还没回来", {"detention", "authority_contact"}),
    ],
)
def test_both_reasons_when_both_are_told(message, expected):
    assert reasons(message) == expected


@pytest.mark.parametrize(
    "message, expected",
    [
        # Hearsay about the present still counts; only hearsay about what might happen does not.
        (
            "My colleague said the police are at our office right now copying our servers",
            {"authority_contact"},
        ),
        ("A customer says our data is still being sold on Telegram right now", {"ongoing_incident"}),
        # A work named before a colon does not swallow the real matter after it.
        (
            "We're preparing a slide deck for the board: the hacker is still in our network",
            {"ongoing_incident"},
        ),
        # "周五以前在…" is a deadline, not long ago; a missing page is no leak.
        ("网信办要求周五以前在系统里提交整改报告", {"authority_contact", "deadline"}),
        ("备案资料漏了一份，今天被退回了", set()),
    ],
)
def test_the_new_guards_keep_real_matters(message, expected):
    assert reasons(message) == expected
