"""Each topic's knowledge is complete in both languages, and the legal-term gazetteer finds
terms in English, Chinese and mixed text."""

import pytest
import yaml

from actions.topic import topic_buttons
from bot import topics
from bot.rasa.spacy_pipeline import build
from bot.settings import PROJECT_ROOT
from bot.terms import load_terms


def test_every_topic_of_the_brief_has_knowledge_in_both_languages():
    loaded = topics.all_topics()  # parse_topic refuses a text missing a language
    assert list(loaded) == list(topics.TOPIC_CODES)
    for topic in loaded.values():
        assert topic.questions, f"{topic.code} has no follow-up questions"
        for language in ("en", "zh"):
            assert topic.information(language).startswith("• ")
            assert len(topic.documents[language]) >= 3


def test_question_keys_are_unique_within_a_topic_and_options_have_values():
    for topic in topics.all_topics().values():
        keys = [q.key for q in topic.questions]
        assert len(keys) == len(set(keys)), topic.code
        for question in topic.questions:
            assert all(o.value for o in question.options)


def test_notes_only_refer_to_questions_and_values_the_topic_asks():
    for topic in topics.all_topics().values():
        questions = {q.key: q for q in topic.questions}
        for note in topic.notes:
            for key, value in note.when.items():
                assert key in questions, f"{topic.code}: note on unknown question {key}"
                options = {o.value for o in questions[key].options}
                assert not options or value in options, f"{topic.code}: {key}={value}"


def test_information_puts_the_note_matching_the_answers_first():
    icp = topics.get("icp")
    note = icp.notes[0]
    text = icp.information("en", dict(note.when))
    assert text.splitlines()[0] == f"• {note.text['en']}"
    assert note.text["en"] not in icp.information("en", {})


def test_intents_map_to_topic_codes():
    assert topics.topic_of_intent("topic_data_breach") == "data_breach"
    assert topics.topic_of_intent("out_of_scope") == "out_of_scope"
    assert topics.topic_of_intent("greet") is None
    assert topics.topic_of_intent(None) is None


def test_the_topic_buttons_select_each_topic_and_speak_the_language():
    buttons = topic_buttons("zh")
    assert [b["payload"] for b in buttons[:-1]] == [f"/topic_{c}" for c in topics.TOPIC_CODES]
    assert buttons[-1]["payload"] == "/out_of_scope"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in b["title"]) for b in buttons)


@pytest.fixture(scope="module")
def nlp():
    return build(load_terms())


@pytest.mark.parametrize(
    "text, label, found",
    [
        ("我们公司网站要做ICP备案吗", "permit", "ICP备案"),
        ("网信办给我们发了整改通知", "authority", "网信办"),
        ("Is our consent flow compliant with the PIPL?", "law", "PIPL"),
        ("do we need an icp license for paid services", "permit", "icp license"),
        ("我们的App收集人脸信息", "data_category", "人脸信息"),
    ],
)
def test_the_spacy_pipeline_finds_legal_terms_in_both_languages(nlp, text, label, found):
    entities = {(e.text, e.label_) for e in nlp(text).ents}
    assert (found, label) in entities


def test_no_term_pattern_is_listed_twice():
    patterns = [p.lower() for entries in load_terms().values() for term in entries for p in term["patterns"]]
    assert len(patterns) == len(set(patterns))


def test_every_response_has_an_english_and_a_chinese_variation():
    for path in sorted((PROJECT_ROOT / "domain").glob("*.yml")):
        responses = yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
        for name, variations in responses.items():
            zh = [
                v
                for v in variations
                if v.get("condition") == [{"type": "slot", "name": "language", "value": "zh"}]
            ]
            default = [v for v in variations if not v.get("condition")]
            assert zh and default, f"{path.name}: {name} lacks a zh or a default variation"
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in v["text"]) for v in zh), name


@pytest.mark.parametrize("name", ["intake.yml", "glossary.yml"])
def test_every_text_the_intake_composes_exists_in_english_and_chinese(name):
    from bot.topics import TOPICS_DIR

    def texts(node, path):
        if isinstance(node, dict) and set(node) <= {"en", "zh"}:
            yield path, node
        elif isinstance(node, dict):
            for key, value in node.items():
                yield from texts(value, f"{path}.{key}")

    found = list(texts(yaml.safe_load((TOPICS_DIR.parent / name).read_text(encoding="utf-8")), name))
    assert found
    for path, text in found:
        assert all(str(text.get(lang, "")).strip() for lang in ("en", "zh")), path
