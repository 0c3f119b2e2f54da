"""How a tool is declared: once, as a decorated method of its family's class.

Everything else is derived from the declaration: the MCP registration (``server.registry``),
``--tools``, ``--toolsets`` and ``--read-only`` (from ``hints.read_only``, as github-mcp-server's
inventory filter derives read-only mode from each tool's own ``IsReadOnly()``), the README table
check and the published tool definitions. The input schema comes from the method's ``Annotated`` parameters,
the output schema from its return annotation: a pydantic model with a ``next_step`` sentence.

Nothing here knows MCP: hints are plain booleans, which the server turns into MCP annotations.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, NamedTuple, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from .resources import ResourceSpec, Suggestions

__all__ = [
    "FAMILIES",
    "Family",
    "Hints",
    "ResultModel",
    "ToolFailure",
    "ToolFamily",
    "ToolPolicy",
    "ToolSpec",
    "tool",
    "unserved_tool",
]

Family = Literal["assistant-files", "vector-store-files", "files"]
FAMILIES: tuple[Family, ...] = typing.get_args(Family)


class ResultModel(BaseModel):
    """Base of the models of the tools' results and of their parts.

    Each is built on its first use (``defer_build``): a server lists its tools from their
    published definitions (``server.published``), so start-up needs none of these models.
    pydantic builds a deferred model once, under a lock, however many threads first use it.
    """

    model_config = ConfigDict(defer_build=True)


class ToolFailure(Exception):
    """A failure to report to the agent as an ``isError`` result; the message is its whole text.

    ``invalid_request`` tells a failure the request caused (an unknown id, a refused cursor or
    argument) from one it did not (the upstream is down, slow or refuses the key): resource
    reads and completions answer the first as invalid params and the second as an internal error.
    """

    def __init__(self, message: str, *, invalid_request: bool = True) -> None:
        super().__init__(message)
        self.invalid_request = invalid_request


@dataclass(frozen=True, slots=True)
class Hints:
    """What a tool does to the world (MCP's tool annotations, without MCP)."""

    read_only: bool
    destructive: bool = False
    idempotent: bool = True
    open_world: bool = False


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One tool's declaration: everything the server, the CLI and the docs need to know of it."""

    name: str
    title: str
    description: str
    family: Family
    hints: Hints
    method: str
    """The name of the family's method that runs the tool."""
    result: type[BaseModel]
    """The model of the tool's structured result."""


class _Declared(NamedTuple):
    name: str
    title: str
    description: str
    hints: Hints


Handler = Callable[..., Awaitable[BaseModel]]
H = TypeVar("H", bound=Handler)


def tool(name: str, *, title: str, description: str, hints: Hints) -> Callable[[H], H]:
    """Declare the decorated method of a ``ToolFamily`` subclass as the tool ``name``."""

    def declare(method: H) -> H:
        method.__dict__["_tool_declaration"] = _Declared(name, title, description, hints)
        return method

    return declare


@dataclass(frozen=True)
class ToolPolicy:
    """Which tools this server registers, and what they may touch."""

    read_only: bool = False
    tools: frozenset[str] | None = None
    """Only these tools (``None``: every tool of the selected families)."""
    toolsets: frozenset[Family] = frozenset(FAMILIES)
    allowed_assistants: frozenset[str] = frozenset()
    allowed_vector_stores: frozenset[str] = frozenset()

    def allows(self, spec: ToolSpec) -> bool:
        """Whether ``spec`` is registered under this policy."""
        if spec.family not in self.toolsets:
            return False
        if self.tools is not None and spec.name not in self.tools:
            return False
        return spec.hints.read_only or not self.read_only


class _Upstream(Protocol):
    @property
    def api_key(self) -> str | None: ...


class ToolFamily:
    """Base of the classes whose decorated methods are tools (one class per family)."""

    family: ClassVar[Family]
    instructions: ClassVar[str]
    """How the family's tools work together, for the server's instructions to the model."""
    resource: ClassVar[ResourceSpec]
    """The resource template of the objects this family handles (read by its ``resource.method``)."""
    client: _Upstream
    policy: ToolPolicy

    async def complete(self, variable: str, prefix: str, known: Mapping[str, str]) -> Suggestions:
        """Ids for ``variable`` of this family's template starting with ``prefix`` (``known``: the others)."""
        raise NotImplementedError

    def offers(self, spec: ToolSpec) -> bool:
        """Whether this family, as configured, can serve ``spec`` (all of its tools by default)."""
        return True

    def not_offered_because(self, spec: ToolSpec) -> str:
        """Why :meth:`offers` is false for ``spec``: what the server's operator would do to offer it."""
        return "this server's configuration does not offer it"

    @classmethod
    def specs(cls) -> tuple[ToolSpec, ...]:
        """This family's tools, in the order their methods are defined."""
        if cls not in _SPECS:
            _SPECS[cls] = _find_specs(cls)
        return _SPECS[cls]


_SPECS: dict[type[ToolFamily], tuple[ToolSpec, ...]] = {}


def _find_specs(cls: type[ToolFamily]) -> tuple[ToolSpec, ...]:
    found = []
    for attribute, value in vars(cls).items():
        declared = getattr(value, "_tool_declaration", None)
        if not isinstance(declared, _Declared):
            continue
        result = typing.get_type_hints(value)["return"]
        if not (
            isinstance(result, type) and issubclass(result, BaseModel) and "next_step" in result.model_fields
        ):
            raise TypeError(f"{cls.__name__}.{attribute} must return a model with a next_step field")
        found.append(ToolSpec(**declared._asdict(), family=cls.family, method=attribute, result=result))
    return tuple(found)


def unserved_tool(name: str, withheld: Mapping[str, str]) -> str:
    """The sentence for a call of a tool this server does not serve; ``withheld``: declared tools
    left out, each with why (what its operator would change)."""
    look = "call tools/list for the tools you can call"
    if name in withheld:
        return f"{name} is not served here ({withheld[name]}): {look}."
    shown = repr(name) if len(name) <= 64 else repr(name[:61]) + "..."
    return f"There is no tool {shown} on this server: {look}."
