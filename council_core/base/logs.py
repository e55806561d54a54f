"""Rotating structured (JSON lines) logs in the data dir, with secrets redacted.

``council.log`` has everything at INFO and above; ``audit.log`` has one line for every cloud
call, sandbox run and file plan (``audit(...)``). Known secret values (API keys read from the
keyring, the server token) are registered with ``add_secret`` and replaced by ``[REDACTED]``,
and key-shaped strings (``sk-...``, ``Bearer ...``) are masked whatever their origin.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import threading
import time
from pathlib import Path
from typing import Any

from council_core.base.textsafe import json_safe

_SECRETS: set[str] = set()
_LOCK = threading.Lock()
_PATTERNS = [
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._\-]{8,}"),
    re.compile(r"(?i)(api[_-]?key|token|secret|password)(\"?\s*[:=]\s*\"?)[^\s\"',}]{6,}"),
]

_AUDIT = logging.getLogger("council.audit")


def add_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        with _LOCK:
            _SECRETS.add(value)


def redact(text: str) -> str:
    with _LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for s in secrets:
        text = text.replace(s, "[REDACTED]")
    text = _PATTERNS[0].sub("[REDACTED]", text)
    text = _PATTERNS[1].sub("Bearer [REDACTED]", text)
    return _PATTERNS[2].sub(lambda m: m.group(1) + m.group(2) + "[REDACTED]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        # json.dumps escapes C0 controls; json_safe escapes the rest (C1, bidi, surrogates).
        return redact(json_safe(json.dumps(entry, default=str, ensure_ascii=False)))


_configured: Path | None = None


def setup_logging(log_dir: Path, level: int = logging.INFO) -> None:
    """Idempotent: attach the rotating JSON handlers once per log dir."""
    global _configured
    if _configured == log_dir:
        return
    log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("council")
    audit_root = _AUDIT
    for lg in (root, audit_root):
        for h in list(lg.handlers):
            if getattr(h, "_council", False):
                lg.removeHandler(h)
                h.close()
    main = logging.handlers.RotatingFileHandler(
        log_dir / "council.log", maxBytes=5_000_000, backupCount=3, encoding="utf-8"
    )
    main.setFormatter(JsonFormatter())
    main._council = True  # type: ignore[attr-defined]
    root.addHandler(main)
    root.setLevel(level)
    audit_h = logging.handlers.RotatingFileHandler(
        log_dir / "audit.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    audit_h.setFormatter(JsonFormatter())
    audit_h._council = True  # type: ignore[attr-defined]
    audit_root.addHandler(audit_h)
    audit_root.setLevel(logging.INFO)
    audit_root.propagate = True
    # Modules under council_core/memory/sandbox log to "council.*" via get_logger.
    _configured = log_dir


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger("council." + name)


def audit(event: str, **fields: Any) -> None:
    """One audit line: event is 'cloud_call', 'sandbox_run', 'file_plan', ..."""
    _AUDIT.info(event, extra={"fields": {"event": event, **fields}})
