"""What each Council MCP tool does, without MCP: plain async methods over one ``Council``.

The server (``council_core.mcp.server``) wraps these with logging, metrics and the user's
per-tool switches; tests and the in-process benchmark call them directly. Every method returns a
JSON-able dict or raises a ``CouncilError`` whose message says how to fix the problem.

Exact tools call one specialist (math, logic, the document index, the sandbox, the files
service) and never fall back to the LLM: an agent that asks ``calculate`` wants SymPy's answer or
a clear "not a calculation", not a model's guess. ``ask`` is the whole council.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from council_core.base.errors import BadInput, PermissionDenied, SkillDeclined
from council_core.skill import Query

if TYPE_CHECKING:
    from council_core.router import Council

MAX_TEXT = 20_000  # characters of one prompt/expression an agent may send
MAX_CODE = 200_000
PLAN_TTL_S = 3600.0

# name -> one-line description an agent reads to choose the tool
DESCRIPTIONS: dict[str, str] = {
    "ask": (
        "Ask the whole Council (exact math, logic, the user's documents, sandboxed code, "
        "the local model). Returns the answer, the skill that answered, its confidence and "
        "its sources."
    ),
    "calculate": (
        "Exact math with SymPy: arithmetic, fractions, powers, roots, percentages, "
        "derivatives, integrals, limits, equations and systems, written as you would type "
        "them ('17*23', 'solve x^2-5x+6=0', 'derivative of sin(x)*x'). Returns the exact "
        "result and a plain-text form; refuses what is not a calculation."
    ),
    "reason": (
        "Logic with a Prolog engine: give premises (sentences like 'All men are mortal.', "
        "'Socrates is a man.') and a question ('Is Socrates mortal?'); returns the answer "
        "and how it was derived. Refuses what the logic grammar cannot read."
    ),
    "search_documents": (
        "Search the documents the user added to Council (hybrid BM25 + vectors). Returns hits "
        "with path, locator (page/section), snippet and score."
    ),
    "run_code": (
        "Run Python or Bash in Council's Firejail sandbox (no network, private home, time, "
        "memory and output limits). Returns stdout, stderr, exit code and the limit that "
        "stopped it, if any."
    ),
    "find_files": (
        "Find files in the folders the user granted to Council, described in words "
        "('pdfs from last week', 'screenshots on the Desktop'). Returns paths, sizes, dates."
    ),
    "plan_file_changes": (
        "Plan a change to the user's files in words ('move the screenshots on my Desktop into "
        "Pictures/Screenshots'). Nothing changes: returns a plan id and the exact list of "
        "operations; apply it with apply_file_plan."
    ),
    "apply_file_plan": (
        "Apply a plan from plan_file_changes. The USER is asked to approve it through "
        "Council's own approval channel (terminal or desktop app); the calling agent cannot "
        "approve. Returns what ran and how to undo it."
    ),
    "remember": (
        "Store a note in Council's conversation memory (kept across sessions, searchable with "
        "recall)."
    ),
    "recall": "Search Council's conversation memory for what the user said before.",
}


@dataclass
class PendingPlan:
    plan: Any
    request: str
    created: float = field(default_factory=time.monotonic)


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{what} is empty", fix=f"send a non-empty {what}")
    if len(value) > limit:
        raise BadInput(
            f"{what} is {len(value):,} characters; the limit is {limit:,}",
            fix=f"send a shorter {what}",
        )
    return value.strip()


def _sources(sources: list[Any]) -> list[dict[str, Any]]:
    return [s.to_dict() for s in sources]


class CouncilTools:
    """The tools over one Council; pending file plans live here until applied or expired."""

    def __init__(self, council: Council) -> None:
        self.council = council
        self.ctx = council.ctx
        self._plans: dict[str, PendingPlan] = {}

    # ----- the whole council -----

    async def ask(self, prompt: str, session: str | None = None) -> dict[str, Any]:
        prompt = _text(prompt, "prompt")
        res = await self.council.ask(prompt, session or "mcp")
        out = res.to_dict()
        if res.error is not None:
            raise _from_info(res.error)
        return {
            k: out.get(k)
            for k in ("answer", "skill", "confidence", "sources", "code", "output", "notes")
        }

    # ----- exact skills -----

    async def _one_skill(self, name: str, text: str) -> Any:
        skill = self.council.skills.get(name)
        if skill is None:
            raise PermissionDenied(
                f"the {name} skill is turned off",
                fix=f"turn it on: council settings set router.disabled_skills '[]' "
                f"(or remove '{name}' from the list)",
            )
        try:
            return await skill.answer(Query(text, "mcp", {}))
        except SkillDeclined as exc:
            raise BadInput(
                f"the {name} skill cannot read this: {exc}",
                fix="rephrase it the way the tool's description shows, or use the ask tool",
            ) from exc

    async def calculate(self, expression: str) -> dict[str, Any]:
        expression = _text(expression, "expression")
        ans = await self._one_skill("math", expression)
        return {
            "result": ans.answer,
            "kind": (ans.data or {}).get("kind"),
            "confidence": ans.confidence,
            "notes": ans.notes,
        }

    async def reason(self, premises: list[str], question: str) -> dict[str, Any]:
        question = _text(question, "question")
        if not isinstance(premises, list) or not all(isinstance(p, str) for p in premises):
            raise BadInput("premises must be a list of sentences", fix='send ["All men ..."]')
        lines = [p.strip().rstrip(".") + "." for p in premises if p.strip()]
        text = _text(" ".join([*lines, question]), "premises and question")
        ans = await self._one_skill("logic", text)
        first, _, rest = ans.answer.partition("\n")
        return {
            "answer": first,
            "result": (ans.data or {}).get("result"),
            "derivation": rest.strip() or first,
            "confidence": ans.confidence,
        }

    async def search_documents(self, query: str, k: int = 5) -> dict[str, Any]:
        query = _text(query, "query")
        if not 1 <= k <= 50:
            raise BadInput("k must be between 1 and 50", fix="ask for 1-50 hits")
        docs = self.ctx.documents
        hits = await asyncio.to_thread(docs.search, query, k)
        return {
            "hits": [
                {
                    "path": h.path,
                    "title": h.title,
                    "locator": h.locator,
                    "snippet": " ".join(h.snippet.split())[:400],
                    "score": round(float(h.cosine if h.cosine is not None else h.score), 4),
                }
                for h in hits
            ]
        }

    async def run_code(
        self, language: Literal["python", "bash"], code: str, timeout_s: float | None = None
    ) -> dict[str, Any]:
        if language not in ("python", "bash"):
            raise BadInput(f"cannot run {language!r} code", fix="use python or bash")
        code = _text(code, "code", MAX_CODE)
        limit = float(self.ctx.settings.sandbox.timeout_s)
        if timeout_s is not None and not 0 < timeout_s <= limit:
            raise BadInput(
                f"timeout_s must be between 0 and {limit:g} s (the user's sandbox limit)",
                fix="send a smaller timeout_s, or none for the default",
            )
        res = await asyncio.to_thread(self.ctx.sandbox.run, language, code, "mcp", (), timeout_s)
        return {
            "stdout": res.stdout,
            "stderr": res.stderr,
            "exit_code": res.exit_code,
            "outcome": res.outcome,
            "limit": res.killed_reason,
            "truncated": res.truncated,
            "duration_ms": round(res.duration_s * 1000, 1),
            "files": res.files,
        }

    # ----- files -----

    def _files(self) -> Any:
        return self.ctx.service("files")

    def _parse_files(self, text: str, default_verb: str) -> Any:
        from council_core.skills.files.parse import parse

        req = parse(text) or parse(f"{default_verb} {text}")
        if req is None:
            raise BadInput(
                "this is not a file request Council understands",
                fix="describe it like 'find pdfs in Downloads' or 'move the screenshots on "
                "my Desktop into Pictures/Screenshots'",
            )
        return req

    async def find_files(self, query: str, limit: int = 20) -> dict[str, Any]:
        query = _text(query, "query")
        if not 1 <= limit <= 200:
            raise BadInput("limit must be between 1 and 200", fix="ask for 1-200 files")
        req = self._parse_files(query, "find")
        if req.action not in ("find", "open"):
            req.action = "find"
        svc = self._files()
        found = await asyncio.to_thread(svc.find, req, limit, None)
        return {
            "files": [
                {"path": str(f.path), "size": f.size, "mtime": f.mtime, "is_dir": f.is_dir}
                for f in found[:limit]
            ]
        }

    async def plan_file_changes(self, request: str) -> dict[str, Any]:
        request = _text(request, "request")
        req = self._parse_files(request, "")
        if req.action not in ("move", "copy", "rename", "trash"):
            raise BadInput(
                f"'{request}' does not change files (it reads as '{req.action}')",
                fix="use find_files to look for files; plan_file_changes is for moving, "
                "copying, renaming or deleting",
            )
        svc = self._files()
        plan = await asyncio.to_thread(svc.plan, req, request)
        self._expire()
        plan_id = secrets.token_hex(6)
        if plan.ops:
            self._plans[plan_id] = PendingPlan(plan, request)
        return {
            "plan_id": plan_id if plan.ops else None,
            "summary": plan.summary if plan.ops else "nothing to do: no matching files",
            "operations": plan.describe().splitlines() if plan.ops else [],
        }

    async def apply_file_plan(self, plan_id: str) -> dict[str, Any]:
        self._expire()
        pending = self._plans.pop(plan_id, None) if isinstance(plan_id, str) else None
        if pending is None:
            raise BadInput(
                f"no pending plan {plan_id!r} (plans expire after an hour and apply once)",
                fix="make a new plan with plan_file_changes",
            )
        plan = pending.plan
        from council_core.skills.files.service import plan_approval

        decision = await self.ctx.approval.request(
            plan_approval(plan, f"an MCP client asked: {pending.request}")
        )
        if not decision.approved:
            raise PermissionDenied(
                f"the user did not approve the plan ({decision.reason or 'declined'})",
                fix="the user approves file plans in Council's terminal or desktop app; "
                "nothing was changed",
            )
        done = await asyncio.to_thread(self._files().run, plan, "user")
        ok = sum(o.status == "done" for o in done.ops)
        failed = [o for o in done.ops if o.status == "failed"]
        return {
            "done": ok,
            "total": len(done.ops),
            "plan": done.id,
            "failed": [f"{o.describe()}: {o.error}" for o in failed],
            "undo": "council undo",
        }

    def _expire(self) -> None:
        now = time.monotonic()
        for pid in [p for p, v in self._plans.items() if now - v.created > PLAN_TTL_S]:
            del self._plans[pid]

    # ----- memory -----

    async def remember(self, text: str) -> dict[str, Any]:
        text = _text(text, "text")
        mem = self.ctx.memory
        turn = await asyncio.to_thread(
            mem.add_turn, "mcp", text, "Noted.", skill="mcp", confidence=1.0
        )
        return {"stored": True, "id": turn}

    async def recall(self, query: str, k: int = 5) -> dict[str, Any]:
        query = _text(query, "query")
        if not 1 <= k <= 50:
            raise BadInput("k must be between 1 and 50", fix="ask for 1-50 memories")
        mem = self.ctx.memory
        await asyncio.to_thread(mem.wait_embedded, 30.0)
        hits = await asyncio.to_thread(mem.search, query, k)
        return {
            "memories": [
                {
                    "text": h.user,
                    "reply": h.assistant,
                    "session": h.session,
                    "created": h.created,
                    "score": round(float(h.score), 4),
                }
                for h in hits
            ]
        }

    # ----- resources -----

    async def document_list(self) -> list[dict[str, Any]]:
        docs = await asyncio.to_thread(self.ctx.documents.list_documents)
        return [_doc_dict(d) for d in docs]


def _doc_dict(d: Any) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    return asdict(d) if is_dataclass(d) and not isinstance(d, type) else dict(vars(d))


def _from_info(info: Any) -> Exception:
    from council_core.base.errors import CouncilError

    err = CouncilError(info.message, fix=info.fix)
    err.kind = info.kind
    return err
