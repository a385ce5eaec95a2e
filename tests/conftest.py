"""Shared fixtures: the real domain, the trained model in-process, and the running stack."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot.db import upgrade
from bot.settings import PROJECT_ROOT, Settings
from bot.settings import load as load_settings

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(PROJECT_ROOT / "domain"))


@pytest.fixture(scope="session")
def model_path() -> Path:
    path = load_settings().model_path
    if not path.exists():
        pytest.fail(f"no trained model at {path}: run the tests with `make test`")
    return path


@pytest.fixture(scope="session")
def classifier(model_path):
    from bot.classifier import Classifier

    return Classifier(model_path)


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


@pytest.fixture(scope="session")
def stack(tmp_path_factory, model_path):
    """The real action server and Rasa server on free ports, with their own var/ directory."""
    running = start_stack(tmp_path_factory.mktemp("var"), model_path)
    yield running
    running.stop()


# The leads database, real in both its forms: a SQLite file (the embedded default) and a fresh
# PostgreSQL database per test (the production profile), both migrated by Alembic.
POSTGRES_ADMIN_URL = os.environ.get(
    "LAWBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    upgrade(url)
    return url


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


@pytest.fixture
def postgres_url():
    admin = require_postgres()
    name = f"lawbot_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f"create database {name}"))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    create_engine(url, future=True).dispose()
    with admin.connect() as connection:
        connection.execute(text(f"drop database {name} with (force)"))


@pytest.fixture(params=["sqlite", "postgres"])
def session(request):
    url = request.getfixturevalue(f"{request.param}_url")
    engine = create_engine(url, future=True)
    with sessionmaker(engine, future=True)() as s:
        yield s
    engine.dispose()


def lead_fields(**overrides) -> dict:
    """A complete lead as the intake saves it (a Chinese ransomware case unless overridden)."""
    fields = dict(
        channel="rest", conversation_id=f"conv-{uuid.uuid4().hex[:8]}", language="zh",
        topic="data_breach", urgency="high", summary="服务器被勒索病毒加密，客户数据可能泄露",
        answers={"ongoing_or_contained": "ongoing"},
        contact={"name": "王芳", "phone": "+8613812345678", "email": "wang@example.com",
                 "preferred_channel": "phone"},
        counterparty=None,
        consent={"notice_version": "2026-11", "given_at": "2026-11-29T06:00:00Z", "share_with_firms": False},
    )
    fields.update(overrides)
    return fields


@pytest.fixture
def make_lead():
    """Saves a lead in the given session: make_lead(session, topic="icp", ...)."""
    from bot import leads

    def make(session, **overrides):
        return leads.save(session, f"test#{uuid.uuid4()}", **lead_fields(**overrides))

    return make


@pytest.fixture
def make_firm():
    """Adds a valid firm to the directory: make_firm(session, "Name", topics=[...], ...)."""
    from bot import firms

    def make(session, name, **overrides):
        raw = dict(name=name, topics=["data_breach"], languages=["zh", "en"], handles_urgent=False,
                   weekly_capacity=5, fee_models=["hourly"], contact_email=None,
                   webhook_url="http://127.0.0.1:9/unused", webhook_secret="s3cret")
        raw.update(overrides)
        firm, _ = firms.upsert(session, firms.validate(raw))
        session.commit()
        return firm

    return make


@pytest.fixture
def unused_port() -> int:
    return free_port()
