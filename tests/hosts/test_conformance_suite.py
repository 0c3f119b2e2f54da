"""The MCP conformance suite (npm ``@modelcontextprotocol/conformance``) against ``serve``.

One real server per streamable HTTP mode (stateful, ``--stateless``, ``--json-response``) on a
loopback port. The scenarios that apply to a server with its own tools must pass, with no
warning but the one a stateless server cannot avoid. The other server scenarios call the suite's
own test tools (``test_simple_text`` ...) and do not apply. A feature's scenario
(``resources-list``, ``prompts-list``) applies once the server advertises the feature; until
then it is run too, and must fail only because the method is not found (-32601), as the
2026-07-28 revision says a method behind an unadvertised capability answers.

Some scenarios of features the server does serve read the reference server's own fixtures
(``test://static-text``, the prompt ``test_prompt_with_arguments``, the tool
``test_reconnection``): they are run too, and must fail only for want of that fixture (named in
the error, which is the answer any server without it gives). ``server-sse-polling`` is among
them; its priming-event and ``retry`` warnings could not go away even with an event store: it
speaks protocol 2025-03-26, and the SDK primes only streams of 2025-11-25 or later
(``mcp/server/streamable_http.py``, ``_mint_priming_event``).

Each mode's summary is printed (``-s`` not needed) for the record.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

from ..transports.clients import connect
from ..transports.serving import Served, seed_db, spawn, stop_all
from .toolchain import bin_path, node_env

MODES = {"stateful": (), "stateless": ("--stateless",), "json-response": ("--json-response",)}
# The scenarios that exercise nothing but the protocol and a server's own tools.
CORE_SCENARIOS = (
    "server-initialize",
    "ping",
    "tools-list",
    "tools-call-error",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
)
# Capability -> the scenario that applies once the server advertises it.
FEATURE_SCENARIOS = {"resources": "resources-list", "prompts": "prompts-list"}
# Scenario -> what of the reference server's it needs, and the error a server without it answers.
FIXTURE_SCENARIOS = {
    "resources-read-text": ("reads the resource test://static-text", "-32602"),
    "resources-read-binary": ("reads the resource test://static-binary", "-32602"),
    "resources-templates-read": ("reads the template test://template/{id}/data", "-32602"),
    "completion-complete": ("completes the prompt test_prompt_with_arguments", "-32602"),
    "server-sse-polling": ("calls the tool test_reconnection", "Tool call failed"),
}
# Warnings no server in that mode can avoid: a stateless server has no session id by design.
INHERENT_WARNINGS = {"stateless": {"server-sse-multiple-streams-session"}}
SCENARIO_TIMEOUT = 120.0


@dataclass(frozen=True)
class ScenarioRun:
    """One ``conformance server --scenario`` run: its exit status, checks and output."""

    scenario: str
    returncode: int
    checks: list[dict[str, Any]]
    output: str

    def with_status(self, *statuses: str) -> list[dict[str, Any]]:
        return [check for check in self.checks if check["status"] in statuses]


@dataclass(frozen=True)
class ModeRun:
    """Every scenario run against one server, and the features that server advertised."""

    advertised: frozenset[str]
    runs: dict[str, ScenarioRun]


def run_scenario(conformance: Path, url: str, scenario: str, out: Path) -> ScenarioRun:
    done = subprocess.run(
        [str(conformance), "server", "--url", url, "--scenario", scenario, "-o", str(out)],
        capture_output=True,
        text=True,
        env=node_env(),
        timeout=SCENARIO_TIMEOUT,
        check=False,
    )
    found = sorted(out.glob(f"server-{scenario}-*/checks.json"))
    checks: list[dict[str, Any]] = json.loads(found[-1].read_text()) if found else []
    return ScenarioRun(scenario, done.returncode, checks, done.stdout + done.stderr)


async def advertised_features(served: Served) -> frozenset[str]:
    async with connect(served, "streamable-http", "legacy") as client:
        capabilities = client.server_capabilities
    assert capabilities is not None
    return frozenset(name for name in FEATURE_SCENARIOS if getattr(capabilities, name) is not None)


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModeRun]]:
    """Every scenario against one server per mode, run a few at a time."""
    conformance = bin_path("conformance")
    bin_path("node")
    tmp = tmp_path_factory.mktemp("conformance")
    servers = {
        mode: spawn(tmp, "--db", str(seed_db(tmp / f"{mode}.sqlite3", 3).db), *flags)
        for mode, flags in MODES.items()
    }
    try:
        advertised = {}
        for mode, served in servers.items():
            served.wait_ready()
            advertised[mode] = anyio.run(advertised_features, served)
        scenarios = (*CORE_SCENARIOS, *FEATURE_SCENARIOS.values(), *FIXTURE_SCENARIOS)
        jobs = [(mode, s) for mode in MODES for s in scenarios]
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {
                job: pool.submit(
                    run_scenario, conformance, f"{servers[job[0]].base}/mcp", job[1], tmp / job[0] / job[1]
                )
                for job in jobs
            }
            yield {
                mode: ModeRun(
                    advertised[mode],
                    {s: futures[(m, s)].result() for (m, s) in jobs if m == mode},
                )
                for mode in MODES
            }
    finally:
        stop_all(list(servers.values()))


def summary(mode: str, result: ModeRun, applicable: list[str], version: str) -> str:
    runs = [result.runs[s] for s in applicable]
    passed = sum(len(r.with_status("SUCCESS")) for r in runs)
    failed = sum(len(r.with_status("FAILURE")) for r in runs)
    warnings = [c["id"] for r in runs for c in r.with_status("WARNING")]
    lines = [
        f"conformance {version}, streamable HTTP {mode}: {len(applicable)} scenarios, "
        f"{passed} checks passed, {failed} failed, {len(warnings)} warnings"
        + (f" ({', '.join(warnings)}: no session id without sessions)" if warnings else "")
    ]
    for scenario in applicable:
        run = result.runs[scenario]
        statuses = ", ".join(f"{c['id']} {c['status']}" for c in run.checks)
        lines.append(f"  {scenario}: {statuses}")
    for scenario in sorted(set(result.runs) - set(applicable) - set(FIXTURE_SCENARIOS)):
        lines.append(f"  {scenario}: not applicable (capability not advertised): answered -32601")
    for scenario, (fixture, answer) in FIXTURE_SCENARIOS.items():
        lines.append(f"  {scenario}: not applicable ({fixture} of the reference server): answered {answer}")
    return "\n".join(lines)


@pytest.mark.parametrize("mode", list(MODES))
def test_every_applicable_conformance_scenario_passes(
    mode: str, suite: dict[str, ModeRun], capsys: pytest.CaptureFixture[str]
) -> None:
    result = suite[mode]
    applicable = [*CORE_SCENARIOS, *(FEATURE_SCENARIOS[f] for f in sorted(result.advertised))]
    for scenario in applicable:
        run = result.runs[scenario]
        assert run.checks, f"{scenario} recorded no checks:\n{run.output}"
        assert not run.with_status("FAILURE"), f"{scenario} failed:\n{run.output}"
        warned = {c["id"] for c in run.with_status("WARNING")}
        assert warned <= INHERENT_WARNINGS.get(mode, set()), f"{scenario} warned:\n{run.output}"
        assert run.returncode == 0, run.output
    version = subprocess.run(
        [str(bin_path("conformance")), "--version"],
        capture_output=True,
        text=True,
        env=node_env(),
        check=True,
    ).stdout.strip()
    with capsys.disabled():
        print(f"\n{summary(mode, result, applicable, version)}")  # noqa: T201 - kept in the output


@pytest.mark.parametrize("mode", list(MODES))
def test_scenarios_of_features_not_advertised_fail_only_as_method_not_found(
    mode: str, suite: dict[str, ModeRun]
) -> None:
    result = suite[mode]
    for feature, scenario in FEATURE_SCENARIOS.items():
        if feature in result.advertised:
            continue
        run = result.runs[scenario]
        assert run.checks and run.checks == run.with_status("FAILURE"), run.output
        for check in run.checks:
            assert "-32601" in check.get("errorMessage", ""), run.output


@pytest.mark.parametrize("mode", list(MODES))
def test_scenarios_reading_reference_fixtures_fail_only_for_want_of_them(
    mode: str, suite: dict[str, ModeRun]
) -> None:
    for scenario, (fixture, answer) in FIXTURE_SCENARIOS.items():
        run = suite[mode].runs[scenario]
        failures = run.with_status("FAILURE")
        if scenario == "server-sse-polling" and mode == "json-response":
            # No SSE stream to poll: the suite skips the scenario's checks (INFO) before calling the tool.
            assert not failures, run.output
            continue
        assert len(failures) == 1, run.output
        message = failures[0].get("errorMessage", "")
        assert answer in message, run.output
        named = fixture.rsplit(" ", 1)[-1].split("{")[0]
        assert scenario == "server-sse-polling" or named in message, run.output
