"""The settings dialog, generated from the pydantic ``Settings`` model: five pages (General,
Models, Cloud & budget, Privacy & folders, Advanced), each a group per settings section, one
editor per field chosen by its type, labels and help text from the field titles and
descriptions, bounds from its constraints. A new setting needs no widget code (a section no
page names lands on Advanced).

Folders get folder pickers, money is edited in dollars and cents, and the hotkey is recorded
from a key press and validated before it can be saved. The MCP group (Advanced) has a switch per
tool Council serves and lists the MCP servers Council uses with their tools (app/mcp_view.py).

Saving validates each section with pydantic and shows the messages next to the fields; valid
settings are handed to ``applied`` (the app saves and applies them without a restart).
"""

from __future__ import annotations

import json
import shlex
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from council_core.mcp.overview import ServerOverview, served_tools
from council_core.settings import Settings

from . import api_keys
from .hotkey import validate_sequence
from .mcp_view import McpServersView, ToolSwitches

BIG = 1_000_000_000
KEYS_PAGE = "API keys"
# (page title, the settings sections on it); sections not named here go to Advanced.
PAGES: list[tuple[str, list[str]]] = [
    ("General", ["app", "hotkey"]),
    ("Models", ["llm", "router"]),
    ("Cloud & budget", ["cloud", "budget", KEYS_PAGE]),
    ("Privacy & folders", ["memory", "knowledge", "files", "sandbox"]),
    ("Advanced", ["mcp", "metrics", "serve"]),
]
ERROR_COLOR = "#d9534f"


def pick_folder(parent: QWidget | None, title: str = "Choose a folder") -> str:
    return QFileDialog.getExistingDirectory(parent, title)


def pick_file(parent: QWidget | None, title: str = "Choose a file") -> str:
    return QFileDialog.getOpenFileName(parent, title)[0]


class PathEdit(QWidget):
    """A line edit with a Browse… button (a folder or a file chooser)."""

    def __init__(self, folder: bool) -> None:
        super().__init__()
        self.folder = folder
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.browse = QPushButton("Browse…")
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.browse)
        self.browse.clicked.connect(self._browse)
        self.chooser = pick_folder if folder else pick_file

    def _browse(self) -> None:
        path = self.chooser(self)
        if path:
            self.edit.setText(path)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802
        self.edit.setText(text)


class HotkeyRecorder(QWidget):
    """Press the keys to record a hotkey; it is checked at once and cannot be saved invalid
    (the app keeps the old binding when the new one cannot be grabbed)."""

    def __init__(self) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.recorder = QKeySequenceEdit()
        self.recorder.setMaximumSequenceLength(1)
        self.clear_btn = QPushButton("Clear")
        self.state = QLabel("")
        lay.addWidget(self.recorder, 1)
        lay.addWidget(self.clear_btn)
        lay.addWidget(self.state, 1)
        self.clear_btn.clicked.connect(self.recorder.clear)
        self.recorder.keySequenceChanged.connect(lambda _s: self._check())

    def text(self) -> str:
        return self.recorder.keySequence().toString(QKeySequence.SequenceFormat.PortableText)

    def setText(self, text: str) -> None:  # noqa: N802
        self.recorder.setKeySequence(QKeySequence.fromString(text))
        self._check()

    def problem(self) -> str | None:
        text = self.text()
        if not text:
            return "press the keys of the new hotkey (or turn the hotkey off)"
        return validate_sequence(text)

    def _check(self) -> None:
        why = self.problem()
        self.state.setText("✓ usable" if why is None else why)


def _bounds(info: FieldInfo) -> tuple[float | None, float | None, bool]:
    """(low, high, low_is_strict) from annotated_types constraints."""
    lo = hi = None
    strict = False
    for m in info.metadata:
        name = type(m).__name__
        if name == "Ge":
            lo = m.ge
        elif name == "Gt":
            lo, strict = m.gt, True
        elif name == "Le":
            hi = m.le
        elif name == "Lt":
            hi = m.lt
    return lo, hi, strict


