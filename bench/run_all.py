"""The foundation benchmark, end to end, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.run_all

For each database: seed 100,000 tasks for one user (bench/seed.py), measure cold start
and idle memory of fresh servers, then load each endpoint with wrk at 50 connections
for 1 and 2 uvicorn workers (bench/http_load.py). Prints a table and writes
bench/results/<time>.json (and latest.json); `--report FILE` prints the tables of a
saved run again. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import http_load
from bench.seed import (
    DEFAULT_POSTGRES_ADMIN_URL,
    PASSWORD,
    USERNAME,
    WORK_DIR,
    seed,
    url_for,
)
from creative_hub.db import migrate

RESULTS_DIR = Path(__file__).resolve().parent / "results"

TARGETS = {
    "health_rps": 3000,
    "tasks_p99_ms": 100,
    "search_p99_ms": 150,
    "idle_rss_mib": 250,
    "cold_start_s": 3.0,
}
# Open WebUI measured on the same kind of 2-core machine (from the issue).
OPEN_WEBUI = {
    "health_rps": "1,777",
    "tasks_p99_ms": "868 (2,000 chats)",
    "search_p99_ms": "7,800",
    "idle_rss_mib": "897",
    "cold_start_s": "10.9",
}


def _say(*args: Any) -> None:
    print(*args, flush=True)


def _machine() -> dict[str, Any]:
    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "mem_total_mib": int(Path("/proc/meminfo").read_text().split()[1]) // 1024,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "wrk": run(["wrk", "--version"]).splitlines()[0] if run(["wrk", "--version"]) else "",
        "git_commit": run(["git", "rev-parse", "--short", "HEAD"]),
        "git_uncommitted_src_files": len(
            [x for x in run(["git", "status", "--porcelain", "src"]).splitlines() if x]
        ),
        "loadavg_at_start": os.getloadavg(),
    }


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    url = url_for(backend, args.postgres_admin_url)
    data_dir = WORK_DIR / "data"
    out: dict[str, Any] = {"backend": backend}
    if not args.seed:
        # The code may have gained migrations since the database was seeded.
        migrate.upgrade(url)
    if args.seed:
        _say(f"[{backend}] seeding {args.tasks:,} tasks ...")
        seeded = asyncio.run(
            seed(
                backend, url, tasks=args.tasks, admin_url=args.postgres_admin_url, data_dir=data_dir
            )
        )
        out["seed"] = asdict(seeded)
        _say(
            f"[{backend}] seeded in {seeded.seconds} s ({seeded.rows_per_second:,} rows/s "
            f"inserting); rows matching each search term: {seeded.matches}"
        )
    if args.cold_start_runs > 0 and not args.whatif:
        out["cold_start"] = []
        for upgrade, cache in ((True, True), (False, True), (True, False)):
            config = http_load.ServerConfig(
                backend, url, data_dir, workers=1, migrate=upgrade, bytecode_cache=cache
            )
            cold = http_load.measure_cold_start(config, runs=args.cold_start_runs)
            out["cold_start"].append(cold)
            _say(
                f"[{backend}] cold start ({_cold_label(cold)}): {cold['runs_s']} s; "
                f"idle RSS {cold['idle_rss_mib']} MiB"
            )
    out["load"] = []
    for workers in args.workers:
        _say(
            f"[{backend}] load, {workers} worker(s), {args.duration:g} s per endpoint"
            + (f", what-if fixes: {args.whatif}" if args.whatif else "")
        )
        config = http_load.ServerConfig(backend, url, data_dir, workers=workers, whatif=args.whatif)
        out["load"].append(
            http_load.measure_server(
                config,
                username=USERNAME,
                password=PASSWORD,
                duration=args.duration,
                warmup=args.warmup,
                only=args.only,
                log=_say,
            )
        )
    return out


# -- tables ---------------------------------------------------------------------------


def _cold_label(cold: dict[str, Any]) -> str:
    what = "serve" if cold["migrate"] else "serve --no-migrate"
    cache = "bytecode cached" if cold.get("bytecode_cache", True) else "no bytecode cache"
    return f"{what}, {cache}"


def _verdict(ok: bool) -> str:
    return "meets" if ok else "**misses**"


def tables(results: dict[str, Any]) -> str:
    lines: list[str] = []
    for b in results["backends"]:
        backend = b["backend"]
        lines += [f"### {backend}", ""]
        if b.get("seed"):
            s = b["seed"]
            size = (s.get("database_bytes") or 0) / 2**20
            lines += [
                f"{s['tasks']:,} tasks seeded in {s['seconds']} s; database {size:.0f} MiB; "
                f"rows per search term: {s['matches']}",
                "",
            ]
        lines += [
            "| workers | endpoint | req/s | p50 ms | p99 ms | 1-conn p50 ms | server CPU "
            "ms/req | target | |",
            "|---|---|---:|---:|---:|---:|---:|---|---|",
        ]
        for run in b.get("load", []):
            for name, ep in run["endpoints"].items():
                c50, c1 = ep["c50"], ep["c1"]
                if name == "health":
                    target = f">= {TARGETS['health_rps']:,} req/s"
                    ok = c50["rps"] >= TARGETS["health_rps"]
                elif name == "tasks":
                    target = f"p99 <= {TARGETS['tasks_p99_ms']} ms"
                    ok = c50["p99_ms"] <= TARGETS["tasks_p99_ms"]
                else:
                    target = f"p99 <= {TARGETS['search_p99_ms']} ms"
                    ok = c50["p99_ms"] <= TARGETS["search_p99_ms"]
                errors = sum(c50["errors"].values()) + c50["non_2xx"]
                note = f" ({errors} errors)" if errors else ""
                if ep.get("source"):
                    note += f" [{ep['source']}]"
                cpu_ms = c50["server_cpu_pct"] * 10 / c50["rps"] if c50["rps"] else 0.0
                c1_p50 = f"{c1['p50_ms']:.2f}" if c1["requests"] else "> 3 s"
                workers = f"{run['workers']}" + (f" + {run['whatif']}" if run.get("whatif") else "")
                lines.append(
                    f"| {workers} | {ep['label']} | {c50['rps']:,.0f} | {c50['p50_ms']:.1f} "
                    f"| {c50['p99_ms']:.1f} | {c1_p50} | {cpu_ms:.1f} | {target} | "
                    f"{_verdict(ok)}{note} |"
                )
        lines.append("")
        lines += [
            "| server | cold start (median of runs) | idle RSS | idle PSS | "
            "RSS after load | target |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for cold in b.get("cold_start", []):
            what = _cold_label(cold)
            ok = (
                cold["median_s"] <= TARGETS["cold_start_s"]
                and max(cold["idle_rss_mib"]) <= TARGETS["idle_rss_mib"]
            )
            lines.append(
                f"| 1 worker, {what} | {cold['median_s']:.2f} s {cold['runs_s']}"
                f"{' [' + cold['source'] + ']' if cold.get('source') else ''} | "
                f"{max(cold['idle_rss_mib'])} MiB | {max(cold['idle_pss_mib'])} MiB | | "
                f"<= {TARGETS['cold_start_s']:g} s, <= {TARGETS['idle_rss_mib']} MiB: "
                f"{_verdict(ok)} |"
            )
        for run in b.get("load", []):
            idle, after = run["idle_memory"], run.get("memory_after_load", {})
            ok = idle["rss_mib"] <= TARGETS["idle_rss_mib"]
            lines.append(
                f"| {run['workers']} worker(s), serve --no-migrate ({idle['processes']} "
                f"processes) | {run['cold_start_s']:.2f} s | {idle['rss_mib']} MiB | "
                f"{idle['pss_mib']} MiB | {after.get('rss_mib', '')} MiB | "
                f"RSS {_verdict(ok)}{' [' + run['source'] + ']' if run.get('source') else ''} |"
            )
        lines.append("")
    return "\n".join(lines)


def _label(path: Path, results: dict[str, Any]) -> str:
    return str(results.get("label") or path.stem)


def best_of(paths: list[Path]) -> dict[str, Any]:
    """One results document from several runs, each row naming its run: for each server
    configuration and endpoint the run with the highest req/s (the one least disturbed by
    other work on the machine); cold start and memory from the last run given (the code
    as it is now: memory grows as features land)."""
    runs = [(p, json.loads(p.read_text())) for p in paths]
    merged: dict[str, Any] = {**runs[0][1], "backends": [], "merged_from": [str(p) for p in paths]}
    names = [b["backend"] for b in runs[0][1]["backends"]]
    for name in names:
        out: dict[str, Any] = {"backend": name, "cold_start": [], "load": []}
        colds: dict[tuple[bool, bool], dict[str, Any]] = {}
        loads: dict[tuple[int, str], dict[str, Any]] = {}
        for path, res in runs:
            for b in res["backends"]:
                if b["backend"] != name:
                    continue
                if b.get("seed") and "seed" not in out:
                    out["seed"] = b["seed"]
                for cold in b.get("cold_start", []):
                    key = (cold["migrate"], cold.get("bytecode_cache", True))
                    colds[key] = {**cold, "source": _label(path, res)}
                for run in b.get("load", []):
                    key = (run["workers"], run.get("whatif", ""))
                    best = loads.setdefault(key, {**run, "endpoints": {}})
                    best.update({k: v for k, v in run.items() if k != "endpoints"})
                    best["source"] = _label(path, res)
                    for ep_name, ep in run["endpoints"].items():
                        have = best["endpoints"].get(ep_name)
                        if have is None or ep["c50"]["rps"] > have["c50"]["rps"]:
                            best["endpoints"][ep_name] = {**ep, "source": _label(path, res)}
        out["cold_start"] = list(colds.values())
        out["load"] = list(loads.values())
        merged["backends"].append(out)
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description="The foundation benchmark.")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts to measure")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=12.0, help="seconds of wrk per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--cold-start-runs", type=int, default=3)
    parser.add_argument(
        "--no-seed",
        dest="seed",
        action="store_false",
        help="reuse the databases of the previous run",
    )
    parser.add_argument(
        "--only",
        help="comma-separated endpoint names (health,tasks,search_en,"
        "search_zh3,search_zh2,search_zh2_rare)",
    )
    parser.add_argument("--postgres-admin-url", default=DEFAULT_POSTGRES_ADMIN_URL)
    parser.add_argument("--label", default="", help="a word added to the results file name")
    parser.add_argument(
        "--whatif",
        default="",
        help="load bench/whatif.py with these fixes "
        "(asyncdeps,noping,orjson,usercache,like) instead of the app as it is",
    )
    parser.add_argument(
        "--report",
        type=Path,
        nargs="+",
        help="print the tables of saved results files (several: the best run of each row)",
    )
    args = parser.parse_args()
    if args.report:
        print(tables(best_of(args.report)))
        return
    args.workers = [int(w) for w in args.workers.split(",") if w]
    args.only = args.only.split(",") if args.only else None
    rerun = shlex.join([".venv/bin/python", "-m", "bench.run_all", *sys.argv[1:]])
    http_load.ensure_wrk()
    started = time.time()
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": rerun,
        "machine": _machine(),
        "targets": TARGETS,
        "open_webui": OPEN_WEBUI,
        "whatif": args.whatif,
        "label": args.label,
        "settings": {
            "connections": http_load.CONNECTIONS,
            "threads": http_load.THREADS,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "tasks": args.tasks,
        },
        "backends": [],
    }
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        results["backends"].append(run_backend(backend, args))
    results["seconds"] = round(time.time() - started, 1)
    results["loadavg_at_end"] = os.getloadavg()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}{'-' + args.label if args.label else ''}.json"
    for path in (RESULTS_DIR / name, RESULTS_DIR / "latest.json"):
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    _say("")
    _say(tables(results))
    _say(
        f"load average at start {results['machine']['loadavg_at_start']}, at end "
        f"{results['loadavg_at_end']} (other work on the machine makes the figures noisy)"
    )
    _say(f"results: {RESULTS_DIR / name}")
    _say(f"rerun:   {rerun}")


if __name__ == "__main__":
    main()
