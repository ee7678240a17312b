"""Server render time of the shell's pages under load, and what the browser downloads.

    .venv/bin/python -m bench.pages                 # 10k seeded tasks, SQLite, 20 users
    .venv/bin/python -m bench.pages --tasks 100000 --duration 15 --workers 2
    .venv/bin/python -m bench.pages --think-ms 1000 --duration 20   # users who read pages

A fresh SQLite database in bench/results/pages/ is seeded by bench/seed.py (the bench user
is its first account, so an administrator), the real server runs in its own process
group (bench/http_load.py), the browser session comes from POST /api/auth/session, and
wrk loads each page with 20 connections (20 concurrent users) sending that cookie: by
default back to back (a saturation test: latency is then mostly queueing, 20 ÷ req/s);
with --think-ms each user waits about that long between pages, as a person reading does
(the load model of Locust and k6 virtual users); the latencies never include that wait.

Figures printed (JSON): per page p50/p99/max and requests/s; the CSS and JavaScript a
page loads, raw and as sent gzip-compressed (target <= 100 KB compressed).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import subprocess
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.http_load import (
    HOST,
    WRK_SCRIPT,
    Server,
    ServerConfig,
    ensure_wrk,
    start_server,
    stop_server_proc,
)
from bench.process_stats import cpu_seconds
from bench.seed import PASSWORD, USERNAME, seed

WORK = Path(__file__).resolve().parent / "results" / "pages"
USERS = 20
# (name, path, signed in, expected status)
PAGES = [
    ("sign_in", "/sign-in", False, 200),
    ("sign_up", "/sign-up", False, 200),
    ("dashboard", "/", True, 200),
    ("account", "/account", True, 200),
    ("admin", "/admin", True, 200),
    ("not_found", "/no/such/page", True, 404),
    # The feature pages (chat ... workflows): each lists the user's latest work.
    ("chat", "/chat", True, 200),
    ("prompts", "/prompts", True, 200),
    ("images", "/images", True, 200),
    ("videos", "/videos", True, 200),
    ("audio", "/audio", True, 200),
    ("history", "/history", True, 200),
    ("history_search", "/history?q=lighthouse&status=succeeded", True, 200),
    ("history_filter", "/history?type=speech&from=2020-01-01", True, 200),
    ("workflows", "/workflows", True, 200),
]
# Pages whose stylesheets and scripts are counted too (the feature pages add their own).
ASSET_PAGES = ["/", "/chat", "/images", "/workflows"]
TARGET_P99_MS = 50.0
TARGET_ASSET_KB = 100.0


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def browser_session(server: Server) -> str:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        body = json.dumps({"username": USERNAME, "password": PASSWORD})
        conn.request("POST", "/api/auth/session", body=body,
                     headers={"Content-Type": "application/json"})  # fmt: skip
        resp = conn.getresponse()
        resp.read()
        cookie = resp.getheader("set-cookie") or ""
        if resp.status != 200 or not cookie:
            raise RuntimeError(f"sign-in failed: {resp.status}")
        return cookie.split(";", 1)[0]  # "ch_session=..."
    finally:
        conn.close()


def asset_bytes(server: Server, cookie: str, page: str = "/") -> dict[str, Any]:
    """Every stylesheet and script a page links, raw and gzip-compressed."""
    _, _, html = _get(server.port, page, {"Cookie": cookie, "Accept": "text/html"})
    links = re.findall(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+\.(?:css|js)[^"]*)"',
                       html.decode())  # fmt: skip
    files = []
    for link in links:
        _, _, raw = _get(server.port, link, {})
        status, headers, sent = _get(server.port, link, {"Accept-Encoding": "gzip"})
        files.append({
            "path": link.split("?")[0], "status": status, "raw_bytes": len(raw),
            "sent_bytes": len(sent), "encoding": headers.get("content-encoding", "identity"),
        })  # fmt: skip
    sent_kb = sum(f["sent_bytes"] for f in files) / 1024
    return {
        "files": files,
        "raw_kb": round(sum(f["raw_bytes"] for f in files) / 1024, 1),
        "sent_kb": round(sent_kb, 1),
        "target_kb": TARGET_ASSET_KB,
        "meets_target": sent_kb <= TARGET_ASSET_KB,
    }


def load_page(
    server: Server, path: str, cookie: str | None, duration: float, think_ms: int = 0
) -> dict[str, Any]:
    url = f"http://{HOST}:{server.port}{path}"
    cmd = [ensure_wrk(), "-t2", f"-c{USERS}", f"-d{max(1, round(duration))}s", "--latency",
           "--timeout", "30s", "-s", str(WRK_SCRIPT), "-H", "Accept: text/html"]  # fmt: skip
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(url)
    env = dict(os.environ, BENCH_TOKEN="", BENCH_THINK_MS=str(think_ms))
    cpu_before, t0 = cpu_seconds(server.proc.pid), time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 120)
    wall = time.perf_counter() - t0
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout}\n{out.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    lat = {k: v / 1000 for k, v in data["latency_us"].items()}
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "rps": round(data["requests"] / seconds, 1),
        "p50_ms": round(lat["p50"], 1),
        "p99_ms": round(lat["p99"], 1),
        "max_ms": round(lat["max"], 1),
        "non_2xx": data["errors"]["status"],
        "socket_errors": {k: v for k, v in data["errors"].items() if k != "status" and v},
        "server_cpu_pct": round(100 * (cpu_seconds(server.proc.pid) - cpu_before) / wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000, help="tasks seeded for the user")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per page")
    parser.add_argument("--only", help="comma-separated page names")
    parser.add_argument("--workers", type=int, default=1, help="server processes (2+: Redis bus)")
    parser.add_argument(
        "--think-ms", type=int, default=0,
        help="each user reads a page this long on average before the next (0: back to back)",
    )  # fmt: skip
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+aiosqlite:///{WORK / 'pages.db'}"
    seeded = asyncio.run(seed("sqlite", url, tasks=args.tasks, data_dir=WORK / "data"))
    config = ServerConfig("sqlite", url, WORK / "data", args.workers, log_dir=WORK / "logs")
    server = start_server(config)
    try:
        cookie = browser_session(server)
        results: dict[str, Any] = {
            "backend": "sqlite", "workers": args.workers, "tasks": seeded.tasks, "users": USERS,
            "duration_s": args.duration, "think_ms": args.think_ms, "cpus": os.cpu_count(),
            "loadavg_before": round(os.getloadavg()[0], 2), "pages": {},
        }  # fmt: skip
        only = set(args.only.split(",")) if args.only else None
        for name, path, signed_in, expected in PAGES:
            if only and name not in only:
                continue
            headers = {"Accept": "text/html", **({"Cookie": cookie} if signed_in else {})}
            status, _, _ = _get(server.port, path, headers)
            if status != expected:
                raise RuntimeError(f"{path} answered {status}, expected {expected}")
            _ = load_page(server, path, cookie if signed_in else None, 2)  # warm-up
            figures = load_page(
                server, path, cookie if signed_in else None, args.duration, args.think_ms
            )
            figures["meets_p99_target"] = figures["p99_ms"] <= TARGET_P99_MS
            results["pages"][name] = {"path": path, **figures}
            print(
                f"{name:10} {path:15} p50 {figures['p50_ms']:6.1f} ms  "
                f"p99 {figures['p99_ms']:6.1f} ms  {figures['rps']:7.1f} req/s",
                flush=True,
            )
        results["assets"] = asset_bytes(server, cookie)
        results["assets_by_page"] = {
            page: asset_bytes(server, cookie, page) for page in ASSET_PAGES
        }
        results["seed"] = {k: v for k, v in asdict(seeded).items() if k in ("tasks", "seconds")}
    finally:
        stop_server_proc(server.proc)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
