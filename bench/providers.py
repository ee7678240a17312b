"""What the hub adds over calling an OpenAI-compatible server directly (issue 7).

A fake OpenAI-compatible server (its own process) streams chat tokens at a fixed rate.
The same streams are read directly from it and through the hub (its own process: the
admin adds the fake as a provider, a user chats with "<name>/<model>"), at 1 and 20
concurrent streams. Figures: first-token latency and tokens/s per stream, hub vs direct.

Targets: <= 5 ms added to the first token, >= 95% of direct throughput, at 1 stream
and at 20 concurrent ones: 20 always open (--steady), concurrency as serving benchmarks
count it (vLLM's benchmark_serving --max-concurrency: a new request as one ends). A
burst and a stagger are stress loads, printed beside it.

    .venv/bin/python -m bench.providers [--tokens 100] [--interval-ms 10] [--rounds 5]
        [--backend sqlite|postgresql] [--workers N] [--steady] [--burst] [--stagger] [--pin]

One stream: a direct reply and one through the hub take turns, 4 x rounds of each (a
machine whose speed drifts charges both alike). Twenty streams, in the ways asked for
(by default --steady, then --burst):
- --steady: 20 streams always open, what a serving benchmark at a concurrency of 20
  measures: 20 clients each chat back to back from a random start, and only replies that
  start while all 20 are streaming count.
- --burst: the 20 streams of a round start in the same instant, the hardest case: the
  hub serves 20 requests' bookkeeping back to back before the last one's provider call,
  on the cores the client and the fake use too (docs/performance.md, session 11).
- --stagger: each stream of a round starts at a random moment within one stream's
  length, direct and through the hub alike: up to 20 open at once (10 on average).

--pin gives the hub the machine's last CPU and this client and the fake the others, as
on a server whose clients and provider are other machines: what the hub adds, not what
the load generator takes from it (on 2 cores a burst's figure is mostly that). The
PostgreSQL server is not pinned.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from bench.http_load import (
    BENCH_DIR,
    HOST,
    REPO,
    VENV_BIN,
    ServerConfig,
    free_port,
    start_server,
    stop_server_proc,
)
from bench.seed import DEFAULT_POSTGRES_ADMIN_URL, postgres_url

WORK = BENCH_DIR / "results" / "work" / "providers"
MODEL = "bench-model"
# The ways twenty streams can start (the module's docstring): the figures' label each.
TWENTY = {
    "steady": "20 streams always open",
    "burst": "20 streams starting in the same instant",
    "stagger": "20 streams starting at random moments within one stream's length",
}

TARGET = {"x1": "target <= 5", "x20_steady": "target <= 5"}  # the others: stress loads

# -- the fake provider (runs in its own process) --------------------------------------------


def fake_app(tokens: int, interval: float) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    async def models(_request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": MODEL, "object": "model"}]})

    async def chat(request: Request) -> Response:
        body = await request.json()

        async def stream() -> AsyncIterator[bytes]:
            def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
                choice = {"index": 0, "delta": delta, "finish_reason": finish}
                return f"data: {json.dumps({'id': 'c', 'choices': [choice]})}\n\n".encode()

            yield chunk({"role": "assistant", "content": ""})
            start = time.perf_counter()
            for i in range(tokens if body.get("max_tokens", 0) > 16 else 3):
                # A fixed schedule (not sleep-after-send) so the rate does not drift.
                await asyncio.sleep(max(0.0, start + i * interval - time.perf_counter()))
                yield chunk({"content": f" tok{i}"})
            yield chunk({}, "stop")
            usage = {"prompt_tokens": 10, "completion_tokens": tokens}
            yield f"data: {json.dumps({'id': 'c', 'choices': [], 'usage': usage})}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    return Starlette(
        routes=[
            Route("/v1/models", models),
            Route("/v1/chat/completions", chat, methods=["POST"]),
        ]
    )


def serve_fake(port: int, tokens: int, interval: float) -> None:
    import uvicorn

    uvicorn.run(fake_app(tokens, interval), host=HOST, port=port, log_level="warning")


def start_fake(tokens: int, interval: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "bench.providers", "--serve-fake", str(port),
         "--tokens", str(tokens), "--interval-ms", str(interval * 1000)],
        cwd=REPO, stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://{HOST}:{port}"
    for _ in range(500):
        try:
            if httpx.get(f"{base}/v1/models", timeout=0.5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.02)
    stop_server_proc(proc)
    raise RuntimeError("the fake provider did not start")


# -- measuring ---------------------------------------------------------------------------


Stream = Callable[[], Awaitable[dict[str, float]]]


async def timed(
    lines: AsyncIterator[str],
    started: float,
    token_of: Callable[[str], bool],
    keep: list[str] | None = None,
) -> dict[str, float]:
    first = last = saved = 0.0
    count = 0
    async for line in lines:
        if keep is not None:
            keep.append(line)  # read after the stream, not while it is timed
        if not saved and line.startswith("event: start"):
            saved = time.perf_counter()  # the hub saved both messages; the provider is next
        if token_of(line):
            last = time.perf_counter()
            first = first or last
            count += 1
    return {
        "first_token_ms": (first - started) * 1000,
        "tokens_per_s": (count - 1) / (last - first) if count > 1 and last > first else 0.0,
        "tokens": count,
        "start_ms": (saved - started) * 1000 if saved else 0.0,
    }


def direct_stream(client: httpx.AsyncClient, base: str) -> Stream:
    """A client of the provider itself. It keeps its conversation as a chat app would, so
    each request carries every earlier turn: the same messages the hub sends for its own
    conversation, which grows by the same two messages a reply."""
    messages: list[dict[str, str]] = []

    async def run() -> dict[str, float]:
        messages.append({"role": "user", "content": "hi"})
        body = {"model": MODEL, "messages": messages, "stream": True, "max_tokens": 512,
                "stream_options": {"include_usage": True}}  # fmt: skip
        lines: list[str] = []
        started = time.perf_counter()
        async with client.stream("POST", f"{base}/v1/chat/completions", json=body) as r:
            result = await timed(
                r.aiter_lines(), started, lambda s: '"content": " tok' in s, keep=lines
            )
        messages.append({"role": "assistant", "content": reply_text(lines)})
        return result

    return run


def reply_text(lines: list[str]) -> str:
    text = []
    for line in lines:
        if line.startswith("data: {"):
            for choice in json.loads(line[6:])["choices"]:
                text.append(choice["delta"].get("content") or "")
    return "".join(text)


async def hub_stream(client: httpx.AsyncClient, headers: dict[str, str]) -> Stream:
    r = await client.post(
        "/api/chat/conversations", json={"model": f"fake/{MODEL}"}, headers=headers
    )
    r.raise_for_status()
    url = f"/api/chat/conversations/{r.json()['id']}/messages"
    sse = {**headers, "Accept": "text/event-stream"}

    async def run() -> dict[str, float]:
        started = time.perf_counter()
        async with client.stream("POST", url, json={"content": "hi"}, headers=sse) as r:
            r.raise_for_status()
            is_delta = lambda s: s.startswith('data: {"content":" tok')  # noqa: E731 (deltas only)
            return await timed(r.aiter_lines(), started, is_delta)

    return run


def adapter_stream(base: str) -> tuple[Stream, Callable[[], Awaitable[None]]]:
    """The OpenAI-compatible adapter itself, in this process: the same stream as direct,
    plus what the hub's HTTP layer does (retry wrapper, circuit, SSE and chunk parsing)."""
    import uuid

    from creative_hub.providers.base import ChatMessage, TextRequest, TextUsage
    from creative_hub.providers.remote.config import Connection, ProviderConfig
    from creative_hub.providers.remote.openai_compat import OpenAIChat
    from creative_hub.settings import Settings

    config = ProviderConfig(uuid.uuid4(), "openai_compatible", "fake", f"{base}/v1")
    connection = Connection.build(config, Settings(_env_file=None))
    chat = OpenAIChat(connection)
    request = TextRequest([ChatMessage("user", "hi")], model=MODEL, max_tokens=512)

    async def lines() -> AsyncIterator[str]:
        async for piece in chat.stream(request, TextUsage()):
            yield piece

    async def run() -> dict[str, float]:
        return await timed(lines(), time.perf_counter(), lambda s: s.startswith(" tok"))

    return run, connection.aclose


