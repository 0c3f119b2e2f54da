"""``mcp-assistant-files``: serve the MCP server (default), run the local backend, the demo,
and put data into the local backend."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._version import __version__
from .tools import TOOL_NAMES

__all__ = ["build_parser", "main"]

_COMMANDS = ("serve", "backend", "demo", "assistants", "files")
_ENV_HELP = """\
environment:
  OPENAI_API_KEY                      key for the upstream (never needed by the local backend)
  OPENAI_BASE_URL                     upstream base URL (same as --base-url); unset: local backend
  OPENAI_ORG_ID, OPENAI_PROJECT_ID    sent as OpenAI-Organization / OpenAI-Project
  MCP_ASSISTANT_FILES_DB              local backend database (same as --db)
  MCP_ASSISTANT_FILES_CURSOR_SECRET   secret signing list cursors; replicas must share it
  MCP_ASSISTANT_FILES_AUTH_TOKEN      bearer token required on HTTP transports
"""


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
    p.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="HTTP port (default: 8000)")
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
    p.add_argument(
        "--db",
        help="local backend database file (default: $MCP_ASSISTANT_FILES_DB, "
        "else backend.sqlite3 in the user data directory)",
    )
    p.add_argument(
        "--read-only", action="store_true", help="register only list_assistant_files and get_assistant_file"
    )
    p.add_argument(
        "--tools", help=f"comma-separated tools to register (default: all of {', '.join(TOOL_NAMES)})"
    )
    p.add_argument(
        "--allow-assistant",
        action="append",
        default=[],
        metavar="ID",
        help="only these assistants may be used (repeatable; default: any)",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST",
        help="extra Host header value accepted on HTTP (repeatable; 'name' or 'name:port')",
    )
    p.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="extra Origin accepted on HTTP (repeatable, e.g. https://app.example.com)",
    )
    p.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow a non-loopback HTTP bind without MCP_ASSISTANT_FILES_AUTH_TOKEN",
    )
    p.add_argument("--max-retries", type=int, default=2, help="upstream retries per call (default: 2)")
    _log_level_flag(p)


def _backend_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backend",
        help="run the local assistant-files REST backend standalone",
        description="Serve the v1 assistant-files REST API on SQLite at http://HOST:PORT/v1.",
    )
    p.add_argument("--host", default="127.0.0.1", help="bind address (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    p.add_argument(
        "--db",
        help="database file, or :memory: (default: $MCP_ASSISTANT_FILES_DB, else the user data directory)",
    )
    p.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="require this bearer key (repeatable; default: no key required)",
    )
    p.add_argument(
        "--max-files-per-assistant",
        type=int,
        default=20,
        help="attachment cap per assistant, as v1 had (default: 20; 0: no cap)",
    )
    _log_level_flag(p)


def _data_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db_help = "local backend database (default: $MCP_ASSISTANT_FILES_DB, else the user data directory)"
    assistants = sub.add_parser("assistants", help="create and list assistants in the local backend")
    a_sub = assistants.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = a_sub.add_parser("create", help="create an assistant and print its id")
    create.add_argument("--name", help="the assistant's name")
    create.add_argument("--model", default="gpt-4", help="the model field (default: gpt-4)")
    create.add_argument("--db", help=db_help)
    listing = a_sub.add_parser("list", help="list the assistants")
    listing.add_argument("--db", help=db_help)

    files = sub.add_parser("files", help="upload and list files in the local backend")
    f_sub = files.add_subparsers(dest="action", required=True, metavar="ACTION")
    upload = f_sub.add_parser("upload", help="upload files (purpose assistants) and print their ids")
    upload.add_argument("paths", nargs="+", metavar="PATH", help="files to upload")
    upload.add_argument("--attach", metavar="ASSISTANT_ID", help="also attach each file to this assistant")
    upload.add_argument("--db", help=db_help)
    f_list = f_sub.add_parser("list", help="list the uploaded files")
    f_list.add_argument("--db", help=db_help)


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
    demo.add_argument("--limit", type=int, default=20, help="page size the agent asks for (default: 20)")
    _data_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mcp-assistant-files`` console script."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0].startswith("-") and args_in[0] not in ("-h", "--help", "--version")):
        args_in.insert(0, "serve")
    args = build_parser().parse_args(args_in)
    from . import commands  # imports mcp (slow): only once a command runs

    try:
        return commands.run(args)
    except commands.UsageError as err:
        sys.stderr.write(f"mcp-assistant-files: error: {err}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
