"""Timing and statistics shared by every row: interleaved rounds, bounded in count and time.

Each round runs every contender ``per_round`` times in a shuffled order, so drift (CPU
frequency, a noisy neighbour) hits all of them alike. A contender's figure is the median of all
its per-call samples; the ratio's spread is taken across rounds.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Row", "Samples", "measure", "measure_async", "summarize"]


@dataclass
class Samples:
    """Per-call durations in seconds, per contender, plus each round's median per contender."""

    calls: dict[str, list[float]] = field(default_factory=dict)
    rounds: list[dict[str, float]] = field(default_factory=list)

    def stats(self, name: str) -> dict[str, float]:
        """Median, p99, mean and count of one contender, in milliseconds."""
        return summarize(self.calls[name])

    def ratio(self, name: str, baseline: str) -> dict[str, float]:
        """Median ratio name/baseline over all calls, and its quartiles over the rounds."""
        overall = statistics.median(self.calls[name]) / statistics.median(self.calls[baseline])
        per_round = sorted(r[name] / r[baseline] for r in self.rounds)
        return {
            "ratio": overall,
            "round_q1": _quantile(per_round, 0.25),
            "round_q3": _quantile(per_round, 0.75),
            "rounds": float(len(per_round)),
        }

    def delta_ms(self, name: str, baseline: str) -> float:
        """Median of name minus median of baseline, in milliseconds."""
        return (statistics.median(self.calls[name]) - statistics.median(self.calls[baseline])) * 1e3


@dataclass
class Row:
    """One line of RESULTS.md."""

    key: str
    what: str
    baseline: str
    measured: str
    target: str
    verdict: str  # "PASS", "MISS", "report" or "skipped: reason"
    data: dict[str, Any] = field(default_factory=dict)


def _quantile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def summarize(durations: list[float]) -> dict[str, float]:
    """Median, p99 (nearest rank), mean and count of durations in seconds, reported in ms."""
    ordered = sorted(durations)
    return {
        "median_ms": statistics.median(ordered) * 1e3,
        "p99_ms": _quantile(ordered, 0.99) * 1e3,
        "mean_ms": statistics.fmean(ordered) * 1e3,
        "n": float(len(ordered)),
    }


def measure(
    contenders: Mapping[str, Callable[[], object]],
    *,
    rounds: int,
    per_round: int,
    max_seconds: float,
    warmup: int = 3,
) -> Samples:
    """Time each blocking contender ``rounds * per_round`` times, stopping early at ``max_seconds``."""
    for fn in contenders.values():
        for _ in range(warmup):
            fn()
    samples = Samples({name: [] for name in contenders})
    deadline = time.monotonic() + max_seconds
    order = list(contenders)
    rng = random.Random(1)  # a fixed, reproducible shuffle, not a secret
    for _ in range(rounds):
        rng.shuffle(order)
        gc.collect()
        medians: dict[str, float] = {}
        for name in order:
            fn = contenders[name]
            mine: list[float] = []
            for _ in range(per_round):
                start = time.perf_counter()
                fn()
                mine.append(time.perf_counter() - start)
            samples.calls[name].extend(mine)
            medians[name] = statistics.median(mine)
        samples.rounds.append(medians)
        if time.monotonic() > deadline:
            break
    return samples


async def measure_async(
    contenders: Mapping[str, Callable[[], Awaitable[object]]],
    *,
    rounds: int,
    per_round: int,
    max_seconds: float,
    warmup: int = 3,
) -> Samples:
    """The async twin of :func:`measure` (the same rounds, shuffles and bounds)."""
    for fn in contenders.values():
        for _ in range(warmup):
            await fn()
    samples = Samples({name: [] for name in contenders})
    deadline = time.monotonic() + max_seconds
    order = list(contenders)
    rng = random.Random(1)
    for _ in range(rounds):
        rng.shuffle(order)
        gc.collect()
        medians: dict[str, float] = {}
        for name in order:
            fn = contenders[name]
            mine: list[float] = []
            for _ in range(per_round):
                start = time.perf_counter()
                await fn()
                mine.append(time.perf_counter() - start)
            samples.calls[name].extend(mine)
            medians[name] = statistics.median(mine)
        samples.rounds.append(medians)
        if time.monotonic() > deadline:
            break
    return samples
