"""Benchmarks of the courrier pipeline: `python bench/run.py` (see bench/README.md)."""
