"""Qt tests run offscreen; the bridge runs on a qasync loop driven by pytest-qt's waits."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6", reason="PySide6 is not installed (pip install 'council[gui]')")
pytest.importorskip("qasync", reason="qasync is not installed (pip install 'council[gui]')")


@pytest.fixture
def qloop(qapp):
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    pool = concurrent.futures.ThreadPoolExecutor(4)
    loop.set_default_executor(pool)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    pool.shutdown(wait=True, cancel_futures=True)
    # already_running=True marked the loop as the thread's running loop: undo that, or the
    # next (pytest-asyncio) test finds "another loop is running".
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def documents(ctx):
    """The real DocumentStore once the knowledge component is merged, else WalkingStore."""
    try:
        from council_core.knowledge.documents import build
    except ImportError:
        from gui_helpers import WalkingStore

        store = WalkingStore()
    else:
        store = build(ctx)
    ctx.provide("documents", store)
    return store


@pytest.fixture
def bridge(ctx, qloop, qtbot):
    from gui_helpers import StreamSkill, council_with

    from app.bridge import CouncilBridge

    b = CouncilBridge(council_with(StreamSkill, ctx))
    b.start(warm=False)
    yield b
    for task in list(b._asks.values()) + list(b._tasks):
        task.cancel()
