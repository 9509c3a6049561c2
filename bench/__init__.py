"""Benchmarks: `make bench` (python -m bench). Results are recorded in bench/RESULTS.md."""
