"""Knowledge benchmark on real documents no one here wrote: this machine's man pages.

Renders ~200 man pages to text (`man -P cat`), ingests them, and measures
  - retrieval hit@1 / hit@5 of the right chunk (right page + the answer's words) for BM25,
    vectors and hybrid, over bench/eval/sets/knowledge_manpages.jsonl;
  - extractive answer accuracy (the quoted passage holds the answer), its p50 latency, and how
    often unrelated questions get "I don't find that";
  - ingest throughput vs raw embedding throughput of the same chunk texts in the same run, and
    a naive one-chunk-at-a-time baseline;
  - re-sync of 1,000 unchanged files.
Run: python bench/bench_knowledge.py  (writes bench/results/knowledge.json)
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SET = ROOT / "bench" / "eval" / "sets" / "knowledge_manpages.jsonl"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "council-bench" / "man"
N_PAGES = int(os.environ.get("BENCH_MAN_PAGES", "200"))
SKIP_PREFIX = ("gcloud", "dh_", "dpkg-", "debconf", "perl", "llvm", "clang", "pnm", "ppm", "pbm")


def norm(s: str) -> str:
    return " ".join(s.split())


def render_corpus(questions: list[dict]) -> list[Path]:
    """The expected pages plus small section 1/5/8 pages up to N_PAGES, rendered once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    wanted = {q["page"] for q in questions if q["page"]}
    pages = sorted(wanted)
    for sec in ("1", "8", "5"):
        d = Path(f"/usr/share/man/man{sec}")
        for f in sorted(d.glob("*.gz")):
            if len(pages) >= N_PAGES:
                break
            name = f.name[: -len(".gz")]
            if name in wanted or name.startswith(SKIP_PREFIX) or f.stat().st_size > 6000:
                continue
            pages.append(name)
    out = []
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    for page in pages:
        target = CACHE / f"{page}.txt"
        if not target.exists():
            name, sec = page.rsplit(".", 1)
            r = subprocess.run(
                ["man", "--nh", "--nj", "-P", "cat", sec, name],
                capture_output=True, text=True, env=env, timeout=60,
            )  # fmt: skip
            if r.returncode != 0 or not r.stdout.strip():
                continue
            target.write_text(r.stdout)
        out.append(target)
    return out


def page_of(path: str) -> str:
    return Path(path).name[: -len(".txt")]


