"""Callers for the timetable tests: the services take the caller and check them themselves."""

from __future__ import annotations

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import SchoolRole, scopes_for


def caller(role: str = SchoolRole.DEPUTY, user=None) -> Caller:
    """The caller a request of `user` with `role` would carry (no account: the role alone)."""
    return Caller(
        user_id=user.pk if user is not None else None,
        school_roles=frozenset({role}),
        scopes=scopes_for((), (role,)),
    )


ADMIN = caller()  # a deputy: writes every plan, names any author
