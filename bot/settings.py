"""Configuration from environment variables, with working local defaults.

Every setting the assistant reads is read here, once, by `load()`; the rest of the code asks
`Settings` (Rasa's channel credentials excepted: bot/rasa/channels/ reads those as Rasa hands
them over). A bad value (a port that is not a number) fails at start, not in the middle of a
conversation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class SmtpSettings:
    """How email deliveries reach the SMTP server (LAWBOT_SMTP_*); no host: email waits."""

    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "lawbot@localhost"
    # TLS by default: STARTTLS (port 587), or implicit TLS (port 465 or LAWBOT_SMTP_TLS=1);
    # plain SMTP only with LAWBOT_SMTP_STARTTLS=0, and then never with a login.
    starttls: bool = True
    tls: bool = False
    ca_file: str | None = None  # a private CA for the relay's certificate (LAWBOT_SMTP_CA_FILE)


@dataclass(frozen=True)
class DeliverySettings:
    """How hard the delivery worker tries (LAWBOT_DELIVERY_*)."""

    backoff: float = 30.0  # seconds before the second try; doubles with each try
    backoff_max: float = 3600.0
    max_attempts: int = 8
    poll: float = 2.0  # seconds between looks at the outbox


@dataclass(frozen=True)
class Settings:
    """Every address, file location and period the assistant uses; each overridable by environment."""

    var_dir: Path
    model_path: Path
    spacy_model_dir: Path
    rasa_port: int
    action_port: int
    host: str
    web_port: int = 8000
    # The leads database (any SQLAlchemy URL); empty: SQLite in var_dir.
    database_url: str = ""
    # The privacy notice's retention period: leads, conversations, spool and logs older are deleted.
    retention_days: int = 180
    # Seconds between tries to save the spooled leads while the leads database is unreachable.
    spool_interval: float = 5.0
    # The Rasa server as the visitor's browser reaches it; None: not set (each user picks a default).
    rasa_public_url: str | None = None
    rasa_api_token: str | None = field(default=None, repr=False)
    # Where Rasa finds the actions; None: the action server on `host` and `action_port`.
    action_endpoint_url: str | None = None
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    # "embedded" (make run: SQLite, example firms, REST open for development) or "production".
    profile: str = "embedded"
    # REST channel: in production only when set, and then as `Authorization: Bearer <token>`.
    rest_token: str | None = field(default=None, repr=False)
    # The secret Rasa sends to the action server (and helpers check); None: the supervisor
    # makes one per start and hands it to both.
    action_secret: str | None = field(default=None, repr=False)
    # Fernet keys, newest first (LAWBOT_ENCRYPTION_KEYS, comma-separated); empty: the key file
    # under var_dir (embedded profile only; production refuses to start without a key).
    encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    # The key of the keyed hashes that find a phone or email without decrypting (LAWBOT_SEARCH_KEY).
    search_key: str | None = field(default=None, repr=False)
    # Conversations that never reached consent are deleted after this many days.
    unconsented_days: int = 30
    # Abuse limits: longest message read, messages per conversation and per IP address a
    # minute, leads per contact (phone or email) a day, largest request body in bytes.
    max_message_chars: int = 4000
    messages_per_minute: int = 20
    ip_messages_per_minute: int = 60
    leads_per_contact_per_day: int = 3
    max_request_bytes: int = 1_000_000
    # The window of the two message limits above, in seconds (tests shorten it).
    rate_window_seconds: float = 60.0
    # Production profile (README "Production profile"): Rasa's tracker store on PostgreSQL
    # (empty: the leads database), its Redis lock store, its Pika event broker on RabbitMQ.
    tracker_database_url: str = field(default="", repr=False)
    redis_url: str | None = field(default=None, repr=False)
    redis_key_prefix: str = "lawbot"  # letters and digits only (Rasa's rule)
    rabbitmq_url: str | None = field(default=None, repr=False)
    rabbitmq_queue: str = "lawbot_events"
    # `make run-production` (bot/ops/production.py): this many Rasa servers, each with its own
    # action server, on consecutive ports from rasa_port and action_port, and nginx in front on
    # proxy_port (0: no proxy).
    instances: int = 1
    proxy_port: int = 0
    # Proxies (addresses or networks) whose X-Forwarded-For names the client for the rate limit
    # per address; loopback is always one (nginx on this machine).
    trusted_proxies: tuple[str, ...] = ()

    @property
    def production(self) -> bool:
        return self.profile == "production"

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.var_dir / 'leads.db'}")

    @property
    def action_endpoint(self) -> str:
        return self.action_endpoint_url or f"http://{self.host}:{self.action_port}/webhook"

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "tracker.db"

    @property
    def tracker_store_url(self) -> str:
        """The tracker store as SQLAlchemy reaches it (the supervisor configures Rasa's SQL
        tracker store on it): the SQLite file, or PostgreSQL in the production profile."""
        if self.production:
            return self.tracker_database_url or self.database_url
        return f"sqlite:///{self.tracker_db}"

    @property
    def rabbitmq_exchange(self) -> str:
        """The fanout exchange Rasa publishes tracker events to (bound to `rabbitmq_queue`)."""
        return f"{self.rabbitmq_queue}.exchange"


def _smtp() -> SmtpSettings:
    port_text = os.environ.get("LAWBOT_SMTP_PORT")
    tls = _flag("LAWBOT_SMTP_TLS") or port_text == "465"
    starttls = not tls and _flag("LAWBOT_SMTP_STARTTLS", default=True)
    return SmtpSettings(
        host=os.environ.get("LAWBOT_SMTP_HOST") or None,
        port=int(port_text or (465 if tls else 587 if starttls else 25)),
        user=os.environ.get("LAWBOT_SMTP_USER") or None,
        password=os.environ.get("LAWBOT_SMTP_PASSWORD") or None,
        sender=os.environ.get("LAWBOT_SMTP_FROM") or "lawbot@localhost",
        starttls=starttls,
        tls=tls,
        ca_file=os.environ.get("LAWBOT_SMTP_CA_FILE") or None,
    )


def _delivery() -> DeliverySettings:
    defaults = DeliverySettings()
    return DeliverySettings(
        backoff=float(os.environ.get("LAWBOT_DELIVERY_BACKOFF", defaults.backoff)),
        backoff_max=float(os.environ.get("LAWBOT_DELIVERY_BACKOFF_MAX", defaults.backoff_max)),
        max_attempts=max(1, int(os.environ.get("LAWBOT_DELIVERY_MAX_ATTEMPTS", defaults.max_attempts))),
        poll=float(os.environ.get("LAWBOT_DELIVERY_POLL", defaults.poll)),
    )


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
        database_url=os.environ.get("LAWBOT_DATABASE_URL", ""),
        retention_days=int(os.environ.get("LAWBOT_RETENTION_DAYS", "180")),
        spool_interval=float(os.environ.get("LAWBOT_SPOOL_INTERVAL", "5")),
        rasa_public_url=(os.environ.get("RASA_PUBLIC_URL") or "").rstrip("/") or None,
        rasa_api_token=os.environ.get("RASA_API_TOKEN") or None,
        action_endpoint_url=os.environ.get("ACTION_ENDPOINT_URL"),
        smtp=_smtp(),
        delivery=_delivery(),
        profile=(os.environ.get("LAWBOT_PROFILE") or "embedded").strip().lower(),
        rest_token=os.environ.get("LAWBOT_REST_TOKEN") or None,
        action_secret=os.environ.get("LAWBOT_ACTION_SECRET") or None,
        encryption_keys=tuple(
            key.strip() for key in (os.environ.get("LAWBOT_ENCRYPTION_KEYS") or "").split(",") if key.strip()
        ),
        search_key=os.environ.get("LAWBOT_SEARCH_KEY") or None,
        unconsented_days=int(os.environ.get("LAWBOT_UNCONSENTED_DAYS", "30")),
        max_message_chars=int(os.environ.get("LAWBOT_MAX_MESSAGE_CHARS", "4000")),
        messages_per_minute=int(os.environ.get("LAWBOT_MESSAGES_PER_MINUTE", "20")),
        ip_messages_per_minute=int(os.environ.get("LAWBOT_IP_MESSAGES_PER_MINUTE", "60")),
        leads_per_contact_per_day=int(os.environ.get("LAWBOT_LEADS_PER_CONTACT_PER_DAY", "3")),
        max_request_bytes=int(os.environ.get("LAWBOT_MAX_REQUEST_BYTES", "1000000")),
        rate_window_seconds=float(os.environ.get("LAWBOT_RATE_WINDOW_SECONDS", "60")),
        tracker_database_url=os.environ.get("LAWBOT_TRACKER_DATABASE_URL", ""),
        redis_url=os.environ.get("LAWBOT_REDIS_URL") or None,
        redis_key_prefix=os.environ.get("LAWBOT_REDIS_PREFIX") or "lawbot",
        rabbitmq_url=os.environ.get("LAWBOT_RABBITMQ_URL") or None,
        rabbitmq_queue=os.environ.get("LAWBOT_RABBITMQ_QUEUE") or "lawbot_events",
        instances=int(os.environ.get("LAWBOT_INSTANCES") or 1),
        proxy_port=int(os.environ.get("LAWBOT_PROXY_PORT") or 0),
        trusted_proxies=tuple(
            proxy.strip()
            for proxy in (os.environ.get("LAWBOT_TRUSTED_PROXIES") or "").split(",")
            if proxy.strip()
        ),
    )
