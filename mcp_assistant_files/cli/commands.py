"""What each command does (``cli`` only parses)."""

from __future__ import annotations

import argparse
import logging
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

from .._version import __version__
from ..backend.errors import StoreError
from ..backend.location import DB_ENV_VAR, MEMORY, default_db_path
from ..backend.pg_url import is_postgres_url, password_of
from ..logs import announce, configure_logging
from ..server.registry import build_server, served
from ..server.stdio import run_stdio
from ..service.assistant_files import AssistantFilesTools
from ..service.cursor_secret import secret_from_env, secret_from_file
from ..service.cursors import CursorCodec
from ..service.declaration import ToolPolicy
from ..service.files import FilesTools
from ..service.upstream import BaseUrlError, open_upstream, resolve_base_url, upstream_warnings
from ..service.vector_store_files import VectorStoreFilesTools
from ..web.guard import Allowlist, is_loopback
from .access import AUTH_TOKEN_ENV, Access, UsageError, http_access, secret_from_environment
from .policy import tool_policy, upload_root_of
from .startup import started

if TYPE_CHECKING:
    from ..web.serving import ConnectionLimits

__all__ = ["AUTH_TOKEN_ENV", "UsageError", "run"]

BACKEND_KEYS_ENV = "MCP_ASSISTANT_FILES_BACKEND_API_KEYS"
logger = logging.getLogger("mcp_assistant_files")


def run(args: argparse.Namespace) -> int:
    """Run the parsed command."""
    if getattr(args, "db", None) == "":
        raise UsageError(
            "--db is empty: give a SQLite file, :memory: or a postgresql:// URL, or leave --db out "
            "for the default database"
        )
    if args.command == "serve":
        return serve(args)
    if args.command == "backend":
        keys = backend_keys(args)
        configure_logging(args.log_level, secrets=[*keys, *_db_secrets(args.db)])
        if args.api_key:
            logger.warning(
                "--api-key puts the key on the command line, where every local user can read it (ps): "
                "prefer %s or --api-key-file",
                BACKEND_KEYS_ENV,
            )
        if not is_loopback(args.host) and not keys and not args.insecure_no_auth:
            raise UsageError(
                f"binding {args.host} exposes the backend beyond this machine: give it the API keys clients "
                f"must send (--api-key-file or {BACKEND_KEYS_ENV}), or pass --insecure-no-auth if something "
                "in front of it authenticates"
            )
        from ..backend.standalone import run_backend
        from ..web.serving import ListenError

        started()
        try:
            run_backend(
                host=args.host,
                port=args.port,
                db=args.db,
                api_keys=keys,
                max_files_per_assistant=args.max_files_per_assistant,
                poll_interval=_poll_interval(args.ingestion_poll_ms),
                log_level=args.log_level.lower(),
                allowlist=Allowlist.build(args.host, args.allowed_host, args.allowed_origin),
                limits=_connection_limits(args),
            )
        except (StoreError, ListenError) as err:
            raise UsageError(str(err)) from None
        return 0
    if args.command == "demo":
        from .demo import run_demo

        started()
        result: int = run_demo(files=args.files, limit=args.limit)
        return result
    from .data import data_command

    started()
    return data_command(args)


def backend_keys(args: argparse.Namespace) -> list[str]:
    """The backend's API keys: ``--api-key``, ``--api-key-file`` (one per line) and the variable."""
    keys = [key.strip() for key in args.api_key]
    if args.api_key_file:
        try:
            text = Path(args.api_key_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"--api-key-file {args.api_key_file}: cannot read it ({err})") from None
        keys += [
            line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
        ]
    env = secret_from_environment(BACKEND_KEYS_ENV)
    if env:
        keys += [key for key in env.replace(",", " ").split() if key]
    if any(not key for key in keys):
        raise UsageError("an API key is blank: give real keys (or none, for no authentication)")
    return keys


def _listeners(args: argparse.Namespace) -> list[socket.socket]:
    """The sockets ``--host``/``--port`` name, bound (see :func:`..web.serving.listen`)."""
    from ..web.serving import ListenError, listen

    try:
        return listen(args.host, args.port)
    except ListenError as err:
        raise UsageError(str(err)) from None


