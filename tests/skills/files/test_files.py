"""The files skill on real files in tmp_path: grants, plans, approval, trash, undo, crashes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from council_core.approval import ApprovalChannel, approve_all, decline_all
from council_core.base.errors import PermissionDenied
from council_core.context import SkillContext
from council_core.router import Council
from council_core.settings import GrantedFolder
from council_core.skills.files import FilesSkill
from council_core.skills.files.grants import Grant, Grants
from council_core.skills.files.parse import parse
from council_core.skills.files.service import FileActions
from tests.helpers.cli import run_council

REPO = Path(__file__).resolve().parents[3]


def digest(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, _dirs, files in os.walk(os.fsencode(root)):
        for f in files:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                out[os.fsdecode(os.path.relpath(p, os.fsencode(root)))] = hashlib.sha256(
                    fh.read()
                ).hexdigest()
    return out


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    for d in ("Desktop", "Downloads", "Pictures", "proj"):
        (h / d).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(h))
    monkeypatch.setenv("XDG_DATA_HOME", str(h / ".local/share"))
    return h


def council_for(home: Path, approver=approve_all, mode="rw"):
    ctx = SkillContext(approval=ApprovalChannel(approver))
    ctx.settings.files.granted = [
        GrantedFolder(path=str(home / d), mode=mode)
        for d in ("Desktop", "Downloads", "Pictures", "proj")
    ]
    council = Council(ctx, skills={"files": FilesSkill})
    council._hooks = []
    return council


def test_grants_refuse_outside_symlinks_dotdot_hidden(home, tmp_path):
    g = Grants([Grant(home / "Desktop", "rw"), Grant(home / "Downloads", "ro")])
    (home / "Desktop" / "ok.txt").write_text("x")
    assert g.check(home / "Desktop" / "ok.txt", "rw").name == "ok.txt"
    (home / "Desktop" / "etc").symlink_to("/etc")
    with pytest.raises(PermissionDenied):
        g.check(home / "Desktop" / "etc" / "passwd")
    with pytest.raises(PermissionDenied):
        g.check(str(home / "Desktop" / ".." / "proj"))
    (home / "Desktop" / ".secret").write_text("x")
    with pytest.raises(PermissionDenied):
        g.check(home / "Desktop" / ".secret")
    with pytest.raises(PermissionDenied) as exc:
        g.check(home / "Downloads" / "a.txt", "rw")
    assert "read-only" in exc.value.message
    with pytest.raises(PermissionDenied) as exc:
        g.check("/etc/passwd")
    assert exc.value.fix


def test_parse_common_requests():
    r = parse("find the PDF about taxes I saved last month")
    assert r.action == "find" and r.exts == {"pdf"} and r.about == ["taxes"]
    assert r.after is not None and r.before is not None and r.before - r.after >= 27 * 86400
    r = parse("move the screenshots on my Desktop into Pictures/Screenshots")
    assert (r.action, r.source, r.dest, r.kind) == (
        "move",
        "Desktop",
        "Pictures/Screenshots",
        "screenshot",
    )
    r = parse("delete the .tmp files in this project")
    assert (r.action, r.exts, r.source) == ("trash", {"tmp"}, "this project")
    assert parse("what's taking space in Downloads").source == "Downloads"
    assert parse("rename the photos in Pictures by date").rename_by == "date"
    assert parse("what is the capital of France") is None


async def test_find_by_type_name_and_date(home):
    old = home / "Downloads" / "taxes-2024.pdf"
    old.write_bytes(b"%PDF-1.4 old")
    t = time.time() - 40 * 86400
    os.utime(old, (t, t))
    (home / "Downloads" / "taxes-now.pdf").write_bytes(b"%PDF-1.4 new")
    (home / "Downloads" / "holiday.pdf").write_bytes(b"%PDF")
    (home / "Downloads" / "taxes.txt").write_text("x")
    council = council_for(home)
    r = await council.ask("find the PDF about taxes")
    assert r.skill == "files" and r.error is None
    paths = {Path(s.path).name for s in r.sources}
    assert paths == {"taxes-2024.pdf", "taxes-now.pdf"}
    r = await council.ask("find the PDF about taxes I saved this month")
    assert {Path(s.path).name for s in r.sources} == {"taxes-now.pdf"}


async def test_move_plan_approved_then_undone_exactly(home):
    desk = home / "Desktop"
    for i in range(5):
        (desk / f"Screenshot {i}.png").write_bytes(os.urandom(100))
    (desk / "notes.txt").write_text("keep me")
    (home / "Pictures" / "Screenshots").mkdir()
    (home / "Pictures" / "Screenshots" / "Screenshot 0.png").write_bytes(b"existing")
    before = digest(home)
    council = council_for(home)
    r = await council.ask("move the screenshots on my Desktop into Pictures/Screenshots")
    assert r.error is None, r.error
    assert "5 of 5" in r.answer
    moved = sorted(p.name for p in (home / "Pictures" / "Screenshots").iterdir())
    assert "Screenshot 0 (2).png" in moved and len(moved) == 6  # nothing overwritten
    assert (home / "Pictures" / "Screenshots" / "Screenshot 0.png").read_bytes() == b"existing"
    assert (desk / "notes.txt").exists()
    r = await council.ask("undo the last file change")
    assert r.error is None and "5 operation" in r.answer
    assert digest(home) == before


async def test_declined_plan_changes_nothing(home):
    (home / "proj" / "a.tmp").write_text("x")
    before = digest(home)
    council = council_for(home, approver=decline_all)
    r = await council.ask("delete the .tmp files in proj")
    assert "declined" in r.answer.lower() and "file plan declined" in r.notes
    assert digest(home) == before


async def test_delete_goes_to_trash_and_undo_restores(home):
    (home / "proj" / "a.tmp").write_text("a")
    (home / "proj" / "sub").mkdir()
    (home / "proj" / "sub" / "b.tmp").write_text("b")
    (home / "proj" / "keep.py").write_text("print(1)")
    before = digest(home / "proj")
    council = council_for(home)
    r = await council.ask("delete the .tmp files in proj")
    assert r.error is None and "2 of 2" in r.answer
    assert not (home / "proj" / "a.tmp").exists()
    trash = home / ".local/share/Trash"
    assert sorted(p.name for p in (trash / "files").iterdir()) == ["a.tmp", "b.tmp"]
    assert len(list((trash / "info").iterdir())) == 2
    r = await council.ask("undo the last file change")
    assert digest(home / "proj") == before
    assert list((trash / "files").iterdir()) == []


async def test_read_only_grant_and_ungranted_folder_are_refused(home, tmp_path):
    (home / "proj" / "a.tmp").write_text("x")
    r = await council_for(home, mode="ro").ask("delete the .tmp files in proj")
    assert r.error is not None and r.error.kind == "permission_denied"
    assert (home / "proj" / "a.tmp").exists()
    elsewhere = tmp_path / "secret"
    elsewhere.mkdir()
    (elsewhere / "x.tmp").write_text("x")
    r = await council_for(home).ask(f"delete the .tmp files in {elsewhere}")
    assert r.error is not None and r.error.kind == "permission_denied"
    assert (elsewhere / "x.tmp").exists()


def test_odd_names_move_and_undo(home, tmp_path):
    g = Grants([Grant(home / "Desktop", "rw"), Grant(home / "Pictures", "rw")])
    fa = FileActions(g, tmp_path / "data")
    desk = os.fsencode(home / "Desktop")
    names = [b"new\nline.png", b"quo'te\".png", b"bad-\xff\xfe.png"]
    for n in names:
        with open(os.path.join(desk, n), "wb") as f:
            f.write(n)
    before = digest(home)
    req = parse("move the png files on Desktop into Pictures")
    plan = fa.plan(req, "move pngs")
    assert len(plan.ops) == 3
    fa.run(plan)
    assert len(os.listdir(os.fsencode(home / "Pictures"))) == 3
    _pid, restored, problems = fa.undo_last()
    assert (restored, problems) == (3, [])
    assert digest(home) == before


CRASH = r"""
import os, signal, sys
from pathlib import Path
from council_core.skills.files.grants import Grant, Grants
from council_core.skills.files.service import FileActions
from council_core.skills.files.parse import parse
home, data = Path(sys.argv[1]), Path(sys.argv[2])
fa = FileActions(Grants([Grant(home / "src", "rw"), Grant(home / "dst", "rw")]), data)
plan = fa.plan(parse("move the txt files in src into dst"), "reorganize")
real_rename, n = os.rename, [0]
def rename(a, b):
    real_rename(a, b)
    n[0] += 1
    if n[0] == 500:
        os.kill(os.getpid(), signal.SIGKILL)
