"""`council doctor` lines for the cloud: keyring backend, provider, key (never printed)."""

from __future__ import annotations

from council_core.base.status import ComponentStatus


def checks() -> list[ComponentStatus]:
    from council_core.base.errors import CouncilError
    from council_core.base.paths import resolve_paths
    from council_core.base.secrets import env_var, get_key, keyring_status
    from council_core.settings import load_settings

    out: list[ComponentStatus] = []
    kr = keyring_status()
    out.append(
        ComponentStatus(
            "cloud keyring",
            kr.ok,
            kr.backend if kr.ok else f"{kr.detail} ({kr.backend})",
            None
            if kr.ok
            else "install gnome-keyring (or KWallet) and log in to a desktop session; "
            "headless: set COUNCIL_<PROVIDER>_API_KEY",
            optional=True,
        )
    )
    try:
        settings = load_settings(resolve_paths())
    except CouncilError as exc:
        out.append(ComponentStatus("cloud provider", False, exc.message, exc.fix, optional=True))
        return out
    cfg = settings.cloud
    name = cfg.provider.strip()
    endpoints = {e.name: e for e in settings.llm.endpoints}
    if not name:
        out.append(
            ComponentStatus(
                "cloud provider",
                False,
                "none configured (cloud escalation is off)",
                "add an endpoint in Settings > Models, then: council settings set cloud.provider NAME",
                optional=True,
            )
        )
        return out
    ep = endpoints.get(name)
    if ep is None:
        out.append(
            ComponentStatus(
                "cloud provider",
                False,
                f"{name!r} is not one of the endpoints",
                "add it under llm.endpoints, or set cloud.provider to an existing endpoint",
                optional=True,
            )
        )
        return out
    state = "paused" if cfg.paused else ("enabled" if cfg.enabled else "disabled")
    out.append(
        ComponentStatus(
            "cloud provider",
            True,
            f"{name}: {ep.model} at {ep.base_url} (${ep.price_in_per_1k:g}/"
            f"${ep.price_out_per_1k:g} per 1k tokens in/out), {state}",
            optional=True,
        )
    )
    try:
        get_key(name)
        where = "keyring" if kr.ok else env_var(name)
        out.append(ComponentStatus("cloud API key", True, f"present ({where})", optional=True))
    except CouncilError as exc:
        out.append(ComponentStatus("cloud API key", False, exc.message, exc.fix, optional=True))
    return out
