"""What the tests share besides fixtures: starting the real stack, the PostgreSQL check, a
complete lead's fields. Fixtures (tests/conftest.py) and tests import from here."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.ops.ports import free_port
from bot.settings import PROJECT_ROOT, Settings
from bot.settings import load as load_settings

TELEGRAM_SECRET = "tg-webhook-secret-0123456789"
REST_TOKEN = "rest-token-for-the-channels-stack-0123456789"


def rest_id(sender: str) -> str:
    """The conversation id the REST channel gives a `sender` (bot/rasa/channels/rest.py)."""
    return f"rest:{sender}"


def start_stack(var_dir, model_path, env: dict[str, str] | None = None):
    """The real servers on free ports with their own var/ directory (leads database migrated).
    `env` is set for the start only: the children keep their copy, the tests' process does not."""
    from bot.db import upgrade
    from bot.ops.supervisor import Stack

    base = load_settings()
    settings = Settings(
        var_dir=var_dir,
        model_path=model_path,
        spacy_model_dir=base.spacy_model_dir,
        rasa_port=free_port(),
        action_port=free_port(),
        host="127.0.0.1",
        web_port=free_port(),
    )
    upgrade(f"sqlite:///{settings.var_dir / 'leads.db'}")
    env = env(settings) if callable(env) else (env or {})
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        running = Stack(settings)
        running.start(progress=False)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return running


# The leads database, real in both its forms: a SQLite file (the embedded default) and a fresh
# PostgreSQL database per test (the production profile), both migrated by Alembic.
POSTGRES_ADMIN_URL = os.environ.get(
    "LAWBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def require_postgres():
    """The PostgreSQL server's admin engine; a test without it fails in CI, is skipped elsewhere."""
    try:
        admin = create_engine(POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001
        if os.environ.get("LAWBOT_CI"):
            pytest.fail(f"PostgreSQL must be running in CI: {error}")
        pytest.skip(f"PostgreSQL not reachable: {error}")
    return admin


def require_service(name: str, host: str, port: int) -> None:
    """The service answers on its port; otherwise the test is skipped here, a failure in CI."""
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as error:
        if os.environ.get("LAWBOT_CI"):
            pytest.fail(f"{name} must be running in CI ({host}:{port}): {error}")
        pytest.skip(f"{name} not reachable at {host}:{port}: {error}")


def drop_databases(names: list[str], patience: float = 60) -> None:
    """Drops the databases (connections and all) on a fresh connection, waiting out a
    PostgreSQL that is restarting (the fault tests restart it)."""
    from sqlalchemy.exc import OperationalError

    deadline = time.monotonic() + patience
    while True:
        admin = create_engine(POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                for name in names:
                    connection.execute(text(f'drop database if exists "{name}" with (force)'))
            return
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)
        finally:
            admin.dispose()


def delete_vhost(vhost: str, patience: float = 60) -> None:
    """Deletes a RabbitMQ vhost of a test run with rabbitmqctl, waiting out a broker that is
    briefly stopped (the fault tests stop it)."""
    from bot.ops import production

    deadline = time.monotonic() + patience
    while True:
        try:
            if vhost in production.list_vhosts():
                production.delete_vhost(vhost)
            return
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


def lead_fields(**overrides) -> dict:
    """A complete lead as the intake saves it (a Chinese ransomware case unless overridden)."""
    fields = dict(
        channel="rest",
        conversation_id=f"rest:conv-{uuid.uuid4().hex[:8]}",
        language="zh",
        topic="data_breach",
        urgency="high",
        summary="服务器被勒索病毒加密，客户数据可能泄露",
        answers={"ongoing_or_contained": "ongoing"},
        contact={
            "name": "王芳",
            "phone": "+8613812345678",
            "email": "wang@example.com",
            "preferred_channel": "phone",
        },
        counterparty=None,
        consent={"notice_version": "2026-11", "given_at": "2026-11-29T06:00:00Z", "share_with_firms": False},
    )
    fields.update(overrides)
    return fields


def add_firm(session, name: str, commit: bool = True, **overrides):
    """Adds a valid firm to the directory (a breach firm answering in both languages unless
    overridden); flushed, and committed unless `commit` is False."""
    from bot import firms

    raw = dict(
        name=name,
        topics=["data_breach"],
        languages=["zh", "en"],
        handles_urgent=False,
        weekly_capacity=5,
        fee_models=["hourly"],
        contact_email=None,
        webhook_url="http://127.0.0.1:9/unused",
        webhook_secret="s3cret",
    )
    raw.update(overrides)
    firm, _ = firms.upsert(session, firms.validate(raw))
    session.flush()
    if commit:
        session.commit()
    return firm


def run_module(args: list[str], env: dict[str, str] | None = None, timeout: float = 120):
    """`python -m <args>` from the project root, as a user would run it; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
