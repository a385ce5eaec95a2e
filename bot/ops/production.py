"""The production profile's parts that the supervisor's loop (bot/ops/supervisor.py) uses:

- what the profile requires (`production_problems`) and how Rasa reaches the stores
  (`production_endpoints`, `store_passwords`);
- `make run-production INSTANCES=N`: N Rasa servers, each with an action server of its own
  (`instances`), behind nginx (`nginx_config`: Debian's binary, run as the supervisor's child
  with a config, pid file, logs and temp paths under var/, never the system service);
- the provisioning of this machine's services at start: the PostgreSQL databases
  (`ensure_databases`) and the RabbitMQ vhost with the user's permissions (`ensure_vhost`,
  through `rabbitmqctl`: the management API is not enabled here);
- `deploy/local.env` (`load_env_file`: variables already in the environment win).

Longer than 300 lines: the profile's requirements, its provisioning and its proxy are one launch.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from bot.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

Say = Callable[[str], None]

# Production: the passwords in the stores' URLs reach Rasa only through these variables, which
# Rasa substitutes when it reads endpoints.yml (the file holds none).
STORE_PASSWORD_ENV = {
    "tracker": "LAWBOT_TRACKER_DB_PASSWORD",
    "redis": "LAWBOT_REDIS_PASSWORD",
    "rabbitmq": "LAWBOT_RABBITMQ_PASSWORD",
}

NGINX = Path("/usr/sbin/nginx")  # Debian's package (`make nginx-installed`)
RABBITMQCTL = Path("/usr/sbin/rabbitmqctl")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def production_problems(settings: Settings) -> list[str]:
    """What the production profile lacks, one line each (empty: it may start)."""
    problems = []
    if not settings.database_url.startswith("postgresql"):
        problems.append("LAWBOT_DATABASE_URL: the leads database on PostgreSQL (postgresql://user@host/db)")
    if settings.tracker_database_url and not settings.tracker_database_url.startswith("postgresql"):
        problems.append("LAWBOT_TRACKER_DATABASE_URL: a PostgreSQL URL (or unset: the leads database)")
    if not (settings.redis_url or "").startswith(("redis://", "rediss://")):
        problems.append("LAWBOT_REDIS_URL: Rasa's lock store (redis://[:password@]host:6379/db)")
    if not settings.redis_key_prefix.isalnum():
        problems.append("LAWBOT_REDIS_PREFIX: letters and digits only")
    if not (settings.rabbitmq_url or "").startswith(("amqp://", "amqps://")):
        problems.append("LAWBOT_RABBITMQ_URL: Rasa's event broker (amqp://user:password@host:5672/vhost)")
    if not settings.encryption_keys:
        problems.append("LAWBOT_ENCRYPTION_KEYS: encryption at rest (make one with `lawbot keys new`)")
    if not settings.search_key:
        problems.append("LAWBOT_SEARCH_KEY: the key of the contact hashes (any long random string)")
    return problems


def launch_problems(settings: Settings) -> list[str]:
    """What keeps the N instances or the proxy from starting, one line each, in any profile."""
    problems = []
    if settings.instances < 1:
        problems.append("LAWBOT_INSTANCES: at least 1")
    if settings.instances > 1 and not settings.production:
        problems.append(
            "LAWBOT_INSTANCES > 1 needs LAWBOT_PROFILE=production (the embedded profile's SQLite "
            "tracker store and in-memory locks are one server's)"
        )
    if settings.instances > 1 and settings.action_endpoint_url:
        problems.append("ACTION_ENDPOINT_URL: unset with LAWBOT_INSTANCES > 1 (each instance has its own)")
    if settings.proxy_port and not NGINX.exists():
        problems.append(f"LAWBOT_PROXY_PORT: nginx is not installed at {NGINX} (`make nginx-installed`)")
    return problems


def store_passwords(settings: Settings) -> dict[str, str]:
    """The environment the Rasa server needs to fill in endpoints.yml's ${...} passwords."""
    if not settings.production:
        return {}
    from sqlalchemy.engine import make_url

    found = {
        "tracker": make_url(settings.tracker_store_url).password,
        "redis": urlsplit(settings.redis_url or "").password,
        "rabbitmq": urlsplit(settings.rabbitmq_url or "").password,  # as in the URL (Rasa puts it back)
    }
    return {STORE_PASSWORD_ENV[name]: str(value) for name, value in found.items() if value}


