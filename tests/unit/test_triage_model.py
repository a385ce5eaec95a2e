"""The statistical second reader of triage (bot/triage_model.py): its examples are sound and
never overlap the evaluation sets, it calls clear cases the way a person would, and it stays
quiet where the rules or the user said there is nothing urgent."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot import triage, triage_model
from bot.settings import PROJECT_ROOT


def _key(text: str) -> str:
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", text)).lower()


def test_examples_are_labelled_consistently():
    examples = triage_model.load_examples()
    assert len(examples) > 1000
    for example in examples:
        assert set(example.reasons) <= set(triage_model.REASONS), example
        assert example.urgent == bool(example.reasons), example
    assert {e.urgent for e in examples} == {True, False}


def test_no_evaluation_message_is_among_the_examples():
    taught = {_key(e.text) for e in triage_model.load_examples()}
    for path in (PROJECT_ROOT / "tests" / "triage").glob("*.yml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            assert _key(item["text"]) not in taught, f"{path.name}: {item['text'][:40]}"


@pytest.mark.parametrize(
    "text",
    [
        "my business partner got picked up by the PSB this morning and nobody will tell us where he is",
        "老板下午被经侦的人从办公室直接带走了，手机也收了，家属到现在都联系不上",
        "somebody is still logged into our admin panel and deleting customer records as I type this",
        "网信办刚打电话，要我们明天上午带着APP的隐私政策去他们那说明情况",
    ],
)
def test_clear_urgent_messages_are_urgent_with_a_reason(text):
    reasons = triage.reader().reasons(text)
    assert reasons and reasons <= set(triage_model.REASONS)


@pytest.mark.parametrize(
    "text",
    [
        "we are drafting a privacy policy for an app we plan to launch next summer",
        "想了解一下软件著作权登记大概需要准备哪些材料，不着急",
        "What does a standard SaaS contract usually say about data ownership?",
    ],
)
def test_calm_questions_are_not_urgent(text):
    assert triage.reader().reasons(text) == set()
    assert triage.assess(text).urgency == "normal"


def test_a_word_or_two_is_left_to_the_rules():
    assert triage.reader().reasons("help!!") == set()


def test_the_user_saying_it_is_not_urgent_is_not_overruled():
    text = "somebody is still logged into our admin panel and deleting customer records"
    assert triage.reader().reasons(text)
    calm = "Nothing urgent, just for my notes: " + text + " was the plot of a film we watched"
    assert triage._second_reading(calm, date(2026, 11, 29)) == set()


def test_retrained_from_whatever_examples_it_is_given(tmp_path: Path):
    rows = [
        {"text": f"the police took my brother {i} away tonight", "urgency": "high", "reasons": ["detention"]}
        for i in range(12)
    ] + [{"text": f"how do I register software copyright number {i}", "urgency": "normal"} for i in range(12)]
    (tmp_path / "en.yml").write_text(yaml.safe_dump(rows), encoding="utf-8")
    small = triage_model.UrgencyModel(triage_model.load_examples(tmp_path))
    assert small.reasons("the police took my brother away") == {"detention"}
    assert small.reasons("how do I register software copyright") == set()


def test_an_unseen_writer_is_read_well_enough():
    """The model alone (no rules), trained without one outside writer's messages per language, on
    that writer: right most times it says "urgent", and finds most of them."""
    results = triage_model.writer_cross_validation(
        lambda text: False,
        lambda text: False,
        calm=(),
        thresholds=(triage_model.URGENT_AT,),
        held_out=("en.writer8.yml", "zh.writer8.yml"),
    )
    assert set(results) == {"en", "zh"}
    for rows in results.values():
        [(threshold, precision, recall)] = rows
        assert threshold == triage_model.URGENT_AT
        assert precision >= 0.85 and recall >= 0.5
