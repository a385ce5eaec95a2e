"""Strangers: the simulated users whose words nobody building the bot wrote
(tests/strangers/users_*.yml) each play a whole intake over the real REST channel; every lead
is then read from the leads database and checked (topic, urgency, language, E.164 phone,
email, name, consent). Prints the figures, writes every failing transcript, draws
docs/strangers.png, and fails below `--min-pass`.

    .venv/bin/python -m scripts.strangers [--min-pass 0.9] [--only zh-07,en-03]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import statistics
import sys
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot import db, leads
from bot.db import upgrade
from bot.ops.ports import free_port
from bot.ops.supervisor import Stack
from bot.settings import PROJECT_ROOT
from bot.settings import load as load_settings
from scripts.persona_user import PersonaUser, load_personas
from scripts.simulated_user import RestChat

TURN_GOAL, TURN_LIMIT = 8, 12


def _same(value: Any) -> Any:
    """Values compared as a person reads them: full-width and half-width forms alike, spacing
    and case ignored ("伊万（Ivan Petrov）" is "伊万 (Ivan Petrov)")."""
    if not isinstance(value, str):
        return value or None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower() or None


def _one_script_of(got: Any, want: Any) -> bool:
    """The expected name is one script of a name kept in both ("德米特里（Dmitry Volkov）" holds
    "Dmitry Volkov"): the lead keeps every script the user gave, the writer named one."""
    both = re.fullmatch(r"(.+?)\s*[（(](.+)[）)]", unicodedata.normalize("NFKC", got or ""))
    return bool(both) and _same(want) in (_same(both.group(1)), _same(both.group(2)))


def check(persona: dict[str, Any], lead: dict[str, Any] | None, out_of_scope: str | None = None) -> list[str]:
    """What is wrong with the lead a persona's conversation left (empty: correct). A matter that
    is no IT law is handled right when the bot says so, in the person's language, and saves nothing."""
    if persona["expect"]["topic"] == "out_of_scope":
        told = (
            [] if out_of_scope == persona["language"] else [f"not told it is out of scope ({out_of_scope})"]
        )
        return told + ([f"lead saved as {lead['topic']}"] if lead else [])
    if lead is None:
        return ["no lead saved"]
    expect = persona["expect"]
    contact = lead["contact"]
    wrong = []
    for name, got, want in (
        ("topic", lead["topic"], expect["topic"]),
        ("urgency", lead["urgency"], expect["urgency"]),
        ("language", lead["language"], persona["language"]),
        ("phone", contact.get("phone"), expect.get("phone")),
        ("email", (contact.get("email") or None), (expect.get("email") or None)),
        ("name", contact.get("name"), expect.get("name")),
    ):
        if _same(got) != _same(want) and not (name == "name" and _one_script_of(got, want)):
            wrong.append(f"{name}: {got!r} instead of {want!r}")
    if bool(lead["consent"].get("given_at")) != bool(expect.get("consent", True)):
        wrong.append("consent not recorded")
    return wrong


