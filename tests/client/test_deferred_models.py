"""The client's models are built on first use (``defer_build``), and that first use is thread-safe.

A sync client shared by threads may meet a model for the first time in several threads at once.
Each case runs in a fresh interpreter, where no model has been built yet, switching threads as
often as the interpreter can. (pydantic before 2.14 could race there: pydantic#13419; our floor
is 2.14, whose rebuild lock this relies on.)
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

FIRST_USE_FROM_THREADS = textwrap.dedent(
    """
    import json, sys, threading
    sys.setswitchinterval(1e-6)
    import httpx2
    from mcp_assistant_files import OpenAIClient
    from mcp_assistant_files.client.models import VectorStore, VectorStoreFile, VectorStoreFileBatch

    STORE = {"id": "vs_1", "object": "vector_store", "created_at": 1, "name": "n", "usage_bytes": 0,
             "status": "completed", "file_counts": {"in_progress": 0, "completed": 1, "failed": 0,
             "cancelled": 0, "total": 1}}
    FILE = {"id": "file-1", "object": "vector_store.file", "created_at": 1, "vector_store_id": "vs_1",
            "status": "completed", "usage_bytes": 3, "last_error": None}
    BATCH = {"id": "vsfb_1", "object": "vector_store.files_batch", "created_at": 1, "vector_store_id": "vs_1",
             "status": "completed", "file_counts": STORE["file_counts"]}

    def answer(request):
        path = request.url.path
        body = BATCH if "/file_batches/" in path else FILE if "/files/" in path else STORE
        return httpx2.Response(200, json=body)

    unbuilt = [m for m in (VectorStore, VectorStoreFile, VectorStoreFileBatch) if not m.__pydantic_complete__]
    client = OpenAIClient(api_key="sk-test", base_url="http://upstream.test/v1",
                          http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
    start = threading.Barrier(24)
    failures = []

    def use(i):
        start.wait()
        try:
            kind = i % 3
            if kind == 0:
                got = client.vector_stores.retrieve("vs_1")
                assert got.file_counts.total == 1 and got.model_dump()["name"] == "n"
            elif kind == 1:
                got = client.vector_stores.files.retrieve("file-1", vector_store_id="vs_1")
                assert got.status == "completed" and got.model_dump()["usage_bytes"] == 3
            else:
                got = client.vector_stores.file_batches.retrieve("vsfb_1", vector_store_id="vs_1")
                assert got.file_counts.completed == 1
        except BaseException as err:
            failures.append(repr(err))

    threads = [threading.Thread(target=use, args=(i,)) for i in range(24)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps({"unbuilt_before": len(unbuilt), "failures": failures}))
    """
)


def test_models_are_built_on_first_use_once_however_many_threads_meet_them_together() -> None:
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", FIRST_USE_FROM_THREADS], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        outcome = done.stdout.strip()
        assert outcome == '{"unbuilt_before": 3, "failures": []}', outcome
