"""The install manifests under manifests/ agree with their schemas, the package and its CLI.

Each host config, registry entry, bundle manifest, image and cluster example is checked
here, so a renamed flag or a bumped version breaks a test rather than a user's install.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import jsonschema
import pytest
import yaml

from mcp_assistant_files import __version__
from mcp_assistant_files.cli import build_parser
from mcp_assistant_files.service.catalog import READ_ONLY_TOOLS, TOOL_NAMES

from ..transports.clients import tool_names_over_stdio

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "manifests"
KUBERNETES = MANIFESTS / "kubernetes"
SCHEMAS = Path(__file__).resolve().parent / "schemas"

PROGRAM = "mcp-assistant-files"
REGISTRY_NAME = "io.github.mcp-assistant-files/mcp-assistant-files"
SERVER_SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
# Every tool but upload_file, which is offered only with --upload-root (no manifest passes it).
TOOLS = frozenset(TOOL_NAMES) - {"upload_file"}


# The CLI as designed (mcp_assistant_files/cli.py is still being written): every flag a
# Every flag a manifest passes must be one the real command line accepts.
def _flags_of(command: str) -> frozenset[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return frozenset(o for action in sub.choices[command]._actions for o in action.option_strings)


CLI_FLAGS: dict[str, frozenset[str]] = {name: _flags_of(name) for name in ("serve", "backend", "demo")}
ENV_VARS = frozenset(
    {
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "MCP_ASSISTANT_FILES_CURSOR_SECRET",
        "MCP_ASSISTANT_FILES_AUTH_TOKEN",
        "MCP_ASSISTANT_FILES_DB",
    }
)
SECRET_ENV_VARS = ("OPENAI_API_KEY", "MCP_ASSISTANT_FILES_CURSOR_SECRET", "MCP_ASSISTANT_FILES_AUTH_TOKEN")

# manifest -> (vendored schema, its sha256 as recorded in schemas/SOURCES.md)
SCHEMA_FOR = {
    "server.json": (
        "server.schema.2025-12-11.json",
        "d4c163f299ece68b7432f4e44c4108f2fdb663d99dc088c8344142e5b0a4b520",
    ),
    "manifest.json": (
        "mcpb-manifest-v0.4.schema.json",
        "068557824c651d6d49b86ad132adeafe62ca788d918b3e1e2b224bf0f91320fd",
    ),
}
# host config -> the key its servers live under
HOST_CONFIGS = {
    "claude_desktop_config.json": "mcpServers",
    "cursor-mcp.json": "mcpServers",
    "vscode-mcp.json": "servers",
}


def load_json(name: str) -> Any:
    return json.loads((MANIFESTS / name).read_text(encoding="utf-8"))


def load_yaml_documents(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def kubernetes_objects() -> list[dict[str, Any]]:
    return [doc for path in sorted(KUBERNETES.glob("*.yaml")) for doc in load_yaml_documents(path)]


def postgres_objects() -> list[dict[str, Any]]:
    """The PostgreSQL variant of the example upstream (``manifests/kubernetes/postgres/``)."""
    return [
        doc for path in sorted((KUBERNETES / "postgres").glob("*.yaml")) for doc in load_yaml_documents(path)
    ]


def kubernetes_object(kind: str, name: str) -> dict[str, Any]:
    for obj in kubernetes_objects():
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            return obj
    raise AssertionError(f"no {kind} named {name} under manifests/kubernetes")


def host_server_entry(config_name: str) -> dict[str, Any]:
    servers = load_json(config_name)[HOST_CONFIGS[config_name]]
    assert len(servers) == 1, f"{config_name} should configure exactly one server"
    entry: dict[str, Any] = next(iter(servers.values()))
    return entry


def after_program(argv: list[str]) -> list[str]:
    """The arguments that follow the console script in a launcher's argv (uvx, uv run, ...)."""
    assert PROGRAM in argv, f"{argv} does not run {PROGRAM}"
    return argv[argv.index(PROGRAM) + 1 :]


def dockerfile_instruction(name: str) -> str:
    """The text of the last NAME instruction in manifests/Dockerfile, continuation lines joined."""
    logical = re.sub(r"\\\n\s*", " ", (MANIFESTS / "Dockerfile").read_text(encoding="utf-8"))
    found = [line[len(name) :].strip() for line in logical.splitlines() if line.startswith(name + " ")]
    assert found, f"manifests/Dockerfile has no {name}"
    return found[-1]


