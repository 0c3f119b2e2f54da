"""What each command does (``cli`` only parses)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

import anyio

from .._version import __version__
from ..backend import Store, StoreError, default_db_path, prepare_db_path, run_backend
from ..backend.location import MEMORY
from ..logs import announce, configure_logging
from ..server.http import HttpOptions, build_http_app
from ..server.registry import build_server
from ..server.security import is_loopback
from ..server.serving import ConnectionLimits, run_http
from ..server.stdio import run_stdio
from ..service.assistant_files import AssistantFilesTools
from ..service.catalog import TOOL_NAMES, all_specs
from ..service.cursors import CursorCodec, secret_from_env, secret_from_file
from ..service.declaration import ToolPolicy
from ..service.upstream import open_upstream, resolve_base_url

__all__ = ["AUTH_TOKEN_ENV", "UsageError", "run"]

AUTH_TOKEN_ENV = "MCP_ASSISTANT_FILES_AUTH_TOKEN"  # noqa: S105 - the variable's name
logger = logging.getLogger("mcp_assistant_files")


class UsageError(Exception):
    """A command line that cannot work; the message says how to fix it."""


def run(args: argparse.Namespace) -> int:
    """Run the parsed command."""
    if args.command == "serve":
        return serve(args)
    if args.command == "backend":
        configure_logging(args.log_level, secrets=args.api_key)
        run_backend(
            host=args.host,
            port=args.port,
            db=args.db,
            api_keys=args.api_key,
            max_files_per_assistant=args.max_files_per_assistant,
            log_level=args.log_level.lower(),
        )
        return 0
    if args.command == "demo":
        from .demo import run_demo

        result: int = run_demo(files=args.files, limit=args.limit)
        return result
    return data_command(args)


def _policy(args: argparse.Namespace) -> ToolPolicy:
    tools = None
    if args.tools:
        tools = frozenset(t.strip() for t in args.tools.split(",") if t.strip())
        unknown = sorted(tools - set(TOOL_NAMES))
        if unknown:
            raise UsageError(
                f"--tools: unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOL_NAMES)}"
            )
    policy = ToolPolicy(
        read_only=args.read_only, tools=tools, allowed_assistants=frozenset(args.allow_assistant)
    )
    if not any(policy.allows(spec) for spec in all_specs()):
        raise UsageError("--tools and --read-only leave no tool to serve")
    return policy


def serve(args: argparse.Namespace) -> int:
    """``serve``: the MCP server on the chosen transport."""
    token = os.environ.get(AUTH_TOKEN_ENV) or None
    api_key = os.environ.get("OPENAI_API_KEY") or None
    configure_logging(args.log_level, secrets=[s for s in (token, api_key) if s])
    policy = _policy(args)
    http = args.transport != "stdio"
    if http and not is_loopback(args.host) and not token and not args.insecure_no_auth:
        raise UsageError(
            f"binding {args.host} exposes the server beyond this machine: set {AUTH_TOKEN_ENV} to a bearer "
            "token clients must send, or pass --insecure-no-auth if something in front of it authenticates"
        )
    if args.max_retries < 0:
        raise UsageError("--max-retries must be 0 or more")
    bounds = {
        "--header-timeout": args.header_timeout,
        "--max-connections": args.max_connections,
        "--session-idle-timeout": args.session_idle_timeout,
        "--max-sessions": args.max_sessions,
    }
    if unbounded := [flag for flag, value in bounds.items() if not value > 0]:
        raise UsageError(f"{', '.join(unbounded)} must be more than 0")
    secret = _cursor_secret(args.db, http=http)
    upstream = open_upstream(
        base_url=resolve_base_url(args.base_url), db=args.db, max_retries=args.max_retries
    )
    announce("mcp-assistant-files %s: upstream is %s", __version__, upstream.label)
    service = AssistantFilesTools(
        client=upstream.client, codec=CursorCodec(secret), policy=policy, upstream_label=upstream.label
    )
    server = build_server(service, redact=[s for s in (token,) if s])
    if not http:
        anyio.run(run_stdio, server, upstream)
        return 0
    options = HttpOptions(
        transport=args.transport,
        host=args.host,
        port=args.port,
        stateless=args.stateless,
        json_response=args.json_response,
        auth_token=token,
        allowed_hosts=args.allowed_host,
        allowed_origins=args.allowed_origin,
        limits=ConnectionLimits(header_timeout=args.header_timeout, max_connections=args.max_connections),
        session_idle_timeout=args.session_idle_timeout,
        max_sessions=args.max_sessions,
    )
    app = build_http_app(server, upstream, options)
    path = "/sse" if args.transport == "sse" else "/mcp"
    announce("serving %s on http://%s:%d%s (health: /healthz)", args.transport, args.host, args.port, path)
    run_http(app, host=args.host, port=args.port, limits=options.limits, log_level=args.log_level)
    return 0


def _cursor_secret(db: str | None, *, http: bool) -> bytes:
    """The environment's secret; else one kept beside the database, so cursors survive restarts."""
    secret, random_secret = secret_from_env()
    if not random_secret:
        return secret
    folder = Path(db).expanduser().parent if db and db != MEMORY else default_db_path().parent
    path = folder / "cursor-secret"
    try:
        secret = secret_from_file(path)
    except OSError as err:
        logger.warning(
            "MCP_ASSISTANT_FILES_CURSOR_SECRET is not set and %s is unusable (%s): cursors are signed with a "
            "random per-process secret and stop working when the server restarts.",
            path,
            err,
        )
        return secret
    if http:
        logger.warning(
            "MCP_ASSISTANT_FILES_CURSOR_SECRET is not set: cursors are signed with the secret in %s, which only "
            "this machine has. Replicas must share one: set MCP_ASSISTANT_FILES_CURSOR_SECRET to the same value "
            "on every replica.",
            path,
        )
    return secret


def _open_store(db: str | None) -> Store:
    return Store.open(prepare_db_path(db or None), max_files_per_assistant=0)


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def data_command(args: argparse.Namespace) -> int:
    """``assistants create|list`` and ``files upload|list`` on the local backend's database."""
    configure_logging("WARNING")
    try:
        with _open_store(args.db) as store:
            _data(store, args)
    except StoreError as err:
        raise UsageError(str(err)) from None
    return 0


def _data(store: Store, args: argparse.Namespace) -> None:
    """The data commands on an open store."""
    if args.command == "assistants" and args.action == "create":
        _out(store.create_assistant(name=args.name, model=args.model)["id"])
    elif args.command == "assistants":
        for a in store.list_assistants(limit=100, order="asc")["data"]:
            _out(f"{a['id']}\t{a.get('name') or ''}\t{len(a.get('file_ids', []))} file(s)")
    elif args.action == "upload":
        paths = [Path(p) for p in args.paths]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise UsageError(f"not a file: {', '.join(missing)}")
        if args.attach:
            store.get_assistant(args.attach)
        for number, path in enumerate(paths, 1):
            created = store.create_file(path.name, path.read_bytes(), "assistants")
            if args.attach:
                store.attach(args.attach, created["id"])
            _out(f"{created['id']}\t{path.name}")
            if sys.stderr.isatty() and len(paths) > 1:
                sys.stderr.write(f"\ruploaded {number}/{len(paths)}")
        if sys.stderr.isatty() and len(paths) > 1:
            sys.stderr.write("\n")
    else:
        for f in store.list_files()["data"]:
            _out(f"{f['id']}\t{f['bytes']}\t{f['purpose']}\t{f['filename']}")