async def collect(
    streams: list[Stream], rounds: int, spread: float = 0.0, steady: bool = False
) -> list[dict[str, float]]:
    """spread: each stream of a round starts at a random moment in that many seconds.
    steady: each stream is a client that, after a random start within `spread`, chats
    back to back (rounds + 2 replies, its first and last not counted), so every counted
    reply starts while all the others are streaming."""
    results: list[dict[str, float]] = []

    async def later(stream: Stream) -> dict[str, float]:
        await asyncio.sleep(random.uniform(0, spread))  # the stream times itself from here
        return await stream()

    async def client(stream: Stream) -> list[dict[str, float]]:
        await asyncio.sleep(random.uniform(0, spread))
        replies = [await stream() for _ in range(rounds + 2)]
        return replies[1:-1]

    if steady:
        for replies in await asyncio.gather(*(client(s) for s in streams)):
            results += replies
    for _ in range(0 if steady else rounds):
        results += await asyncio.gather(*(later(s) if spread else s() for s in streams))
    return results


def summary(results: list[dict[str, float]]) -> dict[str, Any]:
    firsts = [r["first_token_ms"] for r in results]
    rates = [r["tokens_per_s"] for r in results]
    return {
        "streams": len(results),
        "first_token_ms_p50": round(statistics.median(firsts), 2),
        "first_token_ms_mean": round(statistics.fmean(firsts), 2),
        "tokens_per_s_mean": round(statistics.fmean(rates), 1),
        "tokens_min": min(r["tokens"] for r in results),
        # Through the hub: when the `start` event came (after the chat's database work).
        "start_ms_p50": round(statistics.median(r["start_ms"] for r in results), 2),
    }


