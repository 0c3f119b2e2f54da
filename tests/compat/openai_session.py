#!/usr/bin/env python3
"""Full files + vector-store session with the UNCHANGED openai 3.57.0 client.

Run by ``test_openai_session.py`` with a python that has ``openai==3.57.0`` (this test suite's
own python does not). The script the openai-3.57 notes ship, typed and linted; its checks and
accepted outcomes are unchanged.

    python session.py BASE_URL [--api-key KEY] [--max-retries N] [--timeout S] [--max-wait S] [--keep]

BASE_URL includes the version prefix, e.g. http://127.0.0.1:8765/v1.  The key defaults to
$OPENAI_API_KEY, else the dummy "sk-session-dummy" (the SDK refuses to start without one).

Prints one transcript line per call and exits:
  0  every result was as expected
  1  first unexpected result (status, field value, exception type) -- the line says what/why
  2  the server could not be reached (openai.APIConnectionError / APITimeoutError)
  3  overall deadline (--deadline, default 900 s) exceeded, e.g. a batch that never finishes
     (file_batches.poll has no max_wait_seconds in 3.57.0)

Accepted outcomes where the API leaves room (each is printed so the run shows which one happened):
  * unsupported binary ("blob.bin", bytes 0..255): EITHER refused at upload with 400/415/422, OR
    accepted by /files and then the vector-store file ends `failed` with last_error.code in
    {unsupported_file, invalid_file}.
  * vector_stores.files.update(attributes=None): attributes read back as None or {}.
  * file_batches.cancel on a freshly created batch: status in {cancelled, cancelling, completed}
    (a backend may finish tiny batches synchronously), or 400/409 "already finished".
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import pathlib
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any, NoReturn

import openai  # type: ignore[import-not-found]
from openai import OpenAI

N_STEP = 0
TEXT = b"hello from session.py\nsecond line about vector stores\n"


class Unexpected(Exception):
    pass


class Deadline(BaseException):
    """Raised from SIGALRM; a BaseException so no step() handler swallows it."""


def say(msg: str) -> None:
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def fail(msg: str) -> NoReturn:
    raise Unexpected(msg)


def expect(cond: bool, msg: str) -> None:
    if not cond:
        fail(msg)


def step(desc: str, fn: Callable[[], Any], show: Callable[[Any], str] = lambda r: "") -> Any:
    global N_STEP
    N_STEP += 1
    t0 = time.monotonic()
    try:
        res = fn()
    except (openai.APIConnectionError, Unexpected, KeyboardInterrupt):
        raise
    except openai.APIStatusError as e:
        fail(f"{desc}: {type(e).__name__} {e.status_code}: {e.message}")
    except Exception as e:  # noqa: BLE001
        fail(f"{desc}: {type(e).__name__}: {e}")
    extra = show(res)
    say(f"[{N_STEP:02d}] {desc} -> {extra} ({(time.monotonic() - t0) * 1000:.0f} ms)")
    return res


def step_raises(desc: str, fn: Callable[[], Any], *exc: type[BaseException]) -> BaseException:
    global N_STEP
    N_STEP += 1
    try:
        res = fn()
    except (openai.APIConnectionError, Unexpected):
        raise
    except exc as e:
        say(f"[{N_STEP:02d}] {desc} -> raised {type(e).__name__} as expected: {str(e)[:120]}")
        return e
    except Exception as e:  # noqa: BLE001
        fail(f"{desc}: expected {'/'.join(x.__name__ for x in exc)}, got {type(e).__name__}: {e}")
    fail(f"{desc}: expected {'/'.join(x.__name__ for x in exc)}, got result {res!r:.200}")


def fobj(f: Any) -> str:
    return f"id={f.id} bytes={f.bytes} filename={f.filename!r} purpose={f.purpose} status={f.status}"


def vsf(f: Any) -> str:
    err = f" last_error={f.last_error.code}" if f.last_error else ""
    return f"id={f.id} status={f.status}{err} usage_bytes={f.usage_bytes} attributes={f.attributes}"


def counts(c: Any) -> str:
    return f"in_progress={c.in_progress} completed={c.completed} failed={c.failed} cancelled={c.cancelled} total={c.total}"


def run(c: OpenAI, tmp: pathlib.Path, max_wait: float, created: dict[str, list[str]]) -> None:
    files, vss = created["files"], created["vector_stores"]

    # ------------------------------------------------------------------ /files
    txt = tmp / "session-notes.txt"
    txt.write_bytes(TEXT)
    f_txt = step("files.create(text, Path)", lambda: c.files.create(file=txt, purpose="assistants"), fobj)
    files.append(f_txt.id)
    expect(
        f_txt.object == "file"
        and f_txt.bytes == len(TEXT)
        and f_txt.filename == "session-notes.txt"
        and f_txt.purpose == "assistants",
        f"files.create returned {f_txt.model_dump()}",
    )

    blob = tmp / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 4)
    bin_rejected_at_upload = False
    global N_STEP
    N_STEP += 1
    try:
        with open(blob, "rb") as fh:
            f_bin = c.files.create(file=fh, purpose="assistants")
        files.append(f_bin.id)
        say(f"[{N_STEP:02d}] files.create(binary, open file) -> accepted: {fobj(f_bin)}")
        expect(
            f_bin.bytes == 1024 and f_bin.filename == "blob.bin",
            f"binary upload returned {f_bin.model_dump()}",
        )
    except (openai.BadRequestError, openai.UnprocessableEntityError) as e:
        bin_rejected_at_upload = True
        say(f"[{N_STEP:02d}] files.create(binary) -> refused at upload: {type(e).__name__} {e.message}")
    except openai.APIStatusError as e:
        if e.status_code != 415:
            fail(f"files.create(binary): {type(e).__name__} {e.status_code}: {e.message}")
        bin_rejected_at_upload = True
        say(f"[{N_STEP:02d}] files.create(binary) -> refused at upload: 415 {e.message}")

    got = step("files.retrieve(text)", lambda: c.files.retrieve(f_txt.id), fobj)
    expect(
        got.id == f_txt.id and got.bytes == f_txt.bytes and got.filename == f_txt.filename,
        "files.retrieve mismatch",
    )
    listed = step(
        "files.list(purpose=assistants, limit=100) [auto-paginated]",
        lambda: [f.id for f in c.files.list(purpose="assistants", limit=100)],
        lambda r: f"{len(r)} files",
    )
    expect(f_txt.id in listed, "uploaded file missing from files.list")
    expect(len(listed) == len(set(listed)), "files.list auto-pagination returned duplicates")
    content = step(
        "files.content(text)", lambda: c.files.content(f_txt.id).read(), lambda r: f"{len(r)} bytes"
    )
    expect(content == TEXT, f"files.content returned {content[:80]!r}")

    # ------------------------------------------------------------------ vector stores
    vs = step(
        "vector_stores.create(name, metadata)",
        lambda: c.vector_stores.create(name="session-kb", metadata={"run": "session.py"}),
        lambda r: f"id={r.id} status={r.status} file_counts.total={r.file_counts.total}",
    )
    vss.append(vs.id)
    expect(
        vs.object == "vector_store" and vs.name == "session-kb" and vs.metadata == {"run": "session.py"},
        f"vector_stores.create returned {vs.model_dump()}",
    )
    got = step(
        "vector_stores.retrieve",
        lambda: c.vector_stores.retrieve(vs.id),
        lambda r: f"id={r.id} name={r.name!r}",
    )
    expect(got.id == vs.id and got.name == "session-kb", "vector_stores.retrieve mismatch")
    got = step(
        "vector_stores.update(name, metadata)",
        lambda: c.vector_stores.update(
            vs.id, name="session-kb-renamed", metadata={"run": "session.py", "v": "2"}
        ),
        lambda r: f"name={r.name!r} metadata={r.metadata}",
    )
    expect(
        got.name == "session-kb-renamed" and got.metadata == {"run": "session.py", "v": "2"},
        f"update returned {got.model_dump()}",
    )
    ids = step(
        "vector_stores.list(limit=100) [auto-paginated]",
        lambda: [v.id for v in c.vector_stores.list(limit=100)],
        lambda r: f"{len(r)} stores",
    )
    expect(vs.id in ids, "created vector store missing from vector_stores.list")

    # ------------------------------------------------------------------ vector store files
    att = {"author": "session", "year": 2024, "draft": False}
    vf = step(
        "vector_stores.files.create(text, attributes)",
        lambda: c.vector_stores.files.create(vs.id, file_id=f_txt.id, attributes=att),
        vsf,
    )
    expect(
        vf.object == "vector_store.file"
        and vf.id == f_txt.id
        and vf.vector_store_id == vs.id
        and vf.status in ("in_progress", "completed"),
        f"files.create returned {vf.model_dump()}",
    )
    vf = step(
        "vector_stores.files.poll",
        lambda: c.vector_stores.files.poll(f_txt.id, vector_store_id=vs.id, max_wait_seconds=max_wait),
        vsf,
    )
    expect(vf.status == "completed", f"text file did not complete: {vf.model_dump()}")
    vf = step(
        "vector_stores.files.retrieve",
        lambda: c.vector_stores.files.retrieve(f_txt.id, vector_store_id=vs.id),
        vsf,
    )
    expect(vf.status == "completed" and vf.attributes == att, f"retrieve returned {vf.model_dump()}")
    vf = step(
        "vector_stores.files.update(attributes)",
        lambda: c.vector_stores.files.update(
            f_txt.id, vector_store_id=vs.id, attributes={"author": "other", "n": 1.5}
        ),
        vsf,
    )
    expect(vf.attributes == {"author": "other", "n": 1.5}, f"update returned attributes {vf.attributes}")
    vf = step(
        "vector_stores.files.update(attributes=None)",
        lambda: c.vector_stores.files.update(f_txt.id, vector_store_id=vs.id, attributes=None),
        vsf,
    )
    expect(vf.attributes in (None, {}), f"update(attributes=None) returned attributes {vf.attributes}")
    page = step(
        "vector_stores.files.list(filter=completed, limit=5)",
        lambda: c.vector_stores.files.list(vs.id, filter="completed", limit=5),
        lambda p: f"{[f.id for f in p.data]} has_more={p.has_more}",
    )
    expect(
        f_txt.id in [f.id for f in page.data] and all(f.status == "completed" for f in page.data),
        "filter=completed list wrong",
    )
    page = step(
        "vector_stores.files.list(filter=failed)",
        lambda: c.vector_stores.files.list(vs.id, filter="failed"),
        lambda p: f"{len(p.data)} files",
    )
    expect(
        all(f.status == "failed" for f in page.data) and f_txt.id not in [f.id for f in page.data],
        "filter=failed list wrong",
    )
    parts = step(
        "vector_stores.files.content",
        lambda: c.vector_stores.files.content(f_txt.id, vector_store_id=vs.id),
        lambda p: f"{len(p.data)} part(s), types={[x.type for x in p.data]}",
    )
    text = "".join(x.text or "" for x in parts)
    expect("hello from session.py" in text, f"content text was {text[:100]!r}")

    # binary file through create_and_poll -> expected failed/unsupported
    if not bin_rejected_at_upload:
        vb = step(
            "vector_stores.files.create_and_poll(binary)",
            lambda: c.vector_stores.files.create_and_poll(
                f_bin.id, vector_store_id=vs.id, max_wait_seconds=max_wait
            ),
            vsf,
        )
        expect(
            vb.status == "failed"
            and vb.last_error is not None
            and vb.last_error.code in ("unsupported_file", "invalid_file"),
            f"binary file should fail as unsupported, got {vb.model_dump()}",
        )

    # create_and_poll and upload_and_poll with fresh text files
    f2 = step(
        "files.create(tuple name/bytes/content-type)",
        lambda: c.files.create(
            file=("second.md", b"# second\nmarkdown body\n", "text/markdown"), purpose="assistants"
        ),
        fobj,
    )
    files.append(f2.id)
    v2 = step(
        "vector_stores.files.create_and_poll(text, static chunking)",
        lambda: c.vector_stores.files.create_and_poll(
            f2.id,
            vector_store_id=vs.id,
            max_wait_seconds=max_wait,
            chunking_strategy={
                "type": "static",
                "static": {"max_chunk_size_tokens": 200, "chunk_overlap_tokens": 50},
            },
        ),
        vsf,
    )
    expect(v2.status == "completed" and v2.id == f2.id, f"create_and_poll returned {v2.model_dump()}")
    v3 = step(
        "vector_stores.files.upload_and_poll(bytes tuple, attributes)",
        lambda: c.vector_stores.files.upload_and_poll(
            vector_store_id=vs.id,
            file=("third.txt", b"third file\n"),
            attributes={"k": "v"},
            max_wait_seconds=max_wait,
        ),
        vsf,
    )
    files.append(v3.id)
    expect(
        v3.status == "completed" and v3.attributes == {"k": "v"},
        f"upload_and_poll returned {v3.model_dump()}",
    )
    if not bin_rejected_at_upload:
        v4 = step(
            "vector_stores.files.upload_and_poll(binary io.BytesIO)",
            lambda: c.vector_stores.files.upload_and_poll(
                vector_store_id=vs.id,
                file=("blob2.bin", io.BytesIO(bytes(range(256)))),
                max_wait_seconds=max_wait,
            ),
            vsf,
        )
        files.append(v4.id)
        expect(
            v4.status == "failed" and v4.last_error is not None,
            f"binary upload_and_poll should fail, got {v4.model_dump()}",
        )

    d = step(
        "vector_stores.files.delete(text)",
        lambda: c.vector_stores.files.delete(f_txt.id, vector_store_id=vs.id),
        lambda r: f"id={r.id} object={r.object} deleted={r.deleted}",
    )
    expect(
        d.deleted is True and d.object == "vector_store.file.deleted" and d.id == f_txt.id,
        f"delete returned {d.model_dump()}",
    )
    step_raises(
        "vector_stores.files.retrieve(deleted) -> 404",
        lambda: c.vector_stores.files.retrieve(f_txt.id, vector_store_id=vs.id),
        openai.NotFoundError,
    )
    still = step(
        "files.retrieve(text) after detach (file must survive)", lambda: c.files.retrieve(f_txt.id), fobj
    )
    expect(still.id == f_txt.id, "detaching removed the underlying file")

    # ------------------------------------------------------------------ 30 files, batches, pagination
    vs2 = step(
        "vector_stores.create(name=paging)",
        lambda: c.vector_stores.create(name="session-paging"),
        lambda r: f"id={r.id}",
    )
    vss.append(vs2.id)
    thirty: list[str] = []
    for i in range(30):
        f = c.files.create(file=(f"page-{i:02d}.txt", f"page file {i}\n".encode()), purpose="assistants")
        thirty.append(f.id)
        files.append(f.id)
    say(f"[--] uploaded 30 files for paging: {thirty[0]} .. {thirty[-1]}")
    b = step(
        "file_batches.create_and_poll(file_ids=30)",
        lambda: c.vector_stores.file_batches.create_and_poll(vs2.id, file_ids=thirty),
        lambda r: f"id={r.id} status={r.status} {counts(r.file_counts)}",
    )
    expect(
        b.object == "vector_store.files_batch"
        and b.file_counts.in_progress == 0
        and b.file_counts.completed == 30
        and b.file_counts.total == 30,
        f"batch returned {b.model_dump()}",
    )
    b2 = step(
        "file_batches.retrieve",
        lambda: c.vector_stores.file_batches.retrieve(b.id, vector_store_id=vs2.id),
        lambda r: f"status={r.status} {counts(r.file_counts)}",
    )
    expect(b2.id == b.id and b2.status == "completed", f"batch retrieve returned {b2.model_dump()}")
    in_batch = step(
        "file_batches.list_files(limit=10) [auto-paginated]",
        lambda: [
            f.id for f in c.vector_stores.file_batches.list_files(b.id, vector_store_id=vs2.id, limit=10)
        ],
        lambda r: f"{len(r)} files",
    )
    expect(sorted(in_batch) == sorted(thirty), "list_files did not return exactly the 30 batch files")

    def pages() -> list[list[Any]]:
        return [p.data for p in c.vector_stores.files.list(vs2.id, limit=10, order="asc").iter_pages()]

    pg = step(
        "vector_stores.files.list(limit=10, order=asc).iter_pages()",
        pages,
        lambda r: f"page sizes {[len(p) for p in r]}",
    )
    flat = [f.id for p in pg for f in p]
    expect([len(p) for p in pg] == [10, 10, 10], f"expected 3 pages of 10, got {[len(p) for p in pg]}")
    expect(sorted(flat) == sorted(thirty) and len(set(flat)) == 30, "pagination lost or duplicated files")
    created_at = [f.created_at for p in pg for f in p]
    expect(created_at == sorted(created_at), "order=asc is not ascending by created_at")
    first = step(
        "vector_stores.files.list(limit=10) first page",
        lambda: c.vector_stores.files.list(vs2.id, limit=10, order="desc"),
        lambda p: (
            f"first_id={getattr(p, 'first_id', None)} last_id={getattr(p, 'last_id', None)} has_more={p.has_more}"
        ),
    )
    expect(first.has_more is True and len(first.data) == 10, "first page of 30 should have has_more=true")
    expect(
        getattr(first, "first_id", None) == first.data[0].id
        and getattr(first, "last_id", None) == first.data[-1].id,
        "first_id/last_id do not match data",
    )
    nxt = step(
        "vector_stores.files.list(after=last_id, limit=10)",
        lambda: c.vector_stores.files.list(vs2.id, limit=10, order="desc", after=first.data[-1].id),
        lambda p: f"{len(p.data)} files",
    )
    expect(
        not ({f.id for f in nxt.data} & {f.id for f in first.data}), "after= page overlaps the previous page"
    )
    back = step(
        "vector_stores.files.list(before=<page2 first>, limit=10)",
        lambda: c.vector_stores.files.list(vs2.id, limit=10, order="desc", before=nxt.data[0].id),
        lambda p: f"{len(p.data)} files",
    )
    expect(
        [f.id for f in back.data] == [f.id for f in first.data], "before= did not return the previous page"
    )

    # batch with `files` entries, then cancel
    extra = [
        c.files.create(file=(f"cancel-{i}.txt", b"cancel me\n"), purpose="assistants").id for i in range(3)
    ]
    files.extend(extra)
    nb = step(
        "file_batches.create(files=[{file_id, attributes}])",
        lambda: c.vector_stores.file_batches.create(
            vs2.id, files=[{"file_id": x, "attributes": {"i": n}} for n, x in enumerate(extra)]
        ),
        lambda r: f"id={r.id} status={r.status} {counts(r.file_counts)}",
    )
    expect(
        nb.object == "vector_store.files_batch" and nb.file_counts.total == 3,
        f"batch create returned {nb.model_dump()}",
    )
    N_STEP += 1
    try:
        cb = c.vector_stores.file_batches.cancel(nb.id, vector_store_id=vs2.id)
        say(f"[{N_STEP:02d}] file_batches.cancel -> status={cb.status} {counts(cb.file_counts)}")
        expect(
            cb.id == nb.id and cb.status in ("cancelled", "cancelling", "completed"),
            f"cancel returned {cb.model_dump()}",
        )
    except (openai.BadRequestError, openai.ConflictError) as e:
        say(f"[{N_STEP:02d}] file_batches.cancel -> {type(e).__name__} (batch already finished): {e.message}")

    # ------------------------------------------------------------------ errors + deletes
    step_raises(
        "vector_stores.retrieve(unknown) -> 404",
        lambda: c.vector_stores.retrieve("vs_does_not_exist_123"),
        openai.NotFoundError,
    )
    step_raises(
        "files.retrieve(unknown) -> 404",
        lambda: c.files.retrieve("file-does-not-exist-123"),
        openai.NotFoundError,
    )
    d = step(
        "files.delete(text)",
        lambda: c.files.delete(f_txt.id),
        lambda r: f"id={r.id} object={r.object} deleted={r.deleted}",
    )
    expect(
        d.deleted is True and d.id == f_txt.id and d.object == "file",
        f"files.delete returned {d.model_dump()}",
    )
    files.remove(f_txt.id)
    step_raises("files.retrieve(deleted) -> 404", lambda: c.files.retrieve(f_txt.id), openai.NotFoundError)
    for v in list(vss):
        d = step(
            f"vector_stores.delete({v})",
            functools.partial(c.vector_stores.delete, v),
            lambda r: f"object={r.object} deleted={r.deleted}",
        )
        expect(
            d.deleted is True and d.id == v and d.object == "vector_store.deleted",
            f"vector_stores.delete returned {d.model_dump()}",
        )
        vss.remove(v)
    step_raises(
        "vector_stores.retrieve(deleted) -> 404",
        lambda: c.vector_stores.retrieve(vs.id),
        openai.NotFoundError,
    )


def cleanup(c: OpenAI, created: dict[str, list[str]]) -> None:
    n = 0
    deletes = [(c.vector_stores.delete, v) for v in created["vector_stores"]]
    for delete, object_id in [*deletes, *((c.files.delete, f) for f in created["files"])]:
        with contextlib.suppress(openai.OpenAIError):
            delete(object_id)
            n += 1
    say(f"[--] cleanup: deleted {n} leftover object(s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base_url")
    ap.add_argument("--api-key", default=os.environ.get("OPENAI_API_KEY") or "sk-session-dummy")
    ap.add_argument("--max-retries", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    ap.add_argument("--max-wait", type=float, default=120.0, help="max_wait_seconds for file polls")
    ap.add_argument("--deadline", type=int, default=900, help="whole-session deadline, seconds")
    ap.add_argument("--keep", action="store_true", help="do not delete leftovers on failure")
    a = ap.parse_args(argv)

    say(f"openai {openai.__version__} -> {a.base_url}")
    c = OpenAI(base_url=a.base_url, api_key=a.api_key, max_retries=a.max_retries, timeout=a.timeout)
    created: dict[str, list[str]] = {"files": [], "vector_stores": []}

    def on_alarm(*_: Any) -> None:
        raise Deadline(f"session deadline of {a.deadline}s exceeded")

    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(a.deadline)
    rc = 0
    with tempfile.TemporaryDirectory(prefix="session357-") as tmp:
        try:
            run(c, pathlib.Path(tmp), a.max_wait, created)
            say("RESULT: OK - every call behaved as expected")
        except openai.APIConnectionError as e:
            cause = e.__cause__ or e.__context__
            say(
                f"RESULT: CONNECTION ERROR - {type(e).__name__}: {e}"
                + (f" ({type(cause).__name__}: {cause})" if cause else "")
            )
            return 2
        except Unexpected as e:
            say(f"RESULT: UNEXPECTED at step {N_STEP}: {e}")
            rc = 1
        except Deadline as e:
            say(f"RESULT: DEADLINE at step {N_STEP}: {e}")
            rc = 3
        finally:
            if hasattr(signal, "SIGALRM"):
                signal.alarm(0)
    if rc and not a.keep:
        with contextlib.suppress(openai.OpenAIError):
            cleanup(c, created)
    return rc


if __name__ == "__main__":
    sys.exit(main())
