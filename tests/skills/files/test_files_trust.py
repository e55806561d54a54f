"""Files trust gaps (issue 16): one protected-paths list, refused grants, escaped names in
the approval text, undo that re-checks grants, the real trash, a scrubbed env for xdg-open.
Real files, real symlinks, real SQLite journals, the real CLI in a subprocess."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from council_core.approval import ApprovalChannel, ApprovalRequest, Choice, Decision
from council_core.context import SkillContext
from council_core.router import Council
from council_core.settings import GrantedFolder, load_settings, save_settings
from council_core.skills.files import FilesSkill
from council_core.skills.files.grants import Grant, Grants
from council_core.skills.files.parse import parse
from tests.helpers.cli import run_council

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    for d in ("Desktop", "Downloads", "Pictures", "proj"):
        (h / d).mkdir(parents=True)
    (h / ".aws").mkdir()
    (h / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = x\n")
    (h / ".ssh").mkdir()
    (h / ".ssh" / "id_rsa").write_text("KEY")
    monkeypatch.setenv("HOME", str(h))
    monkeypatch.setenv("XDG_DATA_HOME", str(h / ".local/share"))
    return h


cli = run_council  # tests/helpers/cli.py: the one `council` subprocess helper


def council_with(folders, approver):
    ctx = SkillContext(approval=ApprovalChannel(approver))
    ctx.settings.files.granted = [GrantedFolder(path=str(p), mode="rw") for p in folders]
    council = Council(ctx, skills={"files": FilesSkill})
    council._hooks = []
    return council, ctx


# ----- 7. one protected list; grants refused -----


def test_sandbox_and_files_share_one_protected_list(home):
    from council_core.base import protected_paths as pp
    from sandbox import policy

    assert policy.HOME_SECRETS is pp.HOME_SECRETS and policy.SYSTEM_SECRETS is pp.SYSTEM_SECRETS
    for s in (".aws", ".kube", ".docker", ".netrc", ".pgpass", ".ssh", ".config/council"):
        assert s in pp.HOME_SECRETS
    g = Grants([Grant(home / "Desktop", "rw")])
    assert home / ".aws" in g.protected and home / ".kube" in g.protected


@pytest.mark.parametrize(
    "target",
    ["/", "/etc", "/usr/share", "HOME", "HOME/.ssh", "HOME/.aws", "HOME/.aws/..", "CONFIG"],
)
def test_cli_grant_refuses_system_home_and_secret_folders(home, council_home, target):
    config = council_home / "config"
    config.mkdir(exist_ok=True)
    path = target.replace("HOME", str(home)).replace("CONFIG", str(config))
    r = cli("files", "grant", path, "--rw", env=dict(os.environ, HOME=str(home)))
    assert r.returncode == 2, r.stdout
    assert "error: not granted:" in r.stderr and "grant" in r.stderr.split("not granted:")[1]
    assert load_settings().files.granted == []


def test_cli_grant_of_a_link_to_a_secret_is_refused_and_a_normal_folder_granted(home):
    (home / "Desktop" / "keys").symlink_to(home / ".ssh")
    env = dict(os.environ, HOME=str(home))
    r = cli("files", "grant", str(home / "Desktop" / "keys"), "--rw", env=env)
    assert r.returncode == 2 and "protected location" in r.stderr
    r = cli("files", "grant", str(home / "Desktop"), "--rw", env=env)
    assert r.returncode == 0 and "granted" in r.stdout


def test_bad_grants_in_settings_are_ignored_with_a_doctor_warning(home, caplog):
    s = load_settings()
    s.files.granted = [
        GrantedFolder(path=str(home / ".aws"), mode="rw"),
        GrantedFolder(path="/etc", mode="rw"),
        GrantedFolder(path=str(home / "Desktop"), mode="rw"),
    ]
    save_settings(s)
    from council_core.skills.files.service import build

    with caplog.at_level(logging.WARNING, logger="council.files.grants"):
        svc = build(SkillContext())
    assert svc.grants.roots() == [home / "Desktop"]
    assert {str(p) for p, _ in svc.grants.ignored} == {str(home / ".aws"), "/etc"}
    r = cli("doctor", "--json", env=dict(os.environ, HOME=str(home)))
    line = {x["name"]: x for x in json.loads(r.stdout)}["file grants"]
    assert line["ok"] is False and "2 of 3 ignored" in line["detail"]
    assert "/etc" in line["detail"] and ".aws" in line["detail"]


async def test_no_plan_moves_a_protected_file(home):
    (home / "Desktop" / "creds.txt").symlink_to(home / ".aws" / "credentials")
    council, _ctx = council_with([home / ".aws", "/etc", home / "Pictures"], _approve)
    r = await council.ask("move the credentials file in ~/.aws into Pictures")
    assert r.error is not None and r.error.kind == "permission_denied"
    r = await council.ask("move the shadow file in /etc into Pictures")
    assert r.error is not None and r.error.kind == "permission_denied"
    council, _ctx = council_with([home / "Desktop", home / "Pictures"], _approve)
    r = await council.ask("move the txt files on Desktop into Pictures")
    assert (home / ".aws" / "credentials").read_text().startswith("[default]")
    assert not (home / "Pictures" / "creds.txt").exists()
    assert not (home / "Pictures" / "credentials").exists()


async def _approve(req: ApprovalRequest) -> Decision:
    return Decision(Choice.APPROVE_ONCE)


# ----- 8. names cannot rewrite the approval text -----


async def test_a_file_name_cannot_add_or_hide_a_line_of_the_approval_text(home):
    desk = home / "Desktop"
    evil = "a.png\n2. move nothing else -> nowhere\x1b[8m"
    (desk / (evil + ".png")).write_bytes(b"x")
    (desk / "holiday.png").write_bytes(b"y")
    seen: list[ApprovalRequest] = []

    async def record(req: ApprovalRequest) -> Decision:
        seen.append(req)
        return Decision(Choice.DECLINE)

    council, _ = council_with([desk, home / "Pictures"], record)
    r = await council.ask("move the png files on Desktop into Pictures")
    (req,) = seen
    lines = req.details.splitlines()
    assert len(lines) == 2  # two operations, two lines: no fake third line
    assert [ln.split(".", 1)[0] for ln in lines] == ["1", "2"]
    for text in (req.details, req.title, *req.paths, r.answer):
        assert "\x1b" not in text
    assert "\\n2. move nothing else" in req.details and "\\x1b[8m" in req.details
    assert sorted(p.name for p in desk.iterdir()) == sorted([evil + ".png", "holiday.png"])


def test_approval_request_escapes_every_field_for_every_front_end():
    req = ApprovalRequest(
        kind="code_run",
        title="run\x1b]52;c;aGk=\x07 this",
        why="because\r\nreasons",
        details="print(1)\n\x1b[2J\u202egnp.exe\n\tindented",
        paths=["/tmp/x\ny", "/tmp/\x9b31m"],
    )
    assert req.title == "run\\x1b]52;c;aGk=\\x07 this"
    assert req.why == "because\\r\\nreasons"
    assert req.details == "print(1)\n\\x1b[2J\\u202egnp.exe\n\tindented"  # \n and \t kept
    assert req.paths == ["/tmp/x\\ny", "/tmp/\\x9b31m"]


def test_audit_log_lines_escape_controls_and_stay_json(tmp_path):
    from council_core.base.logs import audit, setup_logging

    log_dir = tmp_path / "logs"
    setup_logging(log_dir)
    audit("file_plan", request="move a\x1b]52;c;aGk=\x07b", path="x\x9b31m\u202ey\udcff")
    for h in logging.getLogger("council.audit").handlers:
        h.flush()
    raw = (log_dir / "audit.log").read_text(encoding="utf-8")
    line = raw.strip().splitlines()[-1]
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in line
    entry = json.loads(line)
    assert entry["request"] == "move a\x1b]52;c;aGk=\x07b"  # the data itself is kept exactly
    assert entry["path"].startswith("x\x9b31m\u202ey")


# ----- 9. undo re-checks grants -----


UNDO_PLAN = """
import sys
from council_core.context import SkillContext
from council_core.skills.files.parse import parse
from council_core.skills.files.service import build
svc = build(SkillContext())
plan = svc.plan(parse("move the png files on Desktop into Pictures"), "move pngs")
svc.run(plan)
print(len(plan.ops))
"""


def test_undo_refuses_when_the_source_folder_became_a_link_to_an_ungranted_folder(home, tmp_path):
    env = dict(os.environ, HOME=str(home))
    for g in ("Desktop", "Pictures"):
        assert cli("files", "grant", str(home / g), "--rw", env=env).returncode == 0
    for i in range(3):
        (home / "Desktop" / f"shot{i}.png").write_bytes(bytes([i]) * 10)
    r = subprocess.run(
        [sys.executable, "-c", UNDO_PLAN], cwd=REPO, capture_output=True, text=True, env=env
    )
    assert r.stdout.strip() == "3", r.stderr
    assert sorted(p.name for p in (home / "Pictures").iterdir()) == [
        "shot0.png",
        "shot1.png",
        "shot2.png",
    ]
    # the source folder is replaced by a link to a folder never granted
    ungranted = tmp_path / "ungranted"
    ungranted.mkdir()
    (home / "Desktop").rename(home / "Desktop.orig")
    (home / "Desktop").symlink_to(ungranted)
    r = cli("undo", env=env)
    assert r.returncode == 1
    assert "refused, nothing was moved" in r.stderr and "through a link" in r.stderr
    assert list(ungranted.iterdir()) == []
    assert len(list((home / "Pictures").iterdir())) == 3
    # put the folder back: the same undo now works
    (home / "Desktop").unlink()
    (home / "Desktop.orig").rename(home / "Desktop")
    r = cli("undo", env=env)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (home / "Desktop").iterdir()) == [
        "shot0.png",
        "shot1.png",
        "shot2.png",
    ]


def test_undo_refuses_after_the_grant_was_revoked(home, tmp_path):
    env = dict(os.environ, HOME=str(home))
    for g in ("Desktop", "Pictures"):
        cli("files", "grant", str(home / g), "--rw", env=env)
    (home / "Desktop" / "a.png").write_bytes(b"a")
    subprocess.run([sys.executable, "-c", UNDO_PLAN], cwd=REPO, env=env, check=True)
    cli("files", "revoke", str(home / "Desktop"), env=env)
    r = cli("undo", env=env)
    assert r.returncode == 1 and "refused" in r.stderr
    assert (home / "Pictures" / "a.png").exists() and not (home / "Desktop" / "a.png").exists()


# ----- move ... to the trash -----


def test_move_to_the_trash_is_the_real_trash():
    for text in (
        "move the .tmp files in proj to the trash",
        "move the .tmp files in proj into the bin",
        "put the .tmp files in proj in the trash",
    ):
        r = parse(text)
        assert r is not None and r.action in ("trash",) and r.dest is None, text


async def test_move_to_the_trash_creates_no_trash_folder(home):
    (home / "proj" / "a.tmp").write_text("a")
    council, _ = council_with([home / "proj"], _approve)
    r = await council.ask("move the .tmp files in proj to the trash")
    assert r.error is None, r.error
    assert not (home / "proj" / "trash").exists() and not (home / "trash").exists()
    assert (home / ".local/share/Trash/files/a.tmp").read_text() == "a"


# ----- xdg-open gets no API keys -----


def test_xdg_open_and_man_do_not_inherit_api_keys(home, tmp_path, monkeypatch):
    import time

    from council_core.knowledge import parsers
    from council_core.skills.files.service import _xdg_open

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("xdg-open", "man"):
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\nenv > {tmp_path}/{name}.env\necho 'NAME'\necho ' x - y'\n")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setenv("COUNCIL_OPENAI_API_KEY", "sk-test-must-not-leak-123")
    (home / "Desktop" / "a.txt").write_text("x")
    _xdg_open(home / "Desktop" / "a.txt")
    parsers.parse_man(Path("x.1"), b".TH X 1\n.SH NAME\nx \\- y\n")
    deadline = time.monotonic() + 10
    env_file = tmp_path / "xdg-open.env"
    while time.monotonic() < deadline and not (
        env_file.exists() and "PATH=" in env_file.read_text()
    ):
        time.sleep(0.05)
    for name in ("xdg-open", "man"):
        seen = (tmp_path / f"{name}.env").read_text()
        assert "DISPLAY=:99" in seen or name == "man"
        assert "sk-test-must-not-leak" not in seen and "COUNCIL_OPENAI_API_KEY" not in seen
