"""Reliability: upstream faults, cancellation, hostile input, secrets, load and durability."""
