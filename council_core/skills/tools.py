"""The tools skill: the user's MCP servers' tools, used only when a prompt clearly asks for one.

Small local models pick tools badly from free text, so the choice is not the model's:

1. ``score`` (cheap, nothing started): the prompt shares a content word with a cached tool's
   name or description (``mcp-tools.json``, written whenever the servers are listed).
2. ``answer``: the prompt is embedded (all-MiniLM-L6-v2) and compared with each tool's
   description; below ``mcp.tool_match`` the skill declines and the council goes on.
3. The arguments are generated under the tool's own JSON schema (llama.cpp grammar), then
   validated against it: the model cannot produce an invalid argument object.
4. Every call goes through the approval channel, unless the user said "always" for that tool
   (``mcp.always_allowed_tools``, saved; remove an entry to be asked again).

The result is shown as the tool returned it, with the tool as the answer's source.
"""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any

from council_core.approval import ApprovalRequest, Choice
from council_core.base.errors import BadInput, PermissionDenied, SkillDeclined
from council_core.base.result import Chunk, SkillAnswer, Source
from council_core.skill import Emit, Query, Skill, _drop

if TYPE_CHECKING:
    from council_core.mcp.client import McpHub, ToolInfo

_WORD = re.compile(r"[a-z][a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "not",
        "no",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "they",
        "them",
        "their",
        "there",
        "here",
        "if",
        "then",
        "than",
        "so",
        "as",
        "about",
        "into",
        "over",
        "under",
        "up",
        "down",
        "out",
        "any",
        "all",
        "some",
        "more",
        "most",
        "please",
        "tell",
        "show",
        "give",
        "get",
        "make",
        "let",
        "use",
        "using",
        "one",
        "two",
        "new",
        "last",
        "first",
    ]
)
ARG_PROMPT = (
    "You fill in the arguments of one tool call from a user's request. Answer with one JSON "
    "object that matches the tool's input schema, using values stated or clearly implied by "
    "the request (IANA time zone names like Asia/Tokyo, absolute paths as written). Never "
    "invent values the schema does not need."
)


# Questions about what something is or how to do it ask for knowledge, not a tool's action.
_CONCEPTUAL = re.compile(
    r"^\s*(what\s+(is|are)\s+(a|an)\b|what\s+does\b.*\bmean\b|explain\b|why\b|"
    r"how\s+(do|does|can|should)\s+(i|you|we|one)\b|how\s+do\b|what'?s\s+the\s+difference\b|"
    r"write\b|define\b)",
    re.I,
)
NAME_BONUS = 0.05  # per word of the tool's name (not its server's) found in the prompt


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _stem(w: str) -> str:
    for suf in ("ing", "es", "s", "ed"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)]
    return w


