"""Writes the Rasa test stories of the intake: each topic's happy path (one turn per follow-up
question the topic really has) and the digressions, from the same topic knowledge the bot
uses, so the stories can never drift from it. `make stories` runs them with
`rasa test core --fail-on-prediction-errors`.

    python -m scripts.intake_stories OUTPUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bot import intake, topics
from bot.lead_draft import DISPUTE_TOPICS


def form_turns(form: str, intents: list[str]) -> list[dict]:
    """The user answers the form's questions; the form runs after each answer."""
    steps = []
    for intent in intents:
        steps += [{"intent": intent}, {"action": form}]
    return steps


def form_done(next_actions: list[str]) -> list[dict]:
    return [
        {"active_loop": None},
        {"slot_was_set": [{"requested_slot": None}]},
        *({"action": a} for a in next_actions),
    ]


def saved(share: bool) -> list[dict]:
    """The contact form done and the lead saved; `share`: firms were named, their consent follows."""
    return [*form_done(["action_complete_intake"]), {"slot_was_set": [{"share_pending": share}]}]


def start(code: str) -> list[dict]:
    return [
        {"intent": f"topic_{code}"},
        {"action": "action_start_intake"},
        {"action": "intake_form"},
        {"active_loop": "intake_form"},
    ]


def answers(code: str) -> list[str]:
    """A button for a choice question, free text for the others, as a user would answer; a
    "yes" to the separate consent before the first sensitive question."""
    intents: list[str] = []
    for question in intake.questions_for(code):
        if question.sensitive and "affirm" not in intents:
            intents.append("affirm")
        intents.append("choose" if question.options else "nlu_fallback")
    return intents


def through_questions(code: str) -> list[dict]:
    """The topic's questions answered, the information given, the contact form asked."""
    return [
        *form_turns("intake_form", answers(code)),
        *form_done(["action_give_information", "contact_form"]),
        {"active_loop": "contact_form"},
    ]


def handoff() -> list[dict]:
    return [
        {"intent": "request_human"},
        {"action": "action_handoff"},
        {"active_loop": None},
        {"action": "contact_form"},
        {"active_loop": "contact_form"},
    ]


def contact_steps(code: str) -> list[dict]:
    intents = ["affirm"]  # the privacy notice
    if intake.is_sensitive(code, {}) and not intake.sensitive_keys(code):
        intents.append("affirm")  # the sensitive consent, when the questions did not ask it
    intents += ["inform", "inform"]  # name (and company), phone
    if code in DISPUTE_TOPICS and code != "contract":
        intents.append("nlu_fallback")  # the other party
    intents.append("affirm")  # the summary
    return form_turns("contact_form", intents)


def happy_path(code: str) -> dict:
    steps = [
        *start(code),
        *through_questions(code),
        *contact_steps(code),
        *saved(share=False),
    ]
    return {"story": f"{code}: a complete intake", "steps": steps}