class StrListEditor(QWidget):
    def __init__(self, folders: bool = False) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setFixedHeight(72)
        lay.addWidget(self.list, 1)
        col = QVBoxLayout()
        add, rm = QPushButton("Add"), QPushButton("Remove")
        col.addWidget(add)
        col.addWidget(rm)
        col.addStretch(1)
        lay.addLayout(col)
        if folders:  # a folder chooser instead of typing a path
            add.setText("Add folder…")
            add.clicked.connect(self._add_folder)
        else:
            add.clicked.connect(lambda: self._add("new item", edit=True))
        rm.clicked.connect(lambda: self.list.takeItem(self.list.currentRow()))

    def _add_folder(self) -> None:
        path = pick_folder(self)
        if path:
            self._add(path)

    def _add(self, text: str, edit: bool = False) -> None:
        it = QListWidgetItem(text)
        it.setFlags(it.flags() | it.flags().ItemIsEditable)
        self.list.addItem(it)
        if edit:
            self.list.setCurrentItem(it)
            self.list.editItem(it)

    def value(self) -> list[str]:
        return [
            self.list.item(i).text().strip()
            for i in range(self.list.count())
            if self.list.item(i).text().strip()
        ]

    def set_value(self, v: list[str]) -> None:
        self.list.clear()
        for s in v:
            self._add(str(s))


class ModelListEditor(QWidget):
    """A table for a list of small models (endpoints, granted folders): one column a field."""

    def __init__(self, model: type[BaseModel]) -> None:
        super().__init__()
        self.model = model
        self.fields = list(model.model_fields)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.fields))
        self.table.setHorizontalHeaderLabels(
            [model.model_fields[f].title or f for f in self.fields]
        )
        self.table.setFixedHeight(110)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        add, rm = QPushButton("Add row"), QPushButton("Remove row")
        row.addWidget(add)
        row.addWidget(rm)
        row.addStretch(1)
        lay.addLayout(row)
        if "path" in self.fields:  # rows that are folders: pick them
            add.setText("Add folder…")
            add.clicked.connect(self._add_folder)
        else:
            add.clicked.connect(lambda: self._add_row({}))
        rm.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))

    def _add_folder(self) -> None:
        path = pick_folder(self)
        if path:
            self._add_row({"path": path})

    def _cell_kind(self, f: str) -> str:
        """How a cell is typed: a command line for a list of strings, JSON for a dict."""
        origin = get_origin(self.model.model_fields[f].annotation)
        return "words" if origin is list else "json" if origin is dict else "text"

    def _add_row(self, data: dict[str, Any]) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, f in enumerate(self.fields):
            info = self.model.model_fields[f]
            default = info.get_default(call_default_factory=True)
            if default is None or repr(default) == "PydanticUndefined":
                default = ""
            v = data.get(f, default)
            kind = self._cell_kind(f)
            if kind == "words" and isinstance(v, list):
                text = shlex.join(str(x) for x in v)
            elif kind == "json" and isinstance(v, dict):
                text = json.dumps(v) if v else ""
            else:
                text = str(v)
            self.table.setItem(r, c, QTableWidgetItem(text))

    def value(self) -> list[dict[str, Any]]:
        out = []
        for r in range(self.table.rowCount()):
            row: dict[str, Any] = {}
            for c, f in enumerate(self.fields):
                it = self.table.item(r, c)
                text = it.text().strip() if it else ""
                if not text:
                    continue
                kind = self._cell_kind(f)
                try:
                    if kind == "words":
                        row[f] = shlex.split(text)
                        continue
                    if kind == "json":
                        row[f] = json.loads(text)
                        continue
                except ValueError:
                    pass  # kept as typed: pydantic's message says what is wrong
                row[f] = text  # pydantic converts "1.5" to float in lax mode
            if row:
                out.append(row)
        return out

    def set_value(self, v: list[Any]) -> None:
        self.table.setRowCount(0)
        for item in v:
            self._add_row(item.model_dump() if isinstance(item, BaseModel) else dict(item))


