"""The browser session: an HttpOnly SameSite cookie, and a CSRF token on unsafe requests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.api import BuildApp, assert_error, client_for, register

COOKIE = "ch_session"


async def _sign_in(
    client: httpx.AsyncClient, username: str, password: str = "s3cret-pass"
) -> dict[str, Any]:
    """Start a browser session; returns {cookie, csrf, set_cookie, body}.

    The client keeps no cookies: each request names its session explicitly.
    """
    r = await client.post("/api/auth/session", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    cookie = r.cookies[COOKIE]
    return {
        "cookie": {"Cookie": f"{COOKIE}={cookie}"},
        "csrf": r.json()["csrf_token"],
        "set_cookie": r.headers["set-cookie"],
        "body": r.json(),
    }


async def test_signing_in_sets_a_safe_cookie_and_returns_a_csrf_token(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "nina")
    s = await _sign_in(client, "nina")
    set_cookie = s["set_cookie"].lower()
    assert set_cookie.startswith(f"{COOKIE}=")
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie
    assert "path=/" in set_cookie
    assert "max-age=" in set_cookie
    assert s["body"]["user"]["username"] == "nina"
    assert len(s["csrf"]) >= 32
    # The token is not the cookie's value: reading the page does not reveal the session.
    assert s["csrf"] not in s["cookie"]["Cookie"]


async def test_a_wrong_password_sets_no_cookie(client: httpx.AsyncClient) -> None:
    await register(client, "olaf")
    r = await client.post("/api/auth/session", json={"username": "olaf", "password": "nope-nope"})
    assert_error(r, 401, "invalid_credentials")
    assert "set-cookie" not in r.headers


async def test_reading_with_the_cookie_needs_no_csrf_token(client: httpx.AsyncClient) -> None:
    await register(client, "pam")
    s = await _sign_in(client, "pam")
    r = await client.get("/api/auth/me", headers=s["cookie"])
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "pam"
    r = await client.get("/api/auth/csrf", headers=s["cookie"])
    assert r.status_code == 200
    assert r.json()["csrf_token"] == s["csrf"]


async def test_an_unsafe_request_without_the_csrf_token_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "quentin")
    s = await _sign_in(client, "quentin")
    r = await client.patch("/api/auth/me", json={"username": "hijacked"}, headers=s["cookie"])
    error = assert_error(r, 403, "csrf_failed")
    assert "X-CSRF-Token" in error["message"]
    r = await client.post("/api/auth/api-keys", json={"name": "evil"}, headers=s["cookie"])
    assert_error(r, 403, "csrf_failed")
    # A forged form post (what a cross-site page can send) without the token fails too.
    r = await client.post(
        "/api/auth/api-keys",
        data={"name": "evil"},
        headers={**s["cookie"], "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(r, 403, "csrf_failed")
    r = await client.post(
        "/api/auth/api-keys",
        json={"name": "evil"},
        headers={**s["cookie"], "X-CSRF-Token": "0" * 64},
    )
    assert_error(r, 403, "csrf_failed")

    assert (await client.get("/api/auth/me", headers=s["cookie"])).json()["username"] == "quentin"
    keys = await client.get("/api/auth/api-keys", headers=s["cookie"])
    assert keys.json()["items"] == []


async def test_an_unsafe_request_with_the_csrf_token_works(client: httpx.AsyncClient) -> None:
    await register(client, "rita")
    s = await _sign_in(client, "rita")
    headers = {**s["cookie"], "X-CSRF-Token": s["csrf"]}
    r = await client.patch("/api/auth/me", json={"username": "rita2"}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "rita2"
    r = await client.post("/api/auth/api-keys", json={"name": "from the page"}, headers=headers)
    assert r.status_code == 201, r.text


async def test_a_csrf_token_from_another_session_fails(client: httpx.AsyncClient) -> None:
    await register(client, "sid")
    await register(client, "tess")
    mine = await _sign_in(client, "sid")
    my_other_tab = await _sign_in(client, "sid")
    someone_else = await _sign_in(client, "tess")
    for token in (my_other_tab["csrf"], someone_else["csrf"]):
        r = await client.patch(
            "/api/auth/me",
            json={"username": "stolen"},
            headers={**mine["cookie"], "X-CSRF-Token": token},
        )
        assert_error(r, 403, "csrf_failed")
    assert (await client.get("/api/auth/me", headers=mine["cookie"])).json()["username"] == "sid"


async def test_a_made_up_cookie_is_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/auth/me", headers={"Cookie": f"{COOKIE}=made-up"})
    assert_error(r, 401, "session_expired")


async def test_signing_out_ends_the_session(client: httpx.AsyncClient) -> None:
    await register(client, "ugo")
    s = await _sign_in(client, "ugo")
    other = await _sign_in(client, "ugo")
    # Signing out is an unsafe request too: a cross-site page cannot sign you out.
    assert_error(await client.delete("/api/auth/session", headers=s["cookie"]), 403, "csrf_failed")
    assert (await client.get("/api/auth/me", headers=s["cookie"])).status_code == 200

    r = await client.delete("/api/auth/session", headers={**s["cookie"], "X-CSRF-Token": s["csrf"]})
    assert r.status_code == 204
    cleared = r.headers["set-cookie"].lower()
    assert cleared.startswith(f"{COOKIE}=") and ("max-age=0" in cleared or "expires=" in cleared)
    assert_error(await client.get("/api/auth/me", headers=s["cookie"]), 401, "session_expired")
    # The other browser stays signed in.
    assert (await client.get("/api/auth/me", headers=other["cookie"])).status_code == 200


async def test_a_password_change_keeps_this_browser_and_ends_the_others(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "val")
    here = await _sign_in(client, "val")
    elsewhere = await _sign_in(client, "val")
    r = await client.patch(
        "/api/auth/me",
        json={"current_password": "s3cret-pass", "new_password": "brand-new-pass"},
        headers={**here["cookie"], "X-CSRF-Token": here["csrf"]},
    )
    assert r.status_code == 200, r.text
    assert (await client.get("/api/auth/me", headers=here["cookie"])).status_code == 200
    assert_error(
        await client.get("/api/auth/me", headers=elsewhere["cookie"]), 401, "session_expired"
    )
    # The same CSRF token still works for this browser.
    r = await client.patch(
        "/api/auth/me",
        json={"username": "val2"},
        headers={**here["cookie"], "X-CSRF-Token": here["csrf"]},
    )
    assert r.status_code == 200, r.text


async def test_a_bearer_token_needs_no_csrf_token_even_with_a_cookie(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client, "wes")
    s = await _sign_in(client, "wes")
    r = await client.patch(
        "/api/auth/me", json={"username": "wes2"}, headers={**s["cookie"], **user["headers"]}
    )
    assert r.status_code == 200, r.text


async def test_the_csrf_endpoint_is_for_browser_sessions(client: httpx.AsyncClient) -> None:
    user = await register(client, "xia")
    assert_error(await client.get("/api/auth/csrf", headers=user["headers"]), 400, "no_session")
    assert_error(await client.get("/api/auth/csrf"), 401)


async def test_the_cookie_is_secure_when_configured(build_app: BuildApp) -> None:
    async with build_app(cookie_secure=True) as app, client_for(app) as client:
        await register(client, "yan")
        r = await client.post(
            "/api/auth/session", json={"username": "yan", "password": "s3cret-pass"}
        )
        assert r.status_code == 200
        assert "secure" in r.headers["set-cookie"].lower()
