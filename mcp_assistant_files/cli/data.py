"""The data commands (``assistants``, ``files``, ``vector-stores``) on the local backend's database."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..backend import Ingestor, Store, StoreError, open_store
from ..backend.vector_store_validation import FileAttach
from ..contract import MAX_PAGE_LIMIT
from ..logs import configure_logging
from ..service.messages import printable
from .access import UsageError

__all__ = ["data_command"]


def _open_store(db: str | None) -> Store:
    return open_store(db or None, max_files_per_assistant=0)


def _out(*fields: object) -> None:
    """One line of tab-separated fields, each with its control characters escaped.

    A file name is the uploader's choice: one holding ANSI escapes or a newline must not clear
    the screen or forge a row.
    """
    sys.stdout.write("\t".join(printable(str(f)) for f in fields) + "\n")


def data_command(args: argparse.Namespace) -> int:
    """``assistants``, ``files`` and ``vector-stores`` commands on the local backend's database.

    A reader that closes the output early (``| head``) ends the command quietly with the status
    a shell gives a process killed by SIGPIPE (141), as ``ls | head`` does.
    """
    configure_logging("WARNING")
    try:
        with _open_store(args.db) as store:
            _data(store, args)
        sys.stdout.flush()
    except StoreError as err:
        raise UsageError(str(err)) from None
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at /dev/null so that flush cannot fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return _SIGPIPE_STATUS
    return 0


_SIGPIPE_STATUS = 128 + 13


def _every(page: Callable[[str | None], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every item of a listing, page by page (``page(after)`` is one page after that id)."""
    after: str | None = None
    while True:
        listing = page(after)
        yield from listing["data"]
        if not listing["has_more"] or not listing["data"]:
            return
        after = listing["data"][-1]["id"]


def _data(store: Store, args: argparse.Namespace) -> None:
    """The data commands on an open store."""
    if args.command == "assistants" and args.action == "create":
        _out(store.create_assistant(name=args.name, model=args.model)["id"])
    elif args.command == "assistants":
        for a in _every(lambda after: store.list_assistants(limit=MAX_PAGE_LIMIT, order="asc", after=after)):
            _out(a["id"], a.get("name") or "", f"{len(a.get('file_ids', []))} file(s)")
    elif args.command == "vector-stores":
        _vector_stores(store, args)
    elif args.action == "upload":
        _upload(store, args)
    else:
        for f in _every(lambda after: store.list_files(limit=MAX_PAGE_LIMIT, order="asc", after=after)):
            _out(f["id"], f["bytes"], f["purpose"], f["filename"])


def _vector_stores(store: Store, args: argparse.Namespace) -> None:
    if args.action == "create":
        created = store.create_vector_store(args.name, file_ids=args.file)
        # No worker runs in this process: ingest here, so the store is ready when we return.
        Ingestor(store).process_pending()
        _out(created["id"])
        return
    for vs in _every(lambda after: store.list_vector_stores(limit=MAX_PAGE_LIMIT, order="asc", after=after)):
        total = vs["file_counts"]["total"]
        counts = ", ".join(
            f"{n} {status}" for status, n in vs["file_counts"].items() if n and status != "total"
        )
        _out(vs["id"], vs["name"], vs["status"], f"{total} file(s){f' ({counts})' if counts else ''}")


def _upload(store: Store, args: argparse.Namespace) -> None:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UsageError(f"not a file: {', '.join(missing)}")
    if args.attach:
        store.get_assistant(args.attach)
    if args.vector_store:
        store.get_vector_store(args.vector_store)
    for number, path in enumerate(paths, 1):
        with path.open("rb") as source:
            created = store.create_file_from(path.name, source, path.stat().st_size, "assistants")
        if args.attach:
            store.attach(args.attach, created["id"])
        if args.vector_store:
            store.attach_vector_store_file(args.vector_store, FileAttach(created["id"]))
        _out(created["id"], path.name)
        if sys.stderr.isatty() and len(paths) > 1:
            sys.stderr.write(f"\ruploaded {number}/{len(paths)}")
    if sys.stderr.isatty() and len(paths) > 1:
        sys.stderr.write("\n")
    if args.vector_store:
        Ingestor(store).process_pending()
