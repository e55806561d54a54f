"""The code skill: run code the user gives, write or fix a function and test it against the
user's examples, or have the LLM write a program and run it.

What is asked is read first (``code_request``): "run this" / "what does this print" runs the
given code; "write / implement / complete / fix this function" and "make it pass" go through
write -> test -> repair (``code_function``); a code block is input to the request, and a stub is
never run as the answer. Everything runs in the sandbox service (firejail). A program the LLM
wrote that fails, loops, floods its output or hits a limit is sent back with what happened for
up to ``settings.sandbox.max_repairs`` repairs. Code that needs
files outside the workspace is denied; the user is asked (read-only or read-write, once or
always for that folder) and on approval the code runs again with that grant.
"""

from __future__ import annotations

import os
import re
from typing import Any, Literal

from council_core import cues
from council_core.approval import ApprovalRequest, Choice
from council_core.base.errors import ApprovalDeclined, SkillDeclined
from council_core.base.result import Progress, SkillAnswer
from council_core.skill import Emit, Query, Skill, _drop

from .code_function import write_function
from .code_request import FENCE, LANG_OF, Lang, given_code, read_request

# The routing words live in council_core/cues.py with every other skill's.
_RUN_WORD = cues.CODE_RUN_WORD

SYSTEM_PROMPT = (
    "You write one complete, runnable program for the user's request. Rules: standard library "
    "only; no input(); no network; print the result to stdout; keep it short. Reply with only "
    "the code in one fenced block (```python or ```bash)."
)


def extract_code(text: str) -> tuple[Lang, str] | None:
    """Code given in the prompt: a fenced block, or 'Run this Python code: ...'."""
    return given_code(text)


def _reply_code(text: str, default: Lang) -> tuple[Lang, str]:
    m = FENCE.search(text)
    if m:
        return LANG_OF.get(m.group(1).lower(), default), m.group(2)
    return default, text.strip() + "\n"


def _folders(paths: list[str]) -> list[str]:
    """The folders to grant for denied paths: the path itself if a folder, else its folder."""
    return sorted({p if os.path.isdir(p) else os.path.dirname(p) for p in paths})


