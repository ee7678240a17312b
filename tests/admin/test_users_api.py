"""GET/PATCH /api/admin/users: superusers list, disable and promote accounts."""

from __future__ import annotations

import httpx

from tests.support.api import assert_error, register


async def test_the_first_account_lists_every_user_newest_first(client: httpx.AsyncClient) -> None:
    admin = await register(client, "root")
    await register(client, "alice")
    await register(client, "bob")
    r = await client.get("/api/admin/users", headers=admin["headers"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert [u["username"] for u in body["items"]] == ["bob", "alice", "root"]
    assert body["total"] == 3
    assert body["next_cursor"] is None
    assert set(body["items"][0]) == {
        "id", "email", "username", "is_active", "is_superuser", "created_at",
    }  # fmt: skip
    assert [u["is_superuser"] for u in body["items"]] == [False, False, True]


async def test_pages_with_a_cursor_and_searches_names_and_emails(client: httpx.AsyncClient) -> None:
    admin = await register(client, "root")
    for name in ("ann_1", "ann_2", "ann_3", "zed"):
        await register(client, name)
    first = await client.get("/api/admin/users?limit=2", headers=admin["headers"])
    page1 = first.json()
    assert len(page1["items"]) == 2 and page1["next_cursor"]
    rest = await client.get(
        "/api/admin/users", params={"limit": 10, "cursor": page1["next_cursor"]},
        headers=admin["headers"],
    )  # fmt: skip
    names = [u["username"] for u in page1["items"] + rest.json()["items"]]
    assert sorted(names) == ["ann_1", "ann_2", "ann_3", "root", "zed"]
    assert len(set(names)) == 5

    found = await client.get("/api/admin/users", params={"q": "ANN_"}, headers=admin["headers"])
    assert sorted(u["username"] for u in found.json()["items"]) == ["ann_1", "ann_2", "ann_3"]
    assert found.json()["total"] == 3
    # "_" is a literal here, not a LIKE wildcard; emails match too.
    assert (await client.get(
        "/api/admin/users", params={"q": "n_1@example"}, headers=admin["headers"]
    )).json()["total"] == 1  # fmt: skip
    bad = await client.get("/api/admin/users?cursor=nonsense", headers=admin["headers"])
    assert_error(bad, 400, "invalid_cursor")


async def test_disabling_an_account_stops_its_tokens_and_sign_in(client: httpx.AsyncClient) -> None:
    admin = await register(client, "root")
    alice = await register(client, "alice")
    r = await client.patch(
        f"/api/admin/users/{alice['user']['id']}", json={"is_active": False},
        headers=admin["headers"],
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["is_active"] is False
    assert_error(await client.get("/api/auth/me", headers=alice["headers"]), 401)
    login = await client.post(
        "/api/auth/login", json={"username": "alice", "password": "s3cret-pass"}
    )
    assert_error(login, 403, "account_disabled")

    r = await client.patch(
        f"/api/admin/users/{alice['user']['id']}", json={"is_active": True},
        headers=admin["headers"],
    )  # fmt: skip
    assert r.json()["is_active"] is True
    assert (await client.get("/api/auth/me", headers=alice["headers"])).status_code == 200


async def test_a_promoted_user_can_administer(client: httpx.AsyncClient) -> None:
    admin = await register(client, "root")
    alice = await register(client, "alice")
    assert_error(await client.get("/api/admin/users", headers=alice["headers"]), 404)
    r = await client.patch(
        f"/api/admin/users/{alice['user']['id']}", json={"is_superuser": True},
        headers=admin["headers"],
    )  # fmt: skip
    assert r.json()["is_superuser"] is True
    assert (await client.get("/api/admin/users", headers=alice["headers"])).status_code == 200
    # ...and can take the rights of another administrator, but not their own.
    r = await client.patch(
        f"/api/admin/users/{admin['user']['id']}", json={"is_superuser": False},
        headers=alice["headers"],
    )  # fmt: skip
    assert r.json()["is_superuser"] is False
    own = await client.patch(
        f"/api/admin/users/{alice['user']['id']}", json={"is_superuser": False},
        headers=alice["headers"],
    )  # fmt: skip
    assert_error(own, 409, "cannot_change_self")
    own = await client.patch(
        f"/api/admin/users/{alice['user']['id']}", json={"is_active": False},
        headers=alice["headers"],
    )  # fmt: skip
    assert_error(own, 409, "cannot_change_self")


async def test_others_get_404_and_anonymous_401(client: httpx.AsyncClient) -> None:
    admin = await register(client, "root")
    alice = await register(client, "alice")
    assert_error(await client.get("/api/admin/users"), 401)
    target = f"/api/admin/users/{admin['user']['id']}"
    assert_error(await client.get("/api/admin/users", headers=alice["headers"]), 404)
    patched = await client.patch(target, json={"is_active": False}, headers=alice["headers"])
    assert_error(patched, 404)
    missing = "/api/admin/users/00000000-0000-0000-0000-000000000000"
    assert_error(
        await client.patch(missing, json={}, headers=admin["headers"]), 404, "user_not_found"
    )
    invalid = await client.patch(target, json={"is_active": "maybe"}, headers=admin["headers"])
    assert_error(invalid, 422)
