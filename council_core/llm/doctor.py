"""`council doctor` lines for the LLM: models present and verified, llama.cpp importable,
CUDA for ExLlamaV2, the configured endpoint reachable."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from council_core.base.status import ComponentStatus


def checks() -> list[ComponentStatus]:
    from council_core.settings import load_settings

    from . import models

    s = load_settings().llm
    out: list[ComponentStatus] = []
    selected = None if s.model_path else s.model_tier
    for info in models.list_models():
        is_sel = info.tier == selected
        if info.verified:
            st = ComponentStatus(f"model {info.tier}", True, f"verified: {info.path}")
        else:
            st = ComponentStatus(
                f"model {info.tier}",
                False,
                "present but not verified" if info.installed else "not installed",
                f"council models install {info.tier}",
                optional=not (is_sel and s.backend == "llamacpp"),
            )
        out.append(st)
    if s.model_path:
        p = Path(s.model_path).expanduser()
        out.append(
            ComponentStatus(
                "model (llm.model_path)",
                p.is_file(),
                str(p) if p.is_file() else f"{p} not found",
                None if p.is_file() else "fix llm.model_path or clear it to use a tier",
            )
        )
    has_llama = importlib.util.find_spec("llama_cpp") is not None
    out.append(
        ComponentStatus(
            "llama.cpp backend",
            has_llama,
            "llama-cpp-python importable" if has_llama else "llama-cpp-python not installed",
            None if has_llama else "bash installer/install.sh  (or pip install 'council[llm]')",
            optional=s.backend != "llamacpp",
        )
    )
    from .exllama import cuda_status

    has_ex = importlib.util.find_spec("exllamav2") is not None
    cuda_ok, detail = cuda_status() if has_ex or s.backend == "exllamav2" else (False, "")
    if not has_ex:
        detail = "needs a CUDA GPU and the gpu extra (exllamav2 not installed)"
    out.append(
        ComponentStatus(
            "ExLlamaV2 backend",
            has_ex and cuda_ok,
            detail,
            None
            if has_ex and cuda_ok
            else "optional: on a CUDA machine pip install 'council[gpu]'",
            optional=s.backend != "exllamav2",
        )
    )
    if s.backend == "openai" or s.endpoints:
        out.extend(_endpoint_checks(s))
    return out


def _endpoint_checks(s: object) -> list[ComponentStatus]:
    import httpx

    from .net import is_loopback_url

    out = []
    for ep in getattr(s, "endpoints", []):
        paid = not is_loopback_url(ep.base_url)
        url = ep.base_url.rstrip("/") + "/models"
        try:
            r = httpx.get(url, timeout=2.0)
            ok = r.status_code < 500
            detail = f"{ep.base_url} answered HTTP {r.status_code}"
        except httpx.HTTPError as exc:
            ok, detail = False, f"{ep.base_url} unreachable: {type(exc).__name__}"
        out.append(
            ComponentStatus(
                f"endpoint {ep.name}" + (" (paid)" if paid else ""),
                ok,
                detail,
                None if ok else "start the server or fix the base URL in Settings > Models",
                optional=getattr(s, "openai_endpoint", "") != ep.name,
            )
        )
    return out