def smithery_command_function() -> str:
    (smithery,) = load_yaml_documents(MANIFESTS / "smithery.yaml")
    command_function: str = smithery["startCommand"]["commandFunction"]
    return command_function


def stdio_launches() -> dict[str, tuple[list[str], dict[str, str]]]:
    """Per manifest that starts the server over stdio: its CLI arguments and environment."""
    launches: dict[str, tuple[list[str], dict[str, str]]] = {}
    for name in HOST_CONFIGS:
        entry = host_server_entry(name)
        launches[name] = (after_program([entry["command"], *entry["args"]]), entry.get("env", {}))
    mcp_config = load_json("manifest.json")["server"]["mcp_config"]
    launches["manifest.json"] = (
        after_program([mcp_config["command"], *mcp_config["args"]]),
        mcp_config.get("env", {}),
    )
    (package,) = load_json("server.json")["packages"]
    package_args: list[str] = []
    for argument in package.get("packageArguments", []):
        if argument["type"] == "positional":
            package_args.append(argument["value"])
        else:
            package_args.extend([argument["name"], argument["value"]])
    launches["server.json"] = (package_args, {})
    smithery_args = re.findall(r"'(serve|--[a-z-]+)'", smithery_command_function())
    launches["smithery.yaml"] = (smithery_args, {})
    return launches


def command_lines() -> list[tuple[str, list[str]]]:
    """Every invocation of the CLI a manifest makes or shows, as (where, arguments)."""
    lines = [(name, argv) for name, (argv, _env) in stdio_launches().items()]
    lines.append(("Dockerfile CMD", json.loads(dockerfile_instruction("CMD"))))
    for obj in [*kubernetes_objects(), *postgres_objects()]:
        if obj["kind"] == "Deployment":
            for container in obj["spec"]["template"]["spec"]["containers"]:
                lines.append((f"kubernetes {obj['metadata']['name']}", container["args"]))
    shown = re.compile(rf"{PROGRAM}\s+((?:serve|backend|demo)\b[^&|;`\n]*)")
    for path in [MANIFESTS / "Dockerfile", MANIFESTS / "nginx.conf", *KUBERNETES.rglob("*.*")]:
        for match in shown.finditer(path.read_text(encoding="utf-8")):
            lines.append((path.name, shlex.split(match.group(1).replace("\\", " "))))
    return lines


def referenced_env_vars() -> set[str]:
    """Names of the server's own variables (OPENAI_*, MCP_ASSISTANT_FILES_*) any manifest sets."""
    names: set[str] = set()
    for _argv, env in stdio_launches().values():
        names.update(env)
    (package,) = load_json("server.json")["packages"]
    names.update(variable["name"] for variable in package["environmentVariables"])
    for obj in [*kubernetes_objects(), *postgres_objects()]:
        if obj["kind"] == "Deployment":
            for container in obj["spec"]["template"]["spec"]["containers"]:
                names.update(variable["name"] for variable in container.get("env", []))
        if obj["kind"] == "Secret":
            names.update(obj.get("stringData", {}))
    names.update(re.findall(r"\b[A-Z][A-Z0-9_]+\b", smithery_command_function()))
    names.update(re.findall(r"^ENV (\w+)=", (MANIFESTS / "Dockerfile").read_text(encoding="utf-8"), re.M))
    return {name for name in names if name.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}


# -- every file ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    sorted(p for p in MANIFESTS.rglob("*") if p.suffix in {".json", ".yaml", ".yml"}),
    ids=lambda p: str(p.relative_to(MANIFESTS)),
)
def test_every_json_and_yaml_manifest_parses(path: Path) -> None:
    if path.suffix == ".json":
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    else:
        assert load_yaml_documents(path), f"{path.name} holds no YAML document"


