"""Document answers through the whole council, the way a user gets them (`council batch`).

A folder of this machine's man pages (the pages of bench/eval/sets/knowledge_manpages_unseen.jsonl
and knowledge_manpages.jsonl plus small filler pages up to BENCH_MAN_PAGES) and the private
notes of bench/eval/docs are ingested into one store; then every question goes through the
router with all the registered skills, in one session, like `council batch`. Measured per set
and split:
  - answer right and cited: one of the expected answer tokens stands in the answer (as a whole
    token: "-c" does not match inside "--count") and the expected document is among its sources;
  - right (token only), cited (document only), routed to the knowledge skill;
  - answers that show a citation marker ("[1]") instead of / next to the answer;
  - empty answers; first token and whole answer p50 (the generated answers: BENCH_GENERATE=0
    quotes extractively instead).
The unseen set was written before any tuning (see its commit); tune on dev only. Its split
heldout2 (30 questions on 27 pages, 21 in neither earlier set) was written before the second
pass's tuning, after the first held-out half had been looked at; heldout3 (30 questions on 23
pages no earlier split uses) before the third pass's, which tuned on the other three (--split
tuned); heldout4 (30 questions on 26 pages no earlier split uses) before the fourth pass's,
which tuned on the first four; heldout5 (30 questions on 26 pages no earlier split uses,
written by a helper session that never saw the code) before the sixth pass, which tuned on
the first five.
Run: python bench/bench_knowledge_answers.py [--split dev|heldout|heldout2|heldout3|heldout4|heldout5|tuned|all|A,B]
[--set unseen|docs|all]
(writes bench/results/knowledge_answers.json, and one line per answer to
bench/results/knowledge_answers.jsonl)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
UNSEEN = ROOT / "bench" / "eval" / "sets" / "knowledge_manpages_unseen.jsonl"
OLD = ROOT / "bench" / "eval" / "sets" / "knowledge_manpages.jsonl"
DOCS_SET = ROOT / "bench" / "eval" / "sets" / "knowledge.jsonl"
NOTES = ROOT / "bench" / "eval" / "docs"
STORE_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "council-bench"
TUNED = ("dev", "heldout", "heldout2")  # the splits looked at while tuning
MARKER = re.compile(r"\[\d+\]")


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def has_token(answer: str, token: str) -> bool:
    """token stands in answer as a whole: "-c" not inside "--count" or "-cx"; "10" not in
    "100"; case kept for options (-r and -R differ)."""
    pat = r"(?<![\w-])" + re.escape(token) + r"(?![\w-])"
    flags = 0 if token.startswith("-") else re.IGNORECASE
    return re.search(pat, answer, flags) is not None


def questions(which: str) -> list[dict[str, Any]]:
    out = []
    if which in ("unseen", "all"):
        for q in load(UNSEEN):
            out.append({**q, "set": "unseen", "doc": q["page"] + ".txt"})
    if which in ("docs", "all"):
        for q in load(DOCS_SET):
            out.append({
                "id": q["id"], "question": q["prompt"], "answer": [q["expected"]],
                "split": q["split"], "set": "docs", "doc": None,
            })  # fmt: skip
    return out


def in_split(q: dict[str, Any], split: str) -> bool:
    if split == "tuned":
        return q["split"] in TUNED
    return split == "all" or q["split"] in split.split(",")


def corpus_files() -> list[Path]:
    from bench.bench_knowledge import render_corpus

    pages = load(UNSEEN) + [q for q in load(OLD) if q["page"]]
    return render_corpus(pages)


def build_store(files: list[Path], work: Path) -> Any:
    """The ingested store, built once in a cache folder per PARSER_VERSION (resumable:
    an interrupted run's ingest goes on where it stopped), then copied for this run. The
    corpus folder is made once: the man pages plus the notes."""
    from council_core.base.embed import shared_embedder
    from council_core.knowledge.documents import DocumentStore
    from council_core.knowledge.parsers import PARSER_VERSION

    tag = f"pv{PARSER_VERSION}"  # bumped whenever parsing or chunking changes
    cached = STORE_CACHE / f"answers-store-{tag}"
    corpus = STORE_CACHE / f"answers-corpus-{tag}"
    # the pages in the corpus: a set that gains questions on new pages re-ingests (only the
    # new files: ingest skips unchanged ones)
    listing = "\n".join(sorted(f.name for f in files))
    emb = shared_embedder()
    emb.load()
    done = cached / "done"
    if not done.exists() or done.read_text() != listing:
        (corpus / "man").mkdir(parents=True, exist_ok=True)
        for f in files:
            if not (corpus / "man" / f.name).exists():
                shutil.copy(f, corpus / "man" / f.name)
        if not (corpus / "notes").exists():
            shutil.copytree(NOTES, corpus / "notes")
        cached.mkdir(parents=True, exist_ok=True)
        s = DocumentStore(cached / "documents.sqlite3", cached / "documents.faiss", embedder=emb)
        t = time.perf_counter()
        rep = s.ingest([corpus])
        print(f"ingested {rep.chunks_added} chunks in {time.perf_counter() - t:.0f} s", flush=True)
        s.close()
        done.write_text(listing)
    folder = work / "docs"
    shutil.copytree(cached, folder)
    return DocumentStore(folder / "documents.sqlite3", folder / "documents.faiss", embedder=emb)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--split", default="all",
        help="dev, heldout, heldout2, ..., heldout5 (or several, comma-separated), all, "
        "or tuned: dev, heldout and heldout2 (the splits looked at while tuning)",
    )  # fmt: skip
    ap.add_argument("--set", default="all", choices=("unseen", "docs", "all"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument(
        "--direct", action="store_true",
        help="the knowledge skill alone, quoting (no model, no router): retrieval + quote",
    )  # fmt: skip
    ap.add_argument(
        "--calibrate", action="store_true",
        help="the re-ranked evidence of answerable dev questions vs general ones (dev only)",
    )  # fmt: skip
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="council-answers-"))
    os.environ["COUNCIL_HOME"] = str(work / "home")
    from council_core.approval import ApprovalChannel, decline_all
    from council_core.base.result import Chunk
    from council_core.context import SkillContext
    from council_core.router import Council

    qs = [q for q in questions(args.set) if in_split(q, args.split)]
    if args.limit:
        qs = qs[: args.limit]
    store = build_store(corpus_files(), work)
    ctx = SkillContext(approval=ApprovalChannel(decline_all))
    ctx.provide("documents", store)
    if args.calibrate:
        return calibrate(ctx)
    if args.direct:
        return direct(ctx, qs)
    if os.environ.get("BENCH_GENERATE", "1") == "0":
        ctx.settings.knowledge.generate_answers = False
    council = Council(ctx)

    async def go() -> list[dict[str, Any]]:
        rows = []
        # warm up: load the models (embedder, LLM) once, outside the figures
        await council.ask("In the man pages, what does ls do?", "bench-warm")
        for q in qs:
            t0 = time.perf_counter()
            first: list[tuple[float, str | None]] = []

            def emit(
                ev: Any, first: list[tuple[float, str | None]] = first, t0: float = t0
            ) -> None:
                if isinstance(ev, Chunk) and ev.text.strip():
                    first.append((time.perf_counter() - t0, ev.skill))

            r = await council.ask(q["question"], "bench", emit=emit, no_cloud=True, batch=True)
            total = time.perf_counter() - t0
            ft = next((t for t, s in first if s == r.skill), None)
            paths = [Path(s.path).name for s in r.sources]
            right = any(has_token(r.answer, a) for a in q["answer"])
            # the notes: any of them (a fact lives in one note, twice for the DOCX/PDF pair)
            notes = any("/notes/" in s.path for s in r.sources)
            cited = q["doc"] in paths if q["doc"] else notes
            rows.append({
                "id": q["id"], "set": q["set"], "split": q["split"], "question": q["question"],
                "expected": q["answer"], "doc": q["doc"], "answer": r.answer, "skill": r.skill,
                "sources": paths[:5], "right": right, "cited": cited,
                "right_and_cited": right and cited, "marker": bool(MARKER.search(r.answer)),
                "empty": not r.answer.strip(), "first_token_s": ft, "total_s": total,
                "notes": r.notes, "confidence": r.confidence,
                "error": r.error.message if r.error else None,
            })  # fmt: skip
            mark = "ok " if right and cited else ("r- " if right else ("-c " if cited else "-- "))
            print(f"{mark}{q['id']:12s} {r.skill or '-':9s} {total:5.1f}s {r.answer[:90]!r}")
        return rows

    try:
        rows = asyncio.run(go())
    finally:
        asyncio.run(council.aclose())
    figures: dict[str, Any] = {}
    for name in sorted({(r["set"], r["split"]) for r in rows}):
        part = [r for r in rows if (r["set"], r["split"]) == name]
        n = len(part)
        fts = [r["first_token_s"] for r in part if r["first_token_s"] is not None]
        figures[f"{name[0]}/{name[1]}"] = {
            "questions": n,
            "right_and_cited": sum(r["right_and_cited"] for r in part) / n,
            "right": sum(r["right"] for r in part) / n,
            "cited": sum(r["cited"] for r in part) / n,
            "routed_to_knowledge": sum(r["skill"] == "knowledge" for r in part) / n,
            "citation_markers": sum(r["marker"] for r in part),
            "empty_answers": sum(r["empty"] for r in part),
            "first_token_p50_s": statistics.median(fts) if fts else None,
            "total_p50_s": statistics.median(r["total_s"] for r in part),
        }
    print(f"{'set/split':16s} | n  | right+cited | right | cited | knowledge | markers | "
          "empty | first tok p50 | total p50")  # fmt: skip
    for name, f in figures.items():
        ft = f"{f['first_token_p50_s']:.2f} s" if f["first_token_p50_s"] is not None else "-"
        print(
            f"{name:16s} | {f['questions']:2d} | {f['right_and_cited']:11.3f} | {f['right']:.3f} "
            f"| {f['cited']:.3f} | {f['routed_to_knowledge']:9.3f} | {f['citation_markers']:7d} "
            f"| {f['empty_answers']:5d} | {ft:>13s} | {f['total_p50_s']:.2f} s"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    tag = os.environ.get("BENCH_TAG", "")
    (out / f"knowledge_answers{tag}.json").write_text(json.dumps(figures, indent=2))
    with (out / f"knowledge_answers{tag}.jsonl").open("w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    return 0


def direct(ctx: Any, qs: list[dict[str, Any]]) -> int:
    """The knowledge skill alone, quoting: is the right passage found and quoted?"""
    from council_core.skill import Query
    from council_core.skills.knowledge import KnowledgeSkill

    ctx.settings.knowledge.generate_answers = False
    skill = KnowledgeSkill(ctx)
    by: dict[str, list[int]] = {}
    for q in qs:
        ans = asyncio.run(skill.answer(Query(q["question"])))
        paths = [Path(s.path).name for s in ans.sources]
        right = any(has_token(ans.answer, a) for a in q["answer"])
        cited = q["doc"] in paths if q["doc"] else any("/notes/" in s.path for s in ans.sources)
        top5 = skill._retrieve(q["question"])
        in5 = any(Path(h.path).name == q["doc"] for h in top5) if q["doc"] else True
        by.setdefault(f"{q['set']}/{q['split']}", []).append(int(right and cited))
        if not (right and cited):
            print(f"-- {q['id']} ev={ans.data.get('evidence')} in_top5={in5} "
                  f"{q['question'][:60]!r} -> {paths[:3]} {ans.answer[:100]!r}")  # fmt: skip
    for k, v in sorted(by.items()):
        print(f"{k:16s} right+cited (quoted) {sum(v)}/{len(v)} = {sum(v) / len(v):.3f}")
    return 0


def calibrate(ctx: Any) -> int:
    """Evidence (the re-ranked best hit's score) of answerable dev questions (both man-page
    sets and the notes) against general dev questions: the FOUND threshold that separates
    them best, and the STRONG one above every general question."""
    from council_core.skills.knowledge import FOUND_EVIDENCE, STRONG_EVIDENCE, KnowledgeSkill

    skill = KnowledgeSkill(ctx)
    pos = [q["question"] for q in questions("all") if q["split"] == "dev"]
    pos += [q["question"] for q in load(OLD) if q["page"] and q["split"] == "dev"]
    neg = [q["question"] for q in load(OLD) if not q["page"] and q["split"] == "dev"]
    gen = ROOT / "bench" / "eval" / "sets" / "general.jsonl"
    neg += [q["prompt"] for q in load(gen) if q["split"] == "dev"]
    ep = sorted(skill._evidence(q) for q in pos)
    en = sorted(skill._evidence(q) for q in neg)
    best = (-1, 0.0)
    for t in sorted(set(ep + en)):
        ok = sum(e >= t for e in ep) + sum(e < t for e in en)
        if ok > best[0]:
            best = (ok, t)
    below = [e for e in en if e < best[1]]
    found = (best[1] + (max(below) if below else best[1])) / 2
    print(f"{len(pos)} answerable dev questions, {len(neg)} general dev questions")
    print(f"answerable evidence: min {ep[0]:.3f} p10 {ep[len(ep) // 10]:.3f} median "
          f"{statistics.median(ep):.3f}")  # fmt: skip
    print(f"general evidence: max {en[-1]:.3f} p90 {en[int(len(en) * 0.9)]:.3f} "
          f"median {statistics.median(en):.3f}")  # fmt: skip
    print(f"FOUND: best cut {found:.3f} ({best[0]}/{len(ep) + len(en)} sorted right); "
          f"in use {FOUND_EVIDENCE}")  # fmt: skip
    print(
        f"STRONG: above every general dev question: > {en[-1]:.3f}; in use {STRONG_EVIDENCE}; "
        f"answerable at or above it: {sum(e >= STRONG_EVIDENCE for e in ep)}/{len(ep)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