class CodeSkill(Skill):
    name = "code"
    description = (
        "Runs code in a sandbox; writes or fixes functions and tests them against your examples;"
        " writes programs with the LLM and runs them."
    )
    threshold = 0.5
    confident_at = 0.5

    def score(self, query: Query) -> float:
        text = query.text
        req = read_request(text)
        if req is not None:
            if req.code is not None or req.intent == "function":
                return 0.95 if req.code is not None else 0.9
            return 0.85 if _RUN_WORD.search(text) else 0.7
        low = text.lower()
        if "python" in low or "bash" in low or "script" in low:
            return 0.4
        return 0.0

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        req = read_request(query.text)
        if req is None:
            raise SkillDeclined("no code to run and no program or function asked for")
        if req.intent == "run" and req.code is not None:
            return await self._run_given(query, req.lang, req.code, emit)
        if req.intent in ("function", "fix"):
            return await write_function(self, query, req, emit)
        return await self._write_and_run(query, emit)

    # ----- running -----

    async def approve_code(self, lang: Lang, code: str) -> None:
        if not self.ctx.settings.sandbox.show_code_before_run:
            return
        decision = await self.ctx.approval.request(
            ApprovalRequest(
                kind="code_run",
                title=f"Run this {lang} code in the sandbox?",
                why="'Ask before running generated code' is on in the sandbox settings",
                details=code,
                scope="code_run",
            )
        )
        if not decision.approved:
            raise ApprovalDeclined(
                "the code was not run: you declined it",
                fix="approve it, or turn off 'Ask before running generated code'",
            )

    async def execute(self, query: Query, lang: Lang, code: str, emit: Emit) -> Any:
        """Run once; on paths denied outside the workspace ask, and rerun with the grant."""
        from sandbox.policy import Grant

        sandbox = self.ctx.sandbox
        grants: list[Grant] = []
        notes: list[str] = []
        for _ in range(3):
            emit(Progress("sandbox", message=f"running {lang} in the sandbox"))
            runner = sandbox.execute_python if lang == "python" else sandbox.execute_bash
            res = await runner(code, session=query.session, grants=grants)
            askable = [d for d in res.denied if not d.secret]
            for d in res.denied:
                if d.secret:
                    notes.append(f"blocked for good (holds secrets): {d.path}")
            if res.ok or not askable:
                return res, notes
            new = await self._ask_grant(askable, code)
            if not new:
                notes.append("denied: " + ", ".join(d.path for d in askable))
                return res, notes
            grants.extend(new)
            notes.append("granted: " + ", ".join(f"{g.path} ({g.mode})" for g in new))
        return res, notes

    async def _ask_grant(self, denied: list[Any], code: str) -> list[Any]:
        from sandbox.policy import Grant

        write = any(d.write for d in denied)
        folders = _folders([d.path for d in denied])
        mode: Literal["ro", "rw"] = "rw" if write else "ro"
        decision = await self.ctx.approval.request(
            ApprovalRequest(
                kind="sandbox_paths",
                title=f"Let the code {'read and write' if write else 'read'} " + ", ".join(folders),
                why="the code tried to use files outside its workspace and was denied",
                details=code,
                paths=[d.path for d in denied],
                scope=",".join(folders),
                extra={"mode": mode, "folders": folders},
            )
        )
        if not decision.approved:
            return []
        mode = decision.mode or mode
        grants = [Grant.make(f, mode) for f in folders]
        if decision.choice is Choice.APPROVE_ALWAYS:
            self._remember(grants)
        return grants

    def _remember(self, grants: list[Any]) -> None:
        from council_core.settings import GrantedFolder, save_settings

        sb = self.ctx.settings.sandbox
        known = {(g.path, g.mode) for g in sb.granted}
        added = [
            GrantedFolder(path=g.path, mode=g.mode) for g in grants if (g.path, g.mode) not in known
        ]
        if added:
            sb.granted = [*sb.granted, *added]
            save_settings(self.ctx.settings, self.ctx.paths)
            executor = self.ctx.sandbox
            executor.standing_grants = tuple(dict.fromkeys((*executor.standing_grants, *grants)))

    async def _run_given(self, query: Query, lang: Lang, code: str, emit: Emit) -> SkillAnswer:
        await self.approve_code(lang, code)
        res, notes = await self.execute(query, lang, code, emit)
        return self._answer(lang, code, res, notes, attempts=1, generated=False)

    async def _write_and_run(self, query: Query, emit: Emit) -> SkillAnswer:
        from council_core.llm.base import GenerationOptions, Message

        backend = await self.ctx.llm.backend("code")
        default: Lang = "bash" if re.search(r"(?i)\b(bash|shell)\b", query.text) else "python"
        messages = [Message("system", SYSTEM_PROMPT), Message("user", query.text)]
        opts = GenerationOptions(max_tokens=self.ctx.settings.llm.max_tokens, temperature=0.1)
        repairs = self.ctx.settings.sandbox.max_repairs
        res: Any = None
        notes: list[str] = []
        lang, code = default, ""
        for attempt in range(1, repairs + 2):
            emit(Progress("code", attempt, repairs + 1, "writing the program"))
            reply = await backend.chat(messages, opts)
            lang, code = _reply_code(reply.text, default)
            if not code.strip():
                continue
            if attempt == 1:
                await self.approve_code(lang, code)
            res, run_notes = await self.execute(query, lang, code, emit)
            notes = run_notes
            failed = not res.ok or res.truncated
            if not failed or res.denied or attempt > repairs:
                return self._answer(lang, code, res, notes, attempt, generated=True)
            messages += [
                Message("assistant", f"```{lang}\n{code}```"),
                Message(
                    "user",
                    _run_failure(res) + "\nReply with the whole corrected program "
                    "in one fenced block.",
                ),
            ]
        if res is None:
            return SkillAnswer(
                "The model wrote no code for this request.",
                confidence=0.1,
                code=code or None,
                output=None,
                notes=["no code written"],
            )
        return self._answer(lang, code, res, notes, repairs + 1, generated=True)

    def _answer(
        self, lang: Lang, code: str, res: Any, notes: list[str], attempts: int, generated: bool
    ) -> SkillAnswer:
        from council_core.base.textsafe import safe_path, safe_text

        out = res.stdout
        parts = []
        if generated:
            parts.append(f"```{lang}\n{safe_text(code.rstrip())}\n```")
        if out.strip():  # shown, never obeyed: escape sequences become visible text
            parts.append("Output:\n```\n" + safe_text(out.rstrip()) + "\n```")
        if not res.ok:
            why = res.killed_reason or f"exit status {res.exit_code}"
            if res.timed_out:
                why = f"stopped by the sandbox after {res.duration_s:.1f} s: it did not finish"
            err = safe_text(res.stderr.strip()[-1500:])
            parts.append(f"It failed ({why})" + (f":\n```\n{err}\n```" if err else "."))
        if res.files:
            parts.append(
                "Files in the workspace: " + ", ".join(safe_path(f) for f in res.files[:20])
            )
        if res.truncated:
            notes.append("output truncated at the sandbox's output cap")
        if generated:
            notes.append(f"attempts: {attempts}")
        # The user's own code that fails: its error is still the right answer.
        ok_conf, fail_conf = (0.9, 0.3) if generated else (0.95, 0.8)
        confidence = ok_conf if res.ok and not (generated and res.truncated) else fail_conf
        if res.ok and not out.strip():
            parts.append("It ran without errors and printed nothing.")
        return SkillAnswer(
            "\n\n".join(parts),
            confidence=confidence,
            code=code,
            output=out,
            notes=notes,
            data={
                "language": lang,
                "outcome": res.outcome,
                "exit_code": res.exit_code,
                "killed_reason": res.killed_reason,
                "files": res.files,
                "denied": [d.to_dict() for d in res.denied],
                "attempts": attempts,
                "duration_s": round(res.duration_s, 4),
            },
        )


def _run_failure(res: Any) -> str:
    """What went wrong with a run, for the model."""
    if res.timed_out:
        return (
            f"Running it did not finish: the sandbox stopped it after {res.duration_s:.0f} s. "
            "It must end quickly (no endless loops, no waiting)."
        )
    if res.ok and res.truncated:
        return "Running it printed more than the sandbox's output cap: print only the result."
    err = (res.stderr or res.stdout)[-2000:]
    why = f" ({res.killed_reason})" if res.killed_reason else ""
    return f"Running it failed (exit {res.exit_code}){why}:\n{err}"
