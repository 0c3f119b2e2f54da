"""The command line: every command and flag (``cli`` runs them, ``commands`` does them)."""

from __future__ import annotations

import argparse

from .._version import __version__
from ..backend.defaults import DEFAULT_POLL_INTERVAL
from ..client import DEFAULT_MAX_RETRIES
from ..client._base import DEFAULT_CONNECTIONS
from ..contract import DEFAULT_PAGE_LIMIT
from ..server.bounds import (
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_SESSIONS,
    DEFAULT_SESSION_IDLE_TIMEOUT,
)
from ..service.catalog import READ_ONLY_TOOLS, TOOL_NAMES
from ..service.declaration import FAMILIES
from ..service.scopes import READ_SCOPE, WRITE_SCOPE

__all__ = ["build_parser"]

_ENV_HELP = """\
environment:
  OPENAI_API_KEY                      key for the upstream (never needed by the local backend)
  OPENAI_BASE_URL                     upstream base URL (same as --base-url); unset: local backend
  OPENAI_ORG_ID, OPENAI_PROJECT_ID    sent as OpenAI-Organization / OpenAI-Project
  MCP_ASSISTANT_FILES_DB              local backend database (same as --db)
  MCP_ASSISTANT_FILES_CURSOR_SECRET   secret signing list cursors; replicas must share it
  MCP_ASSISTANT_FILES_AUTH_TOKEN      bearer token required on HTTP transports (with --auth-issuer:
                                      accepted besides OAuth access tokens, with every scope)
"""


def _port(text: str) -> int:
    value = _count(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0: any free port), not {text}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {text}")
    return value


def _bind_flags(parser: argparse.ArgumentParser, *, port: int, what: str) -> None:
    parser.add_argument("--host", default="127.0.0.1", help=f"{what} bind address (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=port, help=f"{what} port (default: {port})")


def _db_flag(parser: argparse.ArgumentParser, what: str = "local backend database") -> None:
    parser.add_argument(
        "--db",
        help=f"{what}: a SQLite file, :memory:, or postgresql://USER:PASSWORD@HOST:PORT/DBNAME "
        "(default: $MCP_ASSISTANT_FILES_DB, else a file in the user data directory)",
    )


def _repeated_flag(parser: argparse.ArgumentParser, flag: str, metavar: str, help: str) -> None:
    parser.add_argument(flag, action="append", default=[], metavar=metavar, help=f"{help} (repeatable)")


def _log_level_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        help="stderr log level (default: WARNING)",
    )


def _serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="run the MCP server (the default command)",
        description="Run the MCP server. Without --base-url or OPENAI_BASE_URL it uses the embedded local backend.",
        epilog=_ENV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--transport",
        choices=["stdio", "sse", "streamable-http"],
        default="stdio",
        help="how MCP clients connect (default: stdio)",
    )
    _bind_flags(p, port=8000, what="HTTP")
    p.add_argument(
        "--stateless",
        action="store_true",
        help="streamable HTTP without sessions, for replicas behind a load balancer",
    )
    p.add_argument(
        "--json-response",
        action="store_true",
        help="streamable HTTP answers plain JSON instead of an SSE stream",
    )
    p.add_argument(
        "--base-url",
        help="upstream assistant-files API, e.g. https://api.example.com/v1 "
        "(default: $OPENAI_BASE_URL, else the embedded local backend)",
    )
    _db_flag(p, "embedded backend database")
    p.add_argument(
        "--read-only",
        action="store_true",
        help=f"register only the read-only tools ({', '.join(READ_ONLY_TOOLS)})",
    )
    p.add_argument(
        "--toolsets",
        help=f"comma-separated tool families to register (default: all of {', '.join(FAMILIES)})",
    )
    p.add_argument(
        "--tools", help=f"comma-separated tools to register (default: all of {', '.join(TOOL_NAMES)})"
    )
    _repeated_flag(p, "--allow-assistant", "ID", "only these assistants may be used (default: any)")
    _repeated_flag(p, "--allow-vector-store", "ID", "only these vector stores may be used (default: any)")
    p.add_argument(
        "--upload-root",
        metavar="DIR",
        help="offer upload_file, reading only files inside DIR (default: no upload_file tool)",
    )
    _repeated_flag(p, "--allowed-host", "HOST", "extra Host header accepted on HTTP, 'name' or 'name:port'")
    _repeated_flag(
        p, "--allowed-origin", "ORIGIN", "extra Origin accepted on HTTP, e.g. https://app.example.com"
    )
    p.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow a non-loopback HTTP bind without MCP_ASSISTANT_FILES_AUTH_TOKEN or --auth-issuer",
    )
    _oauth_flags(p)
    p.add_argument(
        "--max-retries",
        type=_count,
        default=DEFAULT_MAX_RETRIES,
        help=f"upstream retries per call (default: {DEFAULT_MAX_RETRIES})",
    )
    p.add_argument(
        "--upstream-connections",
        type=_count,
        default=DEFAULT_CONNECTIONS,
        metavar="N",
        help="connections to --base-url open at most, all kept alive; raise it for a distant upstream "
        f"under many concurrent calls (default: {DEFAULT_CONNECTIONS})",
    )
    _http_limit_flags(p)
    _log_level_flag(p)


