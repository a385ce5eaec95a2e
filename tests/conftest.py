"""Shared fixtures: the real domain, the trained model in-process, and the running stack."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def stack(tmp_path_factory, model_path):
    """The real action server and Rasa server on free ports, with their own var/ directory."""
    from bot.supervisor import Stack

    base = load_settings()
    settings = Settings(
        var_dir=tmp_path_factory.mktemp("var"),
        model_path=model_path,
        spacy_model_dir=base.spacy_model_dir,
        rasa_port=free_port(),
        action_port=free_port(),
        host="127.0.0.1",
    )
    running = Stack(settings)
    running.start(progress=False)
    yield running
    running.stop()
