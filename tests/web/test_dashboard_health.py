"""A remote provider whose circuit is open shows on the dashboard page as unhealthy: with
the failures, the seconds until the next try and the last error for administrators, and a
translated short note for everyone else; in English and Chinese. Plain HTTP against the app,
the provider being the local fake OpenAI-compatible server answering 500."""

from __future__ import annotations

import html
import re

import httpx

from tests.providers.remote.conftest import StartServer, protocol_server  # noqa: F401 (fixture)
from tests.providers.remote.fake_openai import API_KEY, FakeOpenAI, error_body
from tests.support.api import BuildApp, client_for

EN = {"Accept": "text/html", "Accept-Language": "en"}
ZH = {"Accept": "text/html", "Accept-Language": "zh-CN"}
PASSWORD = "s3cret-pass"


async def _sign_in(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    """A browser session (for the page) and a bearer token (for the API)."""
    account = {"email": f"{name}@example.com", "username": name, "password": PASSWORD}
    assert (await client.post("/api/auth/register", json=account)).status_code == 201
    credentials = {"username": name, "password": PASSWORD}
    r = await client.post("/api/auth/session", json=credentials)
    assert r.status_code == 200, r.text
    login = await client.post("/api/auth/login", json=credentials)
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _chat_fails(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    r = await client.post("/api/chat/conversations", json={"model": "oa/gpt-test"},
                          headers=headers)  # fmt: skip
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/chat/conversations/{r.json()['id']}/messages",
        json={"content": "hello"},
        headers={**headers, "Accept": "text/event-stream"},
    )
    assert "provider_unavailable" in r.text


def _providers_table(page: str) -> str:
    match = re.search(r"<table[^>]*data-providers.*?</table>", page, re.S)
    assert match, page
    return html.unescape(re.sub(r"\s+", " ", match.group(0)))


async def _pages_after_failures(
    build_app: BuildApp,
    start_server: StartServer,
    cooldown: float,
) -> tuple[str, str, str, str]:
    """The providers table before any failure must show no health note; after two 500s
    from the fake OpenAI server (the circuit's threshold): (admin en, admin zh, member en,
    member zh)."""
    fake = FakeOpenAI()
    base = await start_server(fake.app())
    async with (
        build_app(provider_circuit_failures=2, provider_circuit_cooldown_seconds=cooldown) as app,
        client_for(app) as admin,
        client_for(app) as member,
    ):
        admin_auth = await _sign_in(admin, "boss")  # the first account is the administrator
        member_auth = await _sign_in(member, "member")
        r = await admin.post("/api/admin/providers", headers=admin_auth, json={
            "kind": "openai_compatible", "name": "oa", "base_url": f"{base}/v1",
            "api_key": API_KEY, "settings": {"max_retries": 0}})  # fmt: skip
        assert r.status_code == 201, r.text

        healthy = _providers_table((await admin.get("/", headers=EN)).text)
        assert "Unhealthy" not in healthy and "data-health" not in healthy

        boom = error_body("The server had an error", "server_error", None)
        fake.failures += [(500, boom, {})] * 2
        for _ in range(2):
            await _chat_fails(member, member_auth)

        admin_en = _providers_table((await admin.get("/", headers=EN)).text)
        admin_zh = _providers_table((await admin.get("/", headers=ZH)).text)
        member_en = _providers_table((await member.get("/", headers=EN)).text)
        member_zh = _providers_table((await member.get("/", headers=ZH)).text)
    return admin_en, admin_zh, member_en, member_zh


async def test_an_open_circuit_shows_on_the_dashboard(
    build_app: BuildApp,
    protocol_server: StartServer,  # noqa: F811
) -> None:
    admin_en, admin_zh, member_en, member_zh = await _pages_after_failures(
        build_app, protocol_server, cooldown=30
    )

    assert 'data-health="open"' in admin_en and 'data-health="open"' in member_en
    assert "Unhealthy" in admin_en
    assert re.search(r"2 failures in a row; retrying in (\d+) s\.", admin_en), admin_en
    assert "Last error: oa: The server had an error (HTTP 500)" in admin_en
    assert "异常" in admin_zh
    assert re.search(r"连续失败 2 次；\d+ 秒后重试。", admin_zh), admin_zh
    assert "最近的错误：oa: The server had an error (HTTP 500)" in admin_zh

    # Everyone else: the state and a translated note, not the provider's own words.
    assert "It keeps failing; it will be tried again shortly." in member_en
    assert "它持续出错，稍后会自动重试。" in member_zh and "异常" in member_zh
    for page in (member_en, member_zh):
        assert "The server had an error" not in page


async def test_a_half_open_circuit_says_it_is_trying_again(
    build_app: BuildApp,
    protocol_server: StartServer,  # noqa: F811
) -> None:
    # The cool-down is over at once: the next call would be the probe.
    admin_en, admin_zh, member_en, _ = await _pages_after_failures(
        build_app, protocol_server, cooldown=0.001
    )

    assert 'data-health="half_open"' in admin_en and "Unhealthy" in admin_en
    assert "2 failures in a row; trying again now." in admin_en
    assert "连续失败 2 次；正在重试。" in admin_zh
    assert "It keeps failing; it will be tried again shortly." in member_en
