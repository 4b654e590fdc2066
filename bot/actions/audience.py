"""Who each thing is for, decided here and nowhere else: a check-in, a meeting's invitation,
its change and cancel notices, its reminders and its feedback check-in, and a "you said, we
did" update.

Everything that counts, checks or messages people asks these functions for an ``Audience``;
the store turns it into chats (joined contacts only: nobody who stopped or blocked the bot).
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.base import Audience, Checkin, Meeting, NewCheckin

# Everyone invited to a meeting, whatever they answered ("none": no answer yet).
EVERYONE_INVITED = ("going", "maybe", "no", "none")
# The people who said they might come.
COMING = ("going", "maybe")


def cohort(cohort_id: int | None) -> Audience:
    """A cohort's members, or everyone who joined when ``None``."""
    return Audience(cohort_id=cohort_id)


def of_checkin(checkin: Checkin | NewCheckin) -> Audience:
    """A check-in is for its cohort (or everyone), or, after a meeting, for the people who
    said Going or Maybe: asking everyone else would only tell them who did."""
    if checkin.meeting_id is not None:
        return Audience(meeting_id=checkin.meeting_id, answers=COMING)
    return cohort(checkin.cohort_id)


def invited_to(meeting: Meeting) -> Audience:
    """Who a new meeting invites, and who may see and answer it: its cohort (or everyone)."""
    return cohort(meeting.cohort_id)


def told_of_changes(meeting: Meeting) -> Audience:
    """Who hears that a meeting moved or was cancelled: everyone invited, whatever they said."""
    return Audience(meeting_id=meeting.id, answers=EVERYONE_INVITED)


def reminded_of(meeting: Meeting) -> Audience:
    """Who is reminded of a meeting, and asked for feedback after it: Going and Maybe."""
    return Audience(meeting_id=meeting.id, answers=COMING)


def of_update(checkins: Sequence[Checkin], cohort_id: int | None) -> list[Audience]:
    """An update goes to everyone its check-ins were for (each one's audience, together, each
    person once), never only to those who answered: that would tell who did. A theme with no
    check-ins is for its cohort, or everyone. The same people may give feedback on it."""
    if not checkins:
        return [cohort(cohort_id)]
    return list(dict.fromkeys(of_checkin(c) for c in checkins))
