"""Flag helpers the commands' parsers share: whole numbers, ports, bind address, database, log level."""

from __future__ import annotations

import argparse

__all__ = ["bind_flags", "count", "db_flag", "log_level_flag", "port_number", "repeated_flag"]


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
