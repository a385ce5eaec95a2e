"""`make run-production`'s parts without starting anything (bot/ops/production.py and the
supervisor's plan): deploy/local.env, the N instances with their own action servers and
endpoints files, the nginx configuration (checked by nginx itself when it is installed) and
what keeps a launch from starting. tests/integration/test_run_production.py runs the stack."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from bot.ops import production
from bot.ops.supervisor import Stack
from bot.settings import PROJECT_ROOT
from bot.settings import load as load_settings


def settings_for(tmp_path, **overrides):
    base = dict(
        var_dir=tmp_path,
        profile="production",
        instances=3,
        proxy_port=18080,
        rasa_port=15005,
        action_port=15055,
        web_port=18000,
        database_url="postgresql://postgres@127.0.0.1:5432/lawbot",
        redis_url="redis://127.0.0.1:6379/0",
        rabbitmq_url="amqp://guest:secret@127.0.0.1:5672/lawbot",
        encryption_keys=("k",),
        search_key="s",
        action_endpoint_url=None,
    )
    base.update(overrides)
    return dataclasses.replace(load_settings(), **base)


def test_the_env_file_fills_in_only_what_the_environment_lacks(tmp_path):
    path = tmp_path / "local.env"
    path.write_text(
        "# a comment\n\nLAWBOT_PROFILE=production\nexport RASA_PORT=5005\nLAWBOT_REST_TOKEN='dev token'\n",
        encoding="utf-8",
    )
    environ = {"RASA_PORT": "6000"}
    taken = production.load_env_file(path, environ)
    assert taken == {"LAWBOT_PROFILE": "production", "LAWBOT_REST_TOKEN": "dev token"}
    assert environ["RASA_PORT"] == "6000"  # the environment wins
    path.write_text("not a setting\n", encoding="utf-8")
    with pytest.raises(ValueError, match="local.env:1"):
        production.read_env_file(path)


def test_the_committed_local_env_has_everything_production_needs_and_says_it_is_for_development():
    path = PROJECT_ROOT / "deploy" / "local.env"
    values = production.read_env_file(path)
    settings = dataclasses.replace(
        load_settings(),
        profile=values["LAWBOT_PROFILE"],
        database_url=values["LAWBOT_DATABASE_URL"],
        tracker_database_url=values["LAWBOT_TRACKER_DATABASE_URL"],
        redis_url=values["LAWBOT_REDIS_URL"],
        rabbitmq_url=values["LAWBOT_RABBITMQ_URL"],
        encryption_keys=tuple(values["LAWBOT_ENCRYPTION_KEYS"].split(",")),
        search_key=values["LAWBOT_SEARCH_KEY"],
    )
    assert settings.production and production.production_problems(settings) == []
    assert production.rabbitmq_vhost(values["LAWBOT_RABBITMQ_URL"]) == "lawbot"
    assert values["LAWBOT_REST_TOKEN"] and values["LAWBOT_PROXY_PORT"] == "8080"
    assert "DEVELOPMENT ONLY" in path.read_text(encoding="utf-8")
    for name in ("LAWBOT_SEARCH_KEY", "LAWBOT_REST_TOKEN", "LAWBOT_ACTION_SECRET", "RASA_API_TOKEN"):
        assert values[name].startswith("dev-only-"), name


def test_each_instance_has_its_own_ports_action_server_and_endpoints_file(tmp_path):
    stack = Stack(settings_for(tmp_path))
    stack.build()
    names = [server.name for server in stack.servers]
    assert names == [
        "action server 1",
        "action server 2",
        "action server 3",
        "Rasa server 1",
        "Rasa server 2",
        "Rasa server 3",
        "delivery worker",
        "event consumer",
        "web app",
        "nginx",
    ]
    for number in (1, 2, 3):
        rasa = stack.servers[names.index(f"Rasa server {number}")]
        assert rasa.command[rasa.command.index("--port") + 1] == str(15004 + number)
        endpoints = yaml.safe_load((tmp_path / f"endpoints-{number}.yml").read_text(encoding="utf-8"))
        assert endpoints["action_endpoint"]["url"] == f"http://127.0.0.1:{15054 + number}/webhook"
        assert rasa.command[rasa.command.index("--endpoints") + 1] == str(
            tmp_path / f"endpoints-{number}.yml"
        )
        assert rasa.log_path.name == f"rasa-{number}.log"
    # The action servers start together, the first Rasa server alone (it makes the tracker
    # store's tables), the others together; the web app's widget talks through nginx.
    assert [s.overlap for s in stack.servers[:6]] == [True, True, False, False, True, False]
    web = stack.servers[names.index("web app")]
    assert web.extra_env["RASA_PUBLIC_URL"] == "http://127.0.0.1:18080"
    assert stack.servers[-1].ready_url == "http://127.0.0.1:18080/health"


def test_one_instance_keeps_the_names_and_files_of_make_run(tmp_path):
    stack = Stack(settings_for(tmp_path, profile="embedded", instances=1, proxy_port=0))
    stack.build()
    assert [s.name for s in stack.servers] == [
        "action server",
        "Rasa server",
        "delivery worker",
        "web app",
    ]
    assert (tmp_path / "endpoints.yml").exists() and stack.servers[1].log_path.name == "rasa.log"


def test_nginx_routes_rest_round_robin_socketio_sticky_with_upgrades_and_the_rest_to_the_web_app(tmp_path):
    settings = settings_for(tmp_path, instances=2, max_request_bytes=123456)
    config = production.nginx_config(settings)
    upstream = config[config.index("upstream rasa {") : config.index("# socket.io: sticky")]
    sticky = config[config.index("upstream rasa_socketio") : config.index("upstream web")]
    for block in (upstream, sticky):
        assert "server 127.0.0.1:15005;" in block and "server 127.0.0.1:15006;" in block
    assert "hash" not in upstream and "hash $remote_addr consistent;" in sticky
    socketio = config[config.index("location /socket.io") :]
    socketio = socketio[: socketio.index("}")]
    assert "proxy_set_header Upgrade $http_upgrade;" in socketio
    assert "proxy_set_header Connection $connection_upgrade;" in socketio
    assert "proxy_read_timeout 3600s;" in socketio and "proxy_http_version 1.1;" in socketio
    assert "location /webhooks/ {\n            proxy_pass http://rasa;" in config
    assert "location / {\n            proxy_pass http://web;" in config
    # Every location passes the client's address (a location setting headers inherits none).
    assert config.count("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;") == 3
    assert "client_max_body_size 123456;" in config and "listen 127.0.0.1:18080;" in config
    assert "daemon off;" in config and f"pid {tmp_path / 'nginx' / 'nginx.pid'};" in config
    directives = "\n".join(line for line in config.splitlines() if not line.strip().startswith("#"))
    assert "/etc/nginx" not in directives and "include" not in directives
    assert "$request " not in directives and "$args" not in directives  # no query strings logged
    assert "@@" not in config


@pytest.mark.skipif(not production.NGINX.exists(), reason="nginx not installed (make nginx-installed)")
def test_nginx_accepts_the_configuration(tmp_path):
    settings = settings_for(tmp_path)
    production.write_nginx_config(settings)
    assert production.check_nginx_config(settings) is None


def test_what_keeps_a_launch_from_starting(tmp_path):
    assert production.launch_problems(settings_for(tmp_path, proxy_port=0)) == []
    embedded = production.launch_problems(settings_for(tmp_path, profile="embedded", proxy_port=0))
    assert len(embedded) == 1 and "LAWBOT_PROFILE=production" in embedded[0]
    pinned = production.launch_problems(
        settings_for(tmp_path, proxy_port=0, action_endpoint_url="http://127.0.0.1:1/webhook")
    )
    assert len(pinned) == 1 and "ACTION_ENDPOINT_URL" in pinned[0]


def test_the_vhost_of_a_broker_url():
    assert production.rabbitmq_vhost("amqp://guest:guest@127.0.0.1:5672/lawbot") == "lawbot"
    assert production.rabbitmq_vhost("amqp://guest:guest@127.0.0.1:5672/") == "/"
    assert production.rabbitmq_vhost("amqp://guest:guest@127.0.0.1:5672/%2F") == "/"
    assert production.rabbitmq_vhost("amqp://guest:guest@127.0.0.1:5672") == "/"


def test_a_broker_elsewhere_or_its_default_vhost_is_left_alone(tmp_path):
    missing = tmp_path / "no-rabbitmqctl"
    for url in ("amqp://u:p@rabbit.example:5672/lawbot", "amqp://u:p@127.0.0.1:5672/"):
        assert not production.ensure_vhost(settings_for(tmp_path, rabbitmq_url=url), rabbitmqctl=missing)
    said: list[str] = []
    assert not production.ensure_vhost(settings_for(tmp_path), said.append, rabbitmqctl=missing)
    assert "create the RabbitMQ vhost 'lawbot' yourself" in said[0]