class FieldEditor:
    """Wraps the widget chosen for one field's type."""

    def __init__(
        self, info: FieldInfo, name: str = "", section: str = "", served: Any = None
    ) -> None:
        ann = info.annotation
        origin = get_origin(ann)
        self.kind = "json"
        self.widget: Any
        if (section, name) == ("hotkey", "sequence"):
            self.kind, self.widget = "hotkey", HotkeyRecorder()
        elif (section, name) == ("mcp", "disabled_tools") and served is not None:
            self.kind, self.widget = "switches", ToolSwitches(served)
        elif ann is float and name.endswith("usd"):
            lo, hi, _strict = _bounds(info)
            money = QDoubleSpinBox()
            money.setDecimals(2)  # dollars and cents
            money.setPrefix("$ ")
            money.setRange(float(lo or 0), float(hi) if hi is not None else 100_000.0)
            money.setSingleStep(0.5)
            self.kind, self.widget = "float", money
        elif ann is str and (name.endswith("_dir") or name == "model_path"):
            self.kind, self.widget = "str", PathEdit(folder=name.endswith("_dir"))
        elif ann is bool:
            self.kind, self.widget = "bool", QCheckBox()
        elif ann is int:
            lo, hi, strict = _bounds(info)
            w = QSpinBox()
            w.setRange(
                int(lo) + (1 if strict else 0) if lo is not None else -BIG,
                int(hi) if hi is not None else BIG,
            )
            self.kind, self.widget = "int", w
        elif ann is float:
            lo, hi, strict = _bounds(info)
            w2 = QDoubleSpinBox()
            w2.setDecimals(3)
            w2.setRange(
                float(lo) + (1e-4 if strict else 0) if lo is not None else -BIG,
                float(hi) if hi is not None else BIG,
            )
            w2.setSingleStep(0.1 if (hi or BIG) <= 10 else 1.0)
            self.kind, self.widget = "float", w2
        elif origin is Literal:
            w3 = QComboBox()
            w3.addItems([str(a) for a in get_args(ann)])
            self.kind, self.widget = "literal", w3
        elif ann is str:
            self.kind, self.widget = "str", QLineEdit()
        elif origin is list and get_args(ann) and get_args(ann)[0] is str:
            self.kind, self.widget = "strlist", StrListEditor(folders=name.endswith("folders"))
        elif origin is list and get_args(ann) and _is_model(get_args(ann)[0]):
            self.kind, self.widget = "modellist", ModelListEditor(get_args(ann)[0])
        else:  # anything else: JSON text
            self.widget = QLineEdit()
        if info.description:
            self.widget.setToolTip(info.description)

    def set_value(self, v: Any) -> None:
        w = self.widget
        if self.kind == "bool":
            w.setChecked(bool(v))
        elif self.kind in ("int", "float"):
            w.setValue(v)
        elif self.kind == "literal":
            w.setCurrentText(str(v))
        elif self.kind in ("str", "hotkey"):
            w.setText(v)
        elif self.kind in ("strlist", "modellist", "switches"):
            w.set_value(v)
        else:
            w.setText(json.dumps(v.model_dump() if isinstance(v, BaseModel) else v))

    def value(self) -> Any:
        w = self.widget
        if self.kind == "bool":
            return w.isChecked()
        if self.kind in ("int", "float"):
            return w.value()
        if self.kind == "literal":
            return w.currentText()
        if self.kind in ("str", "hotkey"):
            return w.text()
        if self.kind in ("strlist", "modellist", "switches"):
            return w.value()
        try:
            return json.loads(w.text())
        except ValueError:
            return w.text()


