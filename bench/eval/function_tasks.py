"""The function-writing category (bench/eval/sets/function.jsonl): scoring on hidden tests.

Each row holds a prompt (a signature and docstring with examples, a description with "should
return" examples or Input/Output pairs, or a function to fix) and hidden ``tests`` (assert
lines the prompt does not show), ``judge: "tests"``. An answer passes when its code, followed by
the hidden tests, runs in the sandbox (firejail) and exits 0. The council's code is the
answer's ``code`` field; the model alone's is the first code block of its reply.

The model alone gets the same prompt with a system prompt asking it to complete the function.

    python bench/eval/harness.py --category function --split heldout --baseline
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

BASELINE_PROMPT = (
    "Complete the function the user asks for. Reply with the complete Python code in one "
    "```python block."
)
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)```", re.S)
_TESTS_NOTE = re.compile(r"tests: (\d+) of (\d+) passed")
_executor: Any = None


def is_function_row(row: dict[str, Any]) -> bool:
    return row.get("judge") == "tests"


def code_of(res: dict[str, Any]) -> str:
    """The code an answer gives: its ``code`` field, else the first block of its text."""
    code = res.get("code")
    if code and "def " in code:
        return str(code)
    text = str(res.get("answer") or "")
    blocks = [m.group(2) for m in _FENCE.finditer(text)]
    if not blocks and "```" in text:  # cut off before the closing fence
        blocks = [text[text.find("```") :].split("\n", 1)[-1]]
    for b in blocks:
        if "def " in b:
            return b
    return blocks[0] if blocks else text


def _sandbox() -> Any:
    global _executor
    if _executor is None:
        from sandbox.executor import SafeExecutor
        from sandbox.service import workspace_root

        data = Path(tempfile.mkdtemp(prefix="council-fn-eval-"))
        os.chmod(data, 0o755)
        _executor = SafeExecutor(workspace_root(data, data / "workspaces"), data)
    return _executor


def hidden_tests_pass(row: dict[str, Any], code: str, timeout_s: float = 20) -> bool:
    program = code + "\n\n" + row["tests"]
    res = _sandbox().run("python", program, session=f"hidden-{row['id']}", timeout_s=timeout_s)
    return bool(res.ok) and not res.truncated


def judged(row: dict[str, Any], res: dict[str, Any]) -> bool:
    if not res:
        return False
    cached = res.get("_hidden_ok")
    if cached is None:
        cached = hidden_tests_pass(row, code_of(res))
        res["_hidden_ok"] = cached
    return bool(cached)


def _is_stub_of(code: str | None, name: str) -> bool:
    """True when ``code`` defines ``name`` with no body (only a docstring, pass or ...)."""
    try:
        tree = ast.parse(code or "")
    except SyntaxError:
        return False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return all(
                isinstance(s, ast.Pass)
                or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
                for s in node.body
            )
    return False


def integrity(rows: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The issue's two zero targets, on the council's answers to the function rows: stubs
    answered as if run, and answers at confidence >= 0.9 whose own tests did not all pass."""
    stubs, overconfident, untested_confident = [], [], []
    for r in rows:
        if not is_function_row(r):
            continue
        res = results.get(r["id"]) or {}
        if _is_stub_of(res.get("code"), r["entry"]) or "(no output)" in str(res.get("answer")):
            stubs.append(r["id"])
        conf = float(res.get("confidence") or 0)
        notes = " ".join(str(n) for n in res.get("notes") or [])
        m = _TESTS_NOTE.search(notes)
        if conf >= 0.9 and m and int(m.group(1)) < int(m.group(2)):
            overconfident.append(r["id"])
        if conf >= 0.9 and not m:
            untested_confident.append(r["id"])
    return {
        "stubs_run_as_answers": stubs,
        "confident_with_failed_tests": overconfident,
        "confident_without_tests": untested_confident,
    }


def run_model_alone(
    rows: list[dict[str, Any]], model_path: str, max_tokens: int = 512
) -> dict[str, dict[str, Any]]:
    """The same model alone, asked to complete the function (no tests, no repairs)."""
    if not rows:
        return {}
    from llama_cpp import Llama

    llm = Llama(model_path=model_path, n_ctx=2048, n_threads=os.cpu_count() or 2, verbose=False)
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        t0 = time.perf_counter()
        res = llm.create_chat_completion(
            messages=[
                {"role": "system", "content": BASELINE_PROMPT},
                {"role": "user", "content": r["prompt"]},
            ],
            max_tokens=max_tokens,
            temperature=0.0,
        )
        text = res["choices"][0]["message"]["content"] or ""
        out[r["id"]] = {
            "answer": text,
            "latency_ms": (time.perf_counter() - t0) * 1000,
            "skill": "model",
            "cost_usd": 0.0,
            "error": None,
        }
    return out
