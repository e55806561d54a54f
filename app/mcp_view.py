"""MCP in the settings dialog: a switch for each of Council's own served tools (the editor of
``mcp.disabled_tools``) and the MCP servers Council uses, each with its own description and the
tools it listed. Both read core objects (``council_core.mcp.overview``); nothing is started.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from council_core.mcp.overview import ServedTool, ServerOverview


class ToolSwitches(QWidget):
    """One checkbox per tool `council mcp` serves, its description beside it; unchecked tools
    are refused to every agent. Its value is the list of tools turned off."""

    def __init__(self, tools: list[ServedTool]) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.boxes: dict[str, QCheckBox] = {}
        self._unknown: list[str] = []  # names turned off that this version does not serve
        for row, t in enumerate(tools):
            box = QCheckBox(t.name)
            box.setChecked(t.on)
            box.setToolTip(t.description)
            desc = QLabel(t.description.split(". ")[0].rstrip(".") + ".")
            desc.setWordWrap(True)
            desc.setToolTip(t.description)
            desc.setEnabled(False)  # muted, like the dialog's other help text
            grid.addWidget(box, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(desc, row, 1)
            self.boxes[t.name] = box

    def value(self) -> list[str]:
        return [n for n, b in self.boxes.items() if not b.isChecked()] + self._unknown

    def set_value(self, off: list[str]) -> None:
        for n, b in self.boxes.items():
            b.setChecked(n not in off)
        self._unknown = [n for n in off if n not in self.boxes]


class McpServersView(QTreeWidget):
    """The configured MCP servers: name, state, and under each its description, where it runs
    and the tools it listed (with their descriptions)."""

    def __init__(self, servers: list[ServerOverview]) -> None:
        super().__init__()
        self.setColumnCount(2)
        self.setHeaderLabels(["Server / tool", "Description"])
        self.setWordWrap(True)
        self.setMinimumHeight(160)
        self.set_servers(servers)

    def set_servers(self, servers: list[ServerOverview]) -> None:
        self.clear()
        if not servers:
            empty = QTreeWidgetItem(["No MCP servers yet", "Add one below, or run "
                                     "`council mcp add NAME -- COMMAND` (or --url URL)."])  # fmt: skip
            self.addTopLevelItem(empty)
            return
        for s in servers:
            top = QTreeWidgetItem([s.name, s.about or s.state])
            top.setToolTip(1, s.about or s.state)
            if s.about:
                top.addChild(QTreeWidgetItem(["state", s.state]))
            top.addChild(QTreeWidgetItem(["runs", s.where]))
            for t in s.tools:
                first = (t.description or "").strip().splitlines()
                item = QTreeWidgetItem([t.name, first[0] if first else "(no description)"])
                item.setToolTip(1, t.description)
                top.addChild(item)
            self.addTopLevelItem(top)
            top.setExpanded(s.enabled)
        self.resizeColumnToContents(0)

    def rows(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(server, description, [(child, text)]) as shown: what a user reads."""
        out = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is None:
                continue
            kids = []
            for j in range(top.childCount()):
                kid = top.child(j)
                if kid is not None:
                    kids.append((kid.text(0), kid.text(1)))
            out.append((top.text(0), top.text(1), kids))
        return out
