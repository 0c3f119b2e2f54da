"""openai-python 3.57's own calls, replayed against ``OpenAIClient``: the same requests go out.

``openai_3_57_requests.json`` holds calls as openai-python's probe wrote them (``C.vector_stores
.files.create("vs_000021", file_id=...)``) and the requests 3.57.0 sent for each (see its
``_note``). Each call is run here, word for word, against our sync and async clients, and every
request must match: method, path, query (in order), the ``OpenAI-Beta``, ``Accept`` and poll
headers, the JSON body (keys in order) and the multipart layout. Calls that raised in
openai-python must raise the same exception class, before any request is sent.

Poll answers are scripted from the recording: ``in_progress`` until the last poll it shows, then
the object openai-python returned.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import pathlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx2
import pytest

from mcp_assistant_files import AsyncPage, skip_poll_pauses

from .harness import KINDS, Kind, OpenAIHarness
from .openai_objects import batch_json, file_object_json, parse_multipart, upstream, vs_file_json

DATA = json.loads(Path(__file__).with_name("openai_3_57_requests.json").read_text(encoding="utf-8"))
SCENARIOS: dict[str, dict[str, Any]] = DATA["scenarios"]
COMPARED_HEADERS = (
    "openai-beta",
    "accept",
    "x-stainless-poll-helper",
    "x-stainless-custom-poll-interval",
    "x-custom",
)
# openai-python's result types and ours.
OUR_TYPES = {"HttpxBinaryResponseContent": "BinaryResponseContent", "LegacyAPIResponse": "APIResponse"}


class Recorded:
    """``C`` of the recorded calls: ``C.a.b.method(...)`` runs ``client.a.b.method(...)`` (awaited if async)."""

    def __init__(self, h: OpenAIHarness, path: str = "") -> None:
        self._h = h
        self._path = path

    def __getattr__(self, name: str) -> Recorded:
        return Recorded(self._h, f"{self._path}.{name}" if self._path else name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self._h.call(self._path, *args, **kwargs)
        return _SyncIterable(result) if isinstance(result, AsyncPage) else result


class _SyncIterable:
    """An ``AsyncPage`` the recording's plain ``for`` can iterate (over its data)."""

    def __init__(self, page: AsyncPage[Any]) -> None:
        self.page = page

    def __iter__(self) -> Any:
        return iter(self.page.data)


def scripted(scenario: dict[str, Any]) -> Any:
    """The fake upstream for one scenario: uploads and polls answered as the recording implies."""
    requests = scenario["requests"]
    polls = [r for r in requests if "x-stainless-poll-helper" in r["headers"]]
    upload_ids = [
        r["json"]["file_id"]
        for r in requests
        if r["method"] == "POST" and re.fullmatch(r"/v1/vector_stores/[^/]+/files", r["path"])
    ]
    result = scenario.get("result")
    final = result.get("value") if isinstance(result, dict) else None
    answered = {"polls": 0}

    def handler(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if request.method == "POST" and path == "/v1/files" and upload_ids:
            return httpx2.Response(200, json=file_object_json(upload_ids.pop(0)))
        if request.method == "POST" and path.endswith("/file_batches") and polls:
            return httpx2.Response(200, json=batch_json(polls[0]["path"].rsplit("/", 1)[1], in_progress=1))
        if "x-stainless-poll-helper" in request.headers:
            answered["polls"] += 1
            object_id = path.rsplit("/", 1)[1]
            if answered["polls"] < len(polls):
                pending = (
                    batch_json(object_id, in_progress=1, status="in_progress")
                    if "/file_batches/" in path
                    else vs_file_json(object_id, status="in_progress")
                )
                return httpx2.Response(200, json=pending)
            return httpx2.Response(200, json=final)
        return upstream(request)

    return handler


def check_request(sent: httpx2.Request, expected: dict[str, Any]) -> None:
    assert sent.method == expected["method"]
    raw_path, _, raw_query = sent.url.raw_path.decode("ascii").partition("?")
    assert raw_path == expected["path"]
    assert [list(pair) for pair in parse_qsl(raw_query, keep_blank_values=True)] == expected["query"]
    for name in COMPARED_HEADERS:
        assert sent.headers.get(name) == expected["headers"].get(name), name
    if "json" in expected:
        assert sent.headers["content-type"] == "application/json"
        assert json.dumps(json.loads(sent.content)) == json.dumps(expected["json"]), "body or key order"
    elif "multipart" in expected:
        parts = parse_multipart(sent)
        assert [p.lines for p in parts] == [e["headers"] for e in expected["multipart"]]
        assert [len(p.data) for p in parts] == [e["size"] for e in expected["multipart"]]
        for part, want in zip(parts, expected["multipart"], strict=True):
            preview = want["preview"]
            shown = "hex:" + part.data[:24].hex() if preview.startswith("hex:") else part.data[:60].decode()
            assert shown == preview
    else:
        assert sent.content == b""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The files the recorded calls upload, in the working directory as they were."""
    (tmp_path / "notes.txt").write_bytes(b"hello vector world\n")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_openais_recorded_call_sends_the_same_requests(kind: Kind, name: str, workdir: Path) -> None:
    scenario = SCENARIOS[name]
    h = OpenAIHarness(kind, scripted(scenario))
    opened: list[Any] = []

    def open_(*args: Any) -> Any:
        opened.append(open(*args))  # noqa: SIM115 - closed when the test ends
        return opened[-1]

    names = {"C": Recorded(h), "TMP": workdir, "pathlib": pathlib, "io": io, "open": open_, "str": str}
    names |= {
        "inf": math.inf,
        "nan": math.nan,
        "fid": "file-000011",
        "False": False,
        "True": True,
        "None": None,
    }

    result: Any = None
    with skip_poll_pauses(), contextlib.ExitStack() as stack:
        stack.callback(lambda: [f.close() for f in opened])
        if "exception" in scenario:
            with pytest.raises(Exception) as info:  # noqa: PT011 - the class is checked by name below
                eval(scenario["call"], {"__builtins__": {}}, names)  # noqa: S307 - a committed recording
            assert type(info.value).__name__ == scenario["exception"]
        else:
            result = eval(scenario["call"], {"__builtins__": {}}, names)  # noqa: S307 - a committed recording

    assert len(h.requests) == len(scenario["requests"]), [str(r.url) for r in h.requests]
    for sent, expected in zip(h.requests, scenario["requests"], strict=True):
        check_request(sent, expected)
    result = result.page if isinstance(result, _SyncIterable) else result
    if result is not None and isinstance(scenario["result"], dict):
        wanted = scenario["result"]["type"].split("[")[0]
        ours = type(result).__name__.replace("Async", "Sync" if "Page" in wanted else "")
        assert ours == OUR_TYPES.get(wanted, wanted)
        if any("x-stainless-poll-helper" in r["headers"] for r in scenario["requests"]):
            assert result.model_dump(mode="json") == scenario["result"]["value"]
