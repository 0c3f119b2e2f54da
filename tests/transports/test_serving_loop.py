"""``serve`` over HTTP runs on asyncio's own event loop, even where uvloop is installed.

uvicorn's default (``loop="auto"``) takes uvloop whenever it can import it; the server's layers
(the guarded h11 protocol, coalesced writes, the hang-up watch, the upstream connections on
asyncio's transports) are built and tested on asyncio's loop. A stand-in ``uvloop`` on the
``PYTHONPATH`` that refuses to make a loop shows which one was asked.
"""

from __future__ import annotations

from pathlib import Path

from .serving import spawn

FAKE_UVLOOP = '''"""A stand-in for uvloop: importable, but it makes no loop."""


def new_event_loop():
    raise RuntimeError("the stand-in uvloop was asked for an event loop")
'''


def test_serve_over_http_runs_on_asyncios_loop_even_where_uvloop_is_installed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "uvloop").mkdir(parents=True)
    (site / "uvloop" / "__init__.py").write_text(FAKE_UVLOOP)
    served = spawn(
        tmp_path, "--stateless", "--base-url", "http://127.0.0.1:9/v1", env={"PYTHONPATH": str(site)}
    )
    try:
        served.wait_ready()  # with uvicorn's loop="auto" it exits at start-up, naming the stand-in
    finally:
        served.stop()
    assert "stand-in uvloop" not in served.stderr
