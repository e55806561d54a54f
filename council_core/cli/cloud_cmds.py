"""budget, key set|delete, cloud pause|resume|status."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from .common import print_error, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("budget", help="cloud spend today and this month, remaining, recent calls")
    p.add_argument("--json", action="store_true")
    p.add_argument("--rows", type=int, default=10, help="recent ledger rows to show")
    p.set_defaults(func=cmd_budget)

    p = sub.add_parser("key", help="store or delete a provider's API key in the OS keyring")
    ksub = p.add_subparsers(dest="key_action", metavar="ACTION", required=True)
    k = ksub.add_parser("set", help="read the key from a prompt (or stdin), never argv")
    k.add_argument("provider")
    k.set_defaults(func=cmd_key_set)
    k = ksub.add_parser("delete", help="remove the key")
    k.add_argument("provider")
    k.set_defaults(func=cmd_key_delete)

    p = sub.add_parser("cloud", help="pause or resume cloud escalation")
    p.add_argument("action", choices=["pause", "resume", "status"])
    p.set_defaults(func=cmd_cloud)


def _service() -> Any:
    from council_core.context import SkillContext

    return SkillContext().service("cloud")


def cmd_budget(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError

    try:
        svc = _service()
        spend = svc.spend()
        rows = svc.ledger.recent(max(0, args.rows))
    except CouncilError as exc:
        print_error(exc)
        return 1
    cfg = svc.settings
    if args.json:
        print_json(
            {
                "provider": cfg.cloud.provider,
                "paused": cfg.cloud.paused,
                "spent_today_usd": round(spend.day_usd, 6),
                "spent_month_usd": round(spend.month_usd, 6),
                "daily_limit_usd": spend.day_limit_usd,
                "monthly_limit_usd": spend.month_limit_usd,
                "remaining_usd": round(spend.remaining_usd, 6),
                "recent": [r.__dict__ for r in rows],
            }
        )
        return 0
    print(f"provider:   {cfg.cloud.provider or '(none)'}{' (paused)' if cfg.cloud.paused else ''}")
    print(f"today:      ${spend.day_usd:.4f} of ${spend.day_limit_usd:.2f}")
    print(f"this month: ${spend.month_usd:.4f} of ${spend.month_limit_usd:.2f}")
    print(f"remaining:  ${spend.remaining_usd:.4f}")
    if rows:
        print("recent:")
        for r in rows:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created))
            amount = r.cost_usd if r.state == "settled" else r.reserved_usd
            print(
                f"  #{r.id:<5} {when}  {r.provider:<12} {r.state:<9} ${amount:.4f}"
                f"  {r.prompt_tokens}+{r.completion_tokens} tok  {r.note}"
            )
    return 0


def _read_key() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("API key (input hidden): ")
    return sys.stdin.readline()


def cmd_key_set(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError
    from council_core.base.secrets import set_key

    try:
        key = _read_key()
        backend = set_key(args.provider, key)
    except CouncilError as exc:
        print_error(exc)
        return 1
    print(f"stored the key for {args.provider} in the keyring ({backend})")
    return 0


def cmd_key_delete(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError
    from council_core.base.secrets import delete_key

    try:
        removed = delete_key(args.provider)
    except CouncilError as exc:
        print_error(exc)
        return 1
    print(f"deleted the key for {args.provider}" if removed else f"no key for {args.provider}")
    return 0


def cmd_cloud(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError

    try:
        svc = _service()
        if args.action in ("pause", "resume"):
            svc.set_paused(args.action == "pause")
    except CouncilError as exc:
        print_error(exc)
        return 1
    cfg = svc.settings.cloud
    if not cfg.provider:
        state = "off: no provider (council settings set cloud.provider NAME)"
    else:
        state = "paused" if cfg.paused else ("enabled" if cfg.enabled else "disabled")
    print(f"cloud escalation: {state}{'' if not cfg.provider else f' (provider: {cfg.provider})'}")
    return 0
