"""Recently seen users, kept for a few seconds per process.

Every authenticated request needs its user; without this, each one pays a SELECT on
users (about 1 ms of the ~2.5 ms an authenticated request costs). Any change to a user
made through an ORM session in this process (a flush, or an UPDATE/DELETE statement on
users) empties every cache at once, so a password change or a deactivation takes
effect on the next request here; other processes see it within `ttl` seconds.
"""

from __future__ import annotations

import time
import uuid
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, make_transient_to_detached

from creative_hub.models.user import User

_COLUMNS = tuple(attr.key for attr in User.__mapper__.column_attrs)
_live_caches: weakref.WeakSet[UserCache] = weakref.WeakSet()


class UserCache:
    def __init__(self, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[uuid.UUID, tuple[float, dict[str, Any]]] = {}
        _live_caches.add(self)

    def put(self, user: User) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # rare: simpler than LRU bookkeeping on every hit
        values = {key: user.__dict__[key] for key in _COLUMNS if key in user.__dict__}
        if len(values) == len(_COLUMNS):  # never cache a partly loaded user
            self._entries[user.id] = (time.monotonic() + self.ttl, values)

    async def get(self, session: AsyncSession, user_id: uuid.UUID) -> User | None:
        """The cached user, attached to `session` without a query; None when not cached."""
        entry = self._entries.get(user_id)
        if entry is None:
            return None
        expires, values = entry
        if time.monotonic() >= expires:
            self._entries.pop(user_id, None)
            return None
        user = User(**values)
        make_transient_to_detached(user)  # as if just loaded: no pending changes
        return await session.merge(user, load=False)

    def clear(self) -> None:
        self._entries.clear()


def _clear_all() -> None:
    for cache in list(_live_caches):
        cache.clear()


@event.listens_for(Session, "after_flush")
def _users_flushed(session: Session, _context: Any) -> None:
    changed = (*session.dirty, *session.deleted)
    if any(isinstance(obj, User) for obj in changed):
        _clear_all()


@event.listens_for(Session, "do_orm_execute")
def _users_updated(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is User for mapper in state.all_mappers
    ):
        _clear_all()
