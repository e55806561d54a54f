"""The Prolog engine service ("prolog"): SWI-Prolog through pyswip, on ONE dedicated thread.

pyswip is not thread-safe, so every call to it runs on a single worker thread; asyncio code
awaits futures (``await engine.solve(...)``), synchronous code (CLI, benchmarks) blocks on
them (``engine.solve_sync(...)``).

Nothing the user types is ever parsed as Prolog. Facts and goals are Python data (``T``
compounds, ``str`` atoms, ``int``, lists) turned into Prolog terms through the foreign-language
term API; the only predicates called are the fixed entry points of ``rules.pl``. Every
question runs under ``call_with_time_limit/2`` and ``call_with_inference_limit/3``; queries
are opened with ``PL_Q_NODEBUG | PL_Q_CATCH_EXCEPTION`` and ``debug_on_error`` is off, so a
bad clause can never drop the process into the tracer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from council_core.base.errors import BadInput, BugError, ComponentMissing
from council_core.base.logs import get_logger

if TYPE_CHECKING:
    from council_core.context import SkillContext

log = get_logger("logic.engine")

RULES = Path(__file__).with_name("rules.pl")
R = TypeVar("R")


@dataclass(frozen=True)
class T:
    """A compound term: functor name and arguments (atoms are plain ``str``)."""

    name: str
    args: tuple[Any, ...] = ()

    def __init__(self, name: str, *args: Any) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", tuple(args))

    def __repr__(self) -> str:
        return f"{self.name}({', '.join(map(repr, self.args))})"


@dataclass(frozen=True)
class PlString:
    """A Prolog string read back (error texts); never sent to Prolog."""

    text: str


def f(rel: Any, a: Any, b: Any) -> T:
    """One fact as data: ``f(Rel, A, B)``."""
    return T("f", rel, a, b)


class PrologEngine:
    def __init__(self, time_limit_s: float = 1.0, inference_limit: int = 5_000_000) -> None:
        self.time_limit_s = float(time_limit_s)
        self.inference_limit = int(inference_limit)
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._ready = False
        self._c: Any = None  # typed libswipl bindings, made on the worker thread
        self._attached = False
        self.kb_version: object = None  # whose facts are loaded as kb/3 (see facts.py)
        # Start Prolog on this thread so the worker gets its own engine that close() can
        # destroy (otherwise SWI-Prolog complains about a live thread at exit).
        _import_pyswip()

    # ----- threading -----

    def _submit(self, fn: Callable[[], R]) -> concurrent.futures.Future[R]:
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="prolog"
                )
            return self._pool.submit(self._on_thread, fn)

    def _on_thread(self, fn: Callable[[], R]) -> R:
        if not self._ready:
            self._start()
        return fn()

    async def call(self, fn: Callable[[], R]) -> R:
        return await asyncio.wrap_future(self._submit(fn))

    def call_sync(self, fn: Callable[[], R]) -> R:
        return self._submit(fn).result()

    # ----- public API -----

    async def solve(self, facts: list[T], goal: T) -> Any:
        return await self.call(lambda: self._solve(facts, goal))

    def solve_sync(self, facts: list[T], goal: T) -> Any:
        return self.call_sync(lambda: self._solve(facts, goal))

    def kb_replace_sync(self, facts: list[T], version: object) -> None:
        def go() -> None:
            self._call_entry("kb_replace", [list(facts)])
            self.kb_version = version

        self.call_sync(go)

    async def kb_replace(self, facts: list[T], version: object) -> None:
        await asyncio.wrap_future(
            self._submit(lambda: (self._call_entry("kb_replace", [list(facts)]), None)[1])
        )
        self.kb_version = version

    def kb_count_sync(self) -> int:
        out = self.call_sync(lambda: self._call_entry("kb_count", [None]))
        return int(out[0])

    async def warm(self) -> None:
        await self.call(lambda: None)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        if self._ready and self._attached:
            try:
                pool.submit(self._detach).result()
            except RuntimeError:  # interpreter exit already stopped the pool's thread
                pass
        pool.shutdown(wait=True)
        self._ready = False

    def _detach(self) -> None:
        from pyswip import core

        core._lib["PL_thread_destroy_engine"]()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    # ----- on the Prolog thread -----

    def _start(self) -> None:
        try:
            from pyswip import core
            from pyswip.prolog import Prolog
        except ImportError as exc:
            raise ComponentMissing(
                "SWI-Prolog or pyswip is not installed",
                fix="apt-get install swi-prolog-nox && pip install pyswip==0.3.3 "
                "(installer/install.sh does both)",
            ) from exc
        except Exception as exc:  # pyswip raises plain errors when libswipl is missing
            raise ComponentMissing(
                f"SWI-Prolog cannot start: {exc}",
                fix="apt-get install swi-prolog-nox (installer/install.sh does it)",
            ) from exc
        self._c = _bind(core._lib)
        # pyswip initialises Prolog on the thread that imports it; any other thread (ours,
        # usually) gets its own engine, destroyed again in close().
        self._attached = core.PL_thread_self() == -1
        Prolog._init_prolog_thread()
        self._call_plain("set_prolog_flag", ["debug_on_error", "false"])
        self._call_plain("set_prolog_flag", ["report_error", "false"])
        self._call_plain("set_prolog_flag", ["verbose_load", "silent"])
        if not self._call_plain("consult", [str(RULES)]):
            raise BugError(f"the logic rule library {RULES} did not load")
        self._ready = True
        log.info("prolog engine ready on thread %s", threading.current_thread().name)

    def _solve(self, facts: list[T], goal: T) -> Any:
        out = self._call_entry(
            "run", [list(facts), goal, self.time_limit_s, self.inference_limit, None]
        )
        result = out[4]
        if isinstance(result, T) and result.name == "limit":
            what = "time" if result.args[0] == "time" else "inference"
            raise BadInput(
                f"the reasoning problem ran past its {what} limit",
                fix="ask a smaller question or forget some stored facts (council facts list)",
            )
        if isinstance(result, T) and result.name == "error":
            raise BugError(f"the logic rules failed: {_text(result.args[0])}")
        return result

    def _call_entry(self, name: str, args: list[Any]) -> list[Any]:
        """Call council_logic:name(args...); ``None`` args are output variables."""
        c = self._c
        fid = c.PL_open_foreign_frame()
        try:
            a0 = c.PL_new_term_refs(len(args))
            for i, a in enumerate(args):
                if a is not None:
                    self._put(a0 + i, a)
            pred = c.PL_predicate(name.encode(), len(args), b"council_logic")
            qid = c.PL_open_query(None, _Q_FLAGS, pred, a0)
            try:
                if not c.PL_next_solution(qid):
                    exc = c.PL_exception(qid)
                    if exc:
                        raise BugError(f"prolog {name} raised {self._get(exc)!r}")
                    raise BugError(f"prolog {name} failed")
                return [self._get(a0 + i) for i in range(len(args))]
            finally:
                c.PL_cut_query(qid)
        finally:
            c.PL_discard_foreign_frame(fid)

    def _call_plain(self, name: str, atoms: list[str]) -> bool:
        """A fixed system predicate with atom arguments (start-up only)."""
        c = self._c
        fid = c.PL_open_foreign_frame()
        try:
            a0 = c.PL_new_term_refs(len(atoms))
            for i, a in enumerate(atoms):
                self._put(a0 + i, a)
            pred = c.PL_predicate(name.encode(), len(atoms), None)
            qid = c.PL_open_query(None, _Q_FLAGS, pred, a0)
            try:
                return bool(c.PL_next_solution(qid))
            finally:
                c.PL_cut_query(qid)
        finally:
            c.PL_discard_foreign_frame(fid)

    # term conversion (Python data <-> Prolog terms) through the term API only

    def _put(self, ref: int, value: Any) -> None:
        c = self._c
        if isinstance(value, bool):
            raise TypeError("booleans are not Prolog terms")
        if isinstance(value, str):
            raw = value.encode("utf-8")
            c.PL_put_chars(ref, _PL_ATOM | _REP_UTF8, len(raw), raw)
        elif isinstance(value, int):
            if not -(2**63) <= value < 2**63:
                raise BadInput("a number is too large", fix="use numbers below 2**63")
            c.PL_put_int64(ref, value)
        elif isinstance(value, float):
            c.PL_put_float(ref, value)
        elif isinstance(value, list | tuple):
            c.PL_put_nil(ref)
            head = c.PL_new_term_ref()
            for item in reversed(value):
                self._put(head, item)
                c.PL_cons_list(ref, head, ref)
        elif isinstance(value, T):
            n = len(value.args)
            argv = c.PL_new_term_refs(max(n, 1))
            for i, a in enumerate(value.args):
                self._put(argv + i, a)
            raw = value.name.encode("utf-8")
            functor = c.PL_new_functor(c.PL_new_atom_mbchars(_REP_UTF8, len(raw), raw), n)
            c.PL_cons_functor_v(ref, functor, argv)
        else:
            raise TypeError(f"cannot pass {type(value).__name__} to Prolog")

    def _chars(self, ref: int, flags: int) -> str:
        c = self._c
        size = ctypes.c_size_t()
        s = ctypes.c_char_p()
        if not c.PL_get_nchars(ref, ctypes.byref(size), ctypes.byref(s), flags | _REP_UTF8):
            return ""
        return ctypes.string_at(s, size.value).decode("utf-8", "replace")

    def _get(self, ref: int) -> Any:
        c = self._c
        kind = c.PL_term_type(ref)
        if kind == _PL_NIL:
            return []
        if kind == _PL_ATOM:
            return self._chars(ref, _CVT_ATOM)
        if kind == _PL_INTEGER:
            v = ctypes.c_int64()
            c.PL_get_int64(ref, ctypes.byref(v))
            return int(v.value)
        if kind == _PL_FLOAT:
            d = ctypes.c_double()
            c.PL_get_float(ref, ctypes.byref(d))
            return float(d.value)
        if kind == _PL_STRING:
            return PlString(self._chars(ref, _CVT_STRING))
        if kind == _PL_LIST_PAIR:
            items = []
            lst = c.PL_copy_term_ref(ref)
            head = c.PL_new_term_ref()
            while c.PL_get_list(lst, head, lst):
                items.append(self._get(head))
            return items
        if kind == _PL_TERM:
            name = ctypes.c_size_t()
            arity = ctypes.c_size_t()
            c.PL_get_name_arity_sz(ref, ctypes.byref(name), ctypes.byref(arity))
            size = ctypes.c_size_t()
            s = c.PL_atom_nchars(name, ctypes.byref(size))
            fname = ctypes.string_at(s, size.value).decode("utf-8", "replace")
            arg = c.PL_new_term_ref()
            args = []
            for i in range(1, arity.value + 1):
                c.PL_get_arg_sz(i, ref, arg)
                args.append(self._get(arg))
            return T(fname, *args)
        return None  # unbound variable or a blob


# SWI-Prolog.h (9.x) constants
_PL_ATOM, _PL_INTEGER, _PL_FLOAT, _PL_STRING, _PL_TERM, _PL_NIL = 2, 3, 5, 6, 7, 8
_PL_LIST_PAIR = 10
_CVT_ATOM, _CVT_STRING = 0x1, 0x2
_REP_UTF8 = 0x00100000
_Q_FLAGS = 0x04 | 0x08  # PL_Q_NODEBUG | PL_Q_CATCH_EXCEPTION


def _bind(lib: Any) -> Any:
    """Typed ctypes bindings for the few libswipl functions used (pyswip's own wrappers
    coerce strings and truncate 64-bit handles in places)."""
    from types import SimpleNamespace

    sz, ci, cp, vp = ctypes.c_size_t, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p
    p = ctypes.POINTER
    sigs: dict[str, tuple[Any, list[Any]]] = {
        "PL_open_foreign_frame": (sz, []),
        "PL_discard_foreign_frame": (None, [sz]),
        "PL_new_term_ref": (sz, []),
        "PL_new_term_refs": (sz, [ci]),
        "PL_copy_term_ref": (sz, [sz]),
        "PL_predicate": (vp, [cp, ci, cp]),
        "PL_open_query": (sz, [vp, ci, vp, sz]),
        "PL_next_solution": (ci, [sz]),
        "PL_cut_query": (ci, [sz]),
        "PL_exception": (sz, [sz]),
        "PL_put_chars": (ci, [sz, ci, sz, cp]),
        "PL_put_int64": (ci, [sz, ctypes.c_int64]),
        "PL_put_float": (ci, [sz, ctypes.c_double]),
        "PL_put_nil": (ci, [sz]),
        "PL_cons_list": (ci, [sz, sz, sz]),
        "PL_new_atom_mbchars": (sz, [ci, sz, cp]),
        "PL_new_functor_sz": (sz, [sz, sz]),
        "PL_cons_functor_v": (ci, [sz, sz, sz]),
        "PL_term_type": (ci, [sz]),
        "PL_get_nchars": (ci, [sz, p(sz), p(cp), ctypes.c_uint]),
        "PL_get_int64": (ci, [sz, p(ctypes.c_int64)]),
        "PL_get_float": (ci, [sz, p(ctypes.c_double)]),
        "PL_get_list": (ci, [sz, sz, sz]),
        "PL_get_name_arity_sz": (ci, [sz, p(sz), p(sz)]),
        "PL_atom_nchars": (vp, [sz, p(sz)]),
        "PL_get_arg_sz": (ci, [sz, sz, sz]),
    }
    ns = SimpleNamespace()
    for name, (res, argtypes) in sigs.items():
        fn = lib[name]  # a fresh function object: pyswip's own stay untouched
        fn.restype = res
        fn.argtypes = argtypes
        setattr(ns, name, fn)
    ns.PL_new_functor = ns.PL_new_functor_sz
    return ns


def _text(value: Any) -> str:
    return value.text if isinstance(value, PlString) else str(value)


def _import_pyswip() -> None:
    """Import pyswip (which starts SWI-Prolog) on the calling thread, with a clear error."""
    try:
        import pyswip  # noqa: F401
    except ImportError as exc:
        raise ComponentMissing(
            "pyswip is not installed", fix="pip install pyswip==0.3.3 (installer/install.sh)"
        ) from exc
    except Exception as exc:  # pyswip raises plain errors when libswipl is missing
        raise ComponentMissing(
            f"SWI-Prolog cannot start: {exc}",
            fix="apt-get install swi-prolog-nox (installer/install.sh does it)",
        ) from exc


_SHARED: PrologEngine | None = None
_SHARED_LOCK = threading.Lock()


class _SharedEngine(PrologEngine):
    """The process-wide engine: one Prolog thread per process, whatever the contexts."""

    async def aclose(self) -> None:  # contexts come and go; the thread stays (atexit)
        return None


def shared_engine() -> PrologEngine:
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            import atexit
            import concurrent.futures.thread  # noqa: F401  (its exit hook must run after ours)

            _SHARED = _SharedEngine()
            # threading's exit hooks run before atexit's, newest first: registering here lets
            # the Prolog thread detach its engine before concurrent.futures joins the worker
            # (otherwise SWI-Prolog prints "Failed to stop Prolog threads" at exit).
            register = getattr(threading, "_register_atexit", atexit.register)
            register(_SHARED.close)
        return _SHARED


def build(ctx: SkillContext) -> PrologEngine:
    """The "prolog" service: the process-wide engine (pyswip allows one Prolog per process,
    and every call to it runs on the engine's one thread)."""
    return shared_engine()


__all__ = ["PrologEngine", "T", "f", "build", "shared_engine"]
