"""Behaviour of the signed continuation cursors handed out by ``list_assistant_files``."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcp_assistant_files.contract import Order
from mcp_assistant_files.service.cursor_secret import CURSOR_SECRET_ENV, secret_from_env
from mcp_assistant_files.service.cursors import (
    MAX_FILE_ID_BYTES,
    CursorCodec,
    CursorPosition,
    Direction,
    InvalidCursorError,
    Listing,
    is_placeholder,
)

SECRET = b"0123456789abcdef0123456789abcdef"
ASSISTANT = "asst_abc123DEF456ghi789JKL0"
REALISTIC_ID = "file-" + "A1b2C3d4E5f6G7h8I9j0K1l2"  # file- + 24 characters, like the upstream's ids
NOW = 1_700_000_000.0


@dataclass
class FakeClock:
    """A settable clock so expiry can be tested without sleeping."""

    now: float = field(default=NOW)

    def __call__(self) -> float:
        return self.now


def make_codec(
    clock: FakeClock | None = None, *, secret: bytes = SECRET, ttl_seconds: int = 86400
) -> CursorCodec:
    return CursorCodec(secret, ttl_seconds=ttl_seconds, clock=clock or FakeClock())


def encode(
    codec: CursorCodec, file_id: str = REALISTIC_ID, *, order: Order = "desc", direction: Direction = "after"
) -> str:
    return codec.encode(Listing.assistant_files(ASSISTANT), order=order, direction=direction, item_id=file_id)


def decode(
    codec: CursorCodec, cursor: str, *, order: str = "desc", assistant_id: str = ASSISTANT
) -> CursorPosition:
    return codec.decode(cursor, Listing.assistant_files(assistant_id), order=order)


file_ids = st.one_of(
    st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=MAX_FILE_ID_BYTES
    ),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=MAX_FILE_ID_BYTES).map(
        lambda s: "file-" + s
    ),
    st.text(min_size=1, max_size=16),  # non-ASCII ids: at most 4 bytes a character, so they fit
)
orders = st.sampled_from(["asc", "desc"])
directions = st.sampled_from(["after", "before"])


# --- round trip and shape -------------------------------------------------------------------------


@given(file_id=file_ids, order=orders, direction=directions)
def test_round_trip_returns_the_boundary_id_and_direction(
    file_id: str, order: Order, direction: Direction
) -> None:
    codec = make_codec()
    cursor = encode(codec, file_id, order=order, direction=direction)
    assert decode(codec, cursor, order=order) == CursorPosition(direction=direction, item_id=file_id)


@given(file_id=file_ids, order=orders, direction=directions)
def test_cursor_is_url_safe_base64_without_padding_and_under_120_chars(
    file_id: str, order: Order, direction: Direction
) -> None:
    cursor = encode(make_codec(), file_id, order=order, direction=direction)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    assert len(cursor) < 120


def test_cursor_for_a_realistic_id_is_64_chars() -> None:
    assert len(encode(make_codec())) == 64


@pytest.mark.parametrize(
    "file_id", ["x" * MAX_FILE_ID_BYTES, "file-" + "x" * MAX_FILE_ID_BYTES, "file-" + "y" * 64]
)
def test_longest_accepted_ids_stay_under_120_chars(file_id: str) -> None:
    codec = make_codec()
    cursor = encode(codec, file_id)
    assert len(cursor) < 120
    assert decode(codec, cursor).item_id == file_id


def test_id_too_long_for_a_cursor_is_refused_with_the_limit_named() -> None:
    with pytest.raises(ValueError, match=rf"at most {MAX_FILE_ID_BYTES}"):
        encode(make_codec(), "x" * (MAX_FILE_ID_BYTES + 1))


def test_empty_file_id_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        encode(make_codec(), "")


def test_direction_and_order_are_carried_in_the_cursor() -> None:
    codec = make_codec()
    before = encode(codec, order="asc", direction="before")
    assert decode(codec, before, order="asc") == CursorPosition(direction="before", item_id=REALISTIC_ID)


# --- tampering ------------------------------------------------------------------------------------


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(file_id=file_ids, order=orders, direction=directions)
def test_every_single_bit_flip_of_the_cursor_text_is_rejected(
    file_id: str, order: Order, direction: Direction
) -> None:
    codec = make_codec()
    cursor = encode(codec, file_id, order=order, direction=direction)
    for index, char in enumerate(cursor):
        for bit in range(8):
            flipped = cursor[:index] + chr(ord(char) ^ (1 << bit)) + cursor[index + 1 :]
            with pytest.raises(InvalidCursorError) as info:
                decode(codec, flipped, order=order)
            assert info.value.reason == "malformed"


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(file_id=file_ids, order=orders, direction=directions)
def test_every_single_bit_flip_of_the_signed_bytes_is_rejected(
    file_id: str, order: Order, direction: Direction
) -> None:
    codec = make_codec()
    cursor = encode(codec, file_id, order=order, direction=direction)
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    for position in range(len(raw) * 8):
        mutated = bytearray(raw)
        mutated[position // 8] ^= 1 << (position % 8)
        forged = base64.urlsafe_b64encode(bytes(mutated)).rstrip(b"=").decode()
        with pytest.raises(InvalidCursorError) as info:
            decode(codec, forged, order=order)
        assert info.value.reason == "malformed"


@settings(max_examples=25)
@given(file_id=file_ids, order=orders)
def test_every_truncation_is_rejected(file_id: str, order: Order) -> None:
    codec = make_codec()
    cursor = encode(codec, file_id, order=order)
    for length in range(len(cursor)):
        with pytest.raises(InvalidCursorError):
            decode(codec, cursor[:length], order=order)


def test_appended_characters_are_rejected() -> None:
    codec = make_codec()
    cursor = encode(codec)
    for suffix in ("A", "AA", "=", "==", " ", "\n"):
        with pytest.raises(InvalidCursorError):
            decode(codec, cursor + suffix)


@given(garbage=st.text(max_size=300))
def test_arbitrary_text_is_rejected_without_crashing(garbage: str) -> None:
    with pytest.raises(InvalidCursorError) as info:
        decode(make_codec(), garbage)
    assert info.value.reason == "malformed"


@pytest.mark.parametrize(
    "garbage", ["", "null", "é" * 40, "\x00" * 10, "a" * 10_000, "file-abc", "AAAA", "////", "A" * 64, "🙂"]
)
def test_known_garbage_is_rejected_as_malformed(garbage: str) -> None:
    with pytest.raises(InvalidCursorError) as info:
        decode(make_codec(), garbage)
    assert info.value.reason == "malformed"
    assert "without `cursor` to start over" in str(info.value)


def test_cursor_signed_with_another_secret_is_rejected_as_malformed() -> None:
    cursor = encode(make_codec(secret=b"another-secret-of-32-bytes-long!"))
    with pytest.raises(InvalidCursorError) as info:
        decode(make_codec(), cursor)
    assert info.value.reason == "malformed"
    assert "restarted" in str(info.value)


# --- binding to the listing -----------------------------------------------------------------------


def test_cursor_for_another_assistant_is_rejected_with_the_foreign_message() -> None:
    codec = make_codec()
    cursor = encode(codec)
    with pytest.raises(InvalidCursorError) as info:
        decode(codec, cursor, assistant_id="asst_someoneElse")
    assert info.value.reason == "foreign_listing"
    assert str(info.value) == (
        "cursor belongs to another assistant's file listing: call list_assistant_files again without "
        "`cursor` to start over for this assistant."
    )


TOOLS = ("list_assistant_files", "list_vector_stores", "list_vector_store_files", "list_files")


@pytest.mark.parametrize("issuer", TOOLS)
@pytest.mark.parametrize("reader", TOOLS)
def test_cursor_is_valid_only_for_the_tool_that_issued_it_even_with_a_lookalike_scope(
    issuer: str, reader: str
) -> None:
    codec = make_codec()
    cursor = codec.encode(Listing(issuer, "vector-stores"), order="desc", direction="after", item_id="vs_1")
    if issuer == reader:
        assert codec.decode(cursor, Listing(reader, "vector-stores"), order="desc").item_id == "vs_1"
        return
    with pytest.raises(InvalidCursorError) as info:
        codec.decode(cursor, Listing(reader, "vector-stores"), order="desc")
    assert info.value.reason == "foreign_listing"


def test_a_list_vector_stores_cursor_is_refused_by_list_assistant_files_of_assistant_vector_stores() -> None:
    codec = make_codec()
    cursor = codec.encode(
        Listing("list_vector_stores", "vector-stores"), order="desc", direction="after", item_id="vs_1"
    )
    with pytest.raises(InvalidCursorError) as info:
        decode(codec, cursor, assistant_id="vector-stores")
    assert info.value.reason == "foreign_listing"
    assert str(info.value) == (
        "cursor belongs to another assistant's file listing: call list_assistant_files again without "
        "`cursor` to start over for this assistant."
    )


# Issued by the previous version (cursor version 1, scope-only tag) with SECRET at NOW.
V1_ASSISTANT_CURSOR = "AQZlU_EAAinQmmKvQTFiMkMzZDRFNWY2RzdoOEk5ajBLMWwyKQB7KZicRAmSOI-C"
V1_VECTOR_STORES_CURSOR = "AQJlU_EAv-JYbIfjdnNfYWJjMTIzIVmVxel1waExUBM5"  # item vs_abc123


def test_a_version_1_list_assistant_files_cursor_is_still_accepted_for_its_assistant() -> None:
    codec = make_codec()
    assert decode(codec, V1_ASSISTANT_CURSOR) == CursorPosition("after", REALISTIC_ID)
    with pytest.raises(InvalidCursorError) as info:
        decode(codec, V1_ASSISTANT_CURSOR, assistant_id="asst_someoneElse")
    assert info.value.reason == "foreign_listing"


def test_a_version_1_list_vector_stores_cursor_is_refused_by_list_assistant_files() -> None:
    codec = make_codec()
    with pytest.raises(InvalidCursorError) as info:
        decode(codec, V1_VECTOR_STORES_CURSOR, assistant_id="vector-stores")
    assert info.value.reason == "foreign_listing"


@pytest.mark.parametrize("tool", [t for t in TOOLS if t != "list_assistant_files"])
def test_version_1_cursors_are_accepted_by_list_assistant_files_only(tool: str) -> None:
    with pytest.raises(InvalidCursorError) as info:
        make_codec().decode(V1_ASSISTANT_CURSOR, Listing(tool, ASSISTANT), order="desc")
    assert info.value.reason == "foreign_listing"


def test_new_cursors_are_version_2() -> None:
    cursor = encode(make_codec())
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert raw[0] == 2


def test_cursor_used_with_the_other_order_names_the_order_to_use() -> None:
    codec = make_codec()
    cursor = encode(codec, order="desc")
    with pytest.raises(InvalidCursorError) as info:
        decode(codec, cursor, order="asc")
    assert info.value.reason == "order_mismatch"
    assert "order='desc'" in str(info.value)
    assert "without `cursor` to start over" in str(info.value)


def test_invalid_cursor_error_is_a_value_error() -> None:
    assert issubclass(InvalidCursorError, ValueError)


# --- expiry ---------------------------------------------------------------------------------------


def test_cursor_is_accepted_until_its_ttl_and_rejected_after() -> None:
    clock = FakeClock()
    codec = make_codec(clock, ttl_seconds=3600)
    cursor = encode(codec)
    clock.now = NOW + 3600
    assert decode(codec, cursor).item_id == REALISTIC_ID
    clock.now = NOW + 3601
    with pytest.raises(InvalidCursorError) as info:
        decode(codec, cursor)
    assert info.value.reason == "expired"
    assert str(info.value) == (
        "cursor expired (cursors are valid for 1 hour): "
        "call list_assistant_files again without `cursor` to start over."
    )


def test_default_ttl_is_24_hours() -> None:
    clock = FakeClock()
    codec = CursorCodec(SECRET, clock=clock)
    cursor = encode(codec)
    clock.now = NOW + 24 * 3600
    assert decode(codec, cursor).item_id == REALISTIC_ID
    clock.now = NOW + 24 * 3600 + 1
    with pytest.raises(InvalidCursorError, match="valid for 24 hours"):
        decode(codec, cursor)


def test_cursor_from_a_replica_slightly_ahead_is_accepted_but_not_from_far_ahead() -> None:
    ahead = FakeClock(NOW + 120)
    cursor = encode(make_codec(ahead))
    assert decode(make_codec(FakeClock(NOW)), cursor).item_id == REALISTIC_ID
    far_ahead = encode(make_codec(FakeClock(NOW + 3600)))
    with pytest.raises(InvalidCursorError) as info:
        decode(make_codec(FakeClock(NOW)), far_ahead)
    assert info.value.reason == "issued_ahead"
    assert str(info.value) == (
        "cursor was issued by a server whose clock runs more than 5 minutes ahead of this one's "
        "(its operator should synchronize the servers' clocks): "
        "call list_assistant_files again without `cursor` to start over."
    )


@pytest.mark.parametrize(("skew", "said"), [(60, "1 minute"), (0, "0 seconds"), (90, "90 seconds")])
def test_the_allowed_skew_is_said_in_plain_english(skew: int, said: str) -> None:
    far_ahead = encode(make_codec(FakeClock(NOW + 3600)))
    codec = CursorCodec(SECRET, max_clock_skew_seconds=skew, clock=FakeClock(NOW))
    with pytest.raises(InvalidCursorError) as info:
        decode(codec, far_ahead)
    assert f"runs more than {said} ahead of this one's" in str(info.value)


# --- construction, placeholders and secrets -------------------------------------------------------


def test_codec_rejects_a_non_positive_ttl() -> None:
    with pytest.raises(ValueError, match="ttl_seconds"):
        CursorCodec(SECRET, ttl_seconds=0)


def test_codec_rejects_a_negative_clock_skew() -> None:
    with pytest.raises(ValueError, match="skew"):
        CursorCodec(SECRET, max_clock_skew_seconds=-1)


def test_codec_rejects_a_short_secret() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        CursorCodec(b"short")


def test_codec_repr_redacts_the_secret() -> None:
    assert "0123456789" not in repr(make_codec())
    assert "redacted" in repr(make_codec())


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "\t\n", "null", "NULL", "None", "none", "0", "start", " Start ", "FIRST", "undefined"],
)
def test_placeholders_mean_no_cursor(value: str | None) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["file-abc", "00", "nul", "abc", "AAAAAAAAAAAAAAAA"])
def test_real_looking_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_secret_from_env_derives_a_stable_key_from_any_string() -> None:
    first, random_first = secret_from_env({CURSOR_SECRET_ENV: "correct horse battery staple"})
    second, random_second = secret_from_env({CURSOR_SECRET_ENV: "correct horse battery staple"})
    assert first == second
    assert len(first) == 32
    assert not random_first
    assert not random_second


@pytest.mark.parametrize("environ", [{}, {CURSOR_SECRET_ENV: ""}, {CURSOR_SECRET_ENV: "   "}])
def test_secret_from_env_falls_back_to_a_random_key_and_says_so(environ: dict[str, str]) -> None:
    first, is_random = secret_from_env(environ)
    second, _ = secret_from_env(environ)
    assert is_random
    assert len(first) == 32
    assert first != second


def test_secret_from_env_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CURSOR_SECRET_ENV, "s3cret")
    assert secret_from_env() == secret_from_env({CURSOR_SECRET_ENV: "s3cret"})


def test_replicas_sharing_the_env_secret_accept_each_others_cursors() -> None:
    key, _ = secret_from_env({CURSOR_SECRET_ENV: "shared"})
    cursor = encode(CursorCodec(key, clock=FakeClock()))
    assert decode(CursorCodec(key, clock=FakeClock()), cursor).item_id == REALISTIC_ID
