"""A page costs the same work at 100,000 attachments as at 1,000: counted, not timed.

SQLite's progress handler counts virtual-machine steps, which do not depend on how busy the
machine is; the time a page takes is a benchmark row (``benchmarks``), not an assertion here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.store import Database


def vm_steps(store: Store, call: Callable[[], Any]) -> int:
    """How many SQLite VM instructions ``call`` executes on ``store``'s connection."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    assert isinstance(store.db, Database), "SQLite's counter"
    store.db.set_progress_handler(count, 1)
    try:
        call()
    finally:
        store.db.set_progress_handler(None, 1)
    return steps


def page_costs(tmp_path: Path, total: int) -> dict[str, int]:
    with Store.open(tmp_path / f"{total}.sqlite3", max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        ids = store.seed_attachments(assistant_id, total)
        middle = total // 2
        for file_id in ids[middle : middle + 100]:
            store.detach(assistant_id, file_id)  # tombstones in the middle of the walk
        costs = {}
        for order in ("asc", "desc"):
            for key in ("after", "before"):
                for name, cursor in (("start", ids[1]), ("middle", ids[middle + 50]), ("end", ids[-2])):
                    page = functools.partial(
                        store.list_attachments, assistant_id, limit=100, order=order, **{key: cursor}
                    )
                    costs[f"{order}-{key}-{name}"] = vm_steps(store, page)
        new_file = store.create_file("n.txt", b"x", "assistants")["id"]
        costs["attach-uncapped"] = vm_steps(store, lambda: store.attach(assistant_id, new_file))
        return costs


@pytest.mark.slow
def test_pages_and_attaches_cost_the_same_at_100k_attachments_as_at_1k(tmp_path: Path) -> None:
    small, large = page_costs(tmp_path, 1_000), page_costs(tmp_path, 100_000)
    for name, cost in small.items():
        # Measured equal (an index seek is one VM step at any depth); a scan would grow a hundredfold.
        assert large[name] <= cost * 1.1 + 10, (name, cost, large[name])
