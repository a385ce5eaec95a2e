"""Prefilled answers: what the user already said is not asked again, and nothing they did not
say unmistakably is filled in (negations, hypotheticals, hedges and questions fill nothing);
free-text answers are written in the conversation's language.

Longer than 300 lines because it is mostly tables of sentences (several per question key and
language); split up, the tables would lose the one place that shows what each key accepts."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot import prefill as p
from bot import topics

TODAY = date(2026, 12, 2)  # a Wednesday


def filled(code: str, text: str) -> dict[str, str]:
    return p.prefill(code, text, today=TODAY)


# (topic, text, question key, expected answer): at least three per key in each language.
POSITIVE = [
    # ---------------------------------------------------------------- icp
    ("icp", "Our app charges a monthly subscription for premium articles", "offering", "paid_content"),
    ("icp", "Users pay monthly to unlock the courses on our website", "offering", "paid_content"),
    ("icp", "We run a marketplace and take a commission on every order", "offering", "marketplace"),
    ("icp", "It's purely informational, just a company website", "offering", "information"),
    ("icp", "We sell our own products online through the mini-program", "offering", "own_goods"),
    ("icp", "我们的App有会员收费，也有广告", "offering", "paid_content"),
    ("icp", "平台抽佣，商家入驻", "offering", "marketplace"),
    ("icp", "网站只展示公司介绍，不卖东西", "offering", "information"),
    ("icp", "小程序上卖我们自己的产品", "offering", "own_goods"),
    ("icp", "The site is hosted on AWS Singapore", "hosting", "overseas"),
    ("icp", "Our servers are in Hong Kong", "hosting", "overseas"),
    ("icp", "We use Alibaba Cloud in Beijing", "hosting", "mainland"),
    ("icp", "It is hosted in Shenzhen", "hosting", "mainland"),
    ("icp", "服务器在香港", "hosting", "overseas"),
    ("icp", "用的是阿里云北京", "hosting", "mainland"),
    ("icp", "部署在国外的服务器上", "hosting", "overseas"),
    ("icp", "服务器放在国内", "hosting", "mainland"),
    ("icp", "The app is for users in mainland China", "mainland_access", "yes"),
    ("icp", "Our site targets Chinese users", "mainland_access", "yes"),
    ("icp", "We want to launch in China next month", "mainland_access", "yes"),
    ("icp", "It's only for overseas users", "mainland_access", "no"),
    ("icp", "这是一个面向国内用户的App", "mainland_access", "yes"),
    ("icp", "我们准备在国内上线一个网站", "mainland_access", "yes"),
    ("icp", "主要做中国市场", "mainland_access", "yes"),
    ("icp", "只面向海外用户", "mainland_access", "no"),
    ("icp", "We have a WFOE in Shanghai", "mainland_entity", "yes"),
    ("icp", "We're a Harbin-based company", "mainland_entity", "yes"),
    ("icp", "Our Chinese subsidiary runs the site", "mainland_entity", "yes"),
    ("icp", "We have no entity in China", "mainland_entity", "no"),
    ("icp", "我们是哈尔滨的一家科技公司", "mainland_entity", "yes"),
    ("icp", "公司在国内注册的", "mainland_entity", "yes"),
    ("icp", "我们有营业执照", "mainland_entity", "yes"),
    ("icp", "我们在国内没有公司", "mainland_entity", "no"),
    ("icp", "We are registered in Hong Kong", "entity_location", "Hong Kong"),
    ("icp", "We're a Singapore company", "entity_location", "Singapore"),
    ("icp", "The company is based in Harbin", "entity_location", "Harbin"),
    ("icp", "公司注册在香港", "entity_location", "Hong Kong"),
    ("icp", "我们是一家新加坡公司", "entity_location", "Singapore"),
    ("icp", "我们是哈尔滨的公司", "entity_location", "Harbin"),
    # ---------------------------------------------------------------- personal_info
    (
        "personal_info",
        "We collect names, phone numbers and addresses",
        "data_collected",
        "names, phone numbers, addresses",
    ),
    (
        "personal_info",
        "The app stores face images and ID card numbers",
        "data_collected",
        "face data, ID numbers",
    ),
    ("personal_info", "We keep customers' bank card numbers", "data_collected", "financial account data"),
    ("personal_info", "收集手机号、身份证号", "data_collected", "phone numbers, ID numbers"),
    ("personal_info", "需要用户上传人脸照片", "data_collected", "face data"),
    (
        "personal_info",
        "我们记录用户的位置信息和浏览记录",
        "data_collected",
        "location data, browsing history",
    ),
    ("personal_info", "We use facial recognition at the door", "sensitive_data", "yes"),
    ("personal_info", "We process patients' medical records", "sensitive_data", "yes"),
    ("personal_info", "The app tracks users' GPS location", "sensitive_data", "yes"),
    ("personal_info", "We don't process any sensitive personal information", "sensitive_data", "no"),
    ("personal_info", "App要采集人脸", "sensitive_data", "yes"),
    ("personal_info", "会收集不满14周岁儿童的信息", "sensitive_data", "yes"),
    ("personal_info", "我们有用户的银行卡号", "sensitive_data", "yes"),
    ("personal_info", "不涉及敏感个人信息", "sensitive_data", "no"),
    ("personal_info", "We hold data on about 20,000 users", "individuals_count", "under_1m"),
    ("personal_info", "We have 3 million registered users", "individuals_count", "from_1m_to_10m"),
    ("personal_info", "over 15 million customers use it", "individuals_count", "from_10m"),
    ("personal_info", "有两万条用户数据", "individuals_count", "under_1m"),
    ("personal_info", "我们有120万用户", "individuals_count", "from_1m_to_10m"),
    ("personal_info", "用户量超过2000万", "individuals_count", "from_10m"),
    ("personal_info", "We have a privacy policy and a consent pop-up", "consent_flow", "both"),
    ("personal_info", "We only have a privacy policy", "consent_flow", "policy_only"),
    ("personal_info", "We don't have a privacy policy yet", "consent_flow", "neither"),
    ("personal_info", "We have a privacy policy, but no consent step", "consent_flow", "policy_only"),
    ("personal_info", "有隐私政策和同意弹窗", "consent_flow", "both"),
    ("personal_info", "只有隐私政策，没有同意环节", "consent_flow", "policy_only"),
    ("personal_info", "还没有隐私政策", "consent_flow", "neither"),
    ("personal_info", "有隐私政策，注册时也有勾选同意", "consent_flow", "both"),
    # ---------------------------------------------------------------- cross_border
    ("cross_border", "We need to send user data to our HQ in Germany", "destination_country", "Germany"),
    ("cross_border", "Our parent company in Japan needs the CRM data", "destination_country", "Japan"),
    ("cross_border", "We transfer HR records to the US", "destination_country", "United States"),
    ("cross_border", "数据要传到德国总部", "destination_country", "Germany"),
    ("cross_border", "把用户信息发往新加坡", "destination_country", "Singapore"),
    ("cross_border", "我们要把数据传到俄罗斯", "destination_country", "Russia"),
    ("cross_border", "香港的服务器要访问这些数据", "destination_country", "Hong Kong"),
    ("cross_border", "We transfer employee records to HQ", "data_categories", "employee records"),
    ("cross_border", "It's mostly customer contact details", "data_categories", "customer data"),
    (
        "cross_border",
        "health data of patients and their ID numbers",
        "data_categories",
        "health data, ID numbers",
    ),
    ("cross_border", "要传输员工档案", "data_categories", "employee records"),
    ("cross_border", "客户联系方式和订单信息", "data_categories", "customer data, order history"),
    ("cross_border", "包括病历", "data_categories", "health data"),
    ("cross_border", "about 20,000 customers", "individuals_count", "under_100k"),
    ("cross_border", "data of 500k users", "individuals_count", "from_100k_to_1m"),
    ("cross_border", "1.2 million users", "individuals_count", "from_1m"),
    ("cross_border", "3万名用户", "individuals_count", "under_100k"),
    ("cross_border", "几十万用户", "individuals_count", "from_100k_to_1m"),
    ("cross_border", "大约120万用户", "individuals_count", "from_1m"),
    ("cross_border", "We have been designated as a CII operator", "cii_operator", "yes"),
    ("cross_border", "We are a critical information infrastructure operator", "cii_operator", "yes"),
    ("cross_border", "We're not a CII operator", "cii_operator", "no"),
    ("cross_border", "我们被认定为关键信息基础设施运营者", "cii_operator", "yes"),
    ("cross_border", "我们属于关基单位", "cii_operator", "yes"),
    ("cross_border", "我们不是关键信息基础设施运营者", "cii_operator", "no"),
    ("cross_border", "HQ needs it for HR management", "transfer_purpose", "hr"),
    ("cross_border", "It is used to run global payroll", "transfer_purpose", "hr"),
    (
        "cross_border",
        "It's for flight bookings made by our customers",
        "transfer_purpose",
        "contract_with_person",
    ),
    ("cross_border", "集团要做人力资源管理", "transfer_purpose", "hr"),
    ("cross_border", "为了给员工发工资", "transfer_purpose", "hr"),
    ("cross_border", "用户订机票需要把信息传给航空公司", "transfer_purpose", "contract_with_person"),
    (
        "cross_border",
        "We signed the standard contract with the recipient",
        "transfer_mechanism",
        "standard_contract",
    ),
    (
        "cross_border",
        "We passed the CAC security assessment last year",
        "transfer_mechanism",
        "security_assessment",
    ),
    ("cross_border", "Nothing is in place yet", "transfer_mechanism", "none"),
    (
        "cross_border",
        "We have obtained personal information protection certification",
        "transfer_mechanism",
        "certification",
    ),
    ("cross_border", "已经签了标准合同", "transfer_mechanism", "standard_contract"),
    ("cross_border", "通过了安全评估", "transfer_mechanism", "security_assessment"),
    ("cross_border", "还没有做任何出境手续", "transfer_mechanism", "none"),
    ("cross_border", "取得了个人信息保护认证", "transfer_mechanism", "certification"),
    # ---------------------------------------------------------------- data_breach
    ("data_breach", "The database is still leaking", "ongoing_or_contained", "ongoing"),
    ("data_breach", "The attackers still have access", "ongoing_or_contained", "ongoing"),
    ("data_breach", "It's not contained yet", "ongoing_or_contained", "ongoing"),
    ("data_breach", "We fixed it within a day", "ongoing_or_contained", "contained"),
    ("data_breach", "The breach has been contained", "ongoing_or_contained", "contained"),
    ("data_breach", "数据还在泄露", "ongoing_or_contained", "ongoing"),
    ("data_breach", "已经控制住了", "ongoing_or_contained", "contained"),
    ("data_breach", "还没控制住", "ongoing_or_contained", "ongoing"),
    ("data_breach", "漏洞已修复", "ongoing_or_contained", "contained"),
    ("data_breach", "We discovered the breach yesterday", "discovered_when", "2026-12-01"),
    ("data_breach", "We found it on Nov 28", "discovered_when", "2026-11-28"),
    ("data_breach", "We noticed it last week", "discovered_when", "week of 2026-11-23"),
    ("data_breach", "2 days ago we found our server hacked", "discovered_when", "2026-11-30"),
    ("data_breach", "昨晚发现数据库被黑", "discovered_when", "2026-12-01"),
    ("data_breach", "上周发现数据泄露", "discovered_when", "week of 2026-11-23"),
    ("data_breach", "11月30日发现的", "discovered_when", "2026-11-30"),
    ("data_breach", "前天服务器被黑了", "discovered_when", "2026-11-30"),
    (
        "data_breach",
        "phone numbers and addresses of about 20,000 users leaked",
        "affected_data",
        "phone numbers, addresses; about 20,000 people",
    ),
    ("data_breach", "customer email addresses were exposed", "affected_data", "email addresses"),
    (
        "data_breach",
        "3k customers' bank card numbers were stolen",
        "affected_data",
        "financial account data; 3,000 people",
    ),
    (
        "data_breach",
        "泄露了手机号、身份证号，大约两万条",
        "affected_data",
        "phone numbers, ID numbers; about 20,000 records",
    ),
    ("data_breach", "5000名用户的密码泄露了", "affected_data", "passwords; 5,000 people"),
    ("data_breach", "人脸照片泄露", "affected_data", "face data"),
    (
        "data_breach",
        "The affected system is critical information infrastructure",
        "critical_infrastructure",
        "yes",
    ),
    ("data_breach", "Our CII system was hit", "critical_infrastructure", "yes"),
    ("data_breach", "It's not a CII system", "critical_infrastructure", "no"),
    ("data_breach", "涉及关键信息基础设施", "critical_infrastructure", "yes"),
    ("data_breach", "被攻击的是关基系统", "critical_infrastructure", "yes"),
    ("data_breach", "不属于关键信息基础设施", "critical_infrastructure", "no"),
    ("data_breach", "We reported it to the police", "regulators_involved", "yes"),
    ("data_breach", "The CAC contacted us this morning", "regulators_involved", "yes"),
    ("data_breach", "We have already notified the regulator", "regulators_involved", "yes"),
    ("data_breach", "We haven't reported it to anyone", "regulators_involved", "no"),
    ("data_breach", "已经报警了", "regulators_involved", "yes"),
    ("data_breach", "网警联系了我们", "regulators_involved", "yes"),
    ("data_breach", "向网信办报告了", "regulators_involved", "yes"),
    ("data_breach", "还没报警", "regulators_involved", "no"),
    ("data_breach", "We've preserved all the logs", "evidence_preserved", "yes"),
    ("data_breach", "The logs have been backed up", "evidence_preserved", "yes"),
    ("data_breach", "We only saved some of the logs", "evidence_preserved", "partly"),
    ("data_breach", "The logs were deleted", "evidence_preserved", "no"),
    ("data_breach", "日志都已经保存了", "evidence_preserved", "yes"),
    ("data_breach", "已经备份了所有日志", "evidence_preserved", "yes"),
    ("data_breach", "保存了部分日志", "evidence_preserved", "partly"),
    ("data_breach", "日志被删除了", "evidence_preserved", "no"),
    # ---------------------------------------------------------------- ip
    ("ip", "Someone copied our source code", "asset_type", "software"),
    ("ip", "Our recommendation algorithm was stolen", "asset_type", "algorithm"),
    ("ip", "We want to patent our new invention", "asset_type", "invention"),
    ("ip", "They took our customer list", "asset_type", "trade_secret"),
    ("ip", "我们的软件被抄袭了", "asset_type", "software"),
    ("ip", "核心算法被泄露", "asset_type", "algorithm"),
    ("ip", "想为一项技术发明申请专利", "asset_type", "invention"),
    ("ip", "商业秘密被带走了", "asset_type", "trade_secret"),
    ("ip", "We registered the software copyright last year", "registered", "yes"),
    ("ip", "We have a patent for it", "registered", "yes"),
    ("ip", "The patent is pending", "registered", "pending"),
    ("ip", "It's not registered", "registered", "no"),
    ("ip", "已经办理了软著", "registered", "yes"),
    ("ip", "我们有专利", "registered", "yes"),
    ("ip", "专利正在申请中", "registered", "pending"),
    ("ip", "没有登记软著", "registered", "no"),
    ("ip", "A competitor is copying our app", "infringement_now", "yes"),
    ("ip", "They cloned our game", "infringement_now", "yes"),
    ("ip", "They sell it without our permission", "infringement_now", "yes"),
    ("ip", "No one is copying it yet", "infringement_now", "no"),
    ("ip", "我们的App被山寨了", "infringement_now", "yes"),
    ("ip", "对方未经授权使用我们的代码", "infringement_now", "yes"),
    ("ip", "发现有人盗版我们的软件", "infringement_now", "yes"),
    ("ip", "目前没有侵权", "infringement_now", "no"),
    ("ip", "A former employee took the code", "infringer", "ex_employee"),
    ("ip", "A competitor launched a clone", "infringer", "competitor"),
    ("ip", "Our outsourcing vendor reused the code", "infringer", "partner"),
    ("ip", "We don't know who is behind it", "infringer", "unknown"),
    ("ip", "离职员工带走了源码", "infringer", "ex_employee"),
    ("ip", "竞争对手抄袭了我们", "infringer", "competitor"),
    ("ip", "外包公司把代码卖给了别人", "infringer", "partner"),
    ("ip", "不知道是谁干的", "infringer", "unknown"),
    # ---------------------------------------------------------------- contract
    ("contract", "It's a software development agreement", "contract_type", "software_development"),
    ("contract", "We license our software to a bank", "contract_type", "licensing"),
    ("contract", "A SaaS subscription agreement", "contract_type", "cloud_saas"),
    ("contract", "We outsourced our IT support", "contract_type", "outsourcing"),
    ("contract", "软件开发合同", "contract_type", "software_development"),
    ("contract", "软件授权许可协议", "contract_type", "licensing"),
    ("contract", "云服务合同", "contract_type", "cloud_saas"),
    ("contract", "IT外包合同", "contract_type", "outsourcing"),
    ("contract", "我们把App开发外包给一家公司", "contract_type", "software_development"),
    ("contract", "They haven't paid us", "contract_stage", "dispute"),
    ("contract", "The client owes us 300k", "contract_stage", "dispute"),
    ("contract", "We are drafting a SaaS agreement", "contract_stage", "drafting"),
    ("contract", "We're negotiating the terms", "contract_stage", "negotiating"),
    ("contract", "已经交付了，对方一直不付款", "contract_stage", "dispute"),
    ("contract", "对方拖欠尾款", "contract_stage", "dispute"),
    ("contract", "需要起草一份合同", "contract_stage", "drafting"),
    ("contract", "正在和对方谈判合同条款", "contract_stage", "negotiating"),
    (
        "contract",
        "We built it for a company called Beta Systems Ltd",
        "counterparty_name",
        "Beta Systems Ltd",
    ),
    ("contract", "Our client XYZ Co. hasn't paid", "counterparty_name", "XYZ Co."),
    ("contract", "We signed with Acme Corp last year", "counterparty_name", "Acme Corp"),
    ("contract", "对方是XX科技有限公司", "counterparty_name", "XX科技有限公司"),
    ("contract", "我们和哈尔滨星辰软件有限公司签了开发合同", "counterparty_name", "哈尔滨星辰软件有限公司"),
    ("contract", "甲方是北京云帆网络科技有限公司", "counterparty_name", "北京云帆网络科技有限公司"),
    ("contract", "The client is a German company", "counterparty_foreign", "yes"),
    ("contract", "It's an overseas customer", "counterparty_foreign", "yes"),
    ("contract", "Our vendor is a Chinese company", "counterparty_foreign", "no"),
    ("contract", "对方是一家德国公司", "counterparty_foreign", "yes"),
    ("contract", "客户是美国企业", "counterparty_foreign", "yes"),
    ("contract", "对方是国内公司", "counterparty_foreign", "no"),
    ("contract", "They owe us 300,000 yuan", "amount_at_stake", "300,000 CNY"),
    ("contract", "about $50k is at stake", "amount_at_stake", "about 50,000 USD"),
    ("contract", "a contract worth RMB 1.2 million", "amount_at_stake", "1,200,000 CNY"),
    ("contract", "合同金额30万", "amount_at_stake", "300,000 CNY"),
    ("contract", "80w，已付60w", "amount_at_stake", "800,000 CNY; paid 600,000 CNY"),
    ("contract", "欠款三十万元", "amount_at_stake", "300,000 CNY"),
    # ---------------------------------------------------------------- investigation
    ("investigation", "The CAC sent us a notice", "authority", "cac"),
    ("investigation", "The police came to our office", "authority", "public_security"),
    ("investigation", "The communications administration called us", "authority", "miit"),
    ("investigation", "The market supervision bureau fined us", "authority", "market_supervision"),
    ("investigation", "网信办约谈了我们", "authority", "cac"),
    ("investigation", "通信管理局发来通知", "authority", "miit"),
    ("investigation", "派出所打电话过来", "authority", "public_security"),
    ("investigation", "市场监管局来检查", "authority", "market_supervision"),
    ("investigation", "We got a rectification order", "received", "rectification"),
    ("investigation", "We were fined 50,000 yuan", "received", "penalty"),
    ("investigation", "They raided our office", "received", "inspection"),
    ("investigation", "A letter asking for information about our data processing", "received", "inquiry"),
    ("investigation", "收到整改通知", "received", "rectification"),
    ("investigation", "被罚款5万", "received", "penalty"),
    ("investigation", "他们来公司现场检查", "received", "inspection"),
    ("investigation", "收到问询函", "received", "inquiry"),
    ("investigation", "We must reply within 3 days", "deadline", "within 3 days"),
    ("investigation", "We have to respond by Friday", "deadline", "2026-12-04"),
    ("investigation", "The regulator gave us 30 days", "deadline", "within 30 days"),
    ("investigation", "The deadline is Dec 15", "deadline", "2026-12-15"),
    ("investigation", "要求三天内整改", "deadline", "within 3 days"),
    ("investigation", "12月5日前提交材料", "deadline", "2026-12-05"),
    ("investigation", "15个工作日内回复", "deadline", "within 15 working days"),
    ("investigation", "下周一之前要交", "deadline", "2026-12-07"),
    ("investigation", "before 12月5日", "deadline", "2026-12-05"),
    # ---------------------------------------------------------------- cybersecurity
    ("cybersecurity", "We're a fintech company", "industry", "finance"),
    ("cybersecurity", "We are in the healthcare sector", "industry", "healthcare"),
    ("cybersecurity", "It's an online education platform", "industry", "education"),
    ("cybersecurity", "我们是一家医院", "industry", "healthcare"),
    ("cybersecurity", "我们是金融行业的", "industry", "finance"),
    ("cybersecurity", "这是一个教育平台", "industry", "education"),
    ("cybersecurity", "It's about our mobile app", "system_description", "mobile app"),
    ("cybersecurity", "the website and the mini-program", "system_description", "website, mini-program"),
    (
        "cybersecurity",
        "an industrial control system at the plant",
        "system_description",
        "industrial control system",
    ),
    ("cybersecurity", "我们的App", "system_description", "mobile app"),
    ("cybersecurity", "官网和小程序", "system_description", "website, mini-program"),
    ("cybersecurity", "工控系统", "system_description", "industrial control system"),
    ("cybersecurity", "about 500,000 users", "user_count", "up_to_1m"),
    ("cybersecurity", "over 2 million users", "user_count", "over_1m"),
    ("cybersecurity", "3k users", "user_count", "up_to_1m"),
    ("cybersecurity", "50万用户", "user_count", "up_to_1m"),
    ("cybersecurity", "用户超过300万", "user_count", "over_1m"),
    ("cybersecurity", "累计注册用户120万", "user_count", "over_1m"),
    ("cybersecurity", "We passed the level 3 MLPS assessment", "mlps_status", "filed"),
    ("cybersecurity", "It is graded but not yet filed", "mlps_status", "graded"),
    ("cybersecurity", "It has been graded at level 2, but not filed", "mlps_status", "graded"),
    ("cybersecurity", "We haven't done MLPS yet", "mlps_status", "not_graded"),
    ("cybersecurity", "等保三级已经备案", "mlps_status", "filed"),
    ("cybersecurity", "已定级但还没备案", "mlps_status", "graded"),
    ("cybersecurity", "已经定级，未备案", "mlps_status", "graded"),
    ("cybersecurity", "还没做等保", "mlps_status", "not_graded"),
    ("cybersecurity", "The police asked us to complete an MLPS assessment", "authority_request", "yes"),
    ("cybersecurity", "We were told to carry out a security assessment", "authority_request", "yes"),
    ("cybersecurity", "Nobody has asked us to do it", "authority_request", "no"),
    ("cybersecurity", "公安要求我们做等保测评", "authority_request", "yes"),
    ("cybersecurity", "网信办通知我们进行安全评估", "authority_request", "yes"),
    ("cybersecurity", "被要求做等保", "authority_request", "yes"),
    ("cybersecurity", "没有部门要求", "authority_request", "no"),
    # ---------------------------------------------------------------- localization
    ("localization", "We're a logistics company", "industry", "logistics"),
    ("localization", "We are an insurance provider", "industry", "insurance"),
    ("localization", "We work in the automotive industry", "industry", "automotive"),
    ("localization", "我们是一家物流公司", "industry", "logistics"),
    ("localization", "我们属于保险行业", "industry", "insurance"),
    ("localization", "车联网企业", "industry", "automotive"),
    (
        "localization",
        "We store customer data and order history",
        "data_categories",
        "customer data, order history",
    ),
    ("localization", "mostly location data from vehicles", "data_categories", "location data"),
    ("localization", "We keep important data on production lines", "data_categories", "important data"),
    ("localization", "存的是客户信息和交易记录", "data_categories", "customer data, order history"),
    ("localization", "车辆轨迹数据", "data_categories", "location data"),
    ("localization", "有一些重要数据", "data_categories", "important data"),
    ("localization", "Everything is on AWS Singapore", "hosting_location", "overseas"),
    ("localization", "Our data is stored in Germany", "hosting_location", "overseas"),
    ("localization", "We use Tencent Cloud", "hosting_location", "mainland"),
    ("localization", "Part is on AWS Singapore, the rest on Alibaba Cloud", "hosting_location", "both"),
    ("localization", "数据放在境外服务器", "hosting_location", "overseas"),
    ("localization", "服务器在北京", "hosting_location", "mainland"),
    ("localization", "用的是阿里云", "hosting_location", "mainland"),
    ("localization", "数据放在AWS Singapore，也有阿里云北京", "hosting_location", "both"),
    (
        "localization",
        "We have been designated as a critical information infrastructure operator",
        "cii_operator",
        "yes",
    ),
    ("localization", "As a CII operator we must store data locally", "cii_operator", "yes"),
    ("localization", "We are not a CII operator", "cii_operator", "no"),
    ("localization", "我们被认定为关基", "cii_operator", "yes"),
    ("localization", "我司属于关键信息基础设施运营者", "cii_operator", "yes"),
    ("localization", "我们不属于关基", "cii_operator", "no"),
    # ---------------------------------------------------------------- foreign_investment
    ("foreign_investment", "We are a German company", "home_country", "Germany"),
    ("foreign_investment", "We're based in Singapore", "home_country", "Singapore"),
    ("foreign_investment", "a US startup looking to enter China", "home_country", "United States"),
    ("foreign_investment", "我们是一家德国公司", "home_country", "Germany"),
    ("foreign_investment", "总部在新加坡", "home_country", "Singapore"),
    ("foreign_investment", "来自韩国的游戏公司", "home_country", "South Korea"),
    ("foreign_investment", "We already have a WFOE in Shanghai", "chinese_entity", "wholly_owned"),
    (
        "foreign_investment",
        "We set up a joint venture with a local partner",
        "chinese_entity",
        "joint_venture",
    ),
    ("foreign_investment", "We have no entity in China yet", "chinese_entity", "no"),
    ("foreign_investment", "在上海有一家外商独资企业", "chinese_entity", "wholly_owned"),
    ("foreign_investment", "已经成立了中外合资公司", "chinese_entity", "joint_venture"),
    ("foreign_investment", "在中国还没有公司", "chinese_entity", "no"),
    ("foreign_investment", "a SaaS platform for retailers", "service_type", "cloud_saas"),
    ("foreign_investment", "a mobile app for language learning", "service_type", "online_platform"),
    ("foreign_investment", "data analytics services", "service_type", "data_services"),
    ("foreign_investment", "IT outsourcing for banks", "service_type", "software_it"),
    ("foreign_investment", "在中国推出我们的App", "service_type", "online_platform"),
    ("foreign_investment", "提供云服务", "service_type", "cloud_saas"),
    ("foreign_investment", "做数据标注服务", "service_type", "data_services"),
    ("foreign_investment", "软件外包", "service_type", "software_it"),
    ("foreign_investment", "We plan to launch next year", "timeline", "2027"),
    ("foreign_investment", "We want to start in Q3 2027", "timeline", "2027-Q3"),
    ("foreign_investment", "We'd like to launch within 6 months", "timeline", "within 6 months"),
    ("foreign_investment", "We want to start as soon as possible", "timeline", "as soon as possible"),
    ("foreign_investment", "计划明年上线", "timeline", "2027"),
    ("foreign_investment", "打算2027年3月进入中国", "timeline", "2027-03"),
    ("foreign_investment", "半年内落地", "timeline", "within 6 months"),
    ("foreign_investment", "想尽快开始", "timeline", "as soon as possible"),
    # ---------------------------------------------------------------- criminal
    ("criminal", "My son was arrested", "involved_person", "relative"),
    ("criminal", "I was questioned by the police", "involved_person", "self"),
    ("criminal", "One of our employees was detained", "involved_person", "staff"),
    ("criminal", "Our company is being investigated", "involved_person", "company"),
    ("criminal", "我儿子被刑拘了", "involved_person", "relative"),
    ("criminal", "警察传唤了我", "involved_person", "self"),
    ("criminal", "我们公司的一名员工被抓了", "involved_person", "staff"),
    ("criminal", "公司被立案调查", "involved_person", "company"),
    ("criminal", "He was detained yesterday", "stage", "detained"),
    ("criminal", "He is out on bail now", "stage", "investigation"),
    ("criminal", "I was questioned by the police", "stage", "investigation"),
    ("criminal", "My brother has been charged", "stage", "charged"),
    ("criminal", "我儿子被刑拘了", "stage", "detained"),
    ("criminal", "已经取保候审了", "stage", "investigation"),
    ("criminal", "案子已经移送检察院审查起诉", "stage", "charged"),
    ("criminal", "警察还没找我", "stage", "no_contact"),
    # ---------------------------------------------------------------- employment
    ("employment", "One of our employees left", "worker_type", "employees"),
    ("employment", "We work with freelancers", "worker_type", "contractors"),
    ("employment", "Our contractors wrote the code", "worker_type", "contractors"),
    ("employment", "We have both employees and contractors", "worker_type", "both"),
    ("employment", "员工离职了", "worker_type", "employees"),
    ("employment", "外包人员写的代码", "worker_type", "contractors"),
    ("employment", "兼职程序员", "worker_type", "contractors"),
    ("employment", "员工和外包都有", "worker_type", "both"),
    ("employment", "Who owns the code written by the team?", "issue", "ip_ownership"),
    ("employment", "He signed an NDA", "issue", "confidentiality"),
    ("employment", "Is the non-compete clause valid?", "issue", "non_compete"),
    ("employment", "We didn't pay social insurance for them", "issue", "social_insurance"),
    ("employment", "知识产权归属不清", "issue", "ip_ownership"),
    ("employment", "签了竞业限制协议", "issue", "non_compete"),
    ("employment", "公司没交社保", "issue", "social_insurance"),
    ("employment", "骨干跳槽到竞争对手", "issue", "departure"),
    ("employment", "One employee left", "headcount", "one"),
    ("employment", "3 engineers quit", "headcount", "two_to_ten"),
    ("employment", "15 developers left for a competitor", "headcount", "over_ten"),
    ("employment", "一名员工离职", "headcount", "one"),
    ("employment", "三个程序员", "headcount", "two_to_ten"),
    ("employment", "二十多名员工", "headcount", "over_ten"),
    # ---------------------------------------------------------------- ecommerce
    ("ecommerce", "We sell on Tmall", "business_model", "platform_seller"),
    ("ecommerce", "We have our own Shopify store", "business_model", "own_shop"),
    ("ecommerce", "We do live-streaming sales on Douyin", "business_model", "live_streaming"),
    ("ecommerce", "We run a marketplace for other sellers", "business_model", "platform_operator"),
    ("ecommerce", "在淘宝开店", "business_model", "platform_seller"),
    ("ecommerce", "抖音直播带货", "business_model", "live_streaming"),
    ("ecommerce", "做跨境电商", "business_model", "cross_border"),
    ("ecommerce", "自营商城", "business_model", "own_shop"),
    ("ecommerce", "Customers are demanding refunds", "issue", "refunds"),
    ("ecommerce", "We got a consumer complaint", "issue", "consumer_complaint"),
    ("ecommerce", "They say it's false advertising", "issue", "advertising"),
    ("ecommerce", "Our store was suspended by the platform", "issue", "platform_liability"),
    ("ecommerce", "退货退款的问题", "issue", "refunds"),
    ("ecommerce", "消费者打12315投诉", "issue", "consumer_complaint"),
    ("ecommerce", "被说虚假宣传", "issue", "advertising"),
    ("ecommerce", "店铺被封了", "issue", "platform_liability"),
    # ---------------------------------------------------------------- harder sentences
    (
        "contract",
        "对方公司叫做杭州星图信息技术有限公司，我们是乙方",
        "counterparty_name",
        "杭州星图信息技术有限公司",
    ),
    (
        "contract",
        "We are Harbin Snow Tech Co., Ltd. and our client Beta GmbH owes us money",
        "counterparty_name",
        "Beta GmbH",
    ),
    ("contract", "We're negotiating with Acme Ltd", "counterparty_name", "Acme Ltd"),
    ("contract", "A client in Germany hasn't paid", "counterparty_foreign", "yes"),
    ("contract", "甲方拖欠我们20万项目款", "amount_at_stake", "200,000 CNY"),
    ("contract", "外包公司开发的系统延期半年还没交付", "contract_stage", "dispute"),
    ("contract", "外包公司开发的系统延期半年还没交付", "contract_type", "software_development"),
    (
        "personal_info",
        "The app doesn't collect location, only email addresses",
        "data_collected",
        "email addresses",
    ),
    ("personal_info", "我们不收集身份证号，只收集手机号", "data_collected", "phone numbers"),
    ("personal_info", "我们的用户大部分是学生，有不少未满14岁", "sensitive_data", "yes"),
    ("personal_info", "我们的App有10万日活", "individuals_count", "under_1m"),
    (
        "data_breach",
        "The breach happened in March but we only found out today",
        "discovered_when",
        "2026-12-02",
    ),
    (
        "data_breach",
        "Hackers got into our database two days ago, we shut it down immediately",
        "discovered_when",
        "2026-11-30",
    ),
    (
        "data_breach",
        "Hackers got into our database two days ago, we shut it down immediately",
        "ongoing_or_contained",
        "contained",
    ),
    ("data_breach", "数据不断泄露，不知道怎么办", "ongoing_or_contained", "ongoing"),
    ("data_breach", "3天前发现有人入侵，目前已经封堵，已报案", "regulators_involved", "yes"),
    ("investigation", "I don't know what to do, the CAC sent a rectification order", "authority", "cac"),
    ("investigation", "We haven't received any fine yet, but the CAC is investigating", "authority", "cac"),
    (
        "investigation",
        "We received the notice on Dec 1 and must reply within 10 days",
        "deadline",
        "within 10 days",
    ),
    ("investigation", "一个月前收到问询函，说30日内回复", "deadline", "within 30 days"),
    ("investigation", "昨天市场监管局来公司检查，要求一周内整改", "received", "rectification"),
    (
        "investigation",
        "We got a letter from the CAC asking us to explain our data practices",
        "received",
        "inquiry",
    ),
    (
        "localization",
        "We're a Japanese automaker with car data stored on AWS Tokyo",
        "hosting_location",
        "overseas",
    ),
    ("localization", "Data is stored in China. Backups go to AWS Frankfurt.", "hosting_location", "both"),
    (
        "foreign_investment",
        "Our HQ is in Berlin and we aim to enter China by mid-2027",
        "home_country",
        "Germany",
    ),
    (
        "foreign_investment",
        "Our HQ is in Berlin and we aim to enter China by mid-2027",
        "timeline",
        "mid 2027",
    ),
    ("foreign_investment", "We have a JV and want to expand next quarter", "timeline", "2027-Q1"),
    (
        "foreign_investment",
        "We want to publish our mobile game in China next year",
        "service_type",
        "online_platform",
    ),
    ("cybersecurity", "我们不是金融企业，是做教育的", "industry", "education"),
    ("employment", "前员工违反保密协议，把客户名单带到了新公司", "issue", "confidentiality"),
    ("ecommerce", "We operate a marketplace; buyers are complaining", "issue", "consumer_complaint"),
]


@pytest.mark.parametrize(("code", "text", "key", "expected"), POSITIVE)
def test_what_the_user_said_is_prefilled(code: str, text: str, key: str, expected: str) -> None:
    assert filled(code, text).get(key) == expected


# (topic, text, question key): nothing may be filled in.
NEGATIVE = [
    # negations
    ("icp", "我们的网站没有会员收费", "offering"),
    ("icp", "服务器不在国内", "hosting"),
    ("icp", "不面向国内用户", "mainland_access"),
    ("personal_info", "We don't collect ID numbers", "data_collected"),
    ("personal_info", "我们不收集人脸信息", "sensitive_data"),
    ("personal_info", "我们还没有100万用户", "individuals_count"),
    ("data_breach", "No data was leaked", "affected_data"),
    ("data_breach", "The logs were not deleted", "evidence_preserved"),
    ("ip", "It's not a former employee", "infringer"),
    ("ip", "不是前员工干的", "infringer"),
    ("investigation", "It's not the police, it's someone else", "authority"),
    ("criminal", "我儿子没有被抓", "stage"),
    # hypotheticals, fears and plans
    ("data_breach", "如果警察来了怎么办", "regulators_involved"),
    ("data_breach", "What if the regulator finds out?", "regulators_involved"),
    ("data_breach", "Should we call the police?", "regulators_involved"),
    ("data_breach", "要不要报警？", "regulators_involved"),
    ("data_breach", "如果还在泄露怎么办", "ongoing_or_contained"),
    ("data_breach", "可能还在泄露", "ongoing_or_contained"),
    ("data_breach", "Is it still leaking? I don't know", "ongoing_or_contained"),
    ("criminal", "If the police come, will they arrest me?", "stage"),
    ("criminal", "Can they detain me for scraping?", "stage"),
    ("criminal", "我会不会被抓", "stage"),
    ("criminal", "担心被起诉", "stage"),
    ("investigation", "Do we need to report to the CAC?", "authority"),
    ("investigation", "如果公安来了怎么办", "authority"),
    ("investigation", "If we don't reply within 3 days, what happens?", "deadline"),
    ("investigation", "会被罚款吗", "received"),
    ("ip", "How do we protect our code before someone copies it?", "infringement_now"),
    ("ip", "怎么防止被抄袭", "infringement_now"),
    ("ip", "需要登记软著吗", "registered"),
    ("contract", "We want a contract that helps us avoid disputes", "contract_stage"),
    ("cross_border", "Do we need a security assessment?", "transfer_mechanism"),
    ("cross_border", "我们是否属于关基", "cii_operator"),
    ("localization", "We plan to move to AWS Singapore", "hosting_location"),
    ("foreign_investment", "Should we set up a WFOE or a JV?", "chinese_entity"),
    ("personal_info", "有没有隐私政策我也不清楚", "consent_flow"),
    ("cross_border", "If we ever reach 1 million users", "individuals_count"),
    # not said, or said ambiguously
    ("icp", "网站有广告，需要ICP许可证吗", "offering"),
    ("icp", "Should we host on AWS Singapore or Alibaba Cloud?", "hosting"),
    ("icp", "Our users are in Germany", "entity_location"),
    ("cross_border", "We receive data from Germany", "destination_country"),
    ("cross_border", "我们有30万用户，其中5万人是儿童", "individuals_count"),
    ("personal_info", "We have about 1 million users", "individuals_count"),
    ("cybersecurity", "We build software for hospitals", "industry"),
    ("contract", "对方是一家外包公司", "counterparty_name"),
    ("contract", "The other party is a big company", "counterparty_name"),
    ("contract", "We are a German company", "counterparty_foreign"),
    ("contract", "我们是一家德国公司", "counterparty_foreign"),
    ("contract", "我们有30万用户", "amount_at_stake"),
    ("contract", "合同30万，对方说只付20万，我们要50万", "amount_at_stake"),
    ("foreign_investment", "We sell to customers in Japan", "home_country"),
    ("investigation", "We received the notice yesterday", "deadline"),
    ("investigation", "Respond by next Friday", "deadline"),
    ("investigation", "网信办和公安都来了", "authority"),
    ("employment", "我们公司有200名员工，其中一名离职去了竞争对手", "headcount"),
    ("employment", "我们有10个程序员，有一个离职后去了竞争对手", "headcount"),
    ("employment", "We have a team of 15 developers", "headcount"),
    ("ip", "前员工去了竞争对手那里", "infringer"),
    ("criminal", "我儿子被刑拘了，警察也找了我", "involved_person"),
    ("data_breach", "We need to fix it by Friday", "discovered_when"),
    ("data_breach", "The leak was contained but attackers still have access", "ongoing_or_contained"),
    ("ip", "我们没有抄袭，是对方说我们侵权", "infringement_now"),
    ("ip", "Someone accused us of infringing their patent", "infringement_now"),
    ("ip", "Someone accused us of infringing their patent", "asset_type"),
    ("ip", "我们有专利吗？不确定", "asset_type"),
    ("ip", "前员工没有带走代码", "infringer"),
    ("icp", "会员服务暂时不收费", "offering"),
    ("icp", "We are not going to charge users, it's free", "offering"),
    ("investigation", "我们之前被罚过款，这次又收到整改通知", "received"),
    ("investigation", "网信办的人说下周可能来检查", "received"),
    ("investigation", "派出所打电话说明天上午去一趟", "deadline"),
    ("investigation", "一个月前收到问询函", "deadline"),
    ("data_breach", "我们担心数据还在泄露", "ongoing_or_contained"),
    ("data_breach", "黑客说如果不付赎金就公开数据", "ongoing_or_contained"),
    ("data_breach", "没有证据表明数据被泄露", "affected_data"),
    ("data_breach", "Phone numbers weren't affected", "affected_data"),
    ("data_breach", "We are not sure whether the police need to be informed", "regulators_involved"),
    ("cross_border", "The user data is from Germany but stored in China", "destination_country"),
    ("cross_border", "We don't transfer anything to the US", "destination_country"),
    ("localization", "我们现在用的是阿里云，想知道能不能迁到AWS东京", "cii_operator"),
    ("localization", "Is it ok to keep data in Singapore?", "hosting_location"),
    ("criminal", "如果被判刑，公司会受影响吗", "stage"),
    ("criminal", "I wrote a scraper for a client. Could I be prosecuted?", "stage"),
    ("cybersecurity", "我们不是金融企业", "industry"),
    ("ecommerce", "顾客要求退款，他就去12315投诉", "issue"),
    ("contract", "甲方是我们，乙方是上海某某有限公司", "counterparty_name"),
]


@pytest.mark.parametrize(("code", "text", "key"), NEGATIVE)
def test_nothing_is_filled_in_that_was_not_said_unmistakably(code: str, text: str, key: str) -> None:
    assert key not in filled(code, text)


def test_a_first_message_can_answer_several_questions_at_once() -> None:
    assert filled("investigation", "网信办发来整改通知，要求三天内完成整改") == {
        "authority": "cac",
        "received": "rectification",
        "deadline": "within 3 days",
    }
    assert filled(
        "contract", "我们给对方开发了一个App，已经交付了，对方是XX科技有限公司，一直不付款，合同80w，已付60w"
    ) == {
        "contract_type": "software_development",
        "contract_stage": "dispute",
        "counterparty_name": "XX科技有限公司",
        "amount_at_stake": "800,000 CNY; paid 600,000 CNY",
    }
    assert filled(
        "data_breach",
        "We found yesterday that phone numbers and addresses of about 20,000 users leaked; "
        "it has been contained and we reported it to the police.",
    ) == {
        "ongoing_or_contained": "contained",
        "discovered_when": "2026-12-01",
        "affected_data": "phone numbers, addresses; about 20,000 people",
        "regulators_involved": "yes",
    }


def test_answers_already_given_are_never_overwritten() -> None:
    text = "网信办发来整改通知，要求三天内完成整改"
    result = p.prefill(
        "investigation", text, already={"authority": "public_security", "deadline": "unknown"}, today=TODAY
    )
    assert result == {"received": "rectification"}


def test_unknown_topics_and_empty_texts_give_nothing() -> None:
    assert p.prefill("out_of_scope", "网信办发来整改通知") == {}
    assert p.prefill("no_such_topic", "still leaking") == {}
    assert p.prefill("data_breach", "   ") == {}


def test_relative_dates_resolve_against_today() -> None:
    assert (
        p.prefill("investigation", "respond by Friday", today=date(2026, 12, 4))["deadline"] == "2026-12-04"
    )
    assert (
        p.prefill("investigation", "respond by Friday", today=date(2026, 12, 5))["deadline"] == "2026-12-11"
    )
    assert p.prefill("investigation", "截止1月10日前回复", today=TODAY)["deadline"] == "2027-01-10"
    assert p.prefill("data_breach", "12月20日发现的", today=TODAY)["discovered_when"] == "2025-12-20"


def test_every_prefilled_answer_is_a_question_and_option_of_its_topic() -> None:
    spec = p._spec()
    for code, rules in spec.topics.items():
        questions = {q.key: q for q in topics.get(code).questions}
        for key, rule in rules.items():
            assert key in questions, f"{code}.{key} is not a question of the topic"
            options = {o.value for o in questions[key].options}
            for entry in rule.entries:
                assert entry.value.startswith("_") or entry.value in options, f"{code}.{key}: {entry.value}"
            for value in (rule.resolve or {}).values():
                assert value.startswith("_") or value in options, f"{code}.{key}: {value}"
            if rule.kind == "count":
                assert p.buckets(options), f"{code}.{key}: no count ranges in {options}"


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("三十万", 300_000),
        ("两万", 20_000),
        ("1.2万", 12_000),
        ("一百二十万", 1_200_000),
        ("120万", 1_200_000),
        ("80w", 800_000),
        ("3k", 3_000),
        ("20,000", 20_000),
        ("1.5 million", 1_500_000),
        ("3千万", 30_000_000),
        ("十五", 15),
        ("twelve", 12),
        ("１２", 12),
    ],
)
def test_numbers_are_read_as_people_write_them(raw: str, number: float) -> None:
    assert p.parse_number(raw) == number


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("30万", "300,000 CNY"),
        ("三十万元", "300,000 CNY"),
        ("300,000 yuan", "300,000 CNY"),
        ("$50k", "50,000 USD"),
        ("RMB 1.2 million", "1,200,000 CNY"),
        ("5万美元", "50,000 USD"),
        ("20万块", "200,000 CNY"),
        ("€8,000", "8,000 EUR"),
        ("大约50万", "about 500,000 CNY"),
        ("合同100万，对方还欠30万", "1,000,000 CNY; outstanding 300,000 CNY"),
        ("30万用户", None),
        ("3 engineers", None),
    ],
)
def test_amounts_are_normalised(raw: str, amount: str | None) -> None:
    assert p.parse_amount(raw) == amount


@pytest.mark.parametrize(
    ("raw", "future", "expected"),
    [
        ("by Friday", True, "2026-12-04"),
        ("this Friday", True, "2026-12-04"),
        ("下周五", True, "2026-12-11"),
        ("本周五", True, "2026-12-04"),
        ("tomorrow", True, "2026-12-03"),
        ("后天", True, "2026-12-04"),
        ("12月5日", True, "2026-12-05"),
        ("2026年12月5日", True, "2026-12-05"),
        ("2026-12-05", True, "2026-12-05"),
        ("Dec 5th", True, "2026-12-05"),
        ("5 January", True, "2027-01-05"),
        ("月底", True, "2026-12-31"),
        ("yesterday", False, "2026-12-01"),
        ("昨晚", False, "2026-12-01"),
        ("前天", False, "2026-11-30"),
        ("3 days ago", False, "2026-11-29"),
        ("上周五", False, "2026-11-27"),
        ("last Monday", False, "2026-11-23"),
        ("上周", False, "week of 2026-11-23"),
        ("上个月", False, "2026-11"),
        ("next Friday", True, None),
    ],
)
def test_dates_resolve_against_today(raw: str, future: bool, expected: str | None) -> None:
    assert p.parse_date(raw, TODAY, future=future) == expected


def test_count_options_name_their_ranges() -> None:
    assert p.buckets(["under_1m", "from_1m_to_10m", "from_10m", "unsure"]) == [
        ("under_1m", 0, 999_999),
        ("from_1m_to_10m", 1_000_000, 9_999_999),
        ("from_10m", 10_000_000, float("inf")),
    ]
    assert p.buckets(["under_10k", "from_10k_to_1m", "over_1m"])[1] == ("from_10k_to_1m", 10_000, 1_000_000)
    assert p.buckets(["one", "two_to_ten", "over_ten"]) == [
        ("one", 1, 1),
        ("two_to_ten", 2, 10),
        ("over_ten", 11, float("inf")),
    ]


# ---------------------------------------------------------------- answers in the conversation's language


def filled_zh(code: str, text: str) -> dict[str, str]:
    return p.prefill(code, text, today=TODAY, language="zh")


# (topic, text, question key, expected answer in a Chinese conversation): every free-text kind.
CHINESE = [
    # place
    ("cross_border", "数据要传到德国总部", "destination_country", "德国"),
    ("cross_border", "我们要把数据传到俄罗斯", "destination_country", "俄罗斯"),
    ("cross_border", "香港的服务器要访问这些数据", "destination_country", "香港"),
    ("cross_border", "We transfer HR records to the US", "destination_country", "美国"),
    ("icp", "我们是哈尔滨的公司", "entity_location", "哈尔滨"),
    ("icp", "We are registered in Hong Kong", "entity_location", "香港"),
    ("foreign_investment", "来自韩国的游戏公司", "home_country", "韩国"),
    (
        "foreign_investment",
        "Our HQ is in Berlin and we aim to enter China by mid-2027",
        "home_country",
        "德国",
    ),
    # categories
    ("personal_info", "收集手机号、身份证号", "data_collected", "手机号、身份证号"),
    (
        "personal_info",
        "We collect names, phone numbers and addresses",
        "data_collected",
        "姓名、手机号、地址",
    ),
    ("cross_border", "客户联系方式和订单信息", "data_categories", "客户数据、订单记录"),
    ("localization", "车辆轨迹数据", "data_categories", "位置信息"),
    # affected: categories and a count
    ("data_breach", "泄露了手机号、身份证号，大约两万条", "affected_data", "手机号、身份证号；约2万条"),
    ("data_breach", "客户信息和手机号泄露了，大约两万条", "affected_data", "客户数据、手机号；约2万条"),
    ("data_breach", "5000名用户的密码泄露了", "affected_data", "密码；5000人"),
    ("data_breach", "超过10万用户的身份证号泄露", "affected_data", "身份证号；超过10万人"),
    ("data_breach", "不到1000名用户的邮箱泄露了", "affected_data", "邮箱地址；不到1000人"),
    ("data_breach", "几万条手机号泄露了", "affected_data", "手机号；几万条"),
    (
        "data_breach",
        "phone numbers of hundreds of thousands of users leaked",
        "affected_data",
        "手机号；20万至100万人",
    ),
    ("data_breach", "人脸照片泄露", "affected_data", "人脸信息"),
    # amount
    ("contract", "合同金额30万", "amount_at_stake", "30万元"),
    ("contract", "80w，已付60w", "amount_at_stake", "80万元；已付60万元"),
    ("contract", "They owe us 300,000 yuan", "amount_at_stake", "30万元"),
    ("contract", "about $50k is at stake", "amount_at_stake", "约5万美元"),
    ("contract", "a contract worth RMB 1.2 million", "amount_at_stake", "120万元"),
    # deadline: durations and days
    ("investigation", "要求三天内整改", "deadline", "3天内"),
    ("investigation", "15个工作日内回复", "deadline", "15个工作日内"),
    ("investigation", "要求12小时内回复", "deadline", "12小时内"),
    ("investigation", "We must reply within 3 days", "deadline", "3天内"),
    ("investigation", "12月5日前提交材料", "deadline", "12月5日前"),
    ("investigation", "下周一之前要交", "deadline", "12月7日前"),
    ("investigation", "截止1月10日前回复", "deadline", "2027年1月10日前"),
    ("investigation", "respond by next week", "deadline", "12月7日那一周"),
    # discovered
    ("data_breach", "昨晚发现数据库被黑", "discovered_when", "12月1日"),
    ("data_breach", "上周发现数据泄露", "discovered_when", "11月23日那一周"),
    ("data_breach", "上个月发现数据泄露", "discovered_when", "11月"),
    ("data_breach", "12月20日发现的", "discovered_when", "2025年12月20日"),
    # timeline
    ("foreign_investment", "计划明年上线", "timeline", "2027年"),
    ("foreign_investment", "打算2027年3月进入中国", "timeline", "2027年3月"),
    ("foreign_investment", "We want to start in Q3 2027", "timeline", "2027年第三季度"),
    ("foreign_investment", "半年内落地", "timeline", "6个月内"),
    ("foreign_investment", "想尽快开始", "timeline", "尽快"),
    ("foreign_investment", "计划明年年中上线", "timeline", "2027年年中"),
    ("foreign_investment", "计划明年年初进入中国", "timeline", "2027年初"),
    ("foreign_investment", "We plan to launch by the end of next year", "timeline", "2027年底"),
    # terms: industries and systems
    ("cybersecurity", "我们是金融行业的", "industry", "金融"),
    ("cybersecurity", "We're a fintech company", "industry", "金融"),
    ("localization", "我们是一家物流公司", "industry", "物流"),
    ("cybersecurity", "官网和小程序", "system_description", "网站、小程序"),
    ("cybersecurity", "工控系统", "system_description", "工业控制系统"),
    ("cybersecurity", "我们的App", "system_description", "手机App"),
    # company names stay as written
    ("contract", "对方是XX科技有限公司", "counterparty_name", "XX科技有限公司"),
    ("contract", "We signed with Acme Corp last year", "counterparty_name", "Acme Corp"),
    # choices and counts are option values, in any language
    ("icp", "我们的App有会员收费，也有广告", "offering", "paid_content"),
    ("investigation", "网信办约谈了我们", "authority", "cac"),
    ("personal_info", "有两万条用户数据", "individuals_count", "under_1m"),
]


@pytest.mark.parametrize(("code", "text", "key", "expected"), CHINESE)
def test_free_text_answers_are_written_in_chinese_in_a_chinese_conversation(
    code: str, text: str, key: str, expected: str
) -> None:
    assert filled_zh(code, text).get(key) == expected


def test_a_chinese_first_message_is_read_back_in_chinese() -> None:
    assert filled_zh(
        "contract", "我们给对方开发了一个App，已经交付了，对方是XX科技有限公司，一直不付款，合同80w，已付60w"
    ) == {
        "contract_type": "software_development",
        "contract_stage": "dispute",
        "counterparty_name": "XX科技有限公司",
        "amount_at_stake": "80万元；已付60万元",
    }
    assert filled_zh("investigation", "网信办发来整改通知，要求三天内完成整改") == {
        "authority": "cac",
        "received": "rectification",
        "deadline": "3天内",
    }


def test_english_stays_the_default() -> None:
    text = "数据要传到德国总部"
    assert p.prefill("cross_border", text, today=TODAY) == p.prefill(
        "cross_border", text, today=TODAY, language="en"
    )
    assert p.prefill("cross_border", text, today=TODAY)["destination_country"] == "Germany"


def test_the_chinese_answers_choose_the_same_questions_and_options_as_the_english_ones() -> None:
    for code, text, _, _ in [*POSITIVE, *CHINESE]:
        english, chinese = filled(code, text), filled_zh(code, text)
        assert english.keys() == chinese.keys(), text
        for key, value in english.items():
            options = {o.value for q in topics.get(code).questions if q.key == key for o in q.options}
            if options:
                assert chinese[key] == value, f"{code}.{key}: {text}"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        p.prefill("cross_border", "数据要传到德国总部", today=TODAY, language="fr")


def test_every_place_category_industry_and_system_has_a_chinese_label() -> None:
    raw = p._spec().raw
    groups = [raw["places"]["regions"], raw["places"]["cities"], raw["data_categories"]]
    for items in [*groups, raw["industries"], raw["systems"]]:
        for item in items:
            label = str(item.get("zh_name") or "")
            assert re.search(r"[\u4e00-\u9fff]", label), f"{item['name']}: no Chinese label"


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("30万", "30万元"),
        ("$50k", "5万美元"),
        ("€8,000", "8000欧元"),
        ("大约50万", "约50万元"),
        ("超过100万", "超过100万元"),
        ("不到30万", "不到30万元"),
        ("合同100万，对方还欠30万", "100万元；未付30万元"),
        ("1.5亿元", "1.5亿元"),
        ("30万用户", None),
    ],
)
def test_amounts_are_written_in_chinese(raw: str, amount: str | None) -> None:
    assert p.parse_amount(raw, language="zh") == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不到1000名用户的邮箱泄露了", "email addresses; under 1,000 people"),
        ("不少于5000名用户的手机号泄露了", "phone numbers; over 5,000 people"),
        ("passwords of no more than 500 users leaked", "passwords; under 500 people"),
        ("passwords of not less than 500 users leaked", "passwords; over 500 people"),
    ],
)
def test_qualifiers_that_look_like_negations_still_qualify(text: str, expected: str) -> None:
    assert filled("data_breach", text)["affected_data"] == expected


# ---------------------------------------------------------------- answers that would make a matter urgent


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("criminal", "听说那帮人被抓了，我以前帮他们写过代码，我会不会有事"),
        ("criminal", "新闻上说好几个做数据的公司老板被抓了，我们这种有风险吗"),
        (
            "criminal",
            "I read that the people behind the scam app were arrested; I once built a page for them",
        ),
        ("investigation", "They said they will inspect us again sometime next year, how do we prepare?"),
        ("investigation", "听说明年网信办要来复查，我们该准备什么"),
    ],
)
def test_a_story_about_others_or_later_does_not_answer_for_the_user(code, text):
    found = p.prefill(code, text, language="zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en")
    assert found.get("stage") != "detained" and found.get("received") not in {
        "inspection",
        "rectification",
        "penalty",
    }


@pytest.mark.parametrize(
    ("code", "text", "key", "value"),
    [
        ("criminal", "我表弟昨天被刑拘了，关在看守所", "stage", "detained"),
        ("criminal", "My cousin was arrested by the police yesterday and is still held", "stage", "detained"),
    ],
)
def test_the_users_own_matter_still_answers(code, text, key, value):
    language = "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en"
    assert p.prefill(code, text, language=language).get(key) == value
