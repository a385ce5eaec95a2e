"""Configuration from environment variables, with working local defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Every address and file location the assistant uses; each overridable by environment."""

    var_dir: Path
    model_path: Path
    spacy_model_dir: Path
    rasa_port: int
    action_port: int
    host: str
    web_port: int = 8000

    @property
    def action_endpoint(self) -> str:
        return os.environ.get(
            "ACTION_ENDPOINT_URL", f"http://{self.host}:{self.action_port}/webhook"
        )

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "tracker.db"


def load() -> Settings:
    var_dir = _path("LAWBOT_VAR_DIR", PROJECT_ROOT / "var")
    return Settings(
        var_dir=var_dir,
        model_path=_path("LAWBOT_MODEL", PROJECT_ROOT / "models" / "lawbot.tar.gz"),
        spacy_model_dir=PROJECT_ROOT / "models" / "spacy_lawbot",
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        host=os.environ.get("LAWBOT_HOST", "127.0.0.1"),
        web_port=int(os.environ.get("WEB_PORT", "8000")),
    )
