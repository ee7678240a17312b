"""The shell over plain HTTP: headers, partials for htmx, errors as HTML or JSON, assets."""

from __future__ import annotations

import httpx

from tests.support.api import assert_error

HTML = {"Accept": "text/html"}


async def _signed_in(client: httpx.AsyncClient, name: str = "shell") -> str:
    await client.post(
        "/api/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": "s3cret-pass"},
    )
    r = await client.post("/api/auth/session", json={"username": name, "password": "s3cret-pass"})
    assert r.status_code == 200, r.text
    token: str = r.json()["csrf_token"]
    return token


async def test_pages_carry_a_strict_csp_and_security_headers(client: httpx.AsyncClient) -> None:
    r = await client.get("/sign-in", headers=HTML)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta charset="utf-8">' in r.text and '<html lang="en"' in r.text
    # No inline script anywhere: every <script> has a src.
    assert r.text.count("<script") == r.text.count('<script src="/static/')


async def test_htmx_gets_the_partial_and_a_browser_the_whole_page(
    client: httpx.AsyncClient,
) -> None:
    await _signed_in(client)
    full = await client.get("/account", headers=HTML)
    assert full.text.lstrip().startswith("<!doctype html>")
    partial = await client.get("/account", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and "<nav" not in partial.text
    assert partial.text.lstrip().startswith("<title>Account settings · Creative Hub</title>")
    assert "Change password" in partial.text
    boosted = await client.get("/account", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text


async def test_signed_out_htmx_requests_are_redirected_with_hx_redirect(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/account", headers={"HX-Request": "true"})
    assert r.status_code == 204
    assert r.headers["hx-redirect"] == "/sign-in?next=/account"
    r = await client.get("/account", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=/account"
    # An open redirect is refused: only paths on this site.
    r = await client.get("/sign-in?next=//evil.example/x", headers=HTML)
    assert 'name="next" value="/"' in r.text


async def test_errors_are_html_for_pages_and_json_for_the_api(client: httpx.AsyncClient) -> None:
    page = await client.get("/nope", headers=HTML)
    assert page.status_code == 404
    assert "Page not found" in page.text and '{"error"' not in page.text
    fragment = await client.get("/nope", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "data-inline-error" in fragment.text and "<html" not in fragment.text
    assert_error(await client.get("/api/nope", headers=HTML), 404)
    assert_error(await client.get("/api/auth/me", headers=HTML), 401)


async def test_a_bug_behind_a_page_shows_the_friendly_500_page(
    client: httpx.AsyncClient, app: object
) -> None:
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/test-boom", boom)  # type: ignore[attr-defined]
    app.add_api_route("/api/test-boom", boom)  # type: ignore[attr-defined]
    r = await client.get("/test-boom", headers=HTML)
    assert r.status_code == 500
    assert "Something went wrong" in r.text and "secret internal detail" not in r.text
    assert r.headers["x-request-id"] in r.text  # the id to quote, shown in the details
    api = await client.get("/api/test-boom", headers=HTML)
    assert_error(api, 500, "internal_error")


async def test_unsafe_page_requests_need_the_csrf_token(client: httpx.AsyncClient) -> None:
    csrf = await _signed_in(client)
    refused = await client.post("/account/api-keys", data={"name": "k"}, headers=HTML)
    assert refused.status_code == 403 and "did not come from this site" in refused.text
    by_header = await client.post(
        "/account/api-keys", data={"name": "k"}, headers={"X-CSRF-Token": csrf, **HTML}
    )
    assert by_header.status_code == 200 and "Copy it now" in by_header.text
    by_field = await client.post("/account/api-keys", data={"name": "k2", "csrf_token": csrf})
    assert by_field.status_code == 200


async def test_static_files_are_sent_gzipped(client: httpx.AsyncClient) -> None:
    r = await client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert "htmx:configRequest" in r.text
    assert "content-security-policy" not in r.headers  # only HTML carries it


async def test_form_errors_are_in_the_page_language(client: httpx.AsyncClient) -> None:
    csrf = await _signed_in(client, "zhuser")
    r = await client.post(
        "/account/api-keys",
        data={"name": "k", "expires_in_days": "0", "csrf_token": csrf},
        headers={"Accept-Language": "zh-CN"},
    )
    assert r.status_code == 422
    assert "这个数字太小了。" in r.text
    r = await client.post(
        "/account/api-keys",
        data={"name": "", "expires_in_days": "soon", "csrf_token": csrf},
        headers={"Accept-Language": "en"},
    )
    assert "This field is required." in r.text and "Enter a whole number." in r.text
