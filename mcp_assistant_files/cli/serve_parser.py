"""The ``serve`` command's flags: transport, upstream, tools, HTTP access, OAuth and limits."""

from __future__ import annotations

import argparse

from ..client import DEFAULT_MAX_RETRIES
from ..client._base import DEFAULT_CONNECTIONS
from ..server.bounds import DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_TIMEOUT
from ..service.catalog import READ_ONLY_TOOLS, TOOL_NAMES
from ..service.declaration import FAMILIES
from ..service.scopes import READ_SCOPE, WRITE_SCOPE
from .flags import (
    Subcommands,
    allowlist_flags,
    bind_flags,
    connection_limit_flags,
    count,
    db_flag,
    limit_flags,
    log_level_flag,
    repeated_flag,
)

__all__ = ["add_serve_parser"]

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


def add_serve_parser(sub: Subcommands) -> None:
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
    bind_flags(p, port=8000, what="HTTP")
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
    db_flag(p, "embedded backend database")
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
    repeated_flag(p, "--allow-assistant", "ID", "only these assistants may be used (default: any)")
    repeated_flag(p, "--allow-vector-store", "ID", "only these vector stores may be used (default: any)")
    p.add_argument(
        "--upload-root",
        metavar="DIR",
        help="offer upload_file, reading only files inside DIR (default: no upload_file tool)",
    )
    allowlist_flags(p)
    p.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow a non-loopback HTTP bind without MCP_ASSISTANT_FILES_AUTH_TOKEN or --auth-issuer",
    )
    _oauth_flags(p)
    p.add_argument(
        "--max-retries",
        type=count,
        default=DEFAULT_MAX_RETRIES,
        help=f"upstream retries per call (default: {DEFAULT_MAX_RETRIES})",
    )
    p.add_argument(
        "--upstream-connections",
        type=count,
        default=DEFAULT_CONNECTIONS,
        metavar="N",
        help="connections to --base-url open at most, all kept alive; raise it for a distant upstream "
        f"under many concurrent calls (default: {DEFAULT_CONNECTIONS})",
    )
    _http_limit_flags(p)
    log_level_flag(p)


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
    connection_limit_flags(parser)
    limit_flags(parser, (
        ("--session-idle-timeout", "SECONDS", float, DEFAULT_SESSION_IDLE_TIMEOUT,
         "end a stateful streamable-HTTP session after this long without a request"),
        ("--max-sessions", "N", int, DEFAULT_MAX_SESSIONS,
         "stateful streamable-HTTP sessions kept; beyond, the least recently active idle one ends"),
    ))  # fmt: skip
