"""Tests of pieces of ``bot/`` on their own: settings, keys, the command line, delivery, the
emulator."""
