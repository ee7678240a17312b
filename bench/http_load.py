"""Run the real server and load it with wrk: cold start, idle memory, req/s, p50/p99.

    .venv/bin/python -m bench.http_load sqlite --workers 1     # after `python -m bench.seed sqlite`

The server is `.venv/bin/creative-hub serve` in its own process group, bound to
127.0.0.1 on a free port. Figures:

- cold start: process spawn to the first 200 from GET /api/health (polled every 10 ms);
- memory: VmRSS and Pss summed over the server's process tree (uvicorn's supervisor and
  its workers), idle after start-up and again idle after the load;
- load: `wrk -t2 -c50 --latency` for a fixed duration per endpoint, after a short
  warm-up; one connection for a few seconds as well, which is the service time of one
  request without queueing. wrk shares the 2 cores with the server (noted in the results).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.process_stats import cpu_seconds, settled_memory

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
VENV_BIN = REPO / ".venv" / "bin"
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"
PYCACHE_DIR = BENCH_DIR / "results" / "work" / "pycache"
HOST = "127.0.0.1"  # only ever load the loopback interface

CONNECTIONS = 50
THREADS = 2


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    auth: bool = True
    label: str = ""


def endpoints() -> list[Endpoint]:
    from bench.seed_tasks import SEARCH_TERMS

    def search(name: str, label: str) -> Endpoint:
        term = SEARCH_TERMS[name]
        return Endpoint(f"search_{name}", f"/api/tasks?limit=50&q={quote(term)}", label=label)

    return [
        Endpoint("health", "/api/health", auth=False, label="GET /api/health"),
        Endpoint("tasks", "/api/tasks?limit=50", label="GET /api/tasks?limit=50 (first page)"),
        search("en", "search q=lighthouse (1 %, trigram index)"),
        search("zh3", "search q=咖啡馆 (1 %, trigram index)"),
        search("zh2", "search q=灯塔 (1 %, 2 chars: bigram index)"),
        search("zh2_rare", "search q=麒麟 (0.05 %, 2 chars, rare: bigram index)"),
    ]


@dataclass
class ServerConfig:
    backend: str
    database_url: str
    data_dir: Path
    workers: int = 1
    migrate: bool = False
    # True: compiled bytecode is kept (in bench/results/work/pycache), as in a deployment
    # that compiles it; False: every module is compiled from source at start-up.
    bytecode_cache: bool = True
    # Candidate fixes applied by bench/whatif.py (empty: the app as it is).
    whatif: str = ""
    log_dir: Path = BENCH_DIR / "results" / "work" / "logs"
    # The CPUs the server may run on ("1", "0-3"; empty: any), through taskset.
    cpus: str = ""

    def command(self, port: int) -> list[str]:
        cmd = self._serve(port)
        return ["taskset", "-c", self.cpus, *cmd] if self.cpus else cmd

    def _serve(self, port: int) -> list[str]:
        if self.whatif:
            return [
                str(VENV_BIN / "uvicorn"),
                "bench.whatif:app",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(self.workers),
                "--no-access-log",
                "--log-level",
                "warning",
            ]
        cmd = [str(VENV_BIN / "creative-hub"), "serve", "--host", HOST, "--port", str(port)]
        cmd += ["--workers", str(self.workers)]
        if not self.migrate:
            cmd.append("--no-migrate")
        return cmd

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CREATIVE_HUB_", "BENCH_"))}
        env.update(
            CREATIVE_HUB_DATABASE_URL=self.database_url,
            CREATIVE_HUB_DATA_DIR=str(self.data_dir),
            CREATIVE_HUB_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        if self.whatif:
            env["BENCH_WHATIF"] = self.whatif
        if self.workers > 1:
            # Progress and cancellation cross processes only through Redis (serve says so).
            env["CREATIVE_HUB_EVENT_BUS"] = "redis"
            env["CREATIVE_HUB_REDIS_URL"] = "redis://127.0.0.1:6379/14"
        if self.bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_DIR)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_DIR / "never-written")
        return env


@dataclass
class Server:
    config: ServerConfig
    port: int
    proc: subprocess.Popen[bytes]
    cold_start_s: float
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _request(
    port: int,
    method: str,
    path: str,
    *,
    body: Any = None,
    token: str | None = None,
    timeout: float = 10.0,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def start_server(config: ServerConfig, *, timeout: float = 60.0) -> Server:
    """Spawn the server and wait for GET /api/health to answer 200; the wait is the cold start."""
    config.log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = config.log_dir / f"server-{config.backend}-w{config.workers}-{port}.log"
    log = log_path.open("wb")
    start = time.perf_counter()
    proc = subprocess.Popen(
        config.command(port),
        cwd=REPO,
        env=config.env(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as one, by its id
    )
    log.close()
    deadline = start + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}"
            )
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _ = _request(port, "GET", "/api/health", timeout=0.5)
            if status == 200:
                break
        if time.perf_counter() > deadline:
            stop_server_proc(proc)
            raise RuntimeError(f"no healthy /api/health within {timeout} s; see {log_path}")
        time.sleep(0.01)
    return Server(config, port, proc, time.perf_counter() - start, log_path)


def stop_server_proc(proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    if proc.poll() is not None:
        return
    pgid = proc.pid  # start_new_session made the server the leader of its own group
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=5)


# -- wrk ------------------------------------------------------------------------------


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk is missing: installing the Debian package", file=sys.stderr)
    apt = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(apt, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=True)
        subprocess.run(apt, capture_output=True, check=True)
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    return path


@dataclass
class LoadResult:
    endpoint: str
    path: str
    connections: int
    threads: int
    duration_s: float
    requests: int
    rps: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    mean_ms: float
    errors: dict[str, int]
    non_2xx: int
    server_cpu_pct: float
    loadavg_before: float
    command: str = ""
    raw: str = field(default="", repr=False)


def run_wrk(
    server: Server,
    endpoint: Endpoint,
    token: str | None,
    *,
    duration: float,
    connections: int = CONNECTIONS,
    threads: int = THREADS,
) -> LoadResult:
    wrk = ensure_wrk()
    url = server.base + endpoint.path
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        url,
    ]
    env = dict(os.environ, BENCH_TOKEN=token if (token and endpoint.auth) else "")
    loadavg = os.getloadavg()[0]
    cpu_before = cpu_seconds(server.proc.pid)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 120)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(server.proc.pid) - cpu_before
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout}\n{out.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    lat = {k: v / 1000 for k, v in data["latency_us"].items()}
    secs = data["duration_us"] / 1e6
    shown = " ".join(cmd[1:-1]).replace(str(REPO) + "/", "")
    return LoadResult(
        endpoint=endpoint.name,
        path=endpoint.path,
        connections=connections,
        threads=threads,
        duration_s=round(secs, 2),
        requests=data["requests"],
        rps=round(data["requests"] / secs, 1),
        p50_ms=round(lat["p50"], 2),
        p75_ms=round(lat["p75"], 2),
        p90_ms=round(lat["p90"], 2),
        p99_ms=round(lat["p99"], 2),
        p999_ms=round(lat["p999"], 2),
        max_ms=round(lat["max"], 2),
        mean_ms=round(lat["mean"], 2),
        errors={k: v for k, v in data["errors"].items() if k != "status"},
        non_2xx=data["errors"]["status"],
        server_cpu_pct=round(100 * cpu / wall, 1),
        loadavg_before=round(loadavg, 2),
        command=f"wrk {shown} '{url}'",
        raw=out.stdout,
    )


# -- one server configuration, measured end to end ----------------------------------


def login(server: Server, username: str, password: str) -> str:
    status, body = _request(
        server.port, "POST", "/api/auth/login", body={"username": username, "password": password}
    )
    if status != 200:
        raise RuntimeError(f"login failed: {status} {body[:300]!r}")
    token: str = json.loads(body)["access_token"]
    return token


def check_endpoint(server: Server, endpoint: Endpoint, token: str) -> dict[str, Any]:
    """One request before the load: it must answer 200; note what it returned."""
    t0 = time.perf_counter()
    status, body = _request(
        server.port, "GET", endpoint.path, token=token if endpoint.auth else None
    )
    ms = (time.perf_counter() - t0) * 1000
    if status != 200:
        raise RuntimeError(f"{endpoint.path} answered {status}: {body[:300]!r}")
    doc = json.loads(body)
    info: dict[str, Any] = {"first_request_ms": round(ms, 2), "bytes": len(body)}
    if isinstance(doc, dict) and "items" in doc:
        info["items"] = len(doc["items"])
        info["has_next_page"] = doc.get("next_cursor") is not None
    return info


def drain(server: Server, endpoint: Endpoint, token: str) -> None:
    """Wait out requests still queued in the server after wrk hung up (slow endpoints).

    One more request to the same endpoint waits behind them for a database connection.
    """
    with contextlib.suppress(OSError, http.client.HTTPException):
        _request(
            server.port, "GET", endpoint.path, token=token if endpoint.auth else None, timeout=180
        )
    time.sleep(0.5)


def measure_server(
    config: ServerConfig,
    *,
    username: str,
    password: str,
    duration: float = 12.0,
    warmup: float = 2.0,
    single_duration: float = 3.0,
    settle: float = 2.0,
    only: list[str] | None = None,
    log: Any = print,
) -> dict[str, Any]:
    server = start_server(config)
    try:
        log(
            f"  server up ({config.backend}, {config.workers} worker(s)) in "
            f"{server.cold_start_s:.2f} s on port {server.port}"
        )
        idle = settled_memory(server.proc.pid, settle)
        token = login(server, username, password)
        results: dict[str, Any] = {
            "backend": config.backend,
            "workers": config.workers,
            "whatif": config.whatif,
            "command": " ".join(config.command(server.port)).replace(str(REPO) + "/", ""),
            "cold_start_s": round(server.cold_start_s, 3),
            "idle_memory": idle,
            "endpoints": {},
        }
        for ep in endpoints():
            if only and ep.name not in only:
                continue
            check = check_endpoint(server, ep, token)
            if warmup > 0:
                run_wrk(server, ep, token, duration=warmup)
                drain(server, ep, token)
            single = run_wrk(server, ep, token, duration=single_duration, connections=1, threads=1)
            loaded = run_wrk(server, ep, token, duration=duration)
            drain(server, ep, token)
            log(
                f"  {ep.name:<16} {loaded.rps:>8.0f} req/s  p50 {loaded.p50_ms:>7.1f} ms  "
                f"p99 {loaded.p99_ms:>7.1f} ms  (1 conn: p50 {single.p50_ms:.2f} ms)  "
                f"server CPU {loaded.server_cpu_pct:.0f} %  non-2xx {loaded.non_2xx}"
            )
            results["endpoints"][ep.name] = {
                "label": ep.label,
                "check": check,
                "c50": _public(loaded),
                "c1": _public(single),
            }
        results["memory_after_load"] = settled_memory(server.proc.pid, settle)
        return results
    finally:
        stop_server_proc(server.proc)


def measure_cold_start(config: ServerConfig, runs: int = 3, settle: float = 2.0) -> dict[str, Any]:
    """Spawn-to-healthy several times; the idle memory of each fresh process too."""
    times, rss, pss = [], [], []
    if config.bytecode_cache:  # one uncounted start fills the bytecode cache
        stop_server_proc(start_server(config).proc)
    for _ in range(runs):
        server = start_server(config)
        try:
            times.append(server.cold_start_s)
            mem = settled_memory(server.proc.pid, settle)
            rss.append(mem["rss_mib"])
            pss.append(mem["pss_mib"])
        finally:
            stop_server_proc(server.proc)
    return {
        "backend": config.backend,
        "workers": config.workers,
        "migrate": config.migrate,
        "bytecode_cache": config.bytecode_cache,
        "command": " ".join(config.command(0))
        .replace(str(REPO) + "/", "")
        .replace("--port 0", "--port PORT"),
        "runs_s": [round(t, 3) for t in times],
        "median_s": round(sorted(times)[len(times) // 2], 3),
        "idle_rss_mib": rss,
        "idle_pss_mib": pss,
    }


def _public(result: LoadResult) -> dict[str, Any]:
    out = asdict(result)
    out.pop("raw")
    return out


def main() -> None:
    from bench.seed import PASSWORD, USERNAME, WORK_DIR, url_for

    parser = argparse.ArgumentParser(description="Load one server configuration with wrk.")
    parser.add_argument("backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=float, default=12.0)
    parser.add_argument("--only", help="comma-separated endpoint names")
    parser.add_argument("--whatif", default="", help="fixes from bench/whatif.py, comma-separated")
    args = parser.parse_args()
    config = ServerConfig(
        args.backend, url_for(args.backend), WORK_DIR / "data", args.workers, whatif=args.whatif
    )
    only = args.only.split(",") if args.only else None
    result = measure_server(
        config, username=USERNAME, password=PASSWORD, duration=args.duration, only=only
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
