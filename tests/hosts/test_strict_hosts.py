"""Every tool's real input schema through the hosts' own converters (``converters/convert.py``).

The converters (openai-agents, langchain-mcp-adapters + langchain-core, pydantic-ai-slim,
google-genai, pinned in ``converters/requirements.txt``) are installed into a venv of their own,
cached in ``.cache/host-converters/`` and rebuilt when the pins change; without PyPI the tests
skip saying so (CI, which has it, fails instead). The schemas come from a running ``serve``.

What must hold for every tool, whatever tools the server has:

- every converter accepts it;
- no converter drops a constraint (``pattern``, ``enum``, ``minimum``, ...) or rewrites a
  description (pydantic-ai moves what OpenAI strict mode lacks, such as ``maxLength``, there);
- a host that opts into strict mode gets it, with every argument required, while the hosts that
  decide for themselves keep optional arguments optional (so a tool with optional arguments is
  not strict-compatible for pydantic-ai: by design, it is sent non-strict);
- the values a strict host must then send for an optional argument (its default, or an empty
  string) are valid for the converted schema and mean exactly "omitted": the call answers what
  a call without them answers (for a listing, the first page).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest

from mcp_assistant_files.backend import Ingestor, Store
from mcp_assistant_files.backend.vector_store_validation import FileAttach

from ..transports.clients import connect
from ..transports.serving import Seeded, Served, seed_db, spawn, stop_all
from .toolchain import ROOT, unavailable

CONVERTERS = Path(__file__).with_name("converters")
REQUIREMENTS = CONVERTERS / "requirements.txt"
VENV = ROOT / ".cache" / "host-converters"
INSTALL_TIMEOUT = 900.0

CONSTRAINTS = ("type", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength", "format", "items")
# Converters that make every argument required: opt-in strict conversion, or strict forced.
FORCING = ("openai-agents", "langchain", "pydantic-ai openai strict")
# Converters that send a tool strict only when that changes nothing (pydantic-ai's verdict).
DECIDING = ("pydantic-ai openai", "pydantic-ai openai-compatible")
# What a strict host sends for an optional argument without a default: "nothing" in its type.
EMPTY: dict[str, Any] = {"string": "", "array": []}


def converters_python() -> Path:
    """The converters' interpreter, installing them first when the pins changed."""
    python = VENV / "bin" / "python"
    stamp = VENV / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True)
    install = [
        str(python),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        "-r",
        str(REQUIREMENTS),
    ]
    done = subprocess.run(install, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        shutil.rmtree(VENV, ignore_errors=True)
        unavailable(
            f"could not install the hosts' schema converters from PyPI (no network?); pip said: {last}"
        )
    stamp.write_text(wanted)
    return python


@dataclass(frozen=True)
class Hosts:
    """The running server, its tools as listed, and each converter's verdict on each tool."""

    served: Served
    seeded: Seeded
    tools: dict[str, dict[str, Any]]
    verdicts: dict[str, dict[str, dict[str, Any]]]

    vector_store_id: str

    def samples(self) -> dict[str, Any]:
        return {
            "assistant_id": self.seeded.assistant_id,
            "file_id": self.seeded.file_ids[0],
            "vector_store_id": self.vector_store_id,
            "attributes": [{"key": "source", "value": "strict host"}],
        }


async def listed_tools(served: Served) -> dict[str, dict[str, Any]]:
    async with connect(served, "streamable-http", "legacy") as client:
        tools = (await client.list_tools()).tools
    return {t.name: t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools}


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosts]:
    python = converters_python()
    tmp = tmp_path_factory.mktemp("strict-hosts")
    seeded = seed_db(tmp / "db.sqlite3", 30)
    with Store.open(seeded.db) as store:
        vector_store_id = store.create_vector_store("strict hosts")["id"]
        store.attach_vector_store_file(vector_store_id, FileAttach(seeded.file_ids[0]))
        Ingestor(store).process_pending()
    served = spawn(tmp, "--db", str(seeded.db))
    try:
        served.wait_ready()
        tools = anyio.run(listed_tools, served)
        path = tmp / "tools.json"
        path.write_text(json.dumps(list(tools.values())))
        done = subprocess.run(
            [str(python), str(CONVERTERS / "convert.py"), str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        yield Hosts(served, seeded, tools, json.loads(done.stdout), vector_store_id)
    finally:
        stop_all([served])


def each_conversion(hosts: Hosts) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(tool, converter, the tool's input schema, the converter's verdict) for every pair."""
    for tool, by_converter in hosts.verdicts.items():
        for converter, verdict in by_converter.items():
            yield tool, converter, hosts.tools[tool]["inputSchema"], verdict


def constraints(schema: Any) -> Any:
    """The constraint keywords of ``schema``, through nested items, properties and anyOf branches.

    What a strict conversion may add (``additionalProperties: false``, every property required)
    is not a constraint lost; a keyword missing or changed is.
    """
    if isinstance(schema, list):
        return [constraints(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {k: schema[k] for k in CONSTRAINTS if k in schema and k != "items"}
    for key in ("items", "anyOf"):
        if key in schema:
            kept[key] = constraints(schema[key])
    if "properties" in schema:
        kept["properties"] = {name: constraints(value) for name, value in schema["properties"].items()}
    return kept


def optional_arguments(schema: dict[str, Any]) -> list[str]:
    return [name for name in schema["properties"] if name not in schema.get("required", [])]


def forced_value(name: str, prop: dict[str, Any]) -> Any:
    """What a strict host must send for the optional argument ``name`` to mean "omitted"."""
    if "default" in prop:
        return prop["default"]
    assert prop.get("type") in EMPTY, (
        f"optional argument {name!r} has no default and no empty value: a strict host cannot leave it out"
    )
    return EMPTY[prop["type"]]


def test_every_converter_accepts_every_tool(hosts: Hosts) -> None:
    assert set(hosts.verdicts) == set(hosts.tools)
    for tool, converter, _schema, verdict in each_conversion(hosts):
        assert verdict["error"] is None, (tool, converter, verdict["error"])


def test_no_converter_drops_a_constraint_or_rewrites_a_description(
    hosts: Hosts, capsys: pytest.CaptureFixture[str]
) -> None:
    for tool, converter, schema, verdict in each_conversion(hosts):
        converted = verdict["schema"]["properties"]
        assert set(converted) == set(schema["properties"]), (tool, converter)
        for name, prop in schema["properties"].items():
            assert constraints(converted[name]) == constraints(prop), (tool, converter, name, converted[name])
            assert converted[name].get("description") == prop["description"], (tool, converter, name)
    lines = []
    for converter in next(iter(hosts.verdicts.values())):
        strict = [t for t in hosts.verdicts if hosts.verdicts[t][converter]["strict"]]
        lines.append(
            f"{converter}: accepts {len(hosts.verdicts)}/{len(hosts.verdicts)} tools, strict for "
            f"{len(strict)} ({', '.join(strict) or 'none'}); no constraint lost or moved into a description"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))  # noqa: T201 - kept in the output


def test_strict_where_asked_and_optional_arguments_stay_optional_elsewhere(hosts: Hosts) -> None:
    for tool, converter, schema, verdict in each_conversion(hosts):
        required = set(verdict["schema"].get("required", []))
        if converter in FORCING:
            assert verdict["strict"] is True, (tool, converter)
            assert required == set(schema["properties"]), (tool, converter)
            continue
        assert required == set(schema.get("required", [])), (tool, converter)
        if converter in DECIDING:
            # Strict-compatible exactly when strict mode would change nothing.
            assert verdict["strict"] is not optional_arguments(schema), (tool, converter)


def test_the_values_a_strict_host_must_send_mean_omitted(hosts: Hosts) -> None:
    samples = hosts.samples()

    async def call_both_ways(tool: str, required: dict[str, Any], forced: dict[str, Any]) -> None:
        async with connect(hosts.served, "streamable-http") as client:
            plain = await client.call_tool(tool, required)
            strict = await client.call_tool(tool, {**required, **forced})
        assert not plain.is_error and not strict.is_error, (tool, plain.content, strict.content)
        assert plain.structured_content is not None and strict.structured_content is not None

        def without_cursors(content: dict[str, Any]) -> dict[str, Any]:
            # A cursor carries the second it was issued: compare whether there is one, not its bytes.
            return {k: (v if not k.endswith("cursor") else True) for k, v in content.items()}

        assert without_cursors(strict.structured_content) == without_cursors(plain.structured_content), tool

    for tool, definition in hosts.tools.items():
        schema = definition["inputSchema"]
        missing = [name for name in schema.get("required", []) if name not in samples]
        assert not missing, f"add a sample value for {tool}'s {missing} to Hosts.samples"
        required = {name: samples[name] for name in schema.get("required", [])}
        forced = {name: forced_value(name, schema["properties"][name]) for name in optional_arguments(schema)}
        for converter in FORCING:
            converted = hosts.verdicts[tool][converter]["schema"]
            jsonschema.Draft202012Validator(converted).validate({**required, **forced})
        if forced and definition.get("annotations", {}).get("readOnlyHint"):
            anyio.run(call_both_ways, tool, required, forced)
