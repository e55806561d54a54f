"""The user owns their data: forget everything, or export it, in one place.

"Forget everything" clears conversation memory (turns, vectors, feedback) and the facts the
logic skill was told to remember; the CLI (`council memory forget --all`) and the app's
Settings > Memory both call this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def forget_everything(ctx: Any) -> dict[str, int]:
    from .skills.logic.facts import forget_all as forget_facts

    turns = int(ctx.memory.forget(everything=True))
    facts = forget_facts(ctx)
    return {"turns": turns, "facts": facts}


def export_memory(ctx: Any, path: str | Path, fmt: str = "jsonl") -> int:
    from memory.transfer import export_jsonl, export_markdown

    fn = export_markdown if fmt == "markdown" or str(path).endswith(".md") else export_jsonl
    with open(path, "w", encoding="utf-8") as out:
        return int(fn(ctx.memory, out))
