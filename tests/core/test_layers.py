"""The floor plan holds: every module is on a floor of the import-linter layers contract, and
no two modules import each other, even through others (runtime imports; ``TYPE_CHECKING``
imports only give mypy the real classes)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[2]
ROOTS = ("council_core", "memory", "sandbox", "app")


def _config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]


def _floors() -> list[list[str]]:
    for contract in _config()["contracts"]:
        if contract["type"] == "layers":
            return [[m.strip() for m in layer.split("|")] for layer in contract["layers"]]
    raise AssertionError("pyproject.toml has no import-linter layers contract")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*ROOTS, exclude_type_checking_imports=True)


def test_every_module_is_on_a_floor(graph: grimp.ImportGraph) -> None:
    on_floor = [m for floor in _floors() for m in floor]
    assert set(_config()["root_packages"]) == set(ROOTS)
    lost = sorted(
        m
        for m in graph.modules
        if m.split(".")[0] in ROOTS
        and m != "council_core"  # the package itself: a docstring, no imports
        and not any(m == f or m.startswith(f + ".") for f in on_floor)
    )
    assert not lost, f"put these modules on a floor in pyproject.toml's layers contract: {lost}"


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v) & modules:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for m in sorted(modules):
        if m not in index:
            visit(m)
    return out


def test_no_import_circles(graph: grimp.ImportGraph) -> None:
    modules = {m for m in graph.modules if m.split(".")[0] in ROOTS}
    assert _cycles(graph, modules) == []


def test_the_circle_finder_finds_a_circle() -> None:
    g = grimp.ImportGraph()
    for m in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        g.add_module(m)
    g.add_import(importer="pkg.a", imported="pkg.b")
    g.add_import(importer="pkg.b", imported="pkg.c")
    g.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(g, {"pkg.a", "pkg.b", "pkg.c"}) == [["pkg.a", "pkg.b", "pkg.c"]]
