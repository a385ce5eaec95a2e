"""`lawbot classify` as the brief's command-line contract describes it."""

import json
import subprocess
import sys


def test_classify_reads_stdin_and_prints_one_json_object_per_message(model_path):
    messages = [
        "我们公司被勒索病毒攻击了，服务器数据全被加密",
        "Our client refuses to pay the last invoice for the app we built for them",
        "hi",
        "",
        "What's the weather in Harbin tomorrow?",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "bot.ops.cli", "classify"],
        input="\n".join(messages) + "\n",
        capture_output=True,
        text=True,
        cwd="/tmp",  # works from any directory
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == [m for m in messages if m]  # blank lines skipped
    assert set(rows[0]) == {"text", "topic", "confidence", "language"}
    assert (rows[0]["topic"], rows[0]["language"]) == ("data_breach", "zh")
    assert (rows[1]["topic"], rows[1]["language"]) == ("contract", "en")
    assert rows[2]["topic"] is None
    assert rows[3]["topic"] == "out_of_scope"
    assert all(0 <= r["confidence"] <= 1 for r in rows)


def test_classify_takes_messages_as_arguments():
    result = subprocess.run(
        [sys.executable, "-m", "bot.ops.cli", "classify", "CAC给我们下了整改通知，要求十天内整改"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    row = json.loads(result.stdout)
    assert (row["topic"], row["language"]) == ("investigation", "zh")
