from __future__ import annotations

import json
import logging

import pytest

from council_core.approval import (
    ApprovalChannel,
    ApprovalRequest,
    Choice,
    Decision,
    decline_all,
)
from council_core.base.errors import BadInput
from council_core.base.logs import add_secret, audit, get_logger, setup_logging
from council_core.base.paths import resolve_paths
from council_core.settings import load_settings, save_settings


def test_council_home_moves_everything(council_home):
    p = resolve_paths()
    for d in (p.config_dir, p.data_dir, p.cache_dir):
        assert str(d).startswith(str(council_home))


def test_settings_roundtrip_and_env_override(council_home, monkeypatch):
    s = load_settings()
    assert s.llm.model_tier == "qwen2.5-coder-1.5b"
    s.budget.daily_usd = 2.5
    save_settings(s)
    assert load_settings().budget.daily_usd == 2.5
    monkeypatch.setenv("COUNCIL_BUDGET__DAILY_USD", "0.75")
    assert load_settings().budget.daily_usd == 0.75


def test_settings_validation_and_newer_schema(council_home):
    s = load_settings()
    with pytest.raises(ValueError):
        s.budget.daily_usd = -1
    f = resolve_paths().settings_file
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps({"schema_version": 999}))
    with pytest.raises(BadInput, match="newer"):
        load_settings()
    f.write_text("{not json")
    with pytest.raises(BadInput) as exc:
        load_settings()
    assert exc.value.fix and str(f) in exc.value.fix


def test_api_key_never_reaches_the_log(council_home):
    paths = resolve_paths().ensure()
    setup_logging(paths.log_dir)
    key = "sk-live-abcdefghijklmnop123456"
    other = "my-private-token-zz9"
    add_secret(other)
    log = get_logger("test")
    log.warning("calling provider with key %s and header Bearer %s", key, other)
    log.info("config", extra={"fields": {"api_key": other}})
    audit("cloud_call", provider="x", key=key)
    for h in logging.getLogger("council").handlers + logging.getLogger("council.audit").handlers:
        h.flush()
    text = (paths.log_dir / "council.log").read_text() + (paths.log_dir / "audit.log").read_text()
    assert "cloud_call" in text and "calling provider" in text
    assert key not in text and other not in text
    assert "[REDACTED]" in text


async def test_approval_always_grant_is_remembered_under_limit():
    asked = []

    async def approver(req):
        asked.append(req)
        return Decision(Choice.APPROVE_ALWAYS, limit_usd=0.05)

    ch = ApprovalChannel(approver)
    req = ApprovalRequest("cloud", "send", "why", cost_usd=0.01, scope="prov")
    assert (await ch.request(req)).approved
    assert (await ch.request(req)).approved
    assert len(asked) == 1
    big = ApprovalRequest("cloud", "send", "why", cost_usd=0.5, scope="prov")
    assert (await ch.request(big)).approved  # asked again: over the standing limit
    assert len(asked) == 2


async def test_default_policy_declines():
    d = await ApprovalChannel(decline_all).request(ApprovalRequest("cloud", "t", "w"))
    assert not d.approved