def chart(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for language, colour in (("zh", "#c0392b"), ("en", "#2c7fb8")):
        mine = [r for r in results if r["language"] == language]
        turns = [r["turns"] for r in mine]
        left.hist(
            turns,
            bins=range(1, 18),
            alpha=0.6,
            color=colour,
            label=f"{language} (median {statistics.median(turns):.0f})",
        )
        ok = sum(not r["problems"] for r in mine)
        right.bar(language, ok, color=colour)
        right.bar(language, len(mine) - ok, bottom=ok, color="#bbbbbb")
        right.text(language, ok / 2, f"{ok}/{len(mine)}", ha="center", color="white", fontweight="bold")
    left.axvline(
        TURN_GOAL + 0.5, color="green", linestyle="--", linewidth=1, label=f"goal: median ≤ {TURN_GOAL}"
    )
    left.axvline(TURN_LIMIT + 0.5, color="crimson", linestyle="--", linewidth=1, label=f"limit {TURN_LIMIT}")
    left.set_xlabel("user turns to a saved lead")
    left.set_ylabel("simulated strangers")
    left.legend(frameon=False, fontsize=8)
    right.set_title("correct leads (grey: wrong or missing)")
    figure.suptitle("Strangers: simulated users written apart from the bot's rules and data")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--min-pass", type=float, default=0.0, help="share of correct leads required")
    parser.add_argument("--only", help="persona ids, comma-separated")
    parser.add_argument("--personas", type=Path, help="a folder of users_*.yml (default: tests/strangers)")
    parser.add_argument("--chart", default=str(PROJECT_ROOT / "docs" / "strangers.png"))
    parser.add_argument("--out", default=str(PROJECT_ROOT / "var" / "results" / "strangers"))
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    personas = [p for p in load_personas(args.personas) if only is None or p["id"] in only]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as var:
        settings = dataclasses.replace(
            load_settings(),
            var_dir=Path(var),
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
            # Strangers of different writers may type the same example number ("+852 9123 4567"):
            # each is a different person here, so the per-contact daily limit must not join them.
            leads_per_contact_per_day=1000,
        )
        url = f"sqlite:///{Path(var) / 'leads.db'}"
        upgrade(url)
        # This process reads the stack's encrypted leads: the same var/, so the same key file.
        os.environ["LAWBOT_VAR_DIR"] = var
        os.environ["LAWBOT_LEADS_PER_CONTACT_PER_DAY"] = str(settings.leads_per_contact_per_day)
        stack = Stack(settings)
        print(f"starting the assistant for {len(personas)} strangers…", flush=True)
        stack.start(progress=False)
        try:
            RestChat(stack.rasa_url).say("hello")  # warm-up

            def play(persona: dict[str, Any]) -> PersonaUser:
                return PersonaUser(persona, RestChat(stack.rasa_url, audit=False)).play()

            with ThreadPoolExecutor(args.workers) as pool:
                for done, user in enumerate(pool.map(play, personas), start=1):
                    with db.session_scope(url) as session:
                        saved = leads.of_conversation(session, user.chat.conversation_id)
                        lead = saved[0].to_dict() if saved else None
                    problems = check(user.persona, lead, user.out_of_scope)
                    turns = user.turns_to_lead
                    if turns > TURN_LIMIT:
                        problems.append(f"{turns} turns (limit {TURN_LIMIT})")
                    results.append(
                        {
                            "id": user.persona["id"],
                            "language": user.persona["language"],
                            "turns": turns,
                            "problems": problems,
                        }
                    )
                    if problems:
                        (out / f"{user.persona['id']}.json").write_text(
                            json.dumps(
                                {"problems": problems, "lead": lead, "transcript": user.chat.transcript},
                                ensure_ascii=False,
                                indent=1,
                            ),
                            encoding="utf-8",
                        )
                    if done % 10 == 0 or done == len(personas):
                        print(f"  {done}/{len(personas)} strangers", flush=True)
        finally:
            stack.stop()
    for language in ("zh", "en"):
        mine = [r for r in results if r["language"] == language]
        if not mine:
            continue
        ok = sum(not r["problems"] for r in mine)
        turns = [r["turns"] for r in mine]
        print(
            f"[{language}] {ok}/{len(mine)} correct leads; turns median {statistics.median(turns):.0f}, "
            f"max {max(turns)}, over {TURN_LIMIT}: {sum(t > TURN_LIMIT for t in turns)}"
        )
    for r in results:
        if r["problems"]:
            print(f"  {r['id']}: {'; '.join(r['problems'])}")
    if len(results) > 1:
        chart(results, Path(args.chart))
        print(f"chart: {args.chart}; failing transcripts: {out}/")
    share = sum(not r["problems"] for r in results) / max(1, len(results))
    return 0 if share >= args.min_pass else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
