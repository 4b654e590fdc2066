"""Unit tests of the pure logic in ``flows/``: surveys, the engine, time maths."""
