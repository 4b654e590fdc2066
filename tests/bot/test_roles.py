"""Roles come from numeric ids in the settings only: a lead outranks a worker, everyone else is
a young person, and only leads see results."""

from __future__ import annotations

import pytest

from bot.actions.roles import Role, may_plan, may_see_results, role_of
from bot.settings import Settings


@pytest.mark.parametrize(
    ("user_id", "role"),
    [(1, Role.LEAD), (2, Role.WORKER), (3, Role.LEAD), (4, Role.YOUNG)],
)
def test_role_of_reads_the_ids(user_id: int, role: Role) -> None:
    """Id 3 is listed as both: the lead role wins."""
    settings = Settings(_env_file=None, workers="2,3", leads="1,3")  # type: ignore[call-arg]
    assert role_of(settings, user_id) is role


def test_what_each_role_may_do() -> None:
    assert [may_plan(r) for r in Role] == [False, True, True]
    assert [may_see_results(r) for r in Role] == [False, False, True]