def digressions() -> list[dict]:
    resume_intake = [
        {"action": "action_answer_digression"},
        {"action": "intake_form"},
        {"active_loop": "intake_form"},
    ]
    resume_contact = [
        {"action": "action_answer_digression"},
        {"action": "contact_form"},
        {"active_loop": "contact_form"},
    ]
    return [
        {
            "story": "why do you ask, then the question again",
            "steps": [
                *start("ip"),
                {"intent": "ask_why"},
                *resume_intake,
                *through_questions("ip"),
            ],
        },
        {
            "story": "what is PIPL, in the middle of the questions",
            "steps": [
                *start("cross_border"),
                {"intent": "choose"},
                {"action": "intake_form"},
                {"intent": "ask_law"},
                *resume_intake,
                {"intent": "nlu_fallback"},
                {"action": "intake_form"},
            ],
        },
        {
            "story": "side questions during the contact details",
            "steps": [
                *start("employment"),
                *through_questions("employment"),
                {"intent": "affirm"},
                {"action": "contact_form"},
                {"intent": "show_my_data"},
                *resume_contact,
                {"intent": "choose_lawyer"},
                *resume_contact,
                {"intent": "bot_challenge"},
                *resume_contact,
                {"intent": "nlu_fallback"},
                {"action": "contact_form"},
            ],
        },
        {
            "story": "the urgency disputed and a language asked for, in the middle of the questions",
            "steps": [
                *start("criminal"),
                {"intent": "contest_urgency"},
                *resume_intake,
                {"intent": "switch_language"},
                *resume_intake,
                {"intent": "inform"},
                {"action": "intake_form"},
            ],
        },
        {
            "story": "consent refused: information, no lead",
            "steps": [
                *start("icp"),
                *through_questions("icp"),
                {"intent": "deny"},
                {"action": "contact_form"},
                *saved(share=False),
            ],
        },
        {
            "story": "sensitive consent refused: its questions skipped, the lead kept minimal",
            "steps": [
                *start("criminal"),
                {"intent": "deny"},
                {"action": "intake_form"},
                *form_done(["action_give_information", "contact_form"]),
                {"active_loop": "contact_form"},
                *form_turns("contact_form", ["affirm", "inform", "inform", "affirm"]),
                *saved(share=False),
            ],
        },
        {
            "story": "a person, asked for during the questions",
            "steps": [
                *start("data_breach"),
                *handoff(),
                *form_turns("contact_form", ["affirm", "inform", "inform", "affirm"]),
                *saved(share=False),
            ],
        },
        {
            "story": "a person, asked for first thing",
            "steps": [
                *handoff(),
            ],
        },
        {
            "story": "start over during the contact details",
            "steps": [
                *start("employment"),
                *through_questions("employment"),
                {"intent": "start_over"},
                {"action": "action_start_over"},
                {"active_loop": None},
                *start("ecommerce"),
            ],
        },
        {
            "story": "the topic was misunderstood: the topics, then a fresh intake",
            "steps": [
                *start("contract"),
                {"intent": "wrong_topic"},
                {"action": "action_change_topic"},
                {"active_loop": None},
                *start("ip"),
            ],
        },
        {
            "story": "the firms are named and the user agrees to share",
            "steps": [
                *start("localization"),
                *through_questions("localization"),
                *contact_steps("localization"),
                *saved(share=True),
                {"action": "share_form"},
                {"active_loop": "share_form"},
                {"intent": "affirm"},
                {"action": "share_form"},
                *form_done(["action_share_lead"]),
            ],
        },
        {
            "story": "the firms are named and the user types the answer in words",
            "steps": [
                *start("icp"),
                *through_questions("icp"),
                *contact_steps("icp"),
                *saved(share=True),
                {"action": "share_form"},
                {"active_loop": "share_form"},
                {"intent": "nlu_fallback"},
                {"action": "share_form"},
                *form_done(["action_share_lead"]),
            ],
        },
        {
            "story": "delete my data during the questions, confirmed",
            "steps": [
                *start("criminal"),
                {"intent": "delete_my_data"},
                {"action": "action_ask_erasure"},
                {"active_loop": None},
                {"action": "erasure_form"},
                {"active_loop": "erasure_form"},
                {"intent": "affirm"},
                {"action": "erasure_form"},
                *form_done(["action_finish_erasure"]),
            ],
        },
        {
            "story": "delete my data after the intake, cancelled",
            "steps": [
                *start("ecommerce"),
                *through_questions("ecommerce"),
                *contact_steps("ecommerce"),
                *saved(share=False),
                {"intent": "delete_my_data"},
                {"action": "action_ask_erasure"},
                {"active_loop": None},
                {"action": "erasure_form"},
                {"active_loop": "erasure_form"},
                {"intent": "inform"},
                {"action": "erasure_form"},
                *form_done(["action_finish_erasure"]),
            ],
        },
    ]


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "var/results/stories")
    out.mkdir(parents=True, exist_ok=True)
    stories = [happy_path(code) for code in topics.TOPIC_CODES] + digressions()
    (out / "test_intake.yml").write_text(
        yaml.safe_dump({"version": "3.1", "stories": stories}, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    print(f"{len(stories)} intake stories written to {out / 'test_intake.yml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