def production_endpoints(settings: Settings) -> dict[str, object]:
    """Rasa's tracker store (ours, on PostgreSQL), Redis lock store (Rasa's, made atomic for
    several servers: bot/rasa/lock_store.py) and Pika event broker."""
    from sqlalchemy.engine import make_url

    def secret(name: str, present: object) -> dict[str, str]:
        return {"password": "${" + STORE_PASSWORD_ENV[name] + "}"} if present else {}

    db = make_url(settings.tracker_store_url)
    tracker: dict[str, object] = {
        "type": "bot.rasa.stores.ErasingSQLTrackerStore",
        "dialect": db.drivername,
        "url": db.host or "127.0.0.1",  # Rasa hands `url` over as `host`
        "port": db.port or 5432,
        "db": db.database,
        **({"username": db.username} if db.username else {}),
        **secret("tracker", db.password),
    }
    redis = urlsplit(settings.redis_url or "")
    lock: dict[str, object] = {
        "type": "bot.rasa.lock_store.AtomicRedisLockStore",  # Rasa's, with atomic ticket changes
        "url": redis.hostname or "127.0.0.1",
        "port": redis.port or 6379,
        "db": int(redis.path.strip("/") or 0),
        "key_prefix": settings.redis_key_prefix,
        "use_ssl": redis.scheme == "rediss",
        **({"username": unquote(redis.username)} if redis.username else {}),
        **secret("redis", redis.password),
    }
    amqp = urlsplit(settings.rabbitmq_url or "")
    vhost = amqp.path if amqp.path not in ("", "/") else ""
    broker: dict[str, object] = {
        "type": "bot.rasa.broker.NamesOnlyPikaEventBroker",  # names only on the queue
        "url": f"{amqp.scheme}://{amqp.hostname or '127.0.0.1'}:{amqp.port or 5672}{vhost}",
        "username": amqp.username or "guest",
        "password": "${" + STORE_PASSWORD_ENV["rabbitmq"] + "}" if amqp.password else "",
        "queues": [settings.rabbitmq_queue],
        "exchange_name": settings.rabbitmq_exchange,
    }
    return {"tracker_store": tracker, "lock_store": lock, "event_broker": broker}


# ---- deploy/local.env ------------------------------------------------------------------------

_ENV_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines (blank lines and `#` comments skipped; a value may be quoted)."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: not a NAME=value line")
        name, value = match.group(1), match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


def load_env_file(path: Path, environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Sets the file's variables that the environment does not have (the real environment
    wins); returns the ones taken from the file."""
    environ = os.environ if environ is None else environ
    taken = {name: value for name, value in read_env_file(path).items() if name not in environ}
    environ.update(taken)
    return taken


# ---- provisioning ------------------------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _reachable(url: URL) -> bool:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect():
            return True
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def ensure_databases(settings: Settings, say: Say = print) -> list[str]:
    """Creates the leads and tracker databases that cannot be reached and do not exist yet
    (through the server's `postgres` database, with the same user: a database that exists is
    never touched, so a user without rights on `postgres` is fine); returns the names created."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    created = []
    for url in dict.fromkeys([settings.database_url, settings.tracker_store_url]):
        target = make_url(url)
        name = target.database or ""
        if not target.drivername.startswith("postgresql") or _reachable(target):
            continue
        if not _NAME.match(name):
            raise ValueError(f"database name {name!r}: letters, digits and _ only")
        admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                found = connection.execute(text("select 1 from pg_database where datname = :n"), {"n": name})
                if found.first() is None:
                    connection.execute(text(f'create database "{name}"'))
                    created.append(name)
                    say(f"  created the PostgreSQL database {name}")
        finally:
            admin.dispose()
    return created


