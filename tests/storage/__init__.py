"""The storage contract suite, run against every backend."""
