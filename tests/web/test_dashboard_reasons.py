"""Why a provider is unavailable is the server's own English and may name its folders: the
dashboard (page and API) shows it to administrators, and a hint to everyone else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from creative_hub.dashboard.service import NOT_SET_UP
from tests.support.api import BuildApp, client_for, register

ZH = {"Accept": "text/html", "Accept-Language": "zh-CN"}


async def _sign_in(client: httpx.AsyncClient, name: str) -> None:
    account = {"email": f"{name}@example.com", "username": name, "password": "s3cret-pass"}
    assert (await client.post("/api/auth/register", json=account)).status_code == 201
    r = await client.post("/api/auth/session", json={"username": name, "password": "s3cret-pass"})
    assert r.status_code == 200, r.text


async def test_only_admins_see_the_reason(build_app: BuildApp, tmp_path: Path) -> None:
    nowhere = str(tmp_path / "no-whisper-here")
    async with (
        build_app(whisper_model_path=nowhere) as app,
        client_for(app) as admin,
        client_for(app) as member,
    ):
        await _sign_in(admin, "boss")  # the first account is the administrator
        await _sign_in(member, "member")
        seen_by_admin = (await admin.get("/", headers=ZH)).text
        seen_by_member = (await member.get("/", headers=ZH)).text
    assert "no-whisper-here" in seen_by_admin
    assert "no-whisper-here" not in seen_by_member
    assert "此服务器尚未配置；管理员可以启用它。" in seen_by_member


async def test_the_api_gives_the_reason_to_admins_only(build_app: BuildApp, tmp_path: Path) -> None:
    nowhere = str(tmp_path / "no-whisper-here")
    async with build_app(whisper_model_path=nowhere) as app, client_for(app) as client:
        admin = await register(client, "chief")  # the first account is the administrator
        member = await register(client, "worker")
        as_admin = (await client.get("/api/dashboard", headers=admin["headers"])).json()
        as_member = (await client.get("/api/dashboard", headers=member["headers"])).json()

    def whisper(board: dict[str, Any]) -> dict[str, Any]:
        return next(p for p in board["providers"] if p["capability"] == "transcription")

    assert whisper(as_admin)["available"] is False and nowhere in whisper(as_admin)["reason"]
    assert whisper(as_member)["available"] is False
    assert whisper(as_member)["reason"] == NOT_SET_UP
    assert "no-whisper-here" not in str(as_member)
