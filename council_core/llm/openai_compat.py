"""A backend for any OpenAI-compatible server (llama.cpp server, Ollama, vLLM, LM Studio, a
cloud provider): ``/v1/chat/completions`` and ``/v1/completions`` over httpx, SSE streaming,
timeouts, usage from the response.

Every failure is converted here: a refused connection, a timeout, HTTP 429/5xx and a server
that dies mid-stream become ``EndpointError`` (a ``BackendUnavailable`` that says whether a
retry may help); HTTP 400-class rejections become ``BadInput``; 401/403 become ``NeedsKey``.
The API key is sent only in the ``Authorization`` header and is registered with the log
redactor; no message built here contains it.

A backend whose base URL is not on loopback is paid (``is_paid``): calls to it go through the
cloud approval and ledger (``council_core.cloud``), never around them.
"""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from council_core.base.errors import BackendUnavailable, BadInput, NeedsKey
from council_core.base.logs import add_secret, redact

from .base import Completion, GenerationOptions, Health, LLMBackend, Message, Piece, Usage

if TYPE_CHECKING:
    import httpx


class EndpointError(BackendUnavailable):
    """The endpoint failed; ``retryable`` says whether the same request may succeed later."""

    def __init__(
        self, message: str, *, fix: str, status: int | None = None, retryable: bool = False
    ) -> None:
        super().__init__(message, fix=fix)
        self.status = status
        self.retryable = retryable


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OpenAIBackend(LLMBackend):
    name = "openai"
    can_stream = True
    needs_network = True

    def __init__(
        self,
        name: str,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        price_in_per_1k: float = 0.0,
        price_out_per_1k: float = 0.0,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadInput(
                f"endpoint {name!r} has an invalid base URL {base_url!r}",
                fix="set a URL like http://127.0.0.1:8080/v1 in Settings > Models > Endpoints",
            )
        self.name = name  # type: ignore[misc]  # the endpoint's name shadows the kind
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = timeout_s
        self.price_in_per_1k = price_in_per_1k
        self.price_out_per_1k = price_out_per_1k
        self._api_key = api_key or None
        add_secret(self._api_key)
        self._client: httpx.AsyncClient | None = None

    # ----- identity -----

    @property
    def is_paid(self) -> bool:
        return not is_loopback_url(self.base_url)

    @property
    def model_name(self) -> str:
        return self.model

    def __repr__(self) -> str:  # never shows the key
        return (
            f"OpenAIBackend(name={self.name!r}, base_url={self.base_url!r}, model={self.model!r})"
        )

    def count_tokens(self, text: str) -> int:
        """An upper-bound estimate without the provider's tokenizer: one token per 3 bytes
        (BPE tokenizers average ~4 characters per token on English)."""
        return max(1, math.ceil(len(text.encode("utf-8")) / 3))

    def count_message_tokens(self, messages: list[Message]) -> int:
        return sum(self.count_tokens(m.content) + 4 for m in messages) + 3

    def cost_usd(self, usage: Usage) -> float:
        return (
            usage.prompt_tokens * self.price_in_per_1k
            + usage.completion_tokens * self.price_out_per_1k
        ) / 1000

    # ----- http -----

    def _http(self) -> httpx.AsyncClient:
        import httpx

        if self._client is None:
            headers = {"Accept": "application/json"}
            if self._api_key:
                headers["Authorization"] = f"Bearer {self._api_key}"
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                headers=headers,
                timeout=httpx.Timeout(self.timeout_s, connect=min(self.timeout_s, 10.0)),
                trust_env=False,
            )
        return self._client

    def _where(self) -> str:
        return f"{self.name} ({self.base_url}, model {self.model})"

    def _fix(self) -> str:
        if self.is_paid:
            return "check the provider's status page and your network, or try again later"
        return f"start the server at {self.base_url} or fix its URL in Settings > Models"

    def _convert(self, exc: Exception) -> Exception:
        import httpx

        if isinstance(exc, httpx.TimeoutException):
            return EndpointError(
                f"{self._where()} did not answer within {self.timeout_s:g} s",
                fix="try again, or raise the endpoint's timeout in Settings > Models",
                retryable=True,
            )
        if isinstance(exc, httpx.ConnectError):
            return EndpointError(
                f"cannot connect to {self._where()}: connection refused or host unreachable",
                fix=self._fix(),
                retryable=True,
            )
        if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
            return EndpointError(
                f"{self._where()} closed the connection before the answer was complete",
                fix=self._fix(),
                retryable=True,
            )
        if isinstance(exc, httpx.HTTPError):
            return EndpointError(
                f"request to {self._where()} failed: {type(exc).__name__}",
                fix=self._fix(),
                retryable=True,
            )
        return exc

    async def _status_error(self, resp: httpx.Response) -> Exception:
        try:
            raw = (await resp.aread()).decode("utf-8", "replace")
        except Exception:
            raw = ""
        detail = raw
        try:
            obj = json.loads(raw)
            if isinstance(obj, dict) and isinstance(obj.get("error"), dict):
                detail = str(obj["error"].get("message", raw))
        except ValueError:
            pass
        detail = redact(" ".join(detail.split())[:200])
        code = resp.status_code
        suffix = f": {detail}" if detail else ""
        if code in (401, 403):
            return NeedsKey(self.name, f"{self._where()} rejected the API key (HTTP {code})")
        if code == 429:
            return EndpointError(
                f"{self._where()} is rate limiting requests (HTTP 429){suffix}",
                fix="wait a minute and try again, or raise your limit with the provider",
                status=code,
                retryable=True,
            )
        if code in (408, 409) or code >= 500:
            return EndpointError(
                f"{self._where()} failed with HTTP {code}{suffix}",
                fix=self._fix(),
                status=code,
                retryable=True,
            )
        return BadInput(
            f"{self._where()} rejected the request (HTTP {code}){suffix}",
            fix="check the model name and options for this endpoint, or shorten the prompt",
        )

    def _garbage(self, what: str) -> EndpointError:
        return EndpointError(
            f"{self._where()} sent {what}, not an OpenAI-style answer",
            fix="check that the base URL points at an OpenAI-compatible /v1 API",
        )

    def _payload(self, opts: GenerationOptions, stream: bool, chat: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": opts.max_tokens,
            "temperature": opts.temperature,
            "top_p": opts.top_p,
            "stream": stream,
        }
        if opts.stop:
            body["stop"] = opts.stop
        if opts.seed is not None:
            body["seed"] = opts.seed
        if opts.logprobs:  # chat: a flag plus top_logprobs; legacy completions: a count
            body["logprobs"] = True if chat else 1
            if chat:
                body["top_logprobs"] = 1
        if opts.json_schema and chat:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "arguments", "schema": opts.json_schema, "strict": True},
            }
        if stream:
            body["stream_options"] = {"include_usage": True}
        return body

    # ----- streaming -----

    def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        if not messages:
            raise BadInput("nothing to send: the conversation is empty", fix="type a question")
        body = self._payload(opts or GenerationOptions(), stream=True, chat=True)
        body["messages"] = [m.to_dict() for m in messages]
        return self._stream("/chat/completions", body, chat=True)

    def stream_complete(
        self, prompt: str, opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        body = self._payload(opts or GenerationOptions(), stream=True, chat=False)
        body["prompt"] = prompt
        return self._stream("/completions", body, chat=False)

    async def _stream(self, path: str, body: dict[str, Any], *, chat: bool) -> AsyncIterator[Piece]:
        client = self._http()
        usage: Usage | None = None
        finish: str | None = None
        done = False
        got_any = False
        try:
            async with client.stream("POST", path, json=body) as resp:
                if resp.status_code >= 400:
                    raise await self._status_error(resp)
                async for line in resp.aiter_lines():
                    line = line.strip()
                    if not line or line.startswith(":"):
                        continue
                    if not line.startswith("data:"):
                        if line.startswith(("event:", "id:", "retry:")):
                            continue
                        raise self._garbage("a line that is not server-sent events")
                    data = line[5:].strip()
                    if data == "[DONE]":
                        done = True
                        break
                    try:
                        obj = json.loads(data)
                    except ValueError as exc:
                        raise self._garbage("malformed JSON in its stream") from exc
                    if not isinstance(obj, dict):
                        raise self._garbage("a stream event that is not an object")
                    got_any = True
                    if isinstance(obj.get("error"), dict):
                        msg = redact(str(obj["error"].get("message", "error")))[:200]
                        raise EndpointError(
                            f"{self._where()} reported an error mid-stream: {msg}",
                            fix=self._fix(),
                            retryable=True,
                        )
                    if isinstance(obj.get("usage"), dict):
                        usage = _usage(obj["usage"])
                    for choice in obj.get("choices") or []:
                        text, logprob = _choice_text(choice, chat)
                        if choice.get("finish_reason"):
                            finish = str(choice["finish_reason"])
                        if text:
                            yield Piece(text, logprob=logprob)
        except (BadInput, NeedsKey, BackendUnavailable):
            raise
        except Exception as exc:
            converted = self._convert(exc)
            if converted is exc:
                raise
            raise converted from exc
        if not done:
            if not got_any:
                raise self._garbage("an empty answer")
            # Some servers end without [DONE] after a finish_reason; without one it died.
            if finish is None:
                raise EndpointError(
                    f"{self._where()} stopped mid-answer (the stream ended without finishing)",
                    fix=self._fix(),
                    retryable=True,
                )
        yield Piece("", finish_reason=finish or "stop", usage=usage)

    # ----- non-streaming -----

    async def chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> Completion:
        if not messages:
            raise BadInput("nothing to send: the conversation is empty", fix="type a question")
        body = self._payload(opts or GenerationOptions(), stream=False, chat=True)
        body["messages"] = [m.to_dict() for m in messages]
        return await self._once("/chat/completions", body, chat=True)

    async def complete(self, prompt: str, opts: GenerationOptions | None = None) -> Completion:
        body = self._payload(opts or GenerationOptions(), stream=False, chat=False)
        body["prompt"] = prompt
        return await self._once("/completions", body, chat=False)

    async def _once(self, path: str, body: dict[str, Any], *, chat: bool) -> Completion:
        client = self._http()
        try:
            resp = await client.post(path, json=body)
            if resp.status_code >= 400:
                raise await self._status_error(resp)
            raw = resp.content
        except (BadInput, NeedsKey, BackendUnavailable):
            raise
        except Exception as exc:
            converted = self._convert(exc)
            if converted is exc:
                raise
            raise converted from exc
        if not raw.strip():
            raise self._garbage("an empty answer")
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            raise self._garbage("a body that is not JSON") from exc
        choices = obj.get("choices") if isinstance(obj, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise self._garbage("JSON without choices")
        choice = choices[0]
        if chat:
            msg = choice.get("message")
            text = msg.get("content") if isinstance(msg, dict) else None
        else:
            text = choice.get("text")
        if not isinstance(text, str):
            raise self._garbage("a choice without text")
        usage = _usage(obj["usage"]) if isinstance(obj.get("usage"), dict) else Usage()
        logprobs = _logprob_list(choice.get("logprobs"))
        return Completion(
            text,
            usage,
            str(choice.get("finish_reason") or "stop"),
            logprobs,
            str(obj.get("model") or self.model),
            self.cost_usd(usage),
        )

    # ----- lifecycle -----

    async def health(self) -> Health:
        try:
            resp = await self._http().get("/models")
        except Exception as exc:
            err = self._convert(exc)
            return Health(False, str(getattr(err, "message", err)), getattr(err, "fix", None))
        if resp.status_code in (401, 403):
            return Health(False, f"{self.name}: API key rejected", f"council key set {self.name}")
        if resp.status_code >= 400:
            return Health(False, f"{self.name}: HTTP {resp.status_code} on /models", self._fix())
        return Health(True, f"{self.name}: {self.base_url} answers")

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()


def _usage(u: dict[str, Any]) -> Usage:
    def num(key: str) -> int:
        v = u.get(key)
        return int(v) if isinstance(v, int | float) else 0

    return Usage(num("prompt_tokens"), num("completion_tokens"))


def _choice_text(choice: Any, chat: bool) -> tuple[str, float | None]:
    if not isinstance(choice, dict):
        return "", None
    if chat:
        delta = choice.get("delta") or {}
        text = delta.get("content") if isinstance(delta, dict) else None
    else:
        text = choice.get("text")
    lps = _logprob_list(choice.get("logprobs"))
    return (text if isinstance(text, str) else ""), (sum(lps) if lps else None)


def _logprob_list(lp: Any) -> list[float] | None:
    """OpenAI chat style {"content": [{"logprob": ..}]} or completion style
    {"token_logprobs": [..]}."""
    if not isinstance(lp, dict):
        return None
    if isinstance(lp.get("content"), list):
        vals = [e.get("logprob") for e in lp["content"] if isinstance(e, dict)]
    elif isinstance(lp.get("token_logprobs"), list):
        vals = lp["token_logprobs"]
    else:
        return None
    out = [float(v) for v in vals if isinstance(v, int | float)]
    return out or None
