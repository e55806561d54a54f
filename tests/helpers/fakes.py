"""Small test doubles shared by the skill tests: an LLM manager that hands out one given
backend (recording the purposes asked for), and an approver that answers from a script."""

from __future__ import annotations

from council_core.approval import ApprovalRequest, Choice, Decision
from council_core.llm.base import LLMBackend


class Manager:
    def __init__(self, backend: LLMBackend) -> None:
        self._backend = backend
        self.purposes: list[str] = []

    async def backend(self, purpose: str = "general") -> LLMBackend:
        self.purposes.append(purpose)
        return self._backend


class Recorder:
    """Answers approval requests with the given decisions in order, then declines."""

    def __init__(self, *decisions: Decision) -> None:
        self.decisions = list(decisions)
        self.requests: list[ApprovalRequest] = []

    async def __call__(self, req: ApprovalRequest) -> Decision:
        self.requests.append(req)
        return self.decisions.pop(0) if self.decisions else Decision(Choice.DECLINE)
