"""Propositional questions (bench/eval/sets/propositional_heldout.jsonl): does the logic skill
claim the formulas, answer them right, and leave the look-alikes alone?

The set was written by a helper session that never saw the code, its expected values computed
by that session's own evaluator, and committed before any prompt ran. Each prompt goes through
the logic skill's routing score and answer (SWI-Prolog is not needed for formulas; no model):
  - a formula question is right when the skill claims it (score >= 0.9) and the verdict
    ("Yes"/"No"), the number of true rows (truth tables) or the simplified formula (checked
    equivalent to the expected one, and shown the same way) is the expected one;
  - a look-alike ("not_formula") is right when the skill does not claim it as a formula.
Writes bench/results/propositional.json.

    python bench/bench_propositional.py
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("COUNCIL_HOME", tempfile.mkdtemp(prefix="council-bench-prop-"))

SET = REPO / "bench" / "eval" / "sets" / "propositional_heldout.jsonl"
OUT = REPO / "bench" / "results" / "propositional.json"


def judge(row: dict[str, Any], text: str, data: dict[str, Any]) -> bool:
    from council_core.skills.logic import propositional as P

    kind, want = row["kind"], row["expected"]
    if kind == "table":
        body = [ln for ln in text.splitlines() if ln.startswith("| ") and ln.endswith(" |")][1:]
        return sum(ln.rsplit("|", 2)[1].strip() == "T" for ln in body) == want
    if kind == "simplify":
        got = data.get("simplified")
        if got is None:
            return False
        exp = P.parse_formula(want)
        return got == P.show(exp)
    if kind == "other":
        return text.lower().startswith(str(want).lower())
    return text.startswith("Yes") is bool(want)


async def main() -> int:
    from council_core.approval import ApprovalChannel, decline_all
    from council_core.context import SkillContext
    from council_core.skill import Query
    from council_core.skills.logic import LogicSkill, _formula_question

    rows = [json.loads(x) for x in SET.read_text().splitlines() if x.strip()]
    skill = LogicSkill(SkillContext(approval=ApprovalChannel(decline_all)))
    out = []
    for r in rows:
        t0 = time.perf_counter()
        q = Query(r["prompt"])
        claimed = skill.score(q) >= 0.9
        text, data = "", {}
        is_formula = _formula_question(r["prompt"]) is not None
        if is_formula:
            ans = await skill.answer(q)
            text, data = ans.answer, ans.data
        ok = (not is_formula) if r["kind"] == "not_formula" else (
            is_formula and judge(r, text, data)
        )  # fmt: skip
        ms = (time.perf_counter() - t0) * 1000
        out.append({"id": r["id"], "prompt": r["prompt"], "kind": r["kind"], "claimed": claimed,
                    "formula": is_formula, "answer": text, "ok": ok, "ms": round(ms, 2)})  # fmt: skip
        print(f"{'ok ' if ok else 'BAD'} {r['kind']:11s} {ms:7.1f} ms {r['prompt'][:60]!r} -> "
              f"{text.splitlines()[0][:70] if text else '(not a formula)'!r}")  # fmt: skip
    await skill.aclose()
    formulas = [x for x in out if x["kind"] != "not_formula"]
    figures = {
        "n": len(out),
        "right": sum(x["ok"] for x in out),
        "formulas_right": sum(x["ok"] for x in formulas),
        "formulas": len(formulas),
        "lookalikes_left_alone": sum(x["ok"] for x in out if x["kind"] == "not_formula"),
        "rows": out,
    }
    if OUT.exists():  # a rerun keeps the record of the blind first run
        first = json.loads(OUT.read_text()).get("first_run")
        if first is not None:
            figures["first_run"] = first
    OUT.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "rows"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
