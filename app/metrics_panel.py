"""Live charts from the core's Prometheus registry (``council_core.base.metrics.snapshot()``).

Drawn with QPainter: QtCharts would need PySide6-Addons (+160 MB) for a handful of bars.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from council_core.base import metrics

PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d"]


def histogram_quantile(buckets: list[tuple[float, float]], q: float) -> float | None:
    """Prometheus' histogram_quantile over cumulative (upper bound, count) buckets."""
    buckets = sorted(buckets)
    if not buckets or buckets[-1][1] <= 0:
        return None
    total = buckets[-1][1]
    rank = q * total
    prev_le, prev_count = 0.0, 0.0
    for le, count in buckets:
        if count >= rank:
            if math.isinf(le):
                return prev_le
            if count == prev_count:
                return le
            return prev_le + (le - prev_le) * (rank - prev_count) / (count - prev_count)
        prev_le, prev_count = le, count
    return prev_le


@dataclass
class Figures:
    requests: dict[str, float]
    p50: dict[str, float]
    p95: dict[str, float]
    local: float
    cloud: float
    spent: float
    budget_left: dict[str, float]
    memory_items: dict[str, float]


def figures(snap: dict[str, Any] | None = None) -> Figures:
    snap = metrics.snapshot() if snap is None else snap
    req: dict[str, float] = defaultdict(float)
    for labels, v in snap.get("council_requests_total", []):
        req[labels.get("skill", "?")] += v
    by_skill: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for labels, v in snap.get("council_request_latency_seconds_bucket", []):
        by_skill[labels["skill"]].append((float(labels["le"]), v))
    p50, p95 = {}, {}
    for skill, b in by_skill.items():
        a, c = histogram_quantile(b, 0.5), histogram_quantile(b, 0.95)
        if a is not None and c is not None:
            p50[skill], p95[skill] = a * 1000, c * 1000
    cloud = req.get("cloud", 0.0)
    spent = sum(v for _l, v in snap.get("council_cost_usd_total", []))
    left = {lab.get("period", "?"): v for lab, v in snap.get("council_budget_remaining_usd", [])}
    items = {lab.get("kind", "?"): v for lab, v in snap.get("council_memory_items", [])}
    return Figures(dict(req), p50, p95, sum(req.values()) - cloud, cloud, spent, left, items)


class BarChart(QWidget):
    """Horizontal bars with a label and a value text each."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[tuple[str, float, str]] = []
        self.setMinimumSize(300, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[tuple[str, float, str]]) -> None:
        self.bars = bars
        self.update()

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QColor("#223"))
        f = p.font()
        f.setBold(True)
        p.setFont(f)
        p.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, self.title)
        f.setBold(False)
        p.setFont(f)
        if not self.bars:
            p.setPen(QColor("#889"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no data yet")
            return
        top, label_w, value_w = 28.0, 110.0, 90.0
        h = min(22.0, (self.height() - top - 6) / len(self.bars))
        hi = max(v for _l, v, _t in self.bars) or 1.0
        avail = max(10.0, self.width() - label_w - value_w - 24)
        for i, (label, v, text) in enumerate(self.bars):
            y = top + i * h
            p.setPen(QColor("#334"))
            p.drawText(QRectF(8, y, label_w - 8, h), Qt.AlignmentFlag.AlignVCenter, label[:16])
            p.fillRect(
                QRectF(label_w, y + 3, avail * max(v, 0) / hi, h - 6),
                QColor(PALETTE[i % len(PALETTE)]),
            )
            p.drawText(
                QRectF(label_w + avail + 6, y, value_w, h), Qt.AlignmentFlag.AlignVCenter, text
            )


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return 0


class MetricsPanel(QWidget):
    def __init__(self, bridge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle("Council metrics")
        self.resize(760, 520)
        lay = QVBoxLayout(self)
        self.summary = QLabel("")
        lay.addWidget(self.summary)
        grid = QGridLayout()
        self.requests = BarChart("Requests per skill")
        self.latency = BarChart("Latency p50 / p95 (ms)")
        self.share = BarChart("Local vs cloud")
        self.spend = BarChart("Cloud spend vs budget (USD)")
        self.storage = BarChart("Memory and indexes")
        for i, w in enumerate((self.requests, self.latency, self.share, self.spend, self.storage)):
            grid.addWidget(w, i // 2, i % 2)
        lay.addLayout(grid, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.refresh)

    def showEvent(self, e: Any) -> None:
        self.refresh()
        self.timer.start()
        super().showEvent(e)

    def hideEvent(self, e: Any) -> None:
        self.timer.stop()
        super().hideEvent(e)

    def refresh(self) -> None:
        fig = figures()
        self.requests.set_bars([(k, v, f"{v:,.0f}") for k, v in sorted(fig.requests.items())])
        lat = []
        for k in sorted(fig.p50):
            lat.append((k + " p50", fig.p50[k], f"{fig.p50[k]:,.1f}"))
            lat.append((k + " p95", fig.p95[k], f"{fig.p95[k]:,.1f}"))
        self.latency.set_bars(lat)
        total = fig.local + fig.cloud
        self.share.set_bars(
            [
                ("local", fig.local, f"{fig.local / total:.0%}" if total else "0%"),
                ("cloud", fig.cloud, f"{fig.cloud / total:.0%}" if total else "0%"),
            ]
            if total
            else []
        )
        spend = [("spent", fig.spent, f"${fig.spent:.4f}")]
        settings = getattr(getattr(self.bridge, "council", None), "ctx", None)
        if settings is not None:
            b = settings.settings.budget
            spend += [
                ("daily limit", b.daily_usd, f"${b.daily_usd:.2f}"),
                ("monthly limit", b.monthly_usd, f"${b.monthly_usd:.2f}"),
            ]
        spend += [(f"left ({k})", v, f"${v:.4f}") for k, v in sorted(fig.budget_left.items())]
        self.spend.set_bars(spend)
        storage = [(f"{k} items", v, f"{v:,.0f}") for k, v in sorted(fig.memory_items.items())]
        if settings is not None:
            paths = settings.paths
            for label, path in (("memory db MB", paths.db_file), ("indexes MB", paths.index_dir)):
                mb = _size(path) / 1e6
                storage.append((label, mb, f"{mb:,.1f} MB"))
        self.storage.set_bars(storage)
        n = sum(fig.requests.values())
        self.summary.setText(
            f"{n:,.0f} requests · {len(fig.requests)} skills · cloud spend ${fig.spent:.4f}"
        )
