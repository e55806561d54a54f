"""Cloud test fixtures: a priced provider on the loopback OpenAI test server, its key from the
environment (no keyring backend in these tests), fast retry backoff."""

from __future__ import annotations

import pytest

KEY = "sk-testKEY-7f3a9c2e51d04b8e"


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch):
    """No keyring backend, as on a headless server: keys come from COUNCIL_<P>_API_KEY.
    (The real Secret Service is tested in a dbus-run-session subprocess.)"""
    import keyring
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield
    keyring.set_keyring(before)


@pytest.fixture
def cloud_ctx(ctx, openai_server, monkeypatch: pytest.MonkeyPatch):
    from council_core.cloud.service import CloudService
    from council_core.settings import OpenAIEndpoint

    ctx.settings.llm.endpoints = [
        OpenAIEndpoint(
            name="testprov",
            base_url=openai_server.base_url,
            model="test-model",
            price_in_per_1k=1.0,
            price_out_per_1k=2.0,
            timeout_s=5.0,
        )
    ]
    ctx.settings.cloud.provider = "testprov"
    ctx.settings.cloud.max_output_tokens = 50
    monkeypatch.setenv("COUNCIL_TESTPROV_API_KEY", KEY)
    ctx.provide("cloud", CloudService(ctx.settings, ctx.paths, backoff_s=0.01))
    return ctx


@pytest.fixture
def cloud_key() -> str:
    return KEY
