"""Shared fixtures: the real domain, the trained model in-process, and the running stack."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot.db import upgrade
from bot.settings import PROJECT_ROOT
from bot.settings import load as load_settings
from tests.support import POSTGRES_ADMIN_URL, free_port, lead_fields, require_postgres, start_stack

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# One encryption key and search key for the tests' process and every server it starts (each
# stack has its own var/, where the embedded profile would make a key of its own); the
# simulated users share phone numbers, so the daily limit per contact is lifted except where
# tests/unit/test_leads.py sets it.
os.environ.setdefault("LAWBOT_ENCRYPTION_KEYS", Fernet.generate_key().decode())
os.environ.setdefault("LAWBOT_SEARCH_KEY", Fernet.generate_key().decode())
os.environ.setdefault("LAWBOT_LEADS_PER_CONTACT_PER_DAY", "1000")


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
    from bot.rasa.classifier import Classifier

    return Classifier(model_path)


@pytest.fixture(scope="session")
def stack(tmp_path_factory, model_path):
    """The real action server and Rasa server on free ports, with their own var/ directory."""
    running = start_stack(tmp_path_factory.mktemp("var"), model_path)
    yield running
    running.stop()


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    upgrade(url)
    return url


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
    from tests.support import add_firm

    return add_firm


@pytest.fixture
def unused_port() -> int:
    return free_port()
