"""Generation API under load: 20 users submitting speech tasks, and chat first-token latency.

Targets (issue 4): submit latency p99 <= 50 ms; chat first token through the API <= 400 ms.

    .venv/bin/python -m bench.generation [--users 20] [--tasks-per-user 5] [--chats 10]
    .venv/bin/python -m bench.generation --think-ms 1000   # users who type between submits

By default each user submits its tasks back to back, all 20 starting together (a burst:
submit latency is then mostly queueing behind the other 19); --think-ms spreads them out
the way people submitting from the app do.

Starts the real server (embedded defaults, a fresh SQLite file) as a subprocess, drives it
over HTTP from this process and prints the figures; writes bench/results/generation.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import time
from typing import Any

import httpx

from bench.http_load import BENCH_DIR, ServerConfig, start_server, stop_server_proc

WORK = BENCH_DIR / "results" / "work" / "generation"
SENTENCE = "The kettle sings while the coffee beans are ground."


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def register(client: httpx.AsyncClient, i: int) -> dict[str, str]:
    body = {"email": f"bench{i}@example.com", "username": f"bench{i}", "password": "bench-pass-1"}
    r = await client.post("/api/auth/register", json=body)
    r.raise_for_status()
    r = await client.post(
        "/api/auth/login", json={"username": f"bench{i}", "password": "bench-pass-1"}
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def wait_done(
    client: httpx.AsyncClient, headers: dict[str, str], ids: list[str], timeout: float
) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    status: dict[str, str] = {}
    while time.monotonic() < deadline:
        pending = [i for i in ids if status.get(i) not in ("succeeded", "failed", "cancelled")]
        if not pending:
            break
        for task_id in pending:
            r = await client.get(f"/api/tasks/{task_id}", headers=headers)
            status[task_id] = r.json()["status"]
        await asyncio.sleep(0.5)
    return status


async def speech_load(
    client: httpx.AsyncClient, users: list[dict[str, str]], per_user: int, think_ms: int = 0
) -> dict[str, Any]:
    latencies: list[float] = []
    ids: list[tuple[dict[str, str], str]] = []

    async def user_loop(headers: dict[str, str]) -> None:
        for _ in range(per_user):
            if think_ms:  # a person types the next text: uniform, half to 1.5 times think_ms
                await asyncio.sleep(random.uniform(0.5, 1.5) * think_ms / 1000)
            start = time.perf_counter()
            r = await client.post("/api/audio/speech", json={"text": SENTENCE}, headers=headers)
            latencies.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 202, r.text
            ids.append((headers, r.json()["id"]))

    started = time.perf_counter()
    await asyncio.gather(*(user_loop(h) for h in users))
    submitted = time.perf_counter() - started
    statuses: dict[str, str] = {}
    for headers in users:
        mine = [task_id for h, task_id in ids if h is headers]
        statuses.update(await wait_done(client, headers, mine, timeout=1800))
    elapsed = time.perf_counter() - started
    done = sum(1 for s in statuses.values() if s == "succeeded")
    return {
        "users": len(users),
        "think_ms": think_ms,
        "tasks": len(ids),
        "submit_ms_p50": round(percentile(latencies, 50), 1),
        "submit_ms_p99": round(percentile(latencies, 99), 1),
        "submit_ms_max": round(max(latencies), 1),
        "submit_wall_s": round(submitted, 2),
        "succeeded": done,
        "failed": len(ids) - done,
        "all_done_s": round(elapsed, 1),
        "tasks_per_minute": round(done / elapsed * 60, 1),
    }


async def first_token(
    client: httpx.AsyncClient, headers: dict[str, str], runs: int
) -> dict[str, Any]:
    r = await client.post("/api/chat/conversations", json={}, headers=headers)
    convo = r.json()["id"]
    samples: list[float] = []
    for i in range(runs + 1):  # the first run loads the model: reported apart
        start = time.perf_counter()
        first: float | None = None
        async with client.stream(
            "POST",
            f"/api/chat/conversations/{convo}/messages",
            json={"content": f"Give me idea number {i} for a short video.", "max_tokens": 24},
            headers=headers,
        ) as response:
            async for line in response.aiter_lines():
                if first is None and line.startswith("event: delta"):
                    first = (time.perf_counter() - start) * 1000
        if first is not None:
            samples.append(first)
    cold, warm = samples[0], samples[1:]
    return {
        "runs": len(warm),
        "cold_first_token_ms": round(cold, 1),
        "first_token_ms_p50": round(statistics.median(warm), 1),
        "first_token_ms_p99": round(percentile(warm, 99), 1),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    config = ServerConfig(
        backend="sqlite",
        database_url=f"sqlite+aiosqlite:///{WORK / 'bench.db'}",
        data_dir=WORK / "data",
        migrate=True,
    )
    server = await asyncio.to_thread(start_server, config, timeout=120)
    try:
        async with httpx.AsyncClient(base_url=server.base, timeout=120) as client:
            users = [await register(client, i) for i in range(args.users)]
            # Warm the speech engine so the figures are for a running service.
            r = await client.post("/api/audio/speech", json={"text": "Warm up."}, headers=users[0])
            await wait_done(client, users[0], [r.json()["id"]], timeout=300)
            load = await speech_load(client, users, args.tasks_per_user, args.think_ms)
            chat = await first_token(client, users[0], args.chats)
    finally:
        await asyncio.to_thread(stop_server_proc, server.proc)
    return {"speech_load": load, "chat": chat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--tasks-per-user", type=int, default=5)
    parser.add_argument("--chats", type=int, default=10)
    parser.add_argument(
        "--think-ms", type=int, default=0,
        help="each user waits about this long before each submit (0: back to back)",
    )  # fmt: skip
    args = parser.parse_args()
    results = asyncio.run(run(args))
    load, chat = results["speech_load"], results["chat"]
    print(f"speech: {load['users']} users x {args.tasks_per_user} tasks = {load['tasks']} tasks")
    print(
        f"  submit latency p50 {load['submit_ms_p50']} ms, p99 {load['submit_ms_p99']} ms "
        f"(target <= 50 ms), max {load['submit_ms_max']} ms"
    )
    print(
        f"  {load['succeeded']} succeeded, {load['failed']} failed; all done in "
        f"{load['all_done_s']} s = {load['tasks_per_minute']} tasks/minute"
    )
    print(
        f"chat first token through the API: p50 {chat['first_token_ms_p50']} ms, "
        f"p99 {chat['first_token_ms_p99']} ms (target <= 400 ms); "
        f"cold (model load) {chat['cold_first_token_ms']} ms"
    )
    print(
        "rerun: .venv/bin/python -m bench.generation "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items())
    )
    out = BENCH_DIR / "results" / "generation.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