os.rename = rename
fa.run(plan)
"""


@pytest.mark.slow
@pytest.mark.parametrize("recovery", ["rollback", "resume"])
def test_kill_9_half_way_then_recover(home, tmp_path, recovery):
    src, dst = home / "src", home / "dst"
    src.mkdir()
    dst.mkdir()
    for i in range(1000):
        (src / f"f{i:04d}.txt").write_text(f"file {i}")
    before = digest(home)
    data = tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, "-c", CRASH, str(home), str(data)],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert len(list(dst.iterdir())) == 500
    fa = FileActions(Grants([Grant(src, "rw"), Grant(dst, "rw")]), data)
    plans = fa.journal.plans()
    assert plans[0]["status"] == "interrupted"
    if recovery == "rollback":
        restored, problems = fa.executor.undo(plans[0]["id"])
        assert (restored, problems) == (500, [])
        assert digest(home) == before
    else:
        plan = fa.executor.resume(plans[0]["id"])
        assert plan.status == "done"
        assert len(list(dst.iterdir())) == 1000 and not list(src.iterdir())
        assert sorted(digest(dst).values()) == sorted(before.values())


def test_cli_grant_and_undo(home, tmp_path):
    def run(*a):
        return run_council(*a, timeout=60)

    out = run("files", "grant", str(home / "proj"), "--rw")
    assert out.returncode == 0 and "granted" in out.stdout
    out = run("undo")
    assert out.returncode == 1 and "nothing to undo" in out.stderr
    (home / "proj" / "a.tmp").write_text("x")
    out = run("ask", "--json", "what's taking space in proj")
    assert '"skill": "files"' in out.stdout
