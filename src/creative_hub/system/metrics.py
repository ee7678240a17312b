"""Prometheus metrics: HTTP traffic (recorded by middleware), tasks and queue (read at scrape)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    """One set per app, on its own registry, so several apps (tests) never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "creative_hub_http_requests",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "creative_hub_http_request_duration_seconds",
            "HTTP request latency by method and route template.",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.tasks = Gauge(
            "creative_hub_tasks",
            "Tasks in the database by type and status.",
            ["task_type", "status"],
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "creative_hub_queue_depth",
            "Tasks waiting to run (queued in the database).",
            registry=self.registry,
        )
        self.jobs_running = Gauge(
            "creative_hub_jobs_running", "Jobs running in this process.", registry=self.registry
        )
