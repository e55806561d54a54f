"""API keys (a real Secret Service in a dbus-run-session; the env fallback) and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from council_core.base.errors import ComponentMissing, NeedsKey
from council_core.base.secrets import env_var, get_key, keyring_status, scrubbed_env, set_key
from tests.helpers.cli import run_council

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sk-keyringTEST-5e1f0a9b7c3d"


def cli(*args: str, stdin: str = "", env: dict[str, str] | None = None):
    return run_council(*args, stdin=stdin, env=env, timeout=60)


def test_env_fallback_is_read_never_written(monkeypatch):
    assert not keyring_status().ok  # this test runs with no keyring backend
    assert env_var("my-provider.eu") == "COUNCIL_MY_PROVIDER_EU_API_KEY"
    with pytest.raises(NeedsKey) as info:
        get_key("testprov")
    assert "council key set testprov" in info.value.fix
    monkeypatch.setenv("COUNCIL_TESTPROV_API_KEY", SECRET)
    assert get_key("testprov") == SECRET
    before = dict(os.environ)
    with pytest.raises(ComponentMissing) as err:
        set_key("other", "sk-somethingelse-123456")
    assert "COUNCIL_OTHER_API_KEY" in err.value.fix
    assert "sk-somethingelse" not in str(err.value)
    assert dict(os.environ) == before
    assert "COUNCIL_TESTPROV_API_KEY" not in scrubbed_env(os.environ)
    assert scrubbed_env({"PATH": "/bin", "COUNCIL_HOME": "/h"}) == {
        "PATH": "/bin",
        "COUNCIL_HOME": "/h",
    }


def test_cli_key_set_without_keyring_fails_clearly_and_never_echoes(council_home):
    r = cli("key", "set", "testprov", stdin=SECRET + "\n")
    assert r.returncode == 1
    assert "no keyring backend" in r.stderr and "COUNCIL_TESTPROV_API_KEY" in r.stderr
    assert SECRET not in r.stdout + r.stderr


needs_secret_service = pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
    reason="needs dbus-run-session and gnome-keyring (apt-get install dbus gnome-keyring)",
)
SESSION = r"""
set -e
echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
printf '%s\n' "$THE_KEY" | "$PY" -m council_core key set testprov
"$PY" - <<'PYEOF'
import json, os
from council_core.base.secrets import get_key, keyring_status, has_key
st = keyring_status()
print(json.dumps({"backend_ok": st.ok, "backend": st.backend,
                  "same": get_key("testprov") == os.environ["THE_KEY"],
                  "env_ignored": not has_key("envonly")}))
PYEOF
"$PY" -m council_core doctor --json > "$OUT/doctor.json" || true
"$PY" -m council_core key delete testprov
"$PY" -m council_core key delete testprov
"$PY" -c "from council_core.base.secrets import has_key; print('after-delete', has_key('testprov'))"
"""


@needs_secret_service
def test_real_secret_service_roundtrip(council_home, tmp_path):
    from council_core.base.paths import resolve_paths
    from council_core.settings import OpenAIEndpoint, Settings, save_settings

    s = Settings()
    s.llm.endpoints = [
        OpenAIEndpoint(name="testprov", base_url="https://api.example.com/v1", model="m")
    ]
    s.cloud.provider = "testprov"
    save_settings(s, resolve_paths())
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(
        THE_KEY=SECRET,
        PY=sys.executable,
        OUT=str(tmp_path),
        COUNCIL_ENVONLY_API_KEY="sk-fromenv-000000000",  # ignored: a keyring backend exists
        HOME=str(tmp_path),  # gnome-keyring keeps its files under $HOME
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    r = subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", SESSION],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.splitlines()
    assert lines[0].startswith(
        "stored the key for testprov in the keyring (keyring.backends.SecretService"
    )
    info = json.loads(lines[1])
    assert info == {
        "backend_ok": True,
        "backend": "keyring.backends.SecretService.Keyring",
        "same": True,
        "env_ignored": True,
    }
    doctor = {d["name"]: d for d in json.loads((tmp_path / "doctor.json").read_text())}
    assert doctor["cloud keyring"]["ok"] and doctor["cloud API key"]["ok"]
    assert doctor["cloud API key"]["detail"] == "present (keyring)"
    assert lines[2:] == [
        "deleted the key for testprov",
        "no key for testprov",
        "after-delete False",
    ]
    assert SECRET not in r.stdout + r.stderr
    assert SECRET not in (tmp_path / "doctor.json").read_text()


def test_cli_budget_and_pause(cloud_ctx, openai_server):
    from council_core.settings import save_settings

    save_settings(cloud_ctx.settings, cloud_ctx.paths)
    led = cloud_ctx.service("cloud").ledger
    rid = led.reserve("testprov", "test-model", 0.3, day_limit_usd=1, month_limit_usd=10)
    led.settle(rid, 0.25, prompt_tokens=100, completion_tokens=50)
    led.release(led.reserve("testprov", "test-model", 0.2, day_limit_usd=1, month_limit_usd=10))
    r = cli("budget", "--json")
    assert r.returncode == 0, r.stderr
    b = json.loads(r.stdout)
    assert b["spent_today_usd"] == pytest.approx(0.25) and b["remaining_usd"] == pytest.approx(0.75)
    assert [row["state"] for row in b["recent"]] == ["released", "settled"]
    text = cli("budget").stdout
    assert "today:      $0.2500 of $1.00" in text and "settled" in text
    assert "paused" in cli("cloud", "pause").stdout
    assert json.loads(cloud_ctx.paths.settings_file.read_text())["cloud"]["paused"] is True
    assert "enabled" in cli("cloud", "resume").stdout
    assert json.loads(cloud_ctx.paths.settings_file.read_text())["cloud"]["paused"] is False


def test_doctor_lines(cloud_ctx, monkeypatch):
    from council_core.cloud.doctor import checks
    from council_core.settings import save_settings

    save_settings(cloud_ctx.settings, cloud_ctx.paths)
    by_name = {s.name: s for s in checks()}
    assert not by_name["cloud keyring"].ok and by_name["cloud keyring"].optional
    assert by_name["cloud provider"].ok and "testprov" in by_name["cloud provider"].detail
    assert by_name["cloud API key"].detail == "present (COUNCIL_TESTPROV_API_KEY)"
    monkeypatch.delenv("COUNCIL_TESTPROV_API_KEY")
    by_name = {s.name: s for s in checks()}
    assert not by_name["cloud API key"].ok and "council key set" in by_name["cloud API key"].fix


def test_the_hook_module_stays_light():
    """CloudEscalation is imported on every `council ask`: no httpx, SQLAlchemy or keyring."""
    code = (
        "import sys, council_core.hooks.escalate, council_core.cli.cloud_cmds;"
        "print(sorted(m for m in ('httpx', 'sqlalchemy', 'keyring', 'council_core.base.db') "
        "if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
