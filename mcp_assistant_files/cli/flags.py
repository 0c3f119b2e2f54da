"""Flag helpers the commands' parsers share: whole numbers, ports, bind address, database, log level."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import NoReturn, TypeAlias

from ..web.bounds import DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MIN_BODY_RATE

__all__ = [
    "OneLineErrors",
    "Subcommands",
    "allowlist_flags",
    "bind_flags",
    "connection_limit_flags",
    "count",
    "db_flag",
    "limit_flags",
    "log_level_flag",
    "port_number",
    "repeated_flag",
]


class OneLineErrors(argparse.ArgumentParser):
    """A parser whose usage errors are one line on stderr (exit 2), pointing at ``--help``.

    argparse prints the whole usage block first: 20 lines before the one that says what is wrong.
    Subcommands' parsers are made of the same class, so theirs are one line too.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


Subcommands: TypeAlias = "argparse._SubParsersAction[OneLineErrors]"  # generic for type checkers only
"""Where each command's parser is added."""


def port_number(text: str) -> int:
    """A port flag's value: 0-65535 (0: any free port)."""
    value = count(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0: any free port), not {text}")
    return value


def count(text: str) -> int:
    """A whole-number flag's value: 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {text}")
    return value


def bind_flags(parser: argparse.ArgumentParser, *, port: int, what: str) -> None:
    """``--host`` (loopback by default) and ``--port`` (``port`` by default)."""
    parser.add_argument("--host", default="127.0.0.1", help=f"{what} bind address (default: 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=port, help=f"{what} port (default: {port})")


def allowlist_flags(parser: argparse.ArgumentParser) -> None:
    """``--allowed-host`` and ``--allowed-origin``: what the Host/Origin check accepts besides loopback."""
    repeated_flag(
        parser, "--allowed-host", "HOST", "extra Host header accepted on HTTP, 'name' or 'name:port'"
    )
    repeated_flag(
        parser, "--allowed-origin", "ORIGIN", "extra Origin accepted on HTTP, e.g. https://app.example.com"
    )


def limit_flags(
    parser: argparse.ArgumentParser, limits: tuple[tuple[str, str, type, float, str], ...]
) -> None:
    """A numeric flag for each ``(flag, metavar, type, default, help)``, its default in its help; a
    value must be more than 0 (a bound of 0 would refuse everything, a negative one mean nothing)."""
    for flag, metavar, kind, default, help in limits:
        parser.add_argument(
            flag,
            type=_positive(kind),
            default=default,
            metavar=metavar,
            help=f"{help} (default: {default:g})",
        )


def _positive(kind: type) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
        if not 0 < value < math.inf:
            raise argparse.ArgumentTypeError(f"expected a number more than 0, not {text}")
        return value  # type: ignore[no-any-return]

    return parse


def connection_limit_flags(parser: argparse.ArgumentParser) -> None:
    """``--header-timeout``, ``--max-connections`` and ``--min-body-rate`` (:mod:`..web.serving` applies them)."""
    limit_flags(parser, (
        ("--header-timeout", "SECONDS", float, DEFAULT_HEADER_TIMEOUT,
         "close an HTTP connection whose request headers take longer than this"),
        ("--max-connections", "N", int, DEFAULT_MAX_CONNECTIONS,
         "HTTP connections open at once; more are answered 503"),
        ("--min-body-rate", "BYTES", float, DEFAULT_MIN_BODY_RATE,
         "close an HTTP connection whose request body averages fewer bytes a second than this "
         "over a --header-timeout window"),
    ))  # fmt: skip


def db_flag(parser: argparse.ArgumentParser, what: str = "local backend database") -> None:
    """``--db``: a SQLite file, ``:memory:`` or a PostgreSQL URL."""
    parser.add_argument(
        "--db",
        help=f"{what}: a SQLite file, :memory:, or postgresql://USER:PASSWORD@HOST:PORT/DBNAME "
        "(default: $MCP_ASSISTANT_FILES_DB, else a file in the user data directory)",
    )


def repeated_flag(parser: argparse.ArgumentParser, flag: str, metavar: str, help: str) -> None:
    """A flag given once per value, collected into a list."""
    parser.add_argument(flag, action="append", default=[], metavar=metavar, help=f"{help} (repeatable)")


def log_level_flag(parser: argparse.ArgumentParser) -> None:
    """``--log-level`` of stderr's log (WARNING by default)."""
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        help="stderr log level (default: WARNING)",
    )
