"""Youth Voice benchmarks: ``python bench/run.py`` prints figures (they are not tests)."""
