"""The settings dialog, generated from the pydantic ``Settings`` model: one tab per section,
one editor per field chosen by its type, labels and tooltips from the field titles and
descriptions, bounds from its constraints. A new setting needs no widget code.

Saving validates each section with pydantic and shows the messages next to the fields; valid
settings are handed to ``applied`` (the app saves and applies them without a restart).
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
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

from council_core.settings import Settings

from . import api_keys

BIG = 1_000_000_000


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
    def __init__(self) -> None:
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
        add.clicked.connect(lambda: self._add("new item", edit=True))
        rm.clicked.connect(lambda: self.list.takeItem(self.list.currentRow()))

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
        add.clicked.connect(lambda: self._add_row({}))
        rm.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))

    def _add_row(self, data: dict[str, Any]) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, f in enumerate(self.fields):
            default = self.model.model_fields[f].default
            v = data.get(
                f, "" if default is None or repr(default) == "PydanticUndefined" else default
            )
            self.table.setItem(r, c, QTableWidgetItem(str(v)))

    def value(self) -> list[dict[str, Any]]:
        out = []
        for r in range(self.table.rowCount()):
            row = {}
            for c, f in enumerate(self.fields):
                it = self.table.item(r, c)
                text = it.text().strip() if it else ""
                if text:
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

    def __init__(self, info: FieldInfo) -> None:
        ann = info.annotation
        origin = get_origin(ann)
        self.kind = "json"
        self.widget: Any
        if ann is bool:
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
            self.kind, self.widget = "strlist", StrListEditor()
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
        elif self.kind == "str":
            w.setText(v)
        elif self.kind in ("strlist", "modellist"):
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
        if self.kind == "str":
            return w.text()
        if self.kind in ("strlist", "modellist"):
            return w.value()
        try:
            return json.loads(w.text())
        except ValueError:
            return w.text()


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

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Council settings")
        self.resize(720, 560)
        self.settings = settings
        self.editors: dict[str, dict[str, FieldEditor]] = {}
        self.errors: dict[str, dict[str, QLabel]] = {}
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        for name, info, model in sections(type(settings)):
            self.tabs.addTab(
                self._section_tab(name, model, getattr(settings, name)), info.title or name
            )
        self.tabs.addTab(self._keys_tab(), "API keys")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
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

    def _section_tab(self, name: str, model: type[BaseModel], value: BaseModel) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if model.__doc__:
            doc = QLabel(model.__doc__.strip().splitlines()[0])
            doc.setStyleSheet("color: #556;")
            form.addRow(doc)
        self.editors[name], self.errors[name] = {}, {}
        for fname, finfo in model.model_fields.items():
            ed = FieldEditor(finfo)
            ed.set_value(getattr(value, fname))
            err = QLabel("")
            err.setStyleSheet("color: #b00020; font-size: 11px;")
            err.hide()
            box = QWidget()
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(1)
            v.addWidget(ed.widget)
            v.addWidget(err)
            label = QLabel((finfo.title or fname) + ":")
            if finfo.description:
                label.setToolTip(finfo.description)
            form.addRow(label, box)
            self.editors[name][fname] = ed
            self.errors[name][fname] = err
        if name == "memory":
            row = QHBoxLayout()
            forget, export = QPushButton("Forget everything…"), QPushButton("Export memory…")
            forget.clicked.connect(self._confirm_forget)
            export.clicked.connect(self.export_memory.emit)
            row.addWidget(forget)
            row.addWidget(export)
            row.addStretch(1)
            form.addRow(row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _keys_tab(self) -> QWidget:
        page = QWidget()
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
