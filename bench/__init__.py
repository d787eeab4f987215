"""Benchmarks for launch-tui, run by `make bench` (`python -m bench`). Never part of the
test suite, and never a timed assert: each figure is printed beside its target."""