def _oauth_flags(parser: argparse.ArgumentParser) -> None:
    oauth = parser.add_argument_group(
        "OAuth (HTTP transports)", "accept OAuth 2.1 access tokens (JWTs) of an authorization server"
    )
    urls = (
        ("--auth-issuer", "the authorization server (its tokens' iss); turns OAuth on"),
        ("--auth-audience", "this server's canonical URL, which tokens' aud must name, e.g. "
         "https://mcp.example.com/mcp (required with --auth-issuer)"),
        ("--auth-jwks-url", "the issuer's signing keys (default: the jwks_uri of its metadata)"),
    )  # fmt: skip
    for flag, help in urls:
        oauth.add_argument(flag, metavar="URL", help=help)
    for verb, scope in (("read", READ_SCOPE), ("write", WRITE_SCOPE)):
        oauth.add_argument(
            f"--auth-{verb}-scope",
            action="append",
            default=[],
            metavar="[FAMILY=]SCOPE",
            help=f"scope the {verb} tools need, for every family or FAMILY's (default: {scope}; repeatable)",
        )


def _http_limit_flags(parser: argparse.ArgumentParser) -> None:
    limits = (
        ("--header-timeout", "SECONDS", float, DEFAULT_HEADER_TIMEOUT,
         "close an HTTP connection whose request headers take longer than this"),
        ("--max-connections", "N", int, DEFAULT_MAX_CONNECTIONS,
         "HTTP connections open at once; more are answered 503"),
        ("--session-idle-timeout", "SECONDS", float, DEFAULT_SESSION_IDLE_TIMEOUT,
         "end a stateful streamable-HTTP session after this long without a request"),
        ("--max-sessions", "N", int, DEFAULT_MAX_SESSIONS,
         "stateful streamable-HTTP sessions kept; beyond, the least recently active idle one ends"),
    )  # fmt: skip
    for flag, metavar, kind, default, help in limits:
        parser.add_argument(
            flag, type=kind, default=default, metavar=metavar, help=f"{help} (default: {default:g})"
        )


def _backend_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backend",
        help="run the local assistant-files REST backend standalone",
        description="Serve the v1 assistant-files, Files and Vector Store Files REST APIs on SQLite or "
        "PostgreSQL at http://HOST:PORT/v1, with the worker that ingests vector-store files. Several "
        "backend processes may share one PostgreSQL database.",
    )
    _bind_flags(p, port=8765, what="HTTP")
    _db_flag(p, "database")
    _repeated_flag(
        p, "--api-key", "KEY", "require this bearer key (visible in ps: prefer the file or the variable)"
    )
    p.add_argument(
        "--api-key-file",
        metavar="PATH",
        help="require the bearer keys in this file, one per line (also: $MCP_ASSISTANT_FILES_BACKEND_API_KEYS)",
    )
    p.add_argument(
        "--max-files-per-assistant",
        type=_count,
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
    _log_level_flag(p)


def _family(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    make: tuple[str, str],
    listing: str,
) -> argparse.ArgumentParser:
    """``NAME MAKE ...`` and ``NAME list``, each with ``--db``; returns MAKE's parser for its flags."""
    family = sub.add_parser(name, help=help)
    actions = family.add_subparsers(dest="action", required=True, metavar="ACTION")
    maker = actions.add_parser(make[0], help=make[1])
    _db_flag(maker)
    _db_flag(actions.add_parser("list", help=listing))
    return maker


def _data_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    _repeated_flag(store, "--file", "FILE_ID", "add this uploaded file")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line (used by ``--help`` and by the README check)."""
    parser = argparse.ArgumentParser(
        prog="mcp-assistant-files",
        description="MCP server for the files attached to OpenAI-style (v1) assistants.",
        epilog="Without a command, runs `serve`. Start with: mcp-assistant-files demo",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _serve_parser(sub)
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
