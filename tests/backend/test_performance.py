"""One page of 100 from an assistant with 100,000 attachments stays in the low milliseconds."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.testing import seed_attachments

logger = logging.getLogger(__name__)


@pytest.mark.slow
def test_a_page_at_100k_attachments_is_fast(tmp_path: Path) -> None:
    with Store.open(tmp_path / "big.sqlite3", max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        file_ids = seed_attachments(store, assistant_id, 100_000)
        for file_id in file_ids[50_000:50_100]:
            store.detach(assistant_id, file_id)  # tombstones in the middle of the walk
        cursors = [file_ids[i] for i in (0, 25_000, 50_050, 75_000, 99_000)]
        timings = []
        for order in ("asc", "desc"):
            for key in ("after", "before"):
                for cursor in cursors:
                    started = time.perf_counter()
                    page = store.list_attachments(assistant_id, limit=100, order=order, **{key: cursor})
                    timings.append(time.perf_counter() - started)
                    assert len(page["data"]) <= 100
        timings.sort()
        median, worst = timings[len(timings) // 2], timings[-1]
        logger.info("page of 100 at 100k: median %.2f ms, worst %.2f ms", median * 1e3, worst * 1e3)
        assert median < 0.005, f"median page took {median * 1e3:.1f} ms"
        assert worst < 0.050, f"slowest page took {worst * 1e3:.1f} ms"
        started = time.perf_counter()
        store.attach(assistant_id, store.create_file("n.txt", b"x", "assistants")["id"])
        assert time.perf_counter() - started < 0.050, "unlimited cap: no count over 100k rows"