@pytest.mark.parametrize("manifest", sorted(SCHEMA_FOR))
def test_vendored_schema_is_the_pinned_copy(manifest: str) -> None:
    schema_name, sha256 = SCHEMA_FOR[manifest]
    assert hashlib.sha256((SCHEMAS / schema_name).read_bytes()).hexdigest() == sha256
    assert schema_name in (SCHEMAS / "SOURCES.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("manifest", sorted(SCHEMA_FOR))
def test_json_manifest_validates_against_its_vendored_schema(manifest: str) -> None:
    schema = json.loads((SCHEMAS / SCHEMA_FOR[manifest][0]).read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft7Validator, "both schemas declare draft 7"
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(load_json(manifest))
    ]
    assert errors == []


def test_versions_in_registry_entry_and_bundle_match_the_package() -> None:
    server = load_json("server.json")
    assert server["version"] == __version__
    assert [package["version"] for package in server["packages"]] == [__version__]
    assert load_json("manifest.json")["version"] == __version__


def test_every_cli_flag_in_a_manifest_is_one_the_cli_accepts() -> None:
    lines = command_lines()
    assert len(lines) >= 10, "the extractor lost some command lines"
    for where, argv in lines:
        assert argv, f"{where}: no subcommand"
        subcommand, *rest = argv
        assert subcommand in CLI_FLAGS, f"{where}: unknown subcommand {subcommand!r}"
        for token in rest:
            if token.startswith("-"):
                flag = token.split("=", 1)[0]
                assert flag in CLI_FLAGS[subcommand], f"{where}: {subcommand} has no flag {flag}"


def test_every_environment_variable_in_a_manifest_is_one_the_server_reads() -> None:
    names = referenced_env_vars()
    assert {"OPENAI_API_KEY", "OPENAI_BASE_URL"} <= names
    assert names <= ENV_VARS, f"unknown variables: {sorted(names - ENV_VARS)}"


# -- MCP registry (server.json) --------------------------------------------------------------


def test_registry_entry_has_a_reverse_dns_name_and_a_short_description() -> None:
    server = load_json("server.json")
    assert server["$schema"] == SERVER_SCHEMA_URL
    assert server["name"] == REGISTRY_NAME
    namespace, _, server_name = server["name"].partition("/")
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", namespace), "namespace is reverse DNS"
    assert re.fullmatch(r"[a-zA-Z0-9._-]+", server_name)
    assert 0 < len(server["description"]) <= 100


def test_vendored_registry_schema_is_the_one_server_json_names() -> None:
    schema = json.loads((SCHEMAS / SCHEMA_FOR["server.json"][0]).read_text(encoding="utf-8"))
    assert schema["$id"] == load_json("server.json")["$schema"]


def test_registry_entry_installs_the_pypi_package_with_uvx_over_stdio() -> None:
    (package,) = load_json("server.json")["packages"]
    assert package["registryType"] == "pypi"
    assert package["identifier"] == PROGRAM
    assert package["runtimeHint"] == "uvx"
    assert package["transport"] == {"type": "stdio"}
    variables = {variable["name"]: variable for variable in package["environmentVariables"]}
    assert variables["OPENAI_API_KEY"]["isSecret"] is True
    assert variables["MCP_ASSISTANT_FILES_CURSOR_SECRET"]["isSecret"] is True
    assert not any(variable.get("isRequired") for variable in variables.values()), (
        "nothing is required: the embedded local backend works without any variable"
    )


def test_readme_carries_the_registry_ownership_line() -> None:
    # The registry proves ownership of a PyPI package by finding this line in its README.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"mcp-name: {REGISTRY_NAME}" in readme


# -- MCPB bundle (manifest.json) -------------------------------------------------------------


def test_bundle_runs_the_installed_console_script_with_uv() -> None:
    server = load_json("manifest.json")["server"]
    assert server["type"] == "uv"
    assert server["entry_point"].startswith("mcp_assistant_files/")
    assert server["mcp_config"]["command"] == "uv"
    assert after_program(server["mcp_config"]["args"]) == ["serve"]


def test_bundle_lists_the_four_tools() -> None:
    assert {tool["name"] for tool in load_json("manifest.json")["tools"]} == TOOLS


def test_bundle_asks_for_the_key_as_a_sensitive_setting_passed_in_the_environment() -> None:
    manifest = load_json("manifest.json")
    assert manifest["user_config"]["openai_api_key"]["sensitive"] is True
    env = manifest["server"]["mcp_config"]["env"]
    assert env["OPENAI_API_KEY"] == "${user_config.openai_api_key}"
    for value in env.values():
        for key in re.findall(r"\$\{user_config\.(\w+)\}", value):
            assert key in manifest["user_config"], f"{value} names no user_config entry"


# -- desktop hosts ---------------------------------------------------------------------------


# Project configs run the checkout they sit in; Claude Desktop has no such variable (PyPI form,
# which works today once `uv tool install` has installed the checkout or a wheel).
HOST_ARGS = {
    "claude_desktop_config.json": [PROGRAM, "serve"],
    "cursor-mcp.json": ["--from", "${workspaceFolder}", PROGRAM, "serve"],
    "vscode-mcp.json": ["--from", "${workspaceFolder}", PROGRAM, "serve"],
}


@pytest.mark.parametrize("config_name", sorted(HOST_CONFIGS))
def test_host_config_runs_the_server_with_uvx_serve(config_name: str) -> None:
    entry = host_server_entry(config_name)
    assert entry["command"] == "uvx"
    assert entry["args"] == HOST_ARGS[config_name]
    assert set(entry.get("env", {})) <= {"OPENAI_API_KEY", "OPENAI_BASE_URL"}


def test_vscode_config_prompts_for_the_key_as_a_password() -> None:
    config = load_json("vscode-mcp.json")
    inputs = {item["id"]: item for item in config["inputs"]}
    assert inputs["openai-api-key"]["type"] == "promptString"
    assert inputs["openai-api-key"]["password"] is True
    env = host_server_entry("vscode-mcp.json")["env"]
    assert env["OPENAI_API_KEY"] == "${input:openai-api-key}"
    for value in env.values():
        for input_id in re.findall(r"\$\{input:([\w-]+)\}", value):
            assert input_id in inputs, f"{value} names no input"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to evaluate the JavaScript")
def test_smithery_command_function_starts_the_server_over_stdio() -> None:
    script = (
        f"const f = {smithery_command_function()};\n"
        "process.stdout.write(JSON.stringify([f({}), f({openaiApiKey: 'k', readOnly: true})]));"
    )
    bare, configured = json.loads(
        subprocess.run(["node", "-e", script], check=True, capture_output=True, text=True, timeout=30).stdout
    )
    assert bare == {"command": PROGRAM, "args": ["serve"], "env": {}}
    assert configured == {
        "command": PROGRAM,
        "args": ["serve", "--read-only"],
        "env": {"OPENAI_API_KEY": "k"},
    }


# -- container image -------------------------------------------------------------------------


def test_dockerfile_serves_stateless_streamable_http_as_a_non_root_user() -> None:
    assert dockerfile_instruction("FROM") == "python:3.11-slim"
    assert dockerfile_instruction("EXPOSE") == "8000"
    user = dockerfile_instruction("USER").split(":")[0]
    assert user not in {"root", "0"}
    assert json.loads(dockerfile_instruction("ENTRYPOINT")) == [PROGRAM]
    cmd = json.loads(dockerfile_instruction("CMD"))
    assert cmd[:1] == ["serve"]
    assert "--stateless" in cmd
    assert cmd[cmd.index("--transport") + 1] == "streamable-http"
    assert cmd[cmd.index("--port") + 1] == "8000"


def test_dockerfile_healthcheck_polls_healthz_without_curl() -> None:
    healthcheck = dockerfile_instruction("HEALTHCHECK")
    assert "urllib.request" in healthcheck
    assert "http://127.0.0.1:8000/healthz" in healthcheck
    assert "curl" not in healthcheck


# -- Kubernetes ------------------------------------------------------------------------------


def test_kubernetes_runs_two_or_more_stateless_streamable_http_replicas() -> None:
    deployment = kubernetes_object("Deployment", "mcp-assistant-files")
    assert deployment["spec"]["replicas"] >= 2
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    args = container["args"]
    assert args[0] == "serve"
    assert "--stateless" in args
    assert args[args.index("--transport") + 1] == "streamable-http"


def test_kubernetes_probes_every_container_on_healthz() -> None:
    deployments = [obj for obj in kubernetes_objects() if obj["kind"] == "Deployment"]
    assert len(deployments) == 2
    for deployment in deployments:
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            for probe in ("readinessProbe", "livenessProbe"):
                assert container[probe]["httpGet"]["path"] == "/healthz", (
                    deployment["metadata"]["name"],
                    probe,
                )


def test_kubernetes_takes_every_secret_from_the_secret() -> None:
    secret = kubernetes_object("Secret", "mcp-assistant-files")
    deployment = kubernetes_object("Deployment", "mcp-assistant-files")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {variable["name"]: variable for variable in container["env"]}
    for name in SECRET_ENV_VARS:
        reference = env[name]["valueFrom"]["secretKeyRef"]
        assert "value" not in env[name]
        assert reference["name"] == secret["metadata"]["name"]
        assert reference["key"] in secret["stringData"]


def test_kubernetes_server_points_at_the_example_upstream_service() -> None:
    deployment = kubernetes_object("Deployment", "mcp-assistant-files")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    base_url = urlsplit(next(v["value"] for v in container["env"] if v["name"] == "OPENAI_BASE_URL"))
    service = kubernetes_object("Service", base_url.hostname or "")
    assert base_url.port in {port["port"] for port in service["spec"]["ports"]}
    assert base_url.path == "/v1"
    upstream = kubernetes_object("Deployment", "mcp-assistant-files-upstream")
    assert upstream["spec"]["replicas"] == 1, "one SQLite writer"
    assert service["spec"]["selector"].items() <= upstream["spec"]["template"]["metadata"]["labels"].items()


def test_kubernetes_service_selects_the_server_pods() -> None:
    service = kubernetes_object("Service", "mcp-assistant-files")
    labels = kubernetes_object("Deployment", "mcp-assistant-files")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()


def test_kubernetes_pods_run_as_non_root_on_a_read_only_root_with_limits() -> None:
    for obj in kubernetes_objects():
        if obj["kind"] != "Deployment":
            continue
        pod = obj["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
            assert {"cpu", "memory"} <= container["resources"]["limits"].keys()


# -- nginx -----------------------------------------------------------------------------------


def test_nginx_balances_two_replicas_and_streams_mcp_unbuffered() -> None:
    conf = (MANIFESTS / "nginx.conf").read_text(encoding="utf-8")
    assert re.findall(r"^\s*server (127\.0\.0\.1:\d+)", conf, re.M) == ["127.0.0.1:8001", "127.0.0.1:8002"]
    mcp_location = conf[conf.index("location = /mcp") :]
    mcp_location = mcp_location[: mcp_location.index("\n        }")]
    assert "proxy_buffering off;" in mcp_location
    assert "proxy_http_version 1.1;" in conf
    assert "location = /healthz" in conf
    assert "location ^~ /.well-known/oauth-protected-resource {" in conf  # OAuth discovery (RFC 9728)


# -- live: each manifest's command answers over stdio ----------------------------------------


@pytest.mark.parametrize("manifest", sorted(stdio_launches()))
def test_manifest_command_answers_initialize_and_lists_the_tools(manifest: str, tmp_path: Path) -> None:
    # The console script of this environment, with the manifest's arguments and environment as
    # pasted (a host substitutes "" for an input or user setting left empty), on the embedded
    # local backend. tests/hosts/test_launch_commands.py runs the host configs' uvx lines as such.
    args, manifest_env = stdio_launches()[manifest]
    script = Path(sys.executable).with_name(PROGRAM)
    env = {key: re.sub(r"\$\{[^}]*\}", "", value) for key, value in manifest_env.items()}
    env["MCP_ASSISTANT_FILES_DB"] = str(tmp_path / "assistant-files.sqlite3")
    expected = TOOLS & set(READ_ONLY_TOOLS) if "--read-only" in args else TOOLS
    assert anyio.run(tool_names_over_stdio, str(script), args, env) == expected


def test_kubernetes_postgres_upstream_runs_several_backends_on_the_database_and_no_volume() -> None:
    objects = {(obj["kind"], obj["metadata"]["name"]): obj for obj in postgres_objects()}
    sqlite_upstream = kubernetes_object("Deployment", "mcp-assistant-files-upstream")
    upstream = objects[("Deployment", "mcp-assistant-files-upstream")]
    assert upstream["spec"]["replicas"] >= 2
    assert upstream["spec"]["strategy"]["type"] == "RollingUpdate"
    pod = upstream["spec"]["template"]["spec"]
    assert all("persistentVolumeClaim" not in volume for volume in pod.get("volumes", []))
    assert ("PersistentVolumeClaim", "mcp-assistant-files-upstream") not in objects
    (container,) = pod["containers"]
    assert container["args"][0] == "backend"
    assert "--db" not in container["args"], "the database comes from the Secret, not the command line"
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    secret = objects[("Secret", "mcp-assistant-files-db")]
    env = {variable["name"]: variable for variable in container["env"]}
    for name in ("MCP_ASSISTANT_FILES_DB", "PGPASSWORD"):
        reference = env[name]["valueFrom"]["secretKeyRef"]
        assert (reference["name"], reference["key"]) == ("mcp-assistant-files-db", name)
        assert name in secret["stringData"]
    url = urlsplit(secret["stringData"]["MCP_ASSISTANT_FILES_DB"])
    assert url.scheme == "postgresql" and url.password is None, "the password stays out of the URL"
    assert "sslmode=verify-full" in url.query
    # It replaces the SQLite upstream under the same names, so the MCP replicas reach it unchanged.
    service = objects[("Service", "mcp-assistant-files-upstream")]
    assert service["spec"] == kubernetes_object("Service", "mcp-assistant-files-upstream")["spec"]
    assert upstream["spec"]["selector"] == sqlite_upstream["spec"]["selector"]
