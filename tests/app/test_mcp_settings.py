"""MCP in the settings dialog (Advanced → MCP): the servers Council uses with their own
description and tools (from the catalog a real server filled), and a switch per tool Council
serves, which `council mcp` then honours."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from app.settings_dialog import SettingsDialog
from council_core.context import SkillContext
from council_core.mcp.overview import configured_servers
from council_core.settings import McpServerEntry, load_settings

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

TIME = [str(Path(sys.executable).parent / "mcp-server-time"), "--local-timezone", "UTC"]


def _advanced_mcp_group(dlg):
    from PySide6.QtWidgets import QGroupBox

    tabs = [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())]
    page = dlg.tabs.widget(tabs.index("Advanced")).widget()
    return [b.title() for b in page.findChildren(QGroupBox)]


def test_servers_and_their_tools_are_listed_with_descriptions(qtbot, council_home):
    ctx = SkillContext()
    ctx.settings.mcp.servers = [
        McpServerEntry(name="time", command=TIME),
        McpServerEntry(name="notes", url="http://127.0.0.1:9/mcp"),  # never listed yet
        McpServerEntry(name="old", command=["old-server"], enabled=False),
    ]

    async def list_time() -> None:  # what `council mcp add` / first use does: fills the cache
        try:
            await ctx.service("mcp").list_tools("time")
        finally:
            await ctx.aclose()

    asyncio.run(list_time())
    servers = configured_servers(ctx.settings, ctx.paths.data_dir)
    dlg = SettingsDialog(ctx.settings, mcp_servers=servers)
    qtbot.addWidget(dlg)
    assert "MCP server" in _advanced_mcp_group(dlg)
    rows = {name: (desc, dict(kids)) for name, desc, kids in dlg.mcp_view.rows()}
    desc, kids = rows["time"]
    assert "mcp-time" in desc  # the server's own name and version from its initialize answer
    assert "get_current_time" in kids and "timezone" in kids["get_current_time"].lower()
    assert "convert_time" in kids
    assert kids["runs"] == " ".join(TIME)
    assert "not listed yet" in rows["notes"][0] and "council mcp list" in rows["notes"][0]
    assert rows["old"][0].startswith("off")
    assert not any(k not in ("runs", "state") for k in rows["old"][1])  # an off server: no tools


def test_no_servers_says_how_to_add_one(qtbot, ctx):
    dlg = SettingsDialog(ctx.settings, mcp_servers=[])
    qtbot.addWidget(dlg)
    (name, desc, _kids) = dlg.mcp_view.rows()[0]
    assert name == "No MCP servers yet" and "council mcp add" in desc


def test_a_served_tool_turned_off_is_gone_from_council_mcp(qtbot, ctx):
    from mcp import Client

    from council_core.mcp.server import build_server
    from council_core.router import Council
    from council_core.settings import save_settings

    ctx.settings.mcp.disabled_tools = ["some_future_tool"]  # unknown names are kept
    dlg = SettingsDialog(ctx.settings)
    qtbot.addWidget(dlg)
    dlg.applied.connect(lambda s: save_settings(s, ctx.paths))  # what the app's bridge does
    switches = dlg.editors["mcp"]["disabled_tools"].widget
    assert set(switches.boxes) >= {"calculate", "run_code", "apply_file_plan", "recall"}
    assert all(b.isChecked() for b in switches.boxes.values())
    assert "Firejail" in switches.boxes["run_code"].toolTip()  # the tool's own description
    switches.boxes["run_code"].click()
    assert dlg.apply()
    on_disk = load_settings(ctx.paths)
    assert sorted(on_disk.mcp.disabled_tools) == ["run_code", "some_future_tool"]

    async def listed() -> set[str]:  # what an agent sees from `council mcp` now
        async with Client(build_server(Council(SkillContext(settings=on_disk)))) as c:
            return {t.name for t in (await c.list_tools()).tools}

    names = asyncio.run(listed())
    assert "run_code" not in names and "calculate" in names

    again = SettingsDialog(on_disk)
    qtbot.addWidget(again)
    assert not again.editors["mcp"]["disabled_tools"].widget.boxes["run_code"].isChecked()


def test_a_server_command_and_env_survive_save(qtbot, ctx):
    ctx.settings.mcp.servers = [
        McpServerEntry(name="time", command=[*TIME, "--flag with space"], env={"TZ": "UTC"})
    ]
    dlg = SettingsDialog(ctx.settings)
    qtbot.addWidget(dlg)
    table = dlg.editors["mcp"]["servers"].widget.table
    col = dlg.editors["mcp"]["servers"].widget.fields.index("command")
    assert table.item(0, col).text().startswith(TIME[0] + " --local-timezone UTC")
    new = dlg.collect()
    assert new is not None, dlg.message.text()
    assert new.mcp.servers[0].command == [*TIME, "--flag with space"]
    assert new.mcp.servers[0].env == {"TZ": "UTC"}


@pytest.fixture
def app_ctl(qtbot, ctx, qloop):
    from gui_helpers import StreamSkill, council_with
    from PySide6.QtGui import QIcon
    from test_chat_popup import SignalHotkey

    from app.controller import CouncilApp
    from app.main import ICON
    from app.tray import Tray

    ctl = CouncilApp(Tray(QIcon(str(ICON))), factory=council_with(StreamSkill, ctx),
                     hotkey=SignalHotkey(), warm=False)  # fmt: skip
    qtbot.addWidget(ctl.popup)
    ctl.start()
    yield ctl
    for w in ctl.windows.values():
        w.close()


def test_list_tools_now_starts_the_servers_and_shows_failures(qtbot, app_ctl):
    ctx = app_ctl.bridge.ctx
    qtbot.waitUntil(lambda: app_ctl.bridge.council is not None, timeout=10000)
    ctx.settings.mcp.servers = [
        McpServerEntry(name="time", command=TIME),
        McpServerEntry(name="broken", command=["/nonexistent/mcp-server"]),
    ]
    app_ctl.do_settings()
    dlg = app_ctl.windows["settings"]
    names = [r[0] for r in dlg.mcp_view.rows()]
    assert names == ["time", "broken"]
    assert all("not listed yet" in r[1] for r in dlg.mcp_view.rows())
    dlg.mcp_list_btn.click()
    assert not dlg.mcp_list_btn.isEnabled()
    qtbot.waitUntil(dlg.mcp_list_btn.isEnabled, timeout=60000)
    rows = {name: (desc, dict(kids)) for name, desc, kids in dlg.mcp_view.rows()}
    assert "mcp-time" in rows["time"][0] and "get_current_time" in rows["time"][1]
    assert rows["broken"][0].startswith("failed:") and "broken" in rows["broken"][0]
    with qtbot.waitSignal(app_ctl.bridge.call_done, timeout=15000):  # stop them, as quit does
        app_ctl.bridge.call(lambda c: c.service("mcp").aclose())
