"""Reading the YAML files people edit (surveys, risk phrases, support contacts): where in the file
a mistake is, by path and line, and pydantic's errors in words for whoever edits the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import yaml


def where(loc: Iterable[Any]) -> str:
    """A place inside a file as people write it: ``questions[3].show_if``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def explain(error: Any) -> str:
    """Say what a pydantic error means, in words for whoever edits the file."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "extra_forbidden":
        return f"unknown field '{error['loc'][-1]}'; check the spelling or remove it"
    if kind == "missing":
        return "is missing; add it"
    if kind == "string_pattern_mismatch":
        return (
            f"'{value}' is not a valid id; use lower-case letters, numbers and _, "
            "starting with a letter, at most 20 characters"
        )
    if kind == "string_type":
        return f'should be words, not {value!r}; put it in quotes, like "Yes"'
    if kind == "string_too_short":
        return "is empty; write something here"
    if kind == "string_too_long":
        return f"is too long; at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind in ("date_type", "date_from_datetime_parsing", "date_parsing"):
        return f"{value!r} is not a date; write it as year-month-day, like 2026-12-03"
    return str(error["msg"]).removeprefix("Value error, ")


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def yaml_problem(exc: yaml.YAMLError, name: str) -> str:
    """One line for a file that is not YAML, with the line where reading stopped."""
    mark = getattr(exc, "problem_mark", None)
    line = f" line {mark.line + 1}" if mark is not None else ""
    return f"{name}:{line} is not valid YAML; check indentation and quotes"


def line_of(node: yaml.Node | None, loc: Iterable[Any]) -> int | None:
    """The line (from 1) of the place ``loc`` inside a composed YAML document, or of the
    nearest place above it that exists; None without a document."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
