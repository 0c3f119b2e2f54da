"""Pages: a cursor page of a listing that knows how to fetch the next, and a page that has none.

A listing goes forwards with ``after=last_id``; one that was started with ``before`` goes
backwards with ``before=first_id``. Every other query parameter (``limit``, ``order``,
``filter``, ``purpose``, extras) is sent again for the next page. It stops when the page says
``has_more: false``, with no extra request (openai-python 1.20 sent one more and got an empty
page back).

``SyncPage`` / ``AsyncPage`` are openai-python's pages of a list that is not paginated (a vector
store file's content): they never fetch another page.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, Protocol, TypeVar, cast

import httpx2

from ._options import RequestOptions
from ._response import Parser, parse_model
from .models import ListResponse, PageResponse, UpstreamModel

__all__ = [
    "AsyncCursorPage",
    "AsyncPage",
    "AsyncPageLoader",
    "AsyncPaginator",
    "SyncCursorPage",
    "SyncPage",
    "list_model",
    "page_parser",
    "single_page_parser",
]

T = TypeVar("T", bound=UpstreamModel)
T_co = TypeVar("T_co", covariant=True)
P = TypeVar("P")
F = TypeVar("F")

_NO_NEXT_PAGE = "No next page: check `.has_next_page()` before calling `.get_next_page()`."


class _CursorPageBase(Generic[T]):
    """The fields of a page and where its next page is."""

    def __init__(
        self,
        wire: ListResponse[T],
        options: RequestOptions,
        fetch: Callable[[RequestOptions], Any],
    ) -> None:
        self.object = wire.object
        self.data: list[T] = list(wire.data)
        self._fetch = fetch
        self.first_id = wire.first_id
        self.last_id = wire.last_id
        self.has_more = wire.has_more
        self._options = options

    @property
    def backwards(self) -> bool:
        """Whether this listing walks towards earlier pages (started with ``before`` and no ``after``)."""
        return "before" in self._options.params and "after" not in self._options.params

    def has_next_page(self) -> bool:
        """Whether another page follows in the direction of travel."""
        return self.has_more and bool(self.data)

    def next_page_options(self) -> RequestOptions | None:
        """The request for the next page, or ``None`` at the end."""
        if not self.has_next_page():
            return None
        if self.backwards:
            params = {k: v for k, v in self._options.params.items() if k != "before"}
            params["before"] = self.first_id
        else:  # forwards; a `before` given with `after` stays as the far bound
            params = {k: v for k, v in self._options.params.items() if k != "after"}
            params["after"] = self.last_id
        return self._options.with_params(params)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(data=<{len(self.data)} items>, first_id={self.first_id!r}, "
            f"last_id={self.last_id!r}, has_more={self.has_more})"
        )


@functools.cache
def list_model(item: type[T]) -> type[ListResponse[T]]:
    """``ListResponse[item]``, made once per item type."""
    return cast("type[ListResponse[T]]", ListResponse.__class_getitem__(item))


def page_parser(
    page_type: Callable[[ListResponse[T], RequestOptions, F], P],
    item: type[T],
    options: RequestOptions,
    fetch: F,
) -> Parser[P]:
    """A parser that turns a list body of ``item`` objects into a page able to fetch its successors."""
    parse_wire = parse_model(list_model(item))

    def parse(response: httpx2.Response, content: bytes) -> P:
        return page_type(parse_wire(response, content), options, fetch)

    return parse


class SyncCursorPage(_CursorPageBase[T]):
    """A page of the sync client; iterating it yields every item of every following page."""

    def get_next_page(self) -> SyncCursorPage[T]:
        """Fetch the next page (``RuntimeError`` when there is none)."""
        options = self.next_page_options()
        if options is None:
            raise RuntimeError(_NO_NEXT_PAGE)
        page: SyncCursorPage[T] = self._fetch(options)
        return page

    def iter_pages(self) -> Iterator[SyncCursorPage[T]]:
        """This page, then each following page."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncCursorPage(_CursorPageBase[T]):
    """A page of the async client; ``async for`` yields every item of every following page."""

    async def get_next_page(self) -> AsyncCursorPage[T]:
        """Fetch the next page (``RuntimeError`` when there is none)."""
        options = self.next_page_options()
        if options is None:
            raise RuntimeError(_NO_NEXT_PAGE)
        page: AsyncCursorPage[T] = await self._fetch(options)
        return page

    async def iter_pages(self) -> AsyncIterator[AsyncCursorPage[T]]:
        """This page, then each following page."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class _SinglePageBase(Generic[T]):
    """The fields of a page that is the whole answer."""

    def __init__(self, wire: PageResponse[T]) -> None:
        self.object = wire.object
        self.data: list[T] = list(wire.data)
        self.has_more = wire.has_more
        self.next_page = wire.next_page

    def has_next_page(self) -> bool:
        """Always ``False``: this list is not paginated (as openai-python's ``SyncPage``)."""
        return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(data=<{len(self.data)} items>, object={self.object!r})"


class SyncPage(_SinglePageBase[T]):
    """A list that is not paginated, of the sync client; iterating it yields its items."""

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """Just this page."""
        yield self

    def get_next_page(self) -> SyncPage[T]:
        """There is none: ``RuntimeError``."""
        raise RuntimeError(_NO_NEXT_PAGE)

    def __iter__(self) -> Iterator[T]:
        yield from self.data


class AsyncPage(_SinglePageBase[T]):
    """A list that is not paginated, of the async client; ``async for`` yields its items."""

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Just this page."""
        yield self

    async def get_next_page(self) -> AsyncPage[T]:
        """There is none: ``RuntimeError``."""
        raise RuntimeError(_NO_NEXT_PAGE)

    async def __aiter__(self) -> AsyncIterator[T]:
        for item in self.data:
            yield item


def single_page_parser(page_type: Callable[[PageResponse[T]], P], item: type[T]) -> Parser[P]:
    """A parser that turns a list body of ``item`` objects into a page with no successor."""
    parse_wire = parse_model(_single_page_model(item))

    def parse(response: httpx2.Response, content: bytes) -> P:
        return page_type(parse_wire(response, content))

    return parse


@functools.cache
def _single_page_model(item: type[T]) -> type[PageResponse[T]]:
    return cast("type[PageResponse[T]]", PageResponse.__class_getitem__(item))


class _AsyncItems(Protocol[T_co]):
    def __aiter__(self) -> AsyncIterator[T_co]: ...


PageT = TypeVar("PageT", bound=_AsyncItems[Any])


class _PendingPage(Generic[T, PageT]):
    def __init__(self, first_page: Callable[[], Awaitable[PageT]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, PageT]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self
        async for item in page:
            yield cast(T, item)


class AsyncPaginator(_PendingPage[T, AsyncCursorPage[T]]):
    """What async ``list()`` returns: ``await`` it for the first page, or ``async for`` over items."""


class AsyncPageLoader(_PendingPage[T, AsyncPage[T]]):
    """What async ``content()`` returns: ``await`` it for the ``AsyncPage``, or ``async for`` over items."""
