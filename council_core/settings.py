"""Typed settings: one object, titled sub-models, stored as JSON in the config dir.

Precedence: ``COUNCIL_*`` environment variables (nested with ``__``, e.g.
``COUNCIL_LLM__MODEL_TIER=smollm2``) over the settings file over defaults. The settings
dialog is generated from the field titles and descriptions. Secrets never live here: API keys
are in the OS keyring (see ``council_core.base.secrets``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from council_core.base.errors import BadInput, StorageError
from council_core.base.paths import Paths, resolve_paths

SCHEMA_VERSION = 1


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RouterSettings(_Section):
    """How the council picks a skill."""

    min_score: float = Field(
        0.35,
        ge=0,
        le=1,
        title="Minimum routing score",
        description="A skill must score at least this to be tried.",
    )
    skill_timeout_s: float = Field(
        60.0,
        gt=0,
        title="First-answer limit (s)",
        description="A skill that shows no answer text within this time is stopped "
        "(for a skill that does not stream, the limit for its whole answer; word problems, "
        "which write a program and reason before answering, get at least 180 s).",
    )
    silence_timeout_s: float = Field(
        30.0,
        gt=0,
        title="Silence limit while streaming (s)",
        description="An answer that is streaming is stopped only when no text comes for this "
        "long; the partial answer is kept and can be continued.",
    )
    disabled_skills: list[str] = Field(
        default_factory=list,
        title="Disabled skills",
        description="Skill names the router never tries.",
    )


class HotkeySettings(_Section):
    """The global shortcut that shows the chat popup."""

    sequence: str = Field(
        "Ctrl+Alt+Space",
        title="Hotkey",
        description="Shows or hides the chat popup from any application.",
    )
    enabled: bool = Field(True, title="Enable global hotkey")


class OpenAIEndpoint(_Section):
    name: str = Field(..., title="Name", description="A short name, e.g. 'ollama' or 'openai'.")
    base_url: str = Field(..., title="Base URL", description="e.g. http://127.0.0.1:11434/v1")
    model: str = Field(..., title="Model name")
    price_in_per_1k: float = Field(0.0, ge=0, title="Price per 1k prompt tokens (USD)")
    price_out_per_1k: float = Field(0.0, ge=0, title="Price per 1k completion tokens (USD)")
    timeout_s: float = Field(60.0, gt=0, title="Timeout (s)")


class LLMSettings(_Section):
    """Local language models."""

    backend: Literal["llamacpp", "openai", "exllamav2"] = Field(
        "llamacpp", title="Backend", description="Which backend the general skill uses."
    )
    model_tier: Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"] = Field(
        "qwen2.5-coder-1.5b",
        title="Embedded model",
        description="1.5B: best answers (~1.9 GB RAM); 0.5B: low-RAM machines; 135M: tests.",
    )
    model_path: str = Field("", title="GGUF file", description="Any GGUF file; overrides the tier.")
    n_ctx: int = Field(4096, ge=512, le=131072, title="Context window (tokens)")
    n_threads: int = Field(0, ge=0, title="Threads", description="0 = number of cores.")
    max_tokens: int = Field(512, ge=1, le=8192, title="Max answer tokens")
    temperature: float = Field(0.2, ge=0, le=2, title="Temperature")
    idle_unload_s: float = Field(
        900.0, ge=0, title="Unload after idle (s)", description="0 keeps the model loaded."
    )
    openai_endpoint: str = Field(
        "",
        title="OpenAI-compatible endpoint",
        description="Name of an entry in endpoints to use as backend.",
    )
    endpoints: list[OpenAIEndpoint] = Field(default_factory=list, title="Endpoints")
    exllama_model_dir: str = Field(
        "",
        title="ExLlamaV2 model dir",
        description="An EXL2/GPTQ model directory (needs a CUDA GPU).",
    )


class BudgetSettings(_Section):
    """Cloud spending limits (USD)."""

    daily_usd: float = Field(1.0, ge=0, title="Daily limit")
    monthly_usd: float = Field(10.0, ge=0, title="Monthly limit")
    auto_approve_per_request_usd: float = Field(0.0, ge=0, title="Auto-approve a request under")
    auto_approve_per_day_usd: float = Field(
        0.0, ge=0, title="Auto-approve while today's spend is under"
    )


class CloudSettings(_Section):
    """Escalation to paid providers."""

    enabled: bool = Field(True, title="Offer cloud escalation")
    paused: bool = Field(False, title="Pause cloud", description="Never escalate while paused.")
    provider: str = Field("", title="Provider", description="Name of an entry in LLM endpoints.")
    confidence_threshold: float = Field(0.5, ge=0, le=1, title="Escalate below confidence")
    max_output_tokens: int = Field(512, ge=1, title="Max output tokens per request")
    never_send_folders: list[str] = Field(default_factory=list, title="Never send these folders")
    never_send_sessions: list[str] = Field(default_factory=list, title="Never send these sessions")


class GrantedFolder(_Section):
    path: str = Field(..., title="Folder")
    mode: Literal["ro", "rw"] = Field("ro", title="Access")


class SandboxSettings(_Section):
    """Limits for code that runs in the Firejail sandbox."""

    timeout_s: float = Field(10.0, gt=0, le=600, title="Wall-clock limit (s)")
    memory_mb: int = Field(512, ge=32, title="Memory limit (MB)")
    cpu_s: int = Field(10, ge=1, title="CPU time limit (s)")
    file_size_mb: int = Field(64, ge=1, title="Largest file written (MB)")
    max_processes: int = Field(64, ge=1, title="Process limit")
    max_open_files: int = Field(256, ge=16, title="Open files limit")
    max_output_kb: int = Field(64, ge=1, title="Output kept (KB)")
    workspace_mb: int = Field(512, ge=1, title="Workspace disk quota (MB)")
    pool_size: int = Field(2, ge=0, le=16, title="Pre-started sandboxes")
    show_code_before_run: bool = Field(False, title="Ask before running generated code")
    max_repairs: int = Field(2, ge=0, le=5, title="Repair attempts after an error")
    granted: list[GrantedFolder] = Field(
        default_factory=list,
        title="Folders generated code may use",
        description="Mounted into the sandbox; read-only unless the access is rw.",
    )


class MemorySettings(_Section):
    """Conversation memory."""

    enabled: bool = Field(True, title="Remember conversations")
    context_tokens: int = Field(1024, ge=0, title="Memory context budget (tokens)")
    recent_turns: int = Field(6, ge=0, title="Recent turns in context")
    recall_tokens: int = Field(
        160,
        ge=0,
        title="Recalled memories budget (tokens)",
        description="Older memories added to a question; each token costs prompt reading time.",
    )
    # all-MiniLM-L6-v2 scores a paraphrased question against the stated fact 0.36-0.79
    # (mean 0.60) and unrelated turns <= 0.48 (mean of the best 0.25): bench/bench_memory.py.
    cross_session_threshold: float = Field(
        0.45, ge=0, le=1, title="Recall from other sessions above"
    )


class KnowledgeSettings(_Section):
    """Your documents."""

    folders: list[str] = Field(default_factory=list, title="Known folders")
    chunk_words: int = Field(200, ge=50, le=2000, title="Chunk size (words)")
    max_file_mb: int = Field(100, ge=1, title="Largest file ingested (MB)")
    generate_answers: bool = Field(
        True,
        title="Phrase answers with the LLM",
        description="Off: quote the best passage (faster).",
    )


class FilesSettings(_Section):
    """File actions."""

    granted: list[GrantedFolder] = Field(
        default_factory=list,
        title="Folders file actions may change",
        description="Find, move, rename and tidy files only here (every plan asks first).",
    )


class MetricsSettings(_Section):
    """Metrics."""

    serve: bool = Field(False, title="Serve /metrics on 127.0.0.1")
    port: int = Field(9464, ge=1, le=65535, title="Metrics port")


class ServeSettings(_Section):
    """The OpenAI-compatible API (`council serve`)."""

    host: str = Field("127.0.0.1", title="Bind address")
    port: int = Field(8765, ge=1, le=65535, title="Port")
    allow_non_loopback: bool = Field(False, title="Allow non-loopback binds")


class McpServerEntry(_Section):
    """An MCP server whose tools Council may use (`council mcp add`)."""

    name: str = Field(..., title="Name", pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    command: list[str] = Field(default_factory=list, title="Command (stdio)")
    url: str = Field("", title="URL (streamable HTTP)")
    env: dict[str, str] = Field(default_factory=dict, title="Extra environment")
    enabled: bool = Field(True, title="On")


class McpSettings(_Section):
    """MCP: Council as a server for other agents (`council mcp`), and other servers' tools
    for Council (`council mcp add`)."""

    disabled_tools: list[str] = Field(
        default_factory=list,
        title="Tools turned off",
        description="MCP tools other agents may not call: ask, calculate, reason, "
        "search_documents, run_code, find_files, plan_file_changes, apply_file_plan, "
        "remember, recall.",
    )
    http_port: int = Field(8766, ge=1, le=65535, title="Port of `council mcp --http`")
    servers: list[McpServerEntry] = Field(
        default_factory=list,
        title="MCP servers Council uses",
        description="Their tools answer prompts that clearly match a tool; each call is approved.",
    )
    always_allowed_tools: list[str] = Field(
        default_factory=list,
        title="Tools allowed without asking",
        description="'server/tool' names you approved with 'always'; remove one to be asked again.",
    )
    # Chosen on the dev half of bench/eval/sets/mcp_tools.jsonl (all-MiniLM-L6-v2 cosine of
    # the prompt and "tool name: description", +0.05 per tool-name word in the prompt).
    tool_match: float = Field(
        0.33,
        ge=0,
        le=1,
        title="Tool match threshold",
        description="How close a prompt must be to a tool's description (cosine) to use it.",
    )


class AppSettings(_Section):
    """Desktop app."""

    autostart: bool = Field(False, title="Start at login")
    show_skill_and_latency: bool = Field(True, title="Show skill and latency per answer")
    hide_on_focus_loss: bool = Field(
        True,
        title="Hide the chat when I click elsewhere",
        description="Like a launcher: the popup hides when another application gets the focus.",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COUNCIL_",
        env_nested_delimiter="__",
        extra="ignore",
        validate_assignment=True,
    )

    schema_version: int = SCHEMA_VERSION
    router: RouterSettings = Field(default_factory=RouterSettings, title="Router")
    hotkey: HotkeySettings = Field(default_factory=HotkeySettings, title="Hotkey")
    llm: LLMSettings = Field(default_factory=LLMSettings, title="Models")
    budget: BudgetSettings = Field(default_factory=BudgetSettings, title="Budget")
    cloud: CloudSettings = Field(default_factory=CloudSettings, title="Cloud")
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings, title="Sandbox")
    memory: MemorySettings = Field(default_factory=MemorySettings, title="Memory")
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings, title="Knowledge")
    files: FilesSettings = Field(default_factory=FilesSettings, title="Files")
    metrics: MetricsSettings = Field(default_factory=MetricsSettings, title="Metrics")
    serve: ServeSettings = Field(default_factory=ServeSettings, title="API server")
    mcp: McpSettings = Field(default_factory=McpSettings, title="MCP server")
    app: AppSettings = Field(default_factory=AppSettings, title="Desktop app")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file (passed as init kwargs) over defaults.
        return (env_settings, init_settings)


# schema_version N -> N+1 upgrades of the raw JSON dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = int(data.get("schema_version", 0) or 0)
    if version > SCHEMA_VERSION:
        raise BadInput(
            f"settings file has schema version {version}, newer than this Council "
            f"({SCHEMA_VERSION})",
            fix="upgrade Council, or move the settings file away",
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is not None:
            data = step(data)
        version += 1
        data["schema_version"] = version
    return data


def load_settings(paths: Paths | None = None) -> Settings:
    paths = paths or resolve_paths()
    data: dict[str, Any] = {}
    f = paths.settings_file
    if f.exists():
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BadInput(
                f"cannot read settings file {f}: {exc}",
                fix=f"fix or delete {f} (defaults are used when it is missing)",
            ) from exc
        if not isinstance(data, dict):
            raise BadInput(f"settings file {f} is not a JSON object", fix=f"fix or delete {f}")
        data = migrate(data)
    try:
        return Settings(**data)
    except ValueError as exc:
        raise BadInput(f"invalid settings in {f}: {exc}", fix=f"fix or delete {f}") from exc


def save_settings(settings: Settings, paths: Paths | None = None) -> Path:
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    paths = paths or resolve_paths()
    f = paths.settings_file
    try:
        f.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=f.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(settings.model_dump(mode="json"), out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, f)
    except OSError as exc:
        raise StorageError(
            f"cannot write settings to {f}: {exc}",
            fix="check that the config dir is writable and the disk not full",
        ) from exc
    return f
