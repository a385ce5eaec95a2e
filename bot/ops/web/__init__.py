"""The web app on port 8000: the website chat widget's files, its demo page, and (later) the
intake staff console. `python -m bot.ops.web --port N`; `create_app()` builds it for tests."""

from bot.ops.web.app import create_app
from bot.ops.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
