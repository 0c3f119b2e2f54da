"""Error sentences: what an agent reads when an upstream call fails, and what to do next.

One sentence per failure, naming the thing that failed and the next step (which variable to set,
which tool to call, when to retry). Never a key: the client's errors are already redacted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..client import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)

__all__ = [
    "Subject",
    "describe_error",
    "is_already_attached",
    "is_missing_attachment",
    "is_request_error",
    "printable",
]

_ESCAPED = frozenset({"Cc", "Cf", "Zl", "Zp"})
"""Unicode categories escaped: controls, formats (bidirectional marks and overrides, zero-width
characters, the byte-order mark), line and paragraph separators."""


def printable(text: str) -> str:
    """``text`` with every invisible or control character escaped (``\\n``, ``\\x1b``, ``\\u202e``,
    ``\\u200b``) and each backslash doubled, so an escape shown is never in the name itself. For
    names chosen by someone else (a file's name) in a sentence or a row."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if ch == "\\" or unicodedata.category(ch) in _ESCAPED
        else ch
        for ch in text
    )


@dataclass(frozen=True, slots=True)
class Subject:
    """What a tool call was about, for its error sentences.

    ``container`` is the assistant or vector store the file belongs to (``None`` for calls about
    the account, such as listing vector stores); ``list_tool`` is the listing an agent can call to
    look around; ``api`` names the kind of answer expected, for a base URL that points elsewhere.
    """

    list_tool: str
    api: str
    container_kind: str | None = None
    container_param: str | None = None
    container_id: str | None = None
    id_hint: str = ""

    @classmethod
    def assistant(cls, assistant_id: str) -> Subject:
        """A v1 assistant's files."""
        return cls(
            "list_assistant_files", "assistant-files", "assistant", "assistant_id", assistant_id, "asst_..."
        )

    @classmethod
    def vector_store(cls, vector_store_id: str) -> Subject:
        """A vector store's files."""
        return cls(
            "list_vector_store_files",
            "vector-store",
            "vector store",
            "vector_store_id",
            vector_store_id,
            "vs_...",
        )

    @property
    def container(self) -> str:
        """``assistant 'asst_1'``, or ``""`` when the call is not about a container."""
        return f"{self.container_kind} {self.container_id!r}" if self.container_kind else ""


def describe_error(
    err: Exception, *, subject: Subject, file_id: str | None, action: str, upstream: str, retries: int
) -> str:
    """One sentence an agent can act on, for any error the client raises."""
    where = upstream or "the upstream API"
    made = _attempts_made(err, retries)
    attempts = f"after {made} attempts" if made > 1 else "on the first attempt"
    detail = f" (it said: {err.upstream_message.rstrip('.')})" if isinstance(err, APIStatusError) else ""
    if isinstance(err, ValueError):
        return f"Invalid argument: {err}."
    if isinstance(err, NotFoundError) and subject.container_kind is not None:
        if file_id is None or _mentions_container(err, subject, file_id):
            return (
                f"{subject.container_kind.capitalize()} {subject.container_id!r} was not found at {where}{detail}: "
                f"check {subject.container_param} ({subject.container_kind} ids look like {subject.id_hint})."
            )
        if action == "attach":
            return (
                f"File {file_id!r} was not found at {where}{detail}: check file_id (upload the file first)."
            )
        return (
            f"File {file_id!r} is not attached to {subject.container}{detail}: call {subject.list_tool} "
            f"with {subject.container_param}={subject.container_id!r} to see which files are."
        )
    if isinstance(err, NotFoundError):
        return f"{where} found nothing at that address{detail}: check the ids, or call {subject.list_tool}."
    if isinstance(err, AuthenticationError):
        return (
            f"{where} rejected the API key (401){detail}: set OPENAI_API_KEY in the MCP server's environment to a "
            "valid key for that upstream, then restart the server."
        )
    if isinstance(err, PermissionDeniedError):
        target = subject.container or "this"
        return (
            f"{where} refused access to {target} (403){detail}: use a key (OPENAI_API_KEY) or "
            "project (OPENAI_PROJECT_ID) that may use it."
        )
    if isinstance(err, RateLimitError):
        wait = (
            f"in {max(1, round(err.retry_after))} seconds" if err.retry_after is not None else "in a minute"
        )
        return f"{where} is rate limiting requests (429 {attempts}){detail}: try again {wait}."
    if isinstance(err, BadRequestError) and err.param in ("after", "before"):
        # The cursor's item is unknown upstream (e.g. its data was replaced): only a fresh start helps.
        return (
            f"{where} no longer knows the position this cursor points at ({err.upstream_message.rstrip('.')}): "
            f"call {subject.list_tool} again without `cursor` to start over."
        )
    if isinstance(err, BadRequestError):
        param = f" (parameter {err.param})" if err.param else ""
        return f"{where} refused to {action}{param}: {err.upstream_message}"
    if isinstance(err, APIStatusError) and 300 <= err.status_code < 400:
        return (
            f"{where} answered with a redirect ({err.upstream_message.split(';')[0]}): point --base-url / "
            "OPENAI_BASE_URL at the API itself."
        )
    if isinstance(err, APIStatusError):
        return f"{where} failed with HTTP {err.status_code} {attempts}{detail}: try again later."
    if isinstance(err, APITimeoutError):
        return f"{where} did not answer in time ({attempts}): try again later, or check that the upstream is healthy."
    if isinstance(err, APIConnectionError):
        return (
            f"Could not connect to {where} ({attempts}): check that it is running and that --base-url / "
            "OPENAI_BASE_URL points at it."
        )
    if isinstance(err, APIResponseValidationError):
        article = "an" if subject.api[:1].lower() in "aeiou" else "a"
        return (
            f"{where} answered with something that is not {article} {subject.api} response ({err.message}): "
            "check the base URL."
        )
    return f"{where} failed: {err}."


def _attempts_made(err: Exception, retries: int) -> int:
    """Attempts actually made: fewer than ``retries + 1`` when the upstream said not to retry."""
    if isinstance(err, APIError):
        taken = err.request.headers.get("x-retry-count", "0")
        if taken.isdigit():
            return int(taken) + 1
    return retries + 1


def _mentions_container(err: NotFoundError, subject: Subject, file_id: str) -> bool:
    """Whether a 404 is about the container (not the file), judged from what the upstream said."""
    if err.param in (subject.container_param, "file_id"):
        return err.param == subject.container_param
    kind = subject.container_kind or ""
    # The ids themselves may contain "file" or "assistant": judge the words around them.
    text = err.upstream_message.replace(subject.container_id or "", " ").replace(file_id, " ").lower()
    if f"no {kind}" in text:
        return True
    if "no file" in text:
        return False
    return kind in text and "file" not in text.replace(kind, "")


def is_missing_attachment(err: Exception, *, subject: Subject, file_id: str) -> bool:
    """Whether ``err`` says the file is not attached (a 404 about the file, not its container)."""
    return isinstance(err, NotFoundError) and not _mentions_container(err, subject, file_id)


def is_already_attached(err: Exception) -> bool:
    """Whether ``err`` is an upstream's refusal to attach a file that is already attached."""
    return (
        isinstance(err, APIStatusError)
        and err.status_code in (400, 409)
        and "already" in err.upstream_message.lower()
        and "attached" in err.upstream_message.lower()
    )


def is_request_error(err: Exception) -> bool:
    """Whether the request caused ``err`` (an unknown id, a refused argument), not the upstream's state."""
    return isinstance(err, (ValueError, NotFoundError, BadRequestError))
