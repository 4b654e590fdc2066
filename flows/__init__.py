"""Conversation and domain logic: pure functions and survey definitions as data."""
