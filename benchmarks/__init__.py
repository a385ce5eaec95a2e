"""Benchmarks: measurements reported in benchmarks/README.md, not tests (not part of `make test`)."""
