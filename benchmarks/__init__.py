"""Benchmarks for mcp-assistant-files: ``python -m benchmarks [--quick] [--only ROW ...]``.

Not a test suite: each row measures a median and p99 against a named baseline and states its
target. Results land in ``benchmarks/RESULTS.md`` and ``benchmarks/results.json``.
"""
