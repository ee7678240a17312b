"""Writes compiled once and run on the driver (db/prepared.py PreparedWrite): they belong
to the session's transaction, take SQLite's write gate, and refuse statements whose
Python-side defaults would silently not run."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Table, bindparam, func, insert, select, update

from creative_hub.db.engine import create_engine, create_sessionmaker
from creative_hub.db.prepared import PreparedWrite
from creative_hub.kit.time import utcnow
from creative_hub.models.conversation import Conversation
from creative_hub.models.user import User
from creative_hub.settings import Settings
from tests.support import databases

USERS = cast(Table, User.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)
USER_COLUMNS = tuple(c.key for c in USERS.columns)


def _user(name: str) -> dict[str, object]:
    now = utcnow()
    return {
        "id": uuid.uuid4(), "email": f"{name}@example.com", "username": name,
        "hashed_password": "x", "is_active": True, "is_superuser": False,
        "created_at": now, "updated_at": now,
    }  # fmt: skip


async def test_writes_belong_to_the_sessions_transaction(settings: Settings) -> None:
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    add_users = PreparedWrite(insert(USERS), engine.dialect, USER_COLUMNS)
    rename = PreparedWrite(
        update(USERS).where(USERS.c.id == bindparam("user_id")),
        engine.dialect,
        ("username", "updated_at"),
    )
    count = select(func.count()).select_from(USERS)
    kept, dropped = _user("kept"), _user("dropped")
    try:
        async with sessionmaker() as session:
            await add_users.execute_many(session, [dropped])
            await session.rollback()  # undone with the transaction, not committed on its own
            await add_users.execute_many(session, [kept])
            renamed = {"user_id": kept["id"], "username": "renamed", "updated_at": utcnow()}
            assert await rename.execute(session, renamed) == 1
            assert await rename.execute(session, {**renamed, "user_id": uuid.uuid4()}) == 0
            await session.commit()
        async with sessionmaker() as session:
            assert await session.scalar(count) == 1
            user = await session.get(User, kept["id"])
            assert user is not None and user.username == "renamed" and user.is_active
    finally:
        await engine.dispose()


async def test_a_write_on_sqlite_holds_the_gate_until_its_transaction_ends(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    url = databases.sqlite_url(tmp_path)  # PostgreSQL has no write gate
    await databases.upgrade(url)
    engine = create_engine(make_settings(url))
    sessionmaker = create_sessionmaker(engine)
    gate = sessionmaker.kw["write_gate"].lock
    add_users = PreparedWrite(insert(USERS), engine.dialect, USER_COLUMNS)
    try:
        async with sessionmaker() as first, sessionmaker() as second:
            await add_users.execute_many(first, [_user("first")])
            assert gate.locked()
            waiting = asyncio.create_task(add_users.execute_many(second, [_user("second")]))
            await asyncio.sleep(0.1)
            assert not waiting.done()
            await first.commit()
            await asyncio.wait_for(waiting, 5)
            await second.commit()
            assert not gate.locked()
    finally:
        await engine.dispose()


def test_a_statement_that_would_skip_a_python_side_default_is_refused(
    settings: Settings,
) -> None:
    dialect = create_engine(settings).dialect
    without_created_at = tuple(k for k in USER_COLUMNS if k != "created_at")
    with pytest.raises(ValueError, match="created_at"):
        PreparedWrite(insert(USERS), dialect, without_created_at)
    retitle = update(CONVERSATIONS).where(CONVERSATIONS.c.id == bindparam("conversation_id"))
    with pytest.raises(ValueError, match="updated_at"):  # its onupdate would not run
        PreparedWrite(retitle, dialect, ("title",))
    PreparedWrite(retitle, dialect, ("title", "updated_at"))


async def test_objects_added_to_the_session_are_written_first(settings: Settings) -> None:
    # A usage row written this way may name a task added to the same session just before.
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    columns = tuple(c.key for c in CONVERSATIONS.columns)
    add_conversation = PreparedWrite(insert(CONVERSATIONS), engine.dialect, columns)
    owner = _user("owner")
    try:
        async with sessionmaker() as session:
            session.add(User(**owner))  # pending: not yet sent to the database
            now = utcnow()
            conversation = {
                "id": uuid.uuid4(), "user_id": owner["id"], "title": "New chat",
                "title_is_default": True, "model": None, "system_prompt": "",
                "created_at": now, "updated_at": now,
            }  # fmt: skip
            await add_conversation.execute_many(session, [conversation])  # its owner first
            await session.commit()
        async with sessionmaker() as session:
            assert await session.get(Conversation, conversation["id"]) is not None
    finally:
        await engine.dispose()
