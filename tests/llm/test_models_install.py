"""Model tiers: assembled from wheel zips in order, sha256-checked, atomic, never redone."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from council_core.base.errors import BadInput, ComponentMissing
from council_core.llm import models
from council_core.llm.doctor import checks
from tests.helpers.cli import run_council

REPO = Path(__file__).resolve().parents[2]


def _wheels(tmp_path: Path, parts: list[bytes]) -> list[Path]:
    out = []
    for i, data in enumerate(parts, 1):
        w = tmp_path / f"fake_part{i}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(w, "w") as zf:
            zf.writestr(f"fake_part{i}/__init__.py", "")
            zf.writestr(f"fake_part{i}/data/part{i:02d}.bin", data)
        out.append(w)
    return out


def _tier(parts: list[bytes]) -> models.Tier:
    blob = b"".join(parts)
    return models.Tier(
        "fake", "fake.gguf", hashlib.sha256(blob).hexdigest(), len(blob),
        r"fake_part\d+/data/part\d+\.bin", "Qwen2.5-Coder-Apache-2.0.txt", "test",
    )  # fmt: skip


def test_assembles_pieces_in_order_and_verifies(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COUNCIL_MODEL_CACHE", str(tmp_path / "cache"))
    parts = [b"GGUF-part-one|", b"part-two|", b"part-three"]
    t = _tier(parts)
    dest = models.model_path(t)
    sha = models._assemble(t, _wheels(tmp_path, parts), dest)
    assert dest.read_bytes() == b"".join(parts) and sha == t.sha256
    assert list(dest.parent.glob(".fake.gguf-*")) == []  # no temp file left


def test_a_wrong_hash_leaves_no_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COUNCIL_MODEL_CACHE", str(tmp_path / "cache"))
    parts = [b"aaa", b"bbb"]
    t = replace(_tier(parts), sha256="0" * 64)
    dest = models.model_path(t)
    with pytest.raises(ComponentMissing, match="sha256"):
        models._assemble(t, _wheels(tmp_path, parts), dest)
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []


def test_verified_stamp_skips_rehashing_and_detects_changes(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COUNCIL_MODEL_CACHE", str(tmp_path / "cache"))
    parts = [b"xyz" * 10]
    t = _tier(parts)
    dest = models.model_path(t)
    models._assemble(t, _wheels(tmp_path, parts), dest)
    assert not models.is_verified(t)
    models._write_stamp(dest, t.sha256)
    assert models.is_verified(t)
    dest.write_bytes(b"XYZ" * 10)  # same size, different content and mtime
    assert not models.is_verified(t)


def test_unknown_tier_lists_the_known_ones() -> None:
    with pytest.raises(BadInput) as err:
        models.tier("gpt-5")
    assert "qwen2.5-coder-1.5b" in (err.value.fix or "")


def test_tiers_match_the_pinned_requirement_files() -> None:
    for t in models.TIERS.values():
        lines = [ln for ln in t.requirements.read_text().splitlines() if "--hash=sha256:" in ln]
        assert lines, t.name
    assert len(models.TIERS["qwen2.5-coder-1.5b"].requirements.read_text().split("--hash")) == 23
    lic = models.LICENSES_DIR / "Qwen2.5-Coder-Apache-2.0.txt"
    assert "Apache License" in lic.read_text() and "Version 2.0" in lic.read_text()


@pytest.mark.llm
def test_install_of_a_verified_tier_is_a_quick_no_op(smol_path) -> None:
    before = smol_path.stat().st_mtime_ns
    p = run_council("models", "install", "smollm2-135m", timeout=60)
    assert p.returncode == 0, p.stderr
    assert "already installed and verified" in p.stderr
    assert smol_path.stat().st_mtime_ns == before
    p = run_council("models", "list", "--json", timeout=60)
    rows = {r["tier"]: r for r in json.loads(p.stdout)}
    assert rows["smollm2-135m"]["verified"] is True
    assert rows["qwen2.5-coder-1.5b"]["selected"] is True


def test_doctor_reports_models_and_backends(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("COUNCIL_MODEL_CACHE", str(tmp_path / "empty"))
    by_name = {s.name: s for s in checks()}
    default = by_name["model qwen2.5-coder-1.5b"]
    assert not default.ok and not default.optional
    assert default.fix == "council models install qwen2.5-coder-1.5b"
    assert by_name["model smollm2-135m"].optional
    ex = by_name["ExLlamaV2 backend"]
    assert ex.optional
    from council_core.llm.exllama import cuda_status

    if not cuda_status()[0]:
        assert "needs a CUDA GPU" in ex.detail and not ex.ok
