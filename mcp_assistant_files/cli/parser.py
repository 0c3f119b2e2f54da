"""The command line: every command and flag (``cli`` runs them, ``commands`` does them); the
``serve`` command's flags are in :mod:`.serve_parser`."""

from __future__ import annotations

import argparse

from .._version import __version__
from ..backend.defaults import DEFAULT_POLL_INTERVAL
from ..contract import DEFAULT_PAGE_LIMIT
from .flags import (
    OneLineErrors,
    Subcommands,
    allowlist_flags,
    bind_flags,
    connection_limit_flags,
    count,
    db_flag,
    log_level_flag,
    repeated_flag,
)
from .serve_parser import add_serve_parser

__all__ = ["build_parser"]


def _backend_parser(sub: Subcommands) -> None:
    p = sub.add_parser(
        "backend",
        help="run the local assistant-files REST backend standalone",
        description="Serve the v1 assistant-files, Files and Vector Store Files REST APIs on SQLite or "
        "PostgreSQL at http://HOST:PORT/v1, with the worker that ingests vector-store files. Several "
        "backend processes may share one PostgreSQL database.",
    )
    bind_flags(p, port=8765, what="HTTP")
    db_flag(p, "database")
    repeated_flag(
        p, "--api-key", "KEY", "require this bearer key (visible in ps: prefer the file or the variable)"
    )
    p.add_argument(
        "--api-key-file",
        metavar="PATH",
        help="require the bearer keys in this file, one per line (also: $MCP_ASSISTANT_FILES_BACKEND_API_KEYS)",
    )
    allowlist_flags(p)
    p.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow a non-loopback bind without an API key (when something in front of it authenticates)",
    )
    connection_limit_flags(p)
    p.add_argument(
        "--max-files-per-assistant",
        type=count,
        default=20,
        help="attachment cap per assistant, as v1 had (default: 20; 0: no cap)",
    )
    p.add_argument(
        "--ingestion-poll-ms",
        type=int,
        default=int(DEFAULT_POLL_INTERVAL * 1000),
        metavar="MS",
        help="how often the ingestion worker looks for files other processes attached "
        f"(default: {int(DEFAULT_POLL_INTERVAL * 1000)})",
    )
    log_level_flag(p)


def _family(
    sub: Subcommands,
    name: str,
    help: str,
    make: tuple[str, str],
    listing: str,
) -> argparse.ArgumentParser:
    """``NAME MAKE ...`` and ``NAME list``, each with ``--db``; returns MAKE's parser for its flags."""
    family = sub.add_parser(name, help=help)
    actions = family.add_subparsers(dest="action", required=True, metavar="ACTION")
    maker = actions.add_parser(make[0], help=make[1])
    db_flag(maker)
    db_flag(actions.add_parser("list", help=listing))
    return maker


def _data_parsers(sub: Subcommands) -> None:
    create = _family(
        sub,
        "assistants",
        "create and list assistants in the local backend",
        ("create", "create an assistant and print its id"),
        "list the assistants",
    )
    create.add_argument("--name", help="the assistant's name")
    create.add_argument("--model", default="gpt-4", help="the model field (default: gpt-4)")

    upload = _family(
        sub,
        "files",
        "upload and list files in the local backend",
        ("upload", "upload files (purpose assistants) and print their ids"),
        "list the uploaded files",
    )
    upload.add_argument("paths", nargs="+", metavar="PATH", help="files to upload")
    upload.add_argument("--attach", metavar="ASSISTANT_ID", help="also attach each file to this assistant")
    upload.add_argument(
        "--vector-store",
        metavar="VECTOR_STORE_ID",
        help="also add each file to this vector store (and ingest it)",
    )

    store = _family(
        sub,
        "vector-stores",
        "create and list vector stores in the local backend",
        ("create", "create a vector store (ingesting its files) and print its id"),
        "list the vector stores with their files' counts",
    )
    store.add_argument("--name", default="", help="the vector store's name")
    repeated_flag(store, "--file", "FILE_ID", "add this uploaded file")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line (used by ``--help`` and by the README check)."""
    parser = OneLineErrors(
        prog="mcp-assistant-files",
        description="MCP server for the files attached to OpenAI-style (v1) assistants.",
        epilog="Without a command, runs `serve`. Start with: mcp-assistant-files demo",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_serve_parser(sub)
    _backend_parser(sub)
    demo = sub.add_parser(
        "demo",
        help="play an agent's session against a throw-away local backend",
        description="Seed a throw-away backend, start `serve` over stdio and page through it.",
    )
    demo.add_argument("--files", type=int, default=45, help="how many files to attach (default: 45)")
    demo.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_PAGE_LIMIT,
        help=f"page size the agent asks for (default: {DEFAULT_PAGE_LIMIT})",
    )
    _data_parsers(sub)
    return parser
