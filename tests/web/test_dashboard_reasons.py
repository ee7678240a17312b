"""Why a provider is unavailable is the server's own English and may name its folders: the
dashboard shows it to administrators, and a translated hint to everyone else."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.api import BuildApp, client_for

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