class ToolsSkill(Skill):
    name = "tools"
    description = "Tools of the MCP servers you added (council mcp add), each call approved."

    @classmethod
    def help_note(cls, settings: Any) -> str | None:
        if any(e.enabled for e in settings.mcp.servers):
            return None
        return "no MCP server added yet: council mcp add NAME -- COMMAND"

    threshold = 0.5
    confident_at = 0.5

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._vecs: tuple[str, Any] | None = None  # (catalog signature, tool vectors)

    # ----- routing -----

    def _hub(self) -> McpHub:
        return self.ctx.service("mcp")  # type: ignore[no-any-return]

    def score(self, query: Query) -> float:
        servers = [e for e in self.ctx.settings.mcp.servers if e.enabled]
        if not servers or len(query.text) > 2000 or _CONCEPTUAL.search(query.text):
            return 0.0
        words = {_stem(w) for w in _words(query.text)}
        if not words:
            return 0.0
        if any(_stem(e.name.lower()) in words for e in servers):
            return 0.6
        for t in self._hub().cached_tools():
            if words & {_stem(w) for w in _words(f"{t.name.replace('_', ' ')} {t.description}")}:
                return 0.6
        return 0.0

    # ----- answering -----

    async def _tools(self) -> list[ToolInfo]:
        hub = self._hub()
        tools = hub.cached_tools()
        names = {t.server for t in tools}
        if any(e.name not in names for e in hub.entries):
            tools = await hub.list_tools()
        return tools

    async def choose(self, text: str) -> tuple[ToolInfo, float] | None:
        """The tool the prompt asks for, with its cosine, or None below the threshold."""
        import asyncio

        import numpy as np

        from council_core.base.embed import shared_embedder

        tools = await self._tools()
        if not tools:
            return None
        emb = shared_embedder()
        sig = json.dumps([t.text for t in tools])
        if self._vecs is None or self._vecs[0] != sig:
            vecs = await asyncio.to_thread(emb.encode, [t.text for t in tools])
            self._vecs = (sig, np.asarray(vecs, dtype="float32"))
        q = np.asarray(await asyncio.to_thread(emb.encode, [text]), dtype="float32")[0]
        sims = self._vecs[1] @ q
        words = {_stem(w) for w in _words(text)}
        for i, t in enumerate(tools):
            server = _stem(t.server.lower())
            named = {_stem(w) for w in _words(t.name.replace("_", " "))} - {server}
            sims[i] += NAME_BONUS * len(named & words)
        best = int(np.argmax(sims))
        cos = float(sims[best])
        if cos < float(self.ctx.settings.mcp.tool_match):
            return None
        return tools[best], cos

    async def arguments(self, tool: ToolInfo, text: str) -> dict[str, Any]:
        """Arguments generated under the tool's JSON schema, then validated against it."""
        import jsonschema

        from council_core.llm.base import GenerationOptions, Message

        schema = _closed(tool.input_schema or {"type": "object", "properties": {}})
        if not schema.get("properties"):
            return {}
        backend = await self.ctx.llm.backend("general")
        if backend.is_paid:
            raise SkillDeclined("tool arguments are filled by the local model only")
        user = (
            f"Tool: {tool.name}: {tool.description}\n"
            f"Input schema: {json.dumps(tool.input_schema)}\n"
            f"Today: {time.strftime('%Y-%m-%d %A')}\n"
            f"Request: {text}"
        )
        opts = GenerationOptions(max_tokens=200, temperature=0.0, json_schema=schema)
        out = await backend.chat([Message("system", ARG_PROMPT), Message("user", user)], opts)
        try:
            args = json.loads(out.text)
            jsonschema.validate(args, tool.input_schema)
        except (ValueError, jsonschema.ValidationError) as exc:
            raise SkillDeclined(f"could not fill {tool.name}'s arguments: {exc}") from exc
        if not isinstance(args, dict):
            raise SkillDeclined("the arguments are not an object")
        return args

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        picked = await self.choose(query.text)
        if picked is None:
            raise SkillDeclined("no tool matches this prompt closely enough")
        tool, cos = picked
        args = await self.arguments(tool, query.text)
        await self._approve(tool, args, query.text)
        res = await self._hub().call(tool, args)
        shown = json.dumps(args, ensure_ascii=False)
        if res.is_error:
            raise BadInput(
                f"the tool {tool.key} answered with an error: {res.text[:500]}",
                fix="rephrase the request, or check the server with `council mcp list`",
            )
        text = res.text.strip() or "(the tool returned nothing)"
        emit(Chunk(text))
        return SkillAnswer(
            text,
            confidence=0.9,
            sources=[Source(f"mcp://{tool.key}", "tool call", shown[:300], round(cos, 4))],
            notes=[f"{tool.key}({shown})"],
            data={"tool": tool.key, "arguments": args, "match": round(cos, 4)},
        )

    async def _approve(self, tool: ToolInfo, args: dict[str, Any], text: str) -> None:
        settings = self.ctx.settings
        if tool.key in settings.mcp.always_allowed_tools:
            return
        decision = await self.ctx.approval.request(
            ApprovalRequest(
                kind="tool_call",
                title=f"Call {tool.name} on the MCP server {tool.server!r}",
                why=f"you asked: {text}",
                details=f"{tool.description}\narguments: {json.dumps(args, ensure_ascii=False)}",
                scope=tool.key,
            )
        )
        if not decision.approved:
            raise PermissionDenied(
                f"the call to {tool.key} was not approved ({decision.reason or 'declined'})",
                fix="approve it when asked, or answer 'always' to allow this tool from now on",
            )
        if decision.choice is Choice.APPROVE_ALWAYS:
            _remember_always(self.ctx, tool.key)

    async def aclose(self) -> None:
        if self.ctx.has_service("mcp"):
            await self._hub().aclose()


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with only its declared properties allowed (a tighter grammar)."""
    out = dict(schema)
    if out.get("type") == "object" and "additionalProperties" not in out:
        out["additionalProperties"] = False
    out.pop("title", None)
    return out


def _remember_always(ctx: Any, key: str) -> None:
    from council_core.settings import save_settings

    allowed = list(ctx.settings.mcp.always_allowed_tools)
    if key not in allowed:
        ctx.settings.mcp.always_allowed_tools = [*allowed, key]
        save_settings(ctx.settings, ctx.paths)
