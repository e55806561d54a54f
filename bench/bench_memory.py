"""Conversation-memory benchmarks (issue 4). Run: python bench/bench_memory.py [--quick]

1. recall quality: the labelled (fact, paraphrased question) pairs of
   bench/eval/memory_recall.jsonl stored among >= 10,000 distractor turns (real embeddings);
   the right memory must be in the top 3.
2. add throughput: add_turn + background embedding (merge check, SQLite vectors, index) vs
   the raw model on the same texts, in the same run.
3. 100k stored turns (synthetic, precomputed clustered vectors written straight to SQLite):
   restart until ready to search (model already loaded), and recall latency p95 through
   ``MemoryStore.search`` including the query embedding.
4. Flat vs HNSW: recall@5 of HNSW against exact search on the same 100k vectors.

Writes bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from council_core.base.embed import shared_embedder  # noqa: E402
from memory.store import MemoryStore  # noqa: E402

EVAL = ROOT / "bench" / "eval" / "memory_recall.jsonl"
OUT = ROOT / "bench" / "results" / "memory.json"

SUBJECTS = [
    "the meeting",
    "my train",
    "the report",
    "dinner",
    "the invoice",
    "the package",
    "the flight",
    "the concert",
    "the exam",
    "the interview",
    "the party",
    "the call",
]
THINGS = [
    "Python lists",
    "black holes",
    "the French revolution",
    "photosynthesis",
    "sourdough",
    "tax brackets",
    "the Roman empire",
    "neural networks",
    "compound interest",
    "jazz",
    "climate change",
    "the stock market",
    "volcanoes",
    "chess openings",
    "knitting",
    "Kubernetes",
    "the moon landing",
    "quantum computing",
    "ancient Egypt",
    "coffee beans",
]
CITIES = [
    "Paris",
    "Tokyo",
    "Nairobi",
    "Lima",
    "Oslo",
    "Cairo",
    "Seoul",
    "Denver",
    "Perth",
    "Madrid",
    "Hanoi",
    "Dublin",
    "Quito",
    "Riga",
    "Accra",
]
PEOPLE = ["Alice", "Bob", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivan", "Jo"]
TEMPLATES = [
    ("What is {a} times {b}?", "{a} times {b} is {ab}."),
    ("Can you explain {thing} in simple terms?", "Sure: here is a short explanation of {thing}."),
    ("Remind me about {subj} at {h}pm", "OK, I'll remind you about {subj} at {h}pm."),
    ("What's the weather usually like in {city} in spring?", "{city} is mild in spring."),
    ("Translate 'good morning' into the language spoken in {city}", "Here is the greeting."),
    ("Write a short poem about {thing}", "A short poem about {thing}: ..."),
    ("How do I convert {a} miles to kilometres?", "{a} miles is about {km} km."),
    ("{person} said {subj} moved to {h}:30, can you note that?", "Noted: {subj} at {h}:30."),
    ("Give me three facts about {thing}", "Three facts about {thing}: ..."),
    ("Is {city} a good place to visit in winter?", "It depends on what you like."),
    ("Summarize the article about {thing} I pasted", "The article says {thing} matters."),
    ("What's the capital of the country where {city} is?", "That would be the capital."),
    ("Help me draft an email to {person} about {subj}", "Dear {person}, about {subj}..."),
    ("How long does it take to fly from {city} to {city2}?", "Roughly {h} hours."),
    ("Why is {thing} important?", "{thing} is important because ..."),
]


def distractors(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        u, a = rng.choice(TEMPLATES)
        f = {
            "a": rng.randint(2, 999),
            "b": rng.randint(2, 99),
            "h": rng.randint(1, 11),
            "thing": rng.choice(THINGS),
            "subj": rng.choice(SUBJECTS),
            "city": rng.choice(CITIES),
            "city2": rng.choice(CITIES),
            "person": rng.choice(PEOPLE),
        }
        f["ab"], f["km"] = f["a"] * f["b"], round(f["a"] * 1.609)
        out.append((u.format(**f), a.format(**f)))
    return out


def recall_quality(emb, tmp: Path, n_distract: int) -> dict:
    pairs = [json.loads(x) for x in EVAL.read_text().splitlines() if x.strip()]
    store = MemoryStore(tmp / "q.sqlite3", tmp / "qidx", embedder=emb, background=False)
    rows = [
        {"session": f"s{i % 50}", "user": u, "assistant": a}
        for i, (u, a) in enumerate(distractors(n_distract))
    ]
    rng = random.Random(1)
    fact_pos = {}
    for p in pairs:
        fact_pos[p["fact"]] = rng.randrange(len(rows))
    for fact, pos in sorted(fact_pos.items(), key=lambda kv: -kv[1]):
        rows.insert(pos, {"session": "facts", "user": fact, "assistant": "Got it, I'll remember."})
    store.log.add_many(rows)
    t0 = time.perf_counter()
    store.embed_pending(batch=128)
    embed_s = time.perf_counter() - t0
    fact_ids = {t.user: t.id for t in store.log.list_turns("facts", 1000)}
    top1 = top3 = cross = 0
    for p in pairs:
        want = fact_ids[p["fact"]]
        ids = [h.turn_id for h in store.search(p["question"], 3)]
        top3 += want in ids
        top1 += bool(ids) and ids[0] == want
        # The path a new session takes (context_for): other sessions above the threshold.
        cross += want in [h.turn_id for h in store.search(p["question"], 3, session="later")]
    n_mem = store.index.ntotal
    store.close()
    return {
        "pairs": len(pairs),
        "distractors": n_distract,
        "indexed": n_mem,
        "top3": top3 / len(pairs),
        "top1": top1 / len(pairs),
        "top3_from_new_session": cross / len(pairs),
        "cross_session_threshold": store.cross_session_threshold,
        "embed_s": embed_s,
    }


def add_throughput(emb, tmp: Path, n: int, rounds: int = 4) -> dict:
    """Raw model vs the store on the same texts, interleaved in rounds so a noisy machine
    hits both alike."""
    texts = [u for u, _ in distractors(n, seed=99)]
    emb.encode(texts[:64])
    store = MemoryStore(tmp / "t.sqlite3", tmp / "tidx", embedder=emb, embed_delay_s=0.0)
    raw_s = store_s = 0.0
    step = n // rounds
    for r in range(rounds):
        chunk = texts[r * step : (r + 1) * step]
        t0 = time.perf_counter()
        emb.encode(chunk)
        raw_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        for i, u in enumerate(chunk):
            store.add_turn(f"s{i % 7}", u, "ok")
        store.wait_embedded(600)
        store_s += time.perf_counter() - t0
    st = store.stats()
    store.close()
    # The same texts added all at once, then embedded by embed_pending like the raw run:
    # isolates the store's own work (merge check, SQLite vectors, index) from batch sizes
    # and torch threading.
    bulk = MemoryStore(tmp / "b.sqlite3", tmp / "bidx", embedder=emb, background=False)
    raw2_s = bulk_s = 0.0
    for r in range(rounds):
        chunk = texts[r * step : (r + 1) * step]
        t0 = time.perf_counter()
        emb.encode(chunk)
        raw2_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        bulk.log.add_many([{"session": "s", "user": u, "assistant": "ok"} for u in chunk])
        bulk.embed_pending()
        bulk_s += time.perf_counter() - t0
    bulk.close()
    done = step * rounds
    return {
        "texts": done,
        "raw_per_s": done / raw_s,
        "store_per_s": done / store_s,
        "ratio": raw_s / store_s,
        "merged": st["merged"],
        "memories": st["memories"],
        "bulk_ratio": raw2_s / bulk_s,
        "bulk_per_s": done / bulk_s,
        "raw2_per_s": done / raw2_s,
    }


def synth_vectors(n: int, dim: int = 384, clusters: int = 500, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((clusters, dim)).astype(np.float32)
    x = centers[rng.integers(0, clusters, n)] + 0.6 * rng.standard_normal((n, dim)).astype(
        np.float32
    )
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def big_store(emb, tmp: Path, n: int) -> dict:
    db, idx = tmp / "big.sqlite3", tmp / "bigidx"
    store = MemoryStore(db, idx, embedder=emb, background=False)
    texts = distractors(n, seed=5)
    store.log.add_many(
        [{"session": f"s{i % 200}", "user": u, "assistant": a} for i, (u, a) in enumerate(texts)]
    )
    vecs = synth_vectors(n)
    with store.engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO turn_vectors(turn_id, model, vec) VALUES (?, ?, ?)",
            [(i + 1, store.model_name, vecs[i].tobytes()) for i in range(n)],
        )
    t0 = time.perf_counter()
    store.index.rebuild()
    rebuild_s = time.perf_counter() - t0
    store.close()

    t0 = time.perf_counter()
    store = MemoryStore(db, idx, embedder=emb, background=False)
    store.catch_up()
    restart_s = time.perf_counter() - t0
    assert store.index.ntotal == n and store.index.rebuilds == 0

    queries = [f"what did I say about {t} with {p}?" for t in THINGS for p in PEOPLE][:200]
    for q in queries[:10]:
        store.search(q, 5)
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        store.search(q, 5)
        lat.append((time.perf_counter() - t0) * 1000)
    embed_lat = []
    for q in queries[:100]:
        t0 = time.perf_counter()
        emb.encode([q])
        embed_lat.append((time.perf_counter() - t0) * 1000)
    store.close()
    return {
        "turns": n,
        "rebuild_from_sqlite_s": rebuild_s,
        "restart_s": restart_s,
        "search_p50_ms": float(np.percentile(lat, 50)),
        "search_p95_ms": float(np.percentile(lat, 95)),
        "query_embed_p50_ms": float(np.percentile(embed_lat, 50)),
        "vectors": vecs,
    }


def hnsw_recall(vecs: np.ndarray, n_q: int = 200) -> dict:
    import faiss

    rng = np.random.default_rng(3)
    q = vecs[rng.integers(0, len(vecs), n_q)] + 0.3 * rng.standard_normal(
        (n_q, vecs.shape[1])
    ).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    flat = faiss.IndexFlatIP(vecs.shape[1])
    flat.add(vecs)
    _, exact = flat.search(q, 5)
    t0 = time.perf_counter()
    h = faiss.IndexHNSWFlat(vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    h.hnsw.efConstruction = 80
    h.add(vecs)
    build = time.perf_counter() - t0
    out = {"hnsw_build_s": build, "recall_at_5": {}}

    def recall(got: np.ndarray) -> float:
        return float(np.mean([len(set(a) & set(b)) / 5 for a, b in zip(exact, got, strict=True)]))

    for ef in (64, 128, 256):
        h.hnsw.efSearch = ef
        out["recall_at_5"][ef] = recall(h.search(q, 5)[1])
    f16 = faiss.IndexScalarQuantizer(
        vecs.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    f16.add(vecs)
    out["flat16_recall_at_5"] = recall(f16.search(q, 5)[1])
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    ap.add_argument("--no-hnsw", action="store_true")
    ap.add_argument(
        "--latency-only",
        action="store_true",
        help="only the 100k restart and search latency (prints, writes nothing)",
    )
    args = ap.parse_args()
    n_big, n_dis, n_add = (20_000, 2_000, 300) if args.quick else (100_000, 10_000, 1_000)
    emb = shared_embedder()
    t0 = time.perf_counter()
    emb.load()
    load_s = time.perf_counter() - t0
    if args.latency_only:
        with tempfile.TemporaryDirectory() as d:
            big = big_store(emb, Path(d), n_big)
        big.pop("vectors")
        print(json.dumps(big, indent=2))
        return 0
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        big = big_store(emb, tmp, n_big)
        vecs = big.pop("vectors")
        hn = None if args.no_hnsw else hnsw_recall(vecs)
        del vecs
        thr = add_throughput(emb, tmp, n_add)
        q = recall_quality(emb, tmp, n_dis)
    rows = [
        (
            f"recall p95 at {n_big:,} turns (incl. query embedding)",
            "<= 15 ms",
            f"{big['search_p95_ms']:.1f} ms (p50 {big['search_p50_ms']:.1f}; "
            f"embedding alone p50 {big['query_embed_p50_ms']:.1f})",
        ),
        (
            "add throughput, turn by turn (background) vs raw",
            ">= 90%",
            f"{thr['ratio']:.0%} ({thr['store_per_s']:.0f}/s vs {thr['raw_per_s']:.0f}/s)",
        ),
        (
            "add throughput, bulk add then embed_pending vs raw",
            ">= 90%",
            f"{thr['bulk_ratio']:.0%} ({thr['bulk_per_s']:.0f}/s vs {thr['raw2_per_s']:.0f}/s)",
        ),
        (f"restart, {n_big:,} turns ready to search", "<= 1 s", f"{big['restart_s']:.2f} s"),
        (
            f"right memory in top 3 ({q['pairs']} pairs, {q['distractors']:,} distractors)",
            ">= 90%",
            f"{q['top3']:.0%} (top 1: {q['top1']:.0%}; from a new session, "
            f"threshold {q['cross_session_threshold']}: {q['top3_from_new_session']:.0%})",
        ),
        (
            f"index rebuild from SQLite ({n_big:,}, no re-embedding)",
            "-",
            f"{big['rebuild_from_sqlite_s']:.2f} s",
        ),
    ]
    if hn:
        rows.append(
            (
                f"HNSW(M=32) recall@5 vs exact at {n_big:,}",
                ">= 0.95 to choose HNSW",
                ", ".join(f"ef{k}: {v:.3f}" for k, v in hn["recall_at_5"].items())
                + f"; build {hn['hnsw_build_s']:.1f} s",
            )
        )
        rows.append(
            (
                f"float16 exact scan (the index used) recall@5 at {n_big:,}",
                ">= 0.95",
                f"{hn['flat16_recall_at_5']:.3f}",
            )
        )
    rows.append(("model load (not counted above)", "-", f"{load_s:.1f} s"))
    w = max(len(r[0]) for r in rows)
    print(f"{'figure':{w}} | {'target':22} | measured")
    print("-" * (w + 60))
    for r in rows:
        print(f"{r[0]:{w}} | {r[1]:22} | {r[2]}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "big": big,
                "hnsw": hn,
                "throughput": thr,
                "quality": q,
                "model_load_s": load_s,
                "index_kind": "flat16",
                "date": time.strftime("%Y-%m-%d"),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
