"""The bridge: core coroutines on the qasync loop, results as signals."""

from __future__ import annotations

import time

import pytest
from gui_helpers import ANSWER, PaidSkill, WalkingStore, council_with
from PySide6.QtCore import QTimer

from app.bridge import CouncilBridge, _progress_fields
from council_core.approval import Choice, Decision

pytestmark = pytest.mark.gui


def _collect(qtbot, bridge, prompt):
    chunks = []
    bridge.answer_chunk.connect(lambda _i, t: chunks.append(t))
    with qtbot.waitSignal(bridge.answer_done, timeout=5000) as blk:
        ask_id = bridge.ask(prompt, "s1")
    assert blk.args[0] == ask_id
    return chunks, blk.args[1]


def test_streams_chunks_then_done(qtbot, bridge):
    chunks, result = _collect(qtbot, bridge, "write a prime check")
    assert len(chunks) > 10  # token by token, not one block
    assert "".join(chunks) == ANSWER
    assert result.skill == "writer" and result.ok and result.answer == ANSWER


def test_stop_cancels_a_running_answer(qtbot, bridge):
    ask_id = bridge.ask("slow question")
    qtbot.wait(50)
    assert bridge.busy()
    with qtbot.waitSignal(bridge.answer_cancelled, timeout=2000) as blk:
        bridge.stop(ask_id)
    assert blk.args == [ask_id]
    qtbot.waitUntil(lambda: not bridge.busy(), timeout=1000)


@pytest.mark.parametrize(("choice", "ok"), [(Choice.APPROVE_ONCE, True), (Choice.DECLINE, False)])
def test_approval_goes_through_a_signal(qtbot, ctx, qloop, choice, ok):
    b = CouncilBridge(council_with(PaidSkill, ctx))
    b.start(warm=False)
    b.approval_needed.connect(lambda rid, req: b.resolve_approval(rid, Decision(choice)))
    with qtbot.waitSignal(b.answer_done, timeout=5000) as blk:
        b.ask("expensive question")
    result = blk.args[1]
    assert result.ok is ok
    if ok:
        assert result.answer == "paid answer"
    else:
        assert result.error.kind == "declined"


def test_ingest_runs_off_the_gui_thread(qtbot, bridge, ctx, tmp_path):
    store = WalkingStore(delay_s=0.002)
    ctx.provide("documents", store)
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        (folder / f"note{i}.txt").write_text(f"note {i} " * 50)
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    progress = []
    bridge.ingest_progress.connect(lambda _i, d, t, m: progress.append((d, t)))
    with qtbot.waitSignal(bridge.ingest_done, timeout=15000) as blk:
        bridge.ingest([str(folder)])
    timer.stop()
    report = blk.args[1]
    assert report.files_added == 300
    assert progress and progress[-1] == (300, 300)
    assert len(progress) < 100  # throttled: not one signal per file
    assert max(gaps) < 0.25, f"the GUI thread stalled for {max(gaps):.3f} s"


def test_ingest_failure_is_reported(qtbot, bridge, ctx):
    class Broken(WalkingStore):
        def ingest(self, paths, on_progress=None, cancel=None):
            raise OSError("disk on fire")

    ctx.provide("documents", Broken())
    with qtbot.waitSignal(bridge.failed, timeout=3000) as blk:
        bridge.ingest(["/nowhere"])
    assert "disk on fire" in blk.args[1]


def test_feedback_without_memory_fails_gracefully(qtbot, bridge, ctx):
    ctx.provide("memory", object())  # a memory store without feedback support
    with qtbot.waitSignal(bridge.call_failed, timeout=3000) as blk:
        bridge.feedback(7, "up")
    assert "record_feedback" in blk.args[1]
    with qtbot.waitSignal(bridge.call_failed, timeout=1000) as blk:
        bridge.feedback(None, "up")
    assert "not stored" in blk.args[1]


def test_feedback_reaches_the_memory_store(qtbot, bridge, ctx):
    got = []

    class Memory:
        def record_feedback(self, turn_id, rating, correction=None):
            got.append((turn_id, rating, correction))
            return True

    ctx.provide("memory", Memory())
    with qtbot.waitSignal(bridge.call_done, timeout=3000):
        bridge.feedback(3, "correct", "42")
    assert got == [(3, "correct", "42")]


def test_settings_apply_without_restart(bridge, ctx):
    from council_core.settings import load_settings

    bridge.set_cloud_paused(True)
    assert ctx.settings.cloud.paused is True
    assert load_settings(ctx.paths).cloud.paused is True


def test_progress_callback_shapes():
    from council_core.base.result import Progress

    assert _progress_fields((Progress("ingest", 3, 10, "a.txt"),), {}) == (3, 10, "a.txt")
    assert _progress_fields((4, 9, "b.md"), {}) == (4, 9, "b.md")
    assert _progress_fields((), {"done": 1, "total": 2, "path": "c"}) == (1, 2, "c")
