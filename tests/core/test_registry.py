"""One plugin shape: skills, backends, hooks, doctor checks and command groups all come from
entry points; a broken plugin is reported and skipped; Council's own entries stand in when the
installed metadata predates a group."""

from __future__ import annotations

import argparse
from importlib.metadata import EntryPoint
from typing import Any

import pytest

from council_core import registry
from council_core.base.result import SkillAnswer
from council_core.base.status import ComponentStatus
from council_core.hooks import CouncilHook
from council_core.router import Council
from council_core.skill import Query


def test_council_own_hooks_checks_and_commands_load() -> None:
    # corrections first, the arithmetic check, escalation last among the answering hooks, the
    # request log after it
    assert list(registry.hook_classes()) == ["memory", "arith_check", "cloud", "request_log"]
    checks = registry.load_group(registry.CHECKS_GROUP)
    assert {"llm", "sandbox", "memory", "cloud"} <= set(checks.classes) and not checks.failures
    commands = registry.load_group(registry.COMMANDS_GROUP)
    assert {"core", "memory", "docs", "files"} <= set(commands.classes)
    assert not commands.failures


class _Dist:
    def __init__(self, name: str) -> None:
        self.name = name


class _EP:
    """An installed entry point as importlib.metadata gives it (with its distribution)."""

    def __init__(self, name: str, value: str, group: str, dist: str) -> None:
        self.name, self.value, self.group, self.dist = name, value, group, _Dist(dist)

    def load(self) -> Any:
        return EntryPoint(self.name, self.value, self.group).load()


def test_builtin_list_only_when_council_metadata_lacks_the_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    group = registry.HOOKS_GROUP
    plugin = _EP("extra", "council_core.hooks:CouncilHook", group, "someone-else")
    monkeypatch.setattr(registry, "_installed_group", lambda group: [plugin])
    names = [ep.name for ep in registry._entry_points(group)]
    assert names == ["memory", "cloud", "request_log", "extra"]  # old install: built-ins + plugin

    own = _EP("memory", "council_core.hooks.memory_hook:MemoryHook", group, "council")
    monkeypatch.setattr(registry, "_installed_group", lambda group: [own, plugin])
    assert [ep.name for ep in registry._entry_points(group)] == ["memory", "extra"]


def test_a_broken_plugin_is_reported_by_doctor_and_the_rest_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = EntryPoint("llm", "council_core.llm.doctor:checks", registry.CHECKS_GROUP)
    bad = EntryPoint("broken", "no_such_module_xyz:checks", registry.CHECKS_GROUP)
    loaded = registry._load(registry.CHECKS_GROUP, [bad, good])
    assert list(loaded.classes) == ["llm"]
    assert "ModuleNotFoundError" in loaded.failures["broken"]

    from council_core.doctor import run_checks

    monkeypatch.setitem(registry._cache, registry.CHECKS_GROUP, loaded)
    lines = {s.name: s for s in run_checks()}
    assert lines["broken checks"].ok is False
    assert "no_such_module_xyz" in lines["broken checks"].detail
    assert any(isinstance(s, ComponentStatus) and s.ok for s in lines.values())


class _Canned(CouncilHook):
    """A plugin hook that answers one phrase before any skill runs."""

    name = "canned"
    order = 5

    async def before(self, query: Query) -> SkillAnswer | None:
        if query.text == "ping the plugin":
            return SkillAnswer("pong from the plugin", skill="canned")
        return None


async def test_a_registered_hook_runs_around_the_cascade(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.load_group(registry.HOOKS_GROUP).classes, "canned", _Canned)
    assert list(registry.hook_classes())[0] == "canned"  # order 5 runs before memory (10)
    council = Council(ctx, skills={})
    try:
        r = await council.ask("ping the plugin")
        assert (r.answer, r.skill) == ("pong from the plugin", "canned")
        r = await council.ask("something else")
        assert r.answer != "pong from the plugin" and r.error is not None  # no skills at all
    finally:
        await council.aclose()


def test_a_registered_command_group_is_a_council_command(monkeypatch: pytest.MonkeyPatch) -> None:
    def register(sub: Any) -> None:
        p = sub.add_parser("hello", help="a plugin's command")
        p.set_defaults(func=lambda args: 7)

    commands = registry.load_group(registry.COMMANDS_GROUP).classes
    monkeypatch.setitem(commands, "hello", register)
    from council_core.cli import build_parser, main

    parser = build_parser()
    assert isinstance(parser, argparse.ArgumentParser)
    assert main(["hello"]) == 7
