"""Tray actions (triggered directly: no tray host needed), status tooltip, metrics, crashes,
single instance."""

from __future__ import annotations

import sys

import pytest
from gui_helpers import StreamSkill, council_with
from PySide6.QtGui import QIcon
from test_chat_popup import SignalHotkey

from app.controller import CouncilApp
from app.crash import CrashHandler
from app.main import ICON
from app.metrics_panel import MetricsPanel, figures, histogram_quantile
from app.single_instance import SingleInstance
from app.tray import MENU, Tray
from council_core.settings import load_settings

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def ctl(qtbot, ctx, qloop):
    tray = Tray(QIcon(str(ICON)))
    c = CouncilApp(tray, factory=council_with(StreamSkill, ctx), hotkey=SignalHotkey(), warm=False)
    qtbot.addWidget(c.popup)
    c.start()
    yield c
    for w in c.windows.values():
        w.close()


def test_menu_has_every_entry(ctl):
    names = [e[0] for e in MENU if e]
    assert names == ["open_chat", "add_files", "add_folder", "undo", "settings", "metrics",
                     "memory", "toggle_cloud", "quit"]  # fmt: skip
    assert not QIcon(str(ICON)).isNull()


def test_open_chat_and_tray_click(qtbot, ctl):
    ctl.tray.actions["open_chat"].trigger()
    assert ctl.popup.isVisible()
    ctl.popup.hide()
    ctl.tray._activated(ctl.tray.icon.ActivationReason.Trigger)  # a left click on the icon
    assert ctl.popup.isVisible()


def test_pause_cloud_toggles_saves_and_relabels(ctl, ctx):
    act = ctl.tray.actions["toggle_cloud"]
    assert act.text() == "Pause cloud"
    act.trigger()
    assert ctx.settings.cloud.paused and load_settings(ctx.paths).cloud.paused
    assert act.text() == "Resume cloud"
    assert "cloud paused" in ctl.tray.tooltip
    act.trigger()
    assert not ctx.settings.cloud.paused and act.text() == "Pause cloud"


def test_tooltip_says_status_model_and_budget(ctl):
    ctl.refresh_status()
    tip = ctl.tray.tooltip
    assert tip.startswith("Council — ready")
    name = ctl.bridge.ctx.llm.display_name()  # the model by name, not loaded yet, never a path
    assert f"{name} loads on the next question" in tip and "/" not in tip
    assert "daily budget $1.00" in tip and "hotkey Ctrl+Alt+Space" in tip


def test_add_files_from_the_tray_ingests(qtbot, ctl, documents, tmp_path):
    f = tmp_path / "doc.txt"
    f.write_text("hello knowledge")
    ctl.choose_files = lambda: [str(f)]
    with qtbot.waitSignal(ctl.bridge.ingest_done, timeout=15000) as blk:
        ctl.tray.actions["add_files"].trigger()
    assert blk.args[1].files_added == 1
    assert ctl.popup.isVisible()


def test_settings_metrics_memory_windows_open(qtbot, ctl, ctx):
    from council_core.hooks.request_log import RequestLogHook

    ctl.bridge.council._hooks.append(RequestLogHook(ctx))  # as the app's own hooks list has
    with qtbot.waitSignal(ctl.bridge.answer_done, timeout=5000):
        ctl.bridge.ask("count me", "s")
    for name, title in (("settings", "Council settings"), ("metrics", "Council metrics"),
                        ("memory", "Council — memory and documents")):  # fmt: skip
        ctl.tray.actions[name].trigger()
        assert ctl.windows[name].isVisible() and ctl.windows[name].windowTitle() == title
    panel = ctl.windows["metrics"]
    qtbot.waitUntil(lambda: panel.skills.rowCount() == 1, timeout=5000)
    row = [panel.skills.item(0, c).text() for c in range(panel.skills.columnCount())]
    assert row[:3] == ["writer", "1", "0"] and row[3].endswith(" ms") and row[3] == row[4]
    assert "1 requests" in panel.summary.text()


