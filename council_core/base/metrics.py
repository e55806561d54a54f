"""Council's Prometheus metrics, in their own registry.

Readable in-process (``snapshot()`` for the metrics panel) and servable on 127.0.0.1 for a real
Prometheus to scrape (``council serve-metrics`` or the ``metrics.serve`` setting).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "council_requests",
    "Requests answered, by skill and outcome",
    ["skill", "outcome"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "council_request_latency_seconds",
    "End-to-end latency by skill",
    ["skill"],
    buckets=(0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
ROUTER_OVERHEAD = Histogram(
    "council_router_overhead_seconds",
    "Router time on top of the skill",
    buckets=(1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.01),
    registry=REGISTRY,
)
ESCALATIONS = Counter(
    "council_escalations", "Cloud escalations by outcome", ["outcome"], registry=REGISTRY
)
COST = Counter("council_cost_usd", "Money spent on cloud requests (USD)", registry=REGISTRY)
BUDGET_REMAINING = Gauge(
    "council_budget_remaining_usd", "Budget left", ["period"], registry=REGISTRY
)
SANDBOX_RUNS = Counter(
    "council_sandbox_runs", "Sandboxed runs by outcome", ["outcome"], registry=REGISTRY
)
MEMORY_ITEMS = Gauge("council_memory_items", "Items stored, by kind", ["kind"], registry=REGISTRY)
MODEL_LOADED = Gauge(
    "council_model_loaded", "1 when a model is loaded", ["backend"], registry=REGISTRY
)


def exposition() -> bytes:
    return generate_latest(REGISTRY)


def snapshot() -> dict[str, Any]:
    """All samples as {metric_name: [(labels, value), ...]} for in-process readers."""
    out: dict[str, Any] = {}
    for metric in REGISTRY.collect():
        for s in metric.samples:
            out.setdefault(s.name, []).append((dict(s.labels), s.value))
    return out


def serve(port: int, addr: str = "127.0.0.1") -> Any:
    from prometheus_client import start_http_server

    return start_http_server(port, addr=addr, registry=REGISTRY)