def serve(args: argparse.Namespace) -> int:
    """``serve``: the MCP server on the chosen transport."""
    http = args.transport != "stdio"
    access = http_access(args, http=http)
    token = access.token
    api_key = secret_from_environment("OPENAI_API_KEY")
    configure_logging(args.log_level, secrets=[*(s for s in (token, api_key) if s), *_db_secrets(args.db)])
    policy = tool_policy(args)
    upload_root = upload_root_of(args.upload_root)
    if not args.upstream_connections > 0:  # the other limits' flag types refuse 0 themselves (cli/flags.py)
        raise UsageError("--upstream-connections must be more than 0")
    listeners = _listeners(args) if http else []  # first: a port in use is one line, before anything else
    try:
        return _serve(args, access, api_key, policy, upload_root, listeners)
    finally:
        for sock in listeners:
            sock.close()


def _serve(
    args: argparse.Namespace,
    access: Access,
    api_key: str | None,
    policy: ToolPolicy,
    upload_root: Path | None,
    listeners: list[socket.socket],
) -> int:
    http, token = bool(listeners), access.token
    try:
        base_url = resolve_base_url(args.base_url)
        upstream = open_upstream(
            base_url=base_url, db=args.db, max_retries=args.max_retries, connections=args.upstream_connections
        )
        secret = _cursor_secret(args.db, http=http)
    except (BaseUrlError, StoreError) as err:
        raise UsageError(str(err)) from None
    announce("mcp-assistant-files %s: upstream is %s", __version__, upstream.location)
    codec, label = CursorCodec(secret), upstream.label
    families = (
        AssistantFilesTools(client=upstream.client, codec=codec, policy=policy, upstream_label=label),
        VectorStoreFilesTools(client=upstream.openai, codec=codec, policy=policy, upstream_label=label),
        FilesTools(
            client=upstream.openai, codec=codec, policy=policy, upstream_label=label, upload_root=upload_root
        ),
    )
    serves_v1 = any(isinstance(family, AssistantFilesTools) for family, _ in served(families))
    for warning in upstream_warnings(base_url, has_key=api_key is not None, serves_assistant_files=serves_v1):
        logger.warning("%s", warning)
    oauth = access.resource_server(spec for _, spec in served(families))
    server = build_server(*families, redact=[s for s in (token,) if s], needs=oauth.needs if oauth else None)
    if not http:
        started()
        anyio.run(run_stdio, server, upstream)
        return 0
    from ..server.http import HttpOptions, build_http_app  # HTTP only: Starlette routes, uvicorn
    from ..web.serving import bound_port, run_http

    options = HttpOptions(
        transport=args.transport,
        host=args.host,
        port=args.port,
        stateless=args.stateless,
        json_response=args.json_response,
        auth_token=token,
        oauth=oauth,
        allowed_hosts=args.allowed_host,
        allowed_origins=args.allowed_origin,
        limits=_connection_limits(args),
        session_idle_timeout=args.session_idle_timeout,
        max_sessions=args.max_sessions,
    )
    app = build_http_app(server, upstream, options)
    path = "/sse" if args.transport == "sse" else "/mcp"
    port = bound_port(listeners)
    announce("serving %s on http://%s:%d%s (health: /healthz)", args.transport, args.host, port, path)
    if oauth is not None:
        announce(
            "OAuth: access tokens of %s for %s, scopes %s%s",
            oauth.issuer,
            oauth.audience,
            " ".join(oauth.scopes_supported),
            f" (and {AUTH_TOKEN_ENV}, with every scope)" if token else "",
        )
    started()
    run_http(app, listeners=listeners, limits=options.limits, log_level=args.log_level)
    return 0


def _db_secrets(db: str | None) -> list[str]:
    """The password of a PostgreSQL ``--db`` (or ``$MCP_ASSISTANT_FILES_DB``): never logged."""
    url = db or os.environ.get(DB_ENV_VAR) or ""
    password = password_of(url) if is_postgres_url(url) else None
    return [password] if password else []


def _cursor_secret(db: str | None, *, http: bool) -> bytes:
    """The environment's secret; else one kept beside the database, so cursors survive restarts."""
    secret, random_secret = secret_from_env()
    if not random_secret:
        return secret
    beside_file = db is not None and db not in ("", MEMORY) and not is_postgres_url(db)
    folder = Path(db).expanduser().parent if db is not None and beside_file else default_db_path().parent
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


def _poll_interval(milliseconds: int) -> float:
    if milliseconds < 1:
        raise UsageError("--ingestion-poll-ms must be 1 or more")
    return milliseconds / 1000


def _connection_limits(args: argparse.Namespace) -> ConnectionLimits:
    """The HTTP connection bounds ``serve`` and ``backend`` take (:func:`.flags.connection_limit_flags`)."""
    from ..web.serving import ConnectionLimits  # uvicorn: only for HTTP

    return ConnectionLimits(
        header_timeout=args.header_timeout,
        max_connections=args.max_connections,
        min_body_rate=args.min_body_rate,
    )