def _help(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("help")
    font = label.font()
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    label.setFont(font)
    label.setEnabled(False)  # the palette's muted text colour, light or dark
    return label


def ed_title(model: type[BaseModel], field: str) -> str:
    info = model.model_fields.get(field)
    return (info.title or field) if info is not None else field


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def sections(
    settings_cls: type[BaseModel] = Settings,
) -> list[tuple[str, FieldInfo, type[BaseModel]]]:
    out: list[tuple[str, FieldInfo, type[BaseModel]]] = []
    for name, info in settings_cls.model_fields.items():
        ann = info.annotation
        if isinstance(ann, types.UnionType) or get_origin(ann) is typing.Union:
            continue
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.append((name, info, ann))
    return out


class SettingsDialog(QDialog):
    applied = Signal(object)  # a validated Settings
    forget_memory = Signal()
    export_memory = Signal()
    list_mcp_tools = Signal()  # start the configured MCP servers and list their tools

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        mcp_servers: list[ServerOverview] | None = None,
    ) -> None:
        super().__init__(parent)
        self.mcp_servers = mcp_servers or []
        self.setWindowTitle("Council settings")
        self.resize(720, 560)
        self.settings = settings
        self.editors: dict[str, dict[str, FieldEditor]] = {}
        self.errors: dict[str, dict[str, QLabel]] = {}
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        by_name = {name: (info, model) for name, info, model in sections(type(settings))}
        placed = {n for _t, names in PAGES for n in names}
        for title, names in PAGES:
            if title == "Advanced":
                names = names + [n for n in by_name if n not in placed]
            page = QWidget()
            col = QVBoxLayout(page)
            for name in names:
                if name == KEYS_PAGE:
                    col.addWidget(self._keys_group())
                elif name in by_name:
                    info, model = by_name[name]
                    col.addWidget(self._section_group(name, info, model, getattr(settings, name)))
            col.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, title.replace("&", "&&"))  # a literal "&", no mnemonic
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).clicked.connect(self._save)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _section_group(
        self, name: str, info: FieldInfo, model: type[BaseModel], value: BaseModel
    ) -> QWidget:
        box = QGroupBox(info.title or name)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        doc = (model.__doc__ or "").strip().splitlines()
        if doc and doc[0].rstrip(".") != (info.title or name):  # no help that repeats the title
            form.addRow(_help(doc[0]))
        self.editors[name], self.errors[name] = {}, {}
        served = served_tools(self.settings) if name == "mcp" else None
        for fname, finfo in model.model_fields.items():
            ed = FieldEditor(finfo, fname, name, served)
            ed.set_value(getattr(value, fname))
            err = QLabel("")
            err.setStyleSheet(f"color: {ERROR_COLOR}; font-size: 11px;")
            err.setWordWrap(True)
            err.hide()
            cell = QWidget()
            v = QVBoxLayout(cell)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(1)
            v.addWidget(ed.widget)
            if finfo.description:  # help on the page, not only in a tooltip
                v.addWidget(_help(finfo.description))
            v.addWidget(err)
            label = QLabel((finfo.title or fname) + ":")
            if finfo.description:
                label.setToolTip(finfo.description)
            form.addRow(label, cell)
            self.editors[name][fname] = ed
            self.errors[name][fname] = err
        if name == "mcp":
            self.mcp_view = McpServersView(self.mcp_servers)
            self.mcp_list_btn = QPushButton("List tools now (starts the servers)")
            self.mcp_list_btn.clicked.connect(self._ask_list_mcp)
            holder = QWidget()
            col = QVBoxLayout(holder)
            col.setContentsMargins(0, 0, 0, 0)
            col.addWidget(self.mcp_view)
            col.addWidget(self.mcp_list_btn)
            at = self._row_of(form, "servers")
            form.insertRow(at, QLabel("Servers and their tools:"), holder)
        if name == "memory":
            row = QHBoxLayout()
            forget, export = QPushButton("Forget everything…"), QPushButton("Export memory…")
            forget.clicked.connect(self._confirm_forget)
            export.clicked.connect(self.export_memory.emit)
            row.addWidget(forget)
            row.addWidget(export)
            row.addStretch(1)
            form.addRow(row)
        return box

    def _ask_list_mcp(self) -> None:
        self.mcp_list_btn.setEnabled(False)
        self.mcp_list_btn.setText("Listing…")
        self.list_mcp_tools.emit()

    def show_mcp_servers(self, servers: list[ServerOverview]) -> None:
        """The servers as just listed (the app answers ``list_mcp_tools`` with this)."""
        self.mcp_servers = servers
        self.mcp_view.set_servers(servers)
        self.mcp_list_btn.setEnabled(True)
        self.mcp_list_btn.setText("List tools now (starts the servers)")

    def _row_of(self, form: QFormLayout, field: str) -> int:
        """The form row of a field's editor in the MCP group (the servers table)."""
        ed = self.editors["mcp"][field].widget
        for r in range(form.rowCount()):
            item = form.itemAt(r, QFormLayout.ItemRole.FieldRole)
            w = item.widget() if item is not None else None
            if w is not None and w.isAncestorOf(ed):
                return r
        return form.rowCount()

    def _keys_group(self) -> QWidget:
        page = QGroupBox(KEYS_PAGE)
        form = QFormLayout(page)
        form.addRow(
            QLabel("API keys are stored in the system keyring, never in the settings file.")
        )
        self.provider = QComboBox()
        self.provider.setEditable(True)
        names = [e.name for e in self.settings.llm.endpoints]
        if self.settings.cloud.provider and self.settings.cloud.provider not in names:
            names.insert(0, self.settings.cloud.provider)
        self.provider.addItems(names)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_state = QLabel("")
        row = QHBoxLayout()
        save, delete = QPushButton("Store key"), QPushButton("Delete key")
        row.addWidget(save)
        row.addWidget(delete)
        row.addStretch(1)
        form.addRow("Provider:", self.provider)
        form.addRow("API key:", self.key_edit)
        form.addRow(row)
        form.addRow(self.key_state)
        save.clicked.connect(self.store_key)
        delete.clicked.connect(self.delete_key)
        self.provider.currentTextChanged.connect(self._show_key_state)
        self._show_key_state(self.provider.currentText())
        return page

    def _show_key_state(self, provider: str) -> None:
        if not provider:
            self.key_state.setText("Name a provider (an entry of Models → Endpoints).")
            return
        self.key_edit.clear()
        stored = api_keys.has_key(provider)
        self.key_edit.setPlaceholderText("•••••••• (stored)" if stored else "paste the key")
        self.key_state.setText(
            f"A key for {provider} is stored." if stored else f"No key stored for {provider}."
        )

    def store_key(self) -> None:
        provider, key = self.provider.currentText().strip(), self.key_edit.text().strip()
        if not provider or not key:
            self.key_state.setText("Enter a provider name and a key.")
            return
        try:
            api_keys.set_key(provider, key)
        except Exception as exc:
            self.key_state.setText(f"Could not store the key: {exc}")
            return
        self.key_edit.clear()
        self.key_state.setText(f"Stored {api_keys.mask(key)} for {provider}.")

    def delete_key(self) -> None:
        provider = self.provider.currentText().strip()
        try:
            api_keys.delete_key(provider)
        except Exception as exc:
            self.key_state.setText(f"Could not delete the key: {exc}")
            return
        self._show_key_state(provider)

    def _confirm_forget(self) -> None:
        ok = QMessageBox.question(
            self,
            "Forget everything?",
            "Delete every remembered conversation and fact? This cannot be undone.",
        )
        if ok == QMessageBox.StandardButton.Yes:
            self.forget_memory.emit()

    # ----- validation and saving -----

    def collect(self) -> Settings | None:
        """The edited settings, or None (with messages shown) when something is invalid."""
        update: dict[str, Any] = {}
        problems: list[str] = []
        for name, info, model in sections(type(self.settings)):
            for err in self.errors[name].values():
                err.hide()
            data = {f: ed.value() for f, ed in self.editors[name].items()}
            for f, ed in self.editors[name].items():
                why = ed.widget.problem() if ed.kind == "hotkey" else None
                if why is not None and data.get("enabled", True):
                    self.errors[name][f].setText(why)
                    self.errors[name][f].show()
                    problems.append(f"{info.title or name} → {ed_title(model, f)}: {why}")
            try:
                update[name] = model.model_validate(data)
            except ValidationError as exc:
                for e in exc.errors():
                    field = str(e["loc"][0]) if e["loc"] else ""
                    label = self.errors[name].get(field)
                    msg = e["msg"]
                    if len(e["loc"]) > 1:
                        msg = f"{'.'.join(str(x) for x in e['loc'][1:])}: {msg}"
                    if label is not None:
                        label.setText(msg)
                        label.show()
                    title = (
                        model.model_fields[field].title if field in model.model_fields else field
                    )
                    problems.append(f"{info.title or name} → {title}: {msg}")
        if problems:
            self.message.setText("Please fix: " + "; ".join(problems))
            return None
        self.message.setText("")
        return self.settings.model_copy(update=update)

    def apply(self) -> bool:
        new = self.collect()
        if new is None:
            return False
        self.settings = new
        self.applied.emit(new)
        return True

    def _save(self) -> None:
        if self.apply():
            self.accept()
