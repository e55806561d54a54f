"""`council doctor` line for folder grants: grants in settings that the protected-paths rule
refuses (``/``, a system folder, a whole home, ``~/.ssh``...) are ignored, and said so here."""

from __future__ import annotations

import os

from council_core.base.status import ComponentStatus


def checks() -> list[ComponentStatus]:
    from council_core.base.paths import resolve_paths
    from council_core.base.protected_paths import grant_refusal
    from council_core.base.textsafe import safe_path
    from council_core.settings import load_settings

    settings = load_settings(resolve_paths())
    out: list[ComponentStatus] = []
    for label, granted, verb in (
        ("file grants", settings.files.granted, "ignored"),
        ("sandbox grants", settings.sandbox.granted, "against the protected-paths rule"),
    ):
        bad = []
        for g in granted:
            path = os.path.expanduser(str(g.path))
            why = grant_refusal(path)
            if why is not None:
                bad.append(f"{safe_path(path)}: {safe_path(why)}")
        if bad:
            out.append(
                ComponentStatus(
                    label,
                    False,
                    f"{len(bad)} of {len(granted)} {verb} (warning): " + "; ".join(bad),
                    "revoke them (council files revoke FOLDER) and grant the folders you need",
                )
            )
        else:
            out.append(ComponentStatus(label, True, f"{len(granted)} folder(s), none refused"))
    return out