def _rabbitmqctl(rabbitmqctl: Path, *args: str) -> str:
    done = subprocess.run(
        [str(rabbitmqctl), "-s", *args], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {(done.stderr or done.stdout).strip()}")
    return done.stdout


def list_vhosts(rabbitmqctl: Path = RABBITMQCTL) -> list[str]:
    return _rabbitmqctl(rabbitmqctl, "list_vhosts", "name").split()


def rabbitmq_vhost(url: str) -> str:
    """The vhost an AMQP URL names ("/" when none)."""
    path = urlsplit(url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def ensure_vhost(settings: Settings, say: Say = print, rabbitmqctl: Path = RABBITMQCTL) -> bool:
    """Creates the broker URL's vhost when missing and gives the URL's user all rights on it
    when it has none, with `rabbitmqctl` (a broker on this machine only: elsewhere its operator
    does it); returns whether anything was changed."""
    url = settings.rabbitmq_url or ""
    parts = urlsplit(url)
    vhost, user = rabbitmq_vhost(url), unquote(parts.username or "guest")
    if vhost == "/" or (parts.hostname or "127.0.0.1") not in LOCAL_HOSTS:
        return False
    if not rabbitmqctl.exists():
        say(f"  {rabbitmqctl} not found: create the RabbitMQ vhost {vhost!r} yourself if it is missing")
        return False
    changed = False
    if vhost not in list_vhosts(rabbitmqctl):
        _rabbitmqctl(rabbitmqctl, "add_vhost", vhost)
        say(f"  created the RabbitMQ vhost {vhost}")
        changed = True
    users = [
        line.split("\t")[0]
        for line in _rabbitmqctl(rabbitmqctl, "list_permissions", "-p", vhost).splitlines()
    ]
    if user not in users:
        _rabbitmqctl(rabbitmqctl, "set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        say(f"  gave the RabbitMQ user {user} its rights on the vhost {vhost}")
        changed = True
    return changed


def delete_vhost(vhost: str, rabbitmqctl: Path = RABBITMQCTL) -> None:
    """Deletes a vhost and everything in it (the tests' own, after a run)."""
    _rabbitmqctl(rabbitmqctl, "delete_vhost", vhost)


# ---- N instances behind nginx ------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """One Rasa server and its own action server (ports counted from RASA_PORT / ACTION_PORT)."""

    number: int  # 1..N
    rasa_port: int
    action_port: int
    count: int  # N

    def name(self, what: str) -> str:
        """ "Rasa server", or "Rasa server 2" when there are several."""
        return what if self.count == 1 else f"{what} {self.number}"

    def file(self, stem: str, suffix: str) -> str:
        """ "rasa.log", or "rasa-2.log" when there are several."""
        return f"{stem}{suffix}" if self.count == 1 else f"{stem}-{self.number}{suffix}"


def instances(settings: Settings) -> list[Instance]:
    count = max(1, settings.instances)
    return [Instance(i + 1, settings.rasa_port + i, settings.action_port + i, count) for i in range(count)]


def upstream_host(settings: Settings) -> str:
    """Where nginx reaches the servers (they listen on LAWBOT_HOST)."""
    return "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104


def nginx_paths(settings: Settings) -> dict[str, Path]:
    base = settings.var_dir / "nginx"
    return {
        "dir": base,
        "conf": base / "nginx.conf",
        "pid": base / "nginx.pid",
        "log": settings.var_dir / "log" / "nginx.log",  # errors (the supervisor's log of the child too)
        "access": settings.var_dir / "log" / "nginx-access.log",
    }


NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "lawbot.conf.template"


def nginx_config(settings: Settings) -> str:
    """deploy/nginx/lawbot.conf.template filled in: `/webhooks/` (REST, Telegram, WeChat)
    round-robin over the Rasa servers, `/socket.io` sticky by client address with WebSocket
    upgrades, everything else to the web app (demo page and widget, staff console)."""
    paths = nginx_paths(settings)
    host = upstream_host(settings)
    fields = {
        "PID": str(paths["pid"]),
        "ERROR_LOG": str(paths["log"]),
        "ACCESS_LOG": str(paths["access"]),
        "TEMP": str(paths["dir"]),
        "MAX_BODY": str(settings.max_request_bytes),
        "RASA_SERVERS": "\n".join(f"        server {host}:{i.rasa_port};" for i in instances(settings)),
        "WEB_SERVER": f"{host}:{settings.web_port}",
        "LISTEN": f"{host}:{settings.proxy_port}",
    }
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        raise ValueError(f"{NGINX_TEMPLATE}: a field without a value: {text[text.index('@@') :][:40]!r}")
    return text


def write_nginx_config(settings: Settings) -> Path:
    paths = nginx_paths(settings)
    paths["dir"].mkdir(parents=True, exist_ok=True)
    paths["log"].parent.mkdir(parents=True, exist_ok=True)
    paths["conf"].write_text(nginx_config(settings), encoding="utf-8")
    return paths["conf"]


def nginx_command(settings: Settings, *options: str) -> list[str]:
    """nginx with our config, its prefix under var/nginx and its early errors in our log."""
    paths = nginx_paths(settings)
    nginx = str(NGINX) if NGINX.exists() else (shutil.which("nginx") or str(NGINX))
    return [nginx, "-p", str(paths["dir"]), "-c", str(paths["conf"]), "-e", str(paths["log"]), *options]


def check_nginx_config(settings: Settings) -> str | None:
    """`nginx -t` on the written config: None when it is valid, else nginx's complaint."""
    done = subprocess.run(
        nginx_command(settings, "-t", "-q"), capture_output=True, text=True, timeout=60, check=False
    )
    return None if done.returncode == 0 else (done.stderr or done.stdout).strip()
