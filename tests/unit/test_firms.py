"""The firm directory: validation, idempotent import, the example file and `lawbot firms`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import yaml

from bot import firms
from bot.settings import PROJECT_ROOT
from bot.topics import TOPIC_CODES

EXAMPLE = PROJECT_ROOT / "examples" / "firms.example.yml"


def entry(**overrides):
    raw = dict(
        name="Test Firm",
        topics=["icp"],
        languages=["zh"],
        weekly_capacity=3,
        contact_email="intake@test-firm.example",
    )
    raw.update(overrides)
    return raw


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"topics": ["icp", "divorce"]}, "unknown topics 'divorce'; known topics: icp, personal_info"),
        ({"topics": []}, "at least one of topics is required"),
        ({"languages": ["zh", "cn"]}, "unknown languages 'cn'"),
        ({"fee_models": ["contingency"]}, "unknown fee_models 'contingency'; known fee_models: fixed"),
        ({"weekly_capacity": 0}, "weekly_capacity must be at least 1"),
        ({"weekly_capacity": "many"}, "weekly_capacity must be a whole number"),
        ({"contact_email": "not-an-address"}, "is not an email address"),
        ({"contact_email": None}, "give a contact_email or a webhook_url"),
        ({"webhook_url": "ftp://firm.example/in"}, "must be an http(s) URL"),
        ({"handles_urgent": "sometimes"}, "handles_urgent must be true or false"),
        ({"phone": "123"}, "unknown field(s) phone"),
        ({"name": " "}, "name is required"),
    ],
)
def test_an_invalid_entry_is_refused_with_a_message_naming_the_field(overrides, message):
    with pytest.raises(firms.FirmError) as error:
        firms.validate(entry(**overrides), "firms.yml entry 2")
    assert message in str(error.value)
    assert str(error.value).startswith("firms.yml entry 2")


def test_an_entry_is_normalised():
    valid = firms.validate(entry(topics="icp, ecommerce,icp", languages=["en", "zh"], handles_urgent="yes"))
    assert valid.topics == ("icp", "ecommerce")
    assert valid.languages == ("en", "zh") and valid.handles_urgent is True and valid.fee_models == ()


def test_import_is_idempotent_by_name_and_by_id(session):
    assert firms.import_entries(session, [entry(), entry(name="Other Firm")]) == (2, 0)
    assert firms.import_entries(session, [entry(name="test firm", weekly_capacity=9)]) == (0, 1)
    firm = firms.directory(session)[1]
    assert (firm.name, firm.weekly_capacity) == ("test firm", 9)
    assert firms.import_entries(session, [entry(id=firm.id, name="Renamed Firm")]) == (0, 1)
    assert [f.name for f in firms.directory(session)] == ["Other Firm", "Renamed Firm"]
    with pytest.raises(firms.FirmError, match="no firm with id 999"):
        firms.import_entries(session, [entry(id=999)])


def test_a_file_with_one_bad_entry_changes_nothing(session):
    with pytest.raises(firms.FirmError, match="entry 2 'Bad Firm': unknown topics"):
        firms.import_entries(session, [entry(), entry(name="Bad Firm", topics=["tax"])])
    with pytest.raises(firms.FirmError, match="listed twice: test firm"):
        firms.import_entries(session, [entry(), entry(name="TEST FIRM")])
    assert firms.directory(session, include_inactive=True) == []


def test_a_webhook_gets_a_secret_that_survives_reimport(session):
    firms.import_entries(session, [entry(webhook_url="https://firm.example/leads")])
    secret = firms.directory(session)[0].webhook_secret
    assert len(secret) == 64
    firms.import_entries(session, [entry(webhook_url="https://firm.example/leads", weekly_capacity=4)])
    assert firms.directory(session)[0].webhook_secret == secret
    firms.import_entries(session, [entry(webhook_url="https://firm.example/leads", webhook_secret="given")])
    assert firms.directory(session)[0].webhook_secret == "given"


def test_deactivated_firms_leave_the_directory_but_not_the_database(session):
    firms.import_entries(session, [entry()])
    firm = firms.deactivate(session, firms.directory(session)[0].id)
    assert firms.directory(session) == [] and firms.directory(session, include_inactive=True) == [firm]
    with pytest.raises(firms.FirmError, match="no firm with id 12345"):
        firms.deactivate(session, 12345)


def test_the_example_directory_is_marked_as_example_data_and_covers_the_demo():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.startswith("# EXAMPLE DATA - NOT REAL LAW FIRMS.")
    entries = [firms.validate(raw) for raw in yaml.safe_load(text)["firms"]]
    assert 5 <= len(entries) <= 6
    assert all(e.name.startswith("Example ") for e in entries)
    assert any(e.handles_urgent for e in entries)
    assert {"zh", "en", "ru"} <= {lang for e in entries for lang in e.languages}
    assert {topic for e in entries for topic in e.topics} == set(TOPIC_CODES)
    for e in entries:
        assert e.contact_email.endswith(".example")
        assert not e.webhook_url or urlsplit(e.webhook_url).hostname in ("127.0.0.1", "localhost")


@pytest.fixture
def lawbot(sqlite_url):
    def run(*args):
        env = {**os.environ, "LAWBOT_DATABASE_URL": sqlite_url}  # as the test has set it now
        return subprocess.run(
            [sys.executable, "-m", "bot.ops.cli", "firms", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=PROJECT_ROOT,
            timeout=120,
        )

    return run


def test_the_firms_command_adds_lists_imports_and_deactivates(lawbot, tmp_path):
    added = lawbot(
        "add",
        "--name",
        "Songbei Tech Law",
        "--topics",
        "icp,contract",
        "--languages",
        "zh,en",
        "--urgent",
        "--capacity",
        "4",
        "--fees",
        "fixed",
        "--webhook-url",
        "http://127.0.0.1:8765/in",
    )
    assert added.returncode == 0, added.stderr
    assert "added firm 1: Songbei Tech Law" in added.stdout and "webhook secret" in added.stdout

    assert (
        lawbot(
            "add",
            "--name",
            "Songbei Tech Law",
            "--topics",
            "icp",
            "--languages",
            "zh",
            "--capacity",
            "1",
            "--email",
            "a@b.example",
        ).returncode
        == 1
    )
    refused = lawbot(
        "add",
        "--name",
        "X",
        "--topics",
        "tax",
        "--languages",
        "zh",
        "--capacity",
        "1",
        "--email",
        "a@b.example",
    )
    assert refused.returncode == 1 and "unknown topics 'tax'" in refused.stderr

    imported = lawbot("import", str(EXAMPLE))
    assert imported.returncode == 0 and "6 added, 0 updated" in imported.stdout
    assert "0 added, 6 updated" in lawbot("import", str(EXAMPLE)).stdout
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "name": "Bad",
                    "topics": ["icp"],
                    "languages": ["xx"],
                    "weekly_capacity": 1,
                    "contact_email": "a@b.example",
                }
            ]
        )
    )
    failed = lawbot("import", str(bad))
    assert failed.returncode == 1 and "unknown languages 'xx'" in failed.stderr

    listed = [json.loads(line) for line in lawbot("list", "--json").stdout.splitlines()]
    assert len(listed) == 7 and "webhook_secret" not in listed[0]
    songbei = next(f for f in listed if f["name"] == "Songbei Tech Law")
    assert songbei["topics"] == ["icp", "contract"] and songbei["handles_urgent"] is True
    assert "Songbei Tech Law" in lawbot("list").stdout

    assert lawbot("deactivate", str(songbei["id"])).returncode == 0
    assert "Songbei Tech Law" not in lawbot("list").stdout
    assert "INACTIVE  Songbei Tech Law" in lawbot("list", "--all").stdout
    assert lawbot("deactivate", "999").returncode == 1


def test_an_import_without_active_never_reactivates_a_deactivated_firm(session):
    firms.import_entries(session, [entry()])
    firm = firms.deactivate(session, firms.directory(session)[0].id)
    assert firms.import_entries(session, [entry(weekly_capacity=7)]) == (0, 1)
    session.refresh(firm)
    assert firm.active is False and firm.weekly_capacity == 7
    firms.import_entries(session, [entry(active=True)])  # said explicitly: staff mean it
    session.refresh(firm)
    assert firm.active is True


def test_example_firms_only_in_the_demo_profile_and_never_reactivated(session):
    raws = firms.load_file(EXAMPLE)
    with pytest.raises(firms.NotInThisProfile):
        firms.import_examples(session, raws, production=True)
    assert firms.directory(session, include_inactive=True) == []

    assert firms.import_examples(session, raws, production=False) == len(raws)
    first = firms.directory(session)[0]
    firms.deactivate(session, first.id)
    first.weekly_capacity = 1
    session.commit()
    assert firms.import_examples(session, raws, production=False) == 0  # `make run` again
    session.refresh(first)
    assert first.active is False and first.weekly_capacity == 1


def test_make_run_loads_examples_in_the_embedded_profile_only(lawbot, monkeypatch):
    loaded = lawbot("import", "--examples", str(EXAMPLE))
    assert loaded.returncode == 0 and "6 added" in loaded.stdout
    listed = [json.loads(line) for line in lawbot("list", "--json").stdout.splitlines()]
    assert lawbot("deactivate", str(listed[0]["id"])).returncode == 0
    again = lawbot("import", "--examples", str(EXAMPLE))
    assert again.returncode == 0 and "0 added" in again.stdout
    assert "INACTIVE" in lawbot("list", "--all").stdout
    monkeypatch.setenv("LAWBOT_PROFILE", "production")
    refused = lawbot("import", "--examples", str(EXAMPLE))
    assert refused.returncode == 0 and "skipped" in refused.stdout  # make run goes on, loading nothing