def main() -> int:
    os.environ["COUNCIL_HOME"] = tempfile.mkdtemp(prefix="council-bench-")
    from council_core.context import SkillContext
    from council_core.skill import Query
    from council_core.skills.knowledge import NOT_FOUND, KnowledgeSkill
    from memory.chunking import chunk
    from memory.documents import DocumentStore, _embed_text
    from memory.embed import shared_embedder
    from memory.parsers import detect_format, parse

    questions = [json.loads(x) for x in SET.read_text().splitlines() if x.strip()]
    positives = [q for q in questions if q["page"]]
    negatives = [q for q in questions if not q["page"]]
    files = render_corpus(questions)
    corpus = Path(tempfile.mkdtemp(prefix="man-corpus-"))
    for f in files:
        (corpus / f.name).symlink_to(f)
    emb = shared_embedder()
    emb.load()
    emb.encode(["warm up"])

    work = Path(os.environ["COUNCIL_HOME"])
    store = DocumentStore(work / "docs.sqlite3", work / "docs.faiss", embedder=emb)
    t = time.perf_counter()
    report = store.ingest([corpus])
    ingest_s = time.perf_counter() - t
    n_chunks = report.chunks_added
    ingest_rate = n_chunks / ingest_s
    words = []
    texts = []
    for f in files:
        doc = parse(f, f.read_bytes(), detect_format(f) or "text")
        for c in chunk(doc):
            words.append(c.words)
            texts.append(_embed_text(doc.title, c.section, c.text))
    # raw embedding of the same kind of texts (a sample, one batched call)
    sample = texts[:: max(1, len(texts) // 400)][:400]
    t = time.perf_counter()
    emb.encode(sample)
    raw_rate = len(sample) / (time.perf_counter() - t)
    naive = sample[:80]
    t = time.perf_counter()
    for s in naive:
        emb.encode([s])
    naive_rate = len(naive) / (time.perf_counter() - t)

    # retrieval
    res: dict[str, dict[str, float]] = {}
    for mode in ("bm25", "vector", "hybrid"):
        h1 = h5 = 0
        for q in positives:
            hits = store.search(q["question"], k=5, mode=mode)
            ok = [
                page_of(h.path) == q["page"] and norm(q["expected"]) in norm(h.text) for h in hits
            ]
            h1 += bool(ok[:1] and ok[0])
            h5 += any(ok)
        res[mode] = {"hit@1": h1 / len(positives), "hit@5": h5 / len(positives)}

    # extractive answers through the skill
    ctx = SkillContext()
    ctx.settings.knowledge.generate_answers = False
    ctx.provide("documents", store)
    skill = KnowledgeSkill(ctx)

    async def answers() -> tuple[int, int, list[float], int]:
        right = right_src = 0
        lat = []
        for q in positives:
            t0 = time.perf_counter()
            ans = await skill.answer(Query(q["question"]))
            lat.append((time.perf_counter() - t0) * 1000)
            right += norm(q["expected"]) in norm(ans.answer)
            right_src += bool(ans.sources) and page_of(ans.sources[0].path) == q["page"]
        neg_ok = 0
        for q in negatives:
            ans = await skill.answer(Query(q["question"]))
            neg_ok += ans.answer == NOT_FOUND
        return right, right_src, lat, neg_ok

    right, right_src, lat, neg_ok = asyncio.run(answers())

    # re-sync of 1,000 unchanged files
    many = Path(tempfile.mkdtemp(prefix="sync-1000-"))
    for i in range(1000):
        (many / f"note{i:04d}.txt").write_text(f"Note {i}: item {i * 7} is on shelf {i % 40}.\n")
    store.ingest([many])
    t = time.perf_counter()
    r2 = store.sync()
    sync_s = time.perf_counter() - t
    assert r2.files_added == 0 and r2.chunks_added == 0

    figures = {
        "man_pages": len(files),
        "chunks": n_chunks,
        "mean_chunk_words": round(statistics.mean(words), 1),
        "questions": len(positives),
        "retrieval": res,
        "extractive_accuracy": right / len(positives),
        "extractive_source_page_right": right_src / len(positives),
        "extractive_p50_ms": statistics.median(lat),
        "not_found_on_unrelated": neg_ok / len(negatives),
        "ingest_chunks_per_s": ingest_rate,
        "raw_embed_chunks_per_s": raw_rate,
        "naive_one_at_a_time_chunks_per_s": naive_rate,
        "ingest_vs_raw": ingest_rate / raw_rate,
        "resync_1000_unchanged_s": sync_s,
        "skipped": report.skipped,
    }
    rows = [
        ("BM25 hit@1 / hit@5", "-", f"{res['bm25']['hit@1']:.3f} / {res['bm25']['hit@5']:.3f}"),
        ("vector hit@1 / hit@5", "-", f"{res['vector']['hit@1']:.3f} / {res['vector']['hit@5']:.3f}"),
        ("hybrid hit@1 / hit@5", "hit@5 >= 0.95", f"{res['hybrid']['hit@1']:.3f} / {res['hybrid']['hit@5']:.3f}"),
        ("extractive answer accuracy", "-", f"{right / len(positives):.3f}"),
        ("extractive answer p50 (ms)", "<= 150", f"{statistics.median(lat):.1f}"),
        ("'not found' on unrelated questions", "-", f"{neg_ok}/{len(negatives)}"),
        ("ingest (chunks/s)", ">= 0.9 x raw", f"{ingest_rate:.1f}"),
        ("raw embedding (chunks/s)", "-", f"{raw_rate:.1f}"),
        ("naive one-at-a-time (chunks/s)", "< ingest", f"{naive_rate:.1f}"),
        ("ingest / raw", ">= 0.90", f"{ingest_rate / raw_rate:.3f}"),
        ("re-sync 1,000 unchanged files (s)", "<= 5", f"{sync_s:.3f}"),
    ]  # fmt: skip
    print(f"{len(files)} man pages, {n_chunks} chunks (mean {statistics.mean(words):.0f} words), "
          f"{len(positives)} questions + {len(negatives)} unrelated")  # fmt: skip
    print(f"{'figure':38s} | {'target':14s} | measured")
    for name, target, measured in rows:
        print(f"{name:38s} | {target:14s} | {measured}")
    out = ROOT / "bench" / "results" / "knowledge.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
