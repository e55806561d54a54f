"""Metrics: one row per skill with exact latency percentiles and errors from the request log
(SQLite, survives a restart), and live bars from the core's Prometheus registry
(``council_core.base.metrics.snapshot()``) for cloud share, spend and storage.

Drawn with QPainter: QtCharts would need PySide6-Addons (+160 MB) for a handful of bars.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

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
    """Horizontal bars with a label and a value text each; as tall as its bars need (rows
    never overlap), in the palette's colours."""

    ROW = 22.0
    TOP = 28.0

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[tuple[str, float, str]] = []
        self.setMinimumSize(300, 80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_bars(self, bars: list[tuple[str, float, str]]) -> None:
        self.bars = bars
        self.setMinimumHeight(int(self.TOP + self.ROW * max(2, len(bars)) + 8))
        self.update()

    def paintEvent(self, event: Any) -> None:
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        p.setPen(text)
        f = p.font()
        f.setBold(True)
        p.setFont(f)
        p.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, self.title)
        f.setBold(False)
        p.setFont(f)
        if not self.bars:
            p.setPen(muted)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no data yet")
            return
        label_w, value_w, h = 120.0, 90.0, self.ROW
        hi = max(v for _l, v, _t in self.bars) or 1.0
        avail = max(10.0, self.width() - label_w - value_w - 24)
        for i, (label, v, value) in enumerate(self.bars):
            y = self.TOP + i * h
            p.setPen(text)
            p.drawText(QRectF(8, y, label_w - 8, h), Qt.AlignmentFlag.AlignVCenter, label[:18])
            p.fillRect(
                QRectF(label_w, y + 3, avail * max(v, 0) / hi, h - 6),
                QColor(PALETTE[i % len(PALETTE)]),
            )
            p.drawText(
                QRectF(label_w + avail + 6, y, value_w, h), Qt.AlignmentFlag.AlignVCenter, value
            )


SKILL_COLUMNS = ["Skill", "Requests", "Errors", "p50", "p95", "Slowest"]


def format_ms(ms: float) -> str:
    return f"{ms:,.0f} ms" if ms >= 10 else f"{ms:,.1f} ms"


class SkillTable(QTableWidget):
    """One row per skill, from the request log's exact latencies."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(SKILL_COLUMNS), parent)
        self.setHorizontalHeaderLabels(SKILL_COLUMNS)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def set_stats(self, stats: list[Any]) -> None:
        self.setRowCount(len(stats))
        for r, st in enumerate(stats):
            errors = f"{st.errors:,}"
            kinds = sorted(st.error_kinds.items())
            if len(kinds) == 1:
                errors += f" ({kinds[0][0]})"
            elif kinds:
                errors += " (" + ", ".join(f"{k} {n}" for k, n in kinds) + ")"
            cells = [st.skill, f"{st.requests:,}", errors, format_ms(st.p50_ms),
                     format_ms(st.p95_ms), format_ms(st.max_ms)]  # fmt: skip
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(r, c, item)
        self.resizeRowsToContents()


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return 0


class MetricsPanel(QWidget):
    """Per-skill answers, errors and exact latency percentiles (from the SQLite request log,
    so they survive a restart), local vs cloud, spend and storage."""

    def __init__(self, bridge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle("Council metrics")
        self.resize(780, 620)
        self._pending: set[int] = set()
        self.stats: list[Any] = []
        lay = QVBoxLayout(self)
        self.summary = QLabel("")
        lay.addWidget(self.summary)
        self.skills = SkillTable()
        lay.addWidget(self.skills, 1)
        grid = QGridLayout()
        self.share = BarChart("Local vs cloud")
        self.spend = BarChart("Cloud spend vs budget (USD)")
        self.storage = BarChart("Memory and indexes")
        for i, w in enumerate((self.share, self.spend, self.storage)):
            grid.addWidget(w, i // 2, i % 2)
        lay.addLayout(grid)
        if hasattr(bridge, "call_done"):
            bridge.call_done.connect(self._stats_done)
            bridge.call_failed.connect(self._stats_failed)
        self.timer = QTimer(self)
        self.timer.setInterval(2000)
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
        if getattr(self.bridge, "council", None) is not None and not self._pending:
            self._pending.add(self.bridge.call(_read_stats))
        total = fig.local + fig.cloud
        self.share.set_bars(
            [
                ("local", fig.local, f"{fig.local / total:.0%}" if total else "0%"),
                ("cloud", fig.cloud, f"{fig.cloud / total:.0%}" if total else "0%"),
            ]
            if total
            else []
        )
        spend = [("spent", fig.spent, dollars(fig.spent))]
        settings = getattr(getattr(self.bridge, "council", None), "ctx", None)
        if settings is not None:
            b = settings.settings.budget
            spend += [
                ("daily limit", b.daily_usd, dollars(b.daily_usd)),
                ("monthly limit", b.monthly_usd, dollars(b.monthly_usd)),
            ]
        spend += [(f"left ({k})", v, dollars(v)) for k, v in sorted(fig.budget_left.items())]
        self.spend.set_bars(spend)
        storage = [(f"{k} items", v, f"{v:,.0f}") for k, v in sorted(fig.memory_items.items())]
        if settings is not None:
            paths = settings.paths
            for label, path in (("memory db", paths.db_file), ("indexes", paths.index_dir)):
                mb = _size(path) / 1e6
                storage.append((label, mb, f"{mb:,.1f} MB"))
        self.storage.set_bars(storage)
        self._summarise(fig.spent)

    def _summarise(self, spent: float) -> None:
        n = sum(s.requests for s in self.stats)
        errors = sum(s.errors for s in self.stats)
        self.summary.setText(
            f"{n:,} requests · {errors:,} errors · {len(self.stats)} skills · "
            f"cloud spend {dollars(spent)} (all time, exact; kept across restarts)"
        )

    def _stats_done(self, call_id: int, stats: Any) -> None:
        if call_id in self._pending:
            self._pending.discard(call_id)
            self.stats = list(stats)
            self.skills.set_stats(self.stats)
            self._summarise(figures().spent)

    def _stats_failed(self, call_id: int, message: str) -> None:
        if call_id in self._pending:
            self._pending.discard(call_id)
            self.summary.setText("Metrics unavailable: " + message)


def dollars(v: float) -> str:
    """Money as dollars and cents; a positive amount under a cent says so."""
    if 0 < v < 0.005:
        return "< $0.01"
    return f"${v:,.2f}"


def _read_stats(ctx: Any) -> list[Any]:
    from council_core.hooks.request_log import RequestLog, log_path

    path = log_path(ctx)
    if not path.exists():
        return []
    rl = RequestLog(path)
    try:
        return rl.summary()
    finally:
        rl.close()