async def measure(
    streams: list[Stream], rounds: int, spread: float = 0.0, steady: bool = False
) -> dict[str, Any]:
    return summary(await collect(streams, rounds, spread, steady))


async def alternate(first: Stream, second: Stream, replies: int) -> tuple[dict[str, Any], ...]:
    """One stream at a time, the two paths taking turns: a machine whose speed drifts
    (a shared VM's does) charges both alike."""
    results: tuple[list[dict[str, float]], list[dict[str, float]]] = ([], [])
    for _ in range(replies):
        results[0].append(await first())
        results[1].append(await second())
    return summary(results[0]), summary(results[1])


async def recreate_postgres(url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin_dsn = make_url(DEFAULT_POSTGRES_ADMIN_URL).set(drivername="postgresql")
    admin = await asyncpg.connect(admin_dsn.render_as_string(hide_password=False), timeout=10)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def register(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    body = {"email": f"{name}@example.com", "username": name, "password": "bench-pass-1"}
    (await client.post("/api/auth/register", json=body)).raise_for_status()
    r = await client.post("/api/auth/login", json={"username": name, "password": "bench-pass-1"})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    interval = args.interval_ms / 1000
    fake, fake_base = await asyncio.to_thread(start_fake, args.tokens, interval)
    if args.backend == "postgresql":
        url = postgres_url(DEFAULT_POSTGRES_ADMIN_URL, "ch_bench_providers")
        await recreate_postgres(url)
    else:
        url = f"sqlite+aiosqlite:///{WORK / 'b.db'}"
    config = ServerConfig(backend=args.backend, database_url=url, data_dir=WORK / "data",
                          migrate=True, workers=args.workers, cpus=args.hub_cpus)  # fmt: skip
    hub = await asyncio.to_thread(start_server, config, timeout=120)
    results: dict[str, Any] = {"tokens": args.tokens, "interval_ms": args.interval_ms,
                               "twenty": args.twenty, "hub_cpus": args.hub_cpus}  # fmt: skip
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    try:
        # Each path has its own client: httpx's pool checks every pooled connection on each
        # request, so one pool holding both paths' 20 connections charged each path for
        # the other's (the hub's rounds ran with 40, the direct ones first with 20).
        async with (
            httpx.AsyncClient(base_url=hub.base, timeout=120, limits=limits) as client,
            httpx.AsyncClient(timeout=120, limits=limits) as direct_client,
        ):
            admin = await register(client, "benchadmin")
            provider = {"kind": "openai_compatible", "name": "fake", "base_url": f"{fake_base}/v1"}
            r = await client.post("/api/admin/providers", headers=admin, json=provider)
            r.raise_for_status()
            users = [await register(client, f"bench{i}") for i in range(20)]
            adapter, close = adapter_stream(fake_base)
            await measure([adapter], 1)
            results["adapter_x1"] = await measure([adapter], args.rounds * 4)
            results["direct_x1_same_process"] = await measure(
                [direct_stream(direct_client, fake_base)], args.rounds * 4
            )
            await close()
            for concurrency in (1, 20):
                direct = [direct_stream(direct_client, fake_base) for _ in range(concurrency)]
                through = [await hub_stream(client, users[i]) for i in range(concurrency)]
                await measure(direct[:1] + through[:1], 1)  # warm both paths
                if concurrency == 1:  # 4 x rounds replies each: a median of 10 was noisy
                    results["direct_x1"], results["hub_x1"] = await alternate(
                        direct[0], through[0], args.rounds * 4
                    )
                    continue
                for mode in args.twenty:
                    spread = args.tokens * interval if mode != "burst" else 0.0
                    steady = mode == "steady"
                    results[f"direct_x20_{mode}"] = await measure(
                        direct, args.rounds, spread, steady
                    )
                    results[f"hub_x20_{mode}"] = await measure(through, args.rounds, spread, steady)
    finally:
        await asyncio.to_thread(stop_server_proc, hub.proc)
        await asyncio.to_thread(stop_server_proc, fake)
    return results


def pin() -> str:
    """Keeps this process (and the fake, started from it) off the last CPU; that one is
    the hub's (its taskset). Returns it."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("--pin needs at least 2 CPUs")
    os.sched_setaffinity(0, cpus[:-1])
    return str(cpus[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tokens", type=int, default=100)
    parser.add_argument("--interval-ms", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="the hub's server processes")
    # Twenty streams: each mode asked for, in this order; none asked for: steady, burst.
    for mode, label in TWENTY.items():
        parser.add_argument(
            f"--{mode}", dest="twenty", action="append_const", const=mode, help=label
        )
    parser.add_argument(
        "--pin", action="store_true", help="the hub on a CPU of its own (the module's docstring)"
    )
    parser.add_argument("--serve-fake", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.twenty = list(dict.fromkeys(args.twenty or ["steady", "burst"]))
    if args.serve_fake:
        serve_fake(args.serve_fake, args.tokens, args.interval_ms / 1000)
        return
    args.hub_cpus = pin() if args.pin else ""
    results = asyncio.run(run(args))
    print(f"fake provider: {args.tokens} tokens, one every {args.interval_ms} ms")
    print(f"hub: {args.backend}" + (f", on CPU {args.hub_cpus} alone" if args.pin else ""))
    labels = {"x1": " 1 stream"} | {f"x20_{mode}": TWENTY[mode] for mode in args.twenty}
    for key, label in labels.items():
        d, h = results[f"direct_{key}"], results[f"hub_{key}"]
        added = h["first_token_ms_p50"] - d["first_token_ms_p50"]
        share = (
            100 * h["tokens_per_s_mean"] / d["tokens_per_s_mean"] if d["tokens_per_s_mean"] else 0
        )
        results[key] = {"added_first_token_ms": round(added, 2), "throughput_pct": round(share, 1)}
        print(
            f"{label}: first token p50 direct {d['first_token_ms_p50']} ms, hub "
            f"{h['first_token_ms_p50']} ms (+{added:.2f} ms, {TARGET.get(key, 'stress')}); "
            f"tokens/s per stream direct {d['tokens_per_s_mean']}, hub {h['tokens_per_s_mean']} "
            f"({share:.1f}%, target >= 95%); hub `start` event at "
            f"{h['start_ms_p50']} ms"
        )
    a, d = results["adapter_x1"], results["direct_x1_same_process"]
    print(
        f"adapter alone (same process as direct): first token p50 {a['first_token_ms_p50']} ms "
        f"vs {d['first_token_ms_p50']} ms direct; tokens/s {a['tokens_per_s_mean']} vs "
        f"{d['tokens_per_s_mean']}"
    )
    out = BENCH_DIR / "results" / f"providers-{args.backend}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(
        f"rerun: {sys.executable} -m bench.providers --tokens {args.tokens} --interval-ms "
        f"{args.interval_ms} --rounds {args.rounds} --backend {args.backend}"
        + (f" --workers {args.workers}" if args.workers > 1 else "")
        + "".join(f" --{mode}" for mode in args.twenty)
        + (" --pin" if args.pin else "")
    )


if __name__ == "__main__":
    main()
