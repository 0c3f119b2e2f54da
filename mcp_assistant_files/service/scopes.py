"""Which OAuth scope each tool needs: one per family and verb, derived from the declarations.

A tool that only reads (``hints.read_only``: ``list_*``, ``get_*``) needs its family's read scope;
one that attaches, detaches, updates or uploads needs its family's write scope. Every family
reads with ``files:read`` and writes with ``files:write`` unless ``--auth-read-scope`` /
``--auth-write-scope`` say otherwise, for all families (``SCOPE``) or one (``FAMILY=SCOPE``).

Nothing here knows OAuth or MCP: a scope is a string, and a token's scopes a set of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .declaration import FAMILIES, Family, ToolSpec

__all__ = ["READ_SCOPE", "WRITE_SCOPE", "ScopeMap", "Verb", "missing_scope", "supported"]

READ_SCOPE = "files:read"
WRITE_SCOPE = "files:write"
Verb = Literal["read", "write"]
# RFC 6749 section 3.3: a scope token is printable ASCII without space, '"' and '\'.
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")


@dataclass(frozen=True)
class ScopeMap:
    """The scope of each (family, verb): a default per verb, and the families that differ."""

    read: str = READ_SCOPE
    write: str = WRITE_SCOPE
    families: Mapping[tuple[Family, Verb], str] = field(default_factory=dict)

    @classmethod
    def parse(cls, read: Sequence[str] = (), write: Sequence[str] = ()) -> ScopeMap:
        """The map the flags describe: each value ``SCOPE`` (every family) or ``FAMILY=SCOPE``.

        Raises ``ValueError`` with a sentence naming the flag for a value that is not a scope
        token, or a verb or family given two scopes.
        """
        given: dict[tuple[Family | None, Verb], str] = {}
        verbs: tuple[tuple[Verb, Sequence[str]], ...] = (("read", read), ("write", write))
        for verb, values in verbs:
            flag = f"--auth-{verb}-scope"
            for value in values:
                name, equals, scope = value.partition("=")
                family = next((f for f in FAMILIES if equals and f == name), None)
                if family is None:
                    scope = value
                if not _SCOPE_TOKEN.fullmatch(scope):
                    raise ValueError(
                        f"{flag} {value!r}: a scope is printable ASCII without spaces or quotes "
                        f"(optionally FAMILY=SCOPE, FAMILY one of {', '.join(FAMILIES)})"
                    )
                if (family, verb) in given:
                    raise ValueError(f"{flag} is given twice for {family or 'every family'}")
                given[family, verb] = scope
        families = {(f, verb): scope for (f, verb), scope in given.items() if f is not None}
        return cls(given.get((None, "read"), READ_SCOPE), given.get((None, "write"), WRITE_SCOPE), families)

    @staticmethod
    def verb(spec: ToolSpec) -> Verb:
        """``read`` for a read-only tool, else ``write``."""
        return "read" if spec.hints.read_only else "write"

    def scope_for(self, spec: ToolSpec) -> str:
        """The scope a token needs to call ``spec``."""
        verb = self.verb(spec)
        return self.families.get((spec.family, verb), self.read if verb == "read" else self.write)

    def needs(self, specs: Iterable[ToolSpec]) -> dict[str, str]:
        """Tool name -> the scope it needs, for ``specs``."""
        return {spec.name: self.scope_for(spec) for spec in specs}


def supported(needs: Mapping[str, str]) -> list[str]:
    """The distinct scopes of ``needs``, in first-seen order (what the metadata advertises)."""
    return list(dict.fromkeys(needs.values()))


def missing_scope(tool: str, scope: str) -> str:
    """The sentence for a call the token's scopes do not allow."""
    return (
        f"{tool} needs the OAuth scope {scope}, which this access token was not granted: authorize the "
        f"connection again asking for {scope} (or ask the server's operator for it), or use the tools "
        "that tools/list shows."
    )