def test_settings_change_regrabs_hotkey_and_writes_autostart(
    qtbot, ctl, ctx, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    s = ctx.settings
    new = s.model_copy(update={
        "hotkey": s.hotkey.model_copy(update={"sequence": "Ctrl+Alt+J"}),
        "app": s.app.model_copy(update={"autostart": True}),
    })  # fmt: skip
    ctl.bridge.apply_settings(new)
    assert ctl.hotkey_status.sequence == "Ctrl+Alt+J"
    assert (tmp_path / "cfg" / "autostart" / "council.desktop").exists()
    status = (ctx.paths.data_dir / "hotkey_status.json").read_text()
    assert "Ctrl+Alt+J" in status


def test_quit_is_requested(qtbot, ctl):
    with qtbot.waitSignal(ctl.quit_requested, timeout=500):
        ctl.tray.actions["quit"].trigger()


def test_unhandled_error_shows_a_copyable_report_and_keeps_running(qtbot, qloop):
    handler = CrashHandler()
    try:
        raise ValueError("boom in a slot")
    except ValueError:
        handler.excepthook(*sys.exc_info())
    assert handler.dialog is not None and handler.dialog.isVisible()
    qtbot.addWidget(handler.dialog)
    report = handler.dialog.text.toPlainText()
    assert "ValueError: boom in a slot" in report and "Traceback" in report

    handler.loop_handler(qloop, {"message": "x", "exception": RuntimeError("boom in a coroutine")})
    assert "boom in a coroutine" in handler.dialog.text.toPlainText()  # appended, one dialog
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QPushButton

    copy = [b for b in handler.dialog.findChildren(QPushButton) if b.text() == "Copy report"][0]
    copy.click()
    assert "boom in a slot" in QGuiApplication.clipboard().text()


def test_second_instance_hands_over_to_the_first(qtbot):
    first = SingleInstance("council-test-" + str(id(qtbot)))
    assert first.listen()
    second = SingleInstance(first.name)
    with qtbot.waitSignal(first.message, timeout=2000) as blk:
        assert second.notify_running("show")
    assert blk.args == ["show"]
    first.server.close()
    assert not SingleInstance(first.name).notify_running()


def test_histogram_quantile_matches_prometheus():
    buckets = [(0.1, 50.0), (0.5, 90.0), (1.0, 100.0), (float("inf"), 100.0)]
    assert histogram_quantile(buckets, 0.5) == pytest.approx(0.1)
    assert histogram_quantile(buckets, 0.95) == pytest.approx(0.75)
    assert histogram_quantile([], 0.5) is None


def test_figures_from_a_snapshot():
    snap = {
        "council_requests_total": [({"skill": "math", "outcome": "ok"}, 3.0),
                                   ({"skill": "cloud", "outcome": "ok"}, 1.0)],
        "council_cost_usd_total": [({}, 0.25)],
    }  # fmt: skip
    f = figures(snap)
    assert f.requests == {"math": 3.0, "cloud": 1.0}
    assert (f.local, f.cloud, f.spent) == (3.0, 1.0, 0.25)


def test_metrics_panel_without_council(qtbot):
    class NoCouncil:
        council = None

    panel = MetricsPanel(NoCouncil())
    qtbot.addWidget(panel)
    panel.refresh()
    assert "requests" in panel.summary.text()


class BrowsableMemory:
    """The memory and knowledge calls the browser and Settings make (the components on their
    own branches provide them)."""

    def __init__(self):
        self.items = [
            {"id": 1, "text": "The user's cat is called Miso"},
            {"id": 2, "text": "Prefers metric units"},
        ]
        self.forgot_all = False
        self.exported = None

    def search(self, q):
        return [i for i in self.items if q.lower() in i["text"].lower()]

    def forget(self, key):
        self.items = [i for i in self.items if i["id"] != key]

    def forget_all(self):
        self.forgot_all = True

    def export(self, path):
        self.exported = path


def test_memory_browser_searches_views_and_forgets(qtbot, ctl, ctx):
    mem = BrowsableMemory()
    ctx.provide("memory", mem)
    ctl.tray.actions["memory"].trigger()
    browser = ctl.windows["memory"].memories
    browser.query.setText("cat")
    browser.search()
    qtbot.waitUntil(lambda: browser.list.count() == 1, timeout=3000)
    browser.list.setCurrentRow(0)
    assert "Miso" in browser.view.toPlainText()
    browser.forget_selected()
    qtbot.waitUntil(lambda: len(mem.items) == 1, timeout=3000)
    docs = ctl.windows["memory"].documents
    docs.search()  # no knowledge store here: said, not crashed
    qtbot.waitUntil(
        lambda: "Unavailable" in docs.note.text() or "in all" in docs.note.text(), timeout=5000
    )


def test_documents_tab_shows_the_matching_passage_and_forgets_the_document(
    qtbot, ctl, ctx, tmp_path
):
    from council_core.base.embed import shared_embedder
    from council_core.knowledge.documents import DocumentStore

    d = tmp_path / "kb"
    d.mkdir()
    (d / "notes.md").write_text(
        "# Notes\n\nThe bike lock combination is in the red notebook, on the shelf by the "
        "door, next to the atlas and the old train timetables that nobody reads any more but "
        "that we keep for the maps.\n\n"
        "## Passport\n\nMy passport expires in March 2031; renew it six months before.\n"
    )
    (d / "other.md").write_text("# Other\n\nThe orchids want 19 degrees at night.\n")
    store = DocumentStore(tmp_path / "docs.sqlite3", tmp_path / "docs.faiss",
                          embedder=shared_embedder())  # fmt: skip
    store.ingest([d])
    ctx.provide("documents", store)
    ctl.tray.actions["memory"].trigger()
    docs = ctl.windows["memory"].documents
    docs.query.setText("when does the passport expire")
    docs.search()
    qtbot.waitUntil(lambda: docs.list.count() >= 1, timeout=5000)
    assert "March 2031" in docs.list.item(0).text()
    docs.list.setCurrentRow(0)
    shown = docs.view.toPlainText()
    assert "notes.md" in shown and "PassageHit" not in shown
    docs.forget_selected()
    qtbot.waitUntil(lambda: docs.note.text() == "Forgotten.", timeout=5000)
    assert [x.path for x in store.list_documents()] == [str((d / "other.md").resolve())]
    store.close()


def test_forget_all_and_export_from_settings(qtbot, ctl, ctx, tmp_path):
    from memory.service import build

    mem = build(ctx)  # the real store on this test's COUNCIL_HOME
    ctx.provide("memory", mem)
    mem.add_turn("s1", "My cat is called Miso", "Noted: your cat is Miso.")
    out = tmp_path / "out.jsonl"
    ctl.choose_export = lambda: str(out)
    ctl.export_memory()
    qtbot.waitUntil(lambda: out.exists() and "Miso" in out.read_text(), timeout=5000)
    ctl.forget_memory()
    qtbot.waitUntil(lambda: not mem.resume("s1"), timeout=5000)
    mem.close()
