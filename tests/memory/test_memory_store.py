"""Conversation memory with the real model, real SQLite and real FAISS."""

from __future__ import annotations

import io
import json
import random

import pytest

from council_core.base.errors import BadInput
from memory.store import MemoryStore
from memory.text import estimate_tokens
from memory.transfer import export_jsonl, export_markdown, import_jsonl


def reopen(store: MemoryStore, embedder, **kw) -> MemoryStore:
    store.close()
    return MemoryStore(
        store.log.engine.url.database, store.index.vi.path.parent, embedder=embedder, **kw
    )


def test_a_fact_said_in_one_session_is_recalled_in_a_new_one(store, embedder):
    store.add_turn("monday", "My favorite color is teal", "Noted: teal.")
    store.add_turn("monday", "What is 17*23?", "391", skill="math")
    assert store.wait_embedded(30)
    s2 = reopen(store, embedder)
    try:
        ctx = s2.context_for("friday", "what's my favourite colour?", 300)
        assert any("teal" in m for m in ctx.memories)
        assert ctx.messages == []  # a new session has no recent turns
        hits = s2.search("which colour do I like best", 3, session="friday")
        assert hits and hits[0].user == "My favorite color is teal"
        assert hits[0].score >= s2.cross_session_threshold
    finally:
        s2.close()


def test_other_sessions_leak_only_above_the_threshold(store):
    store.add_turn("a", "I had pasta with tomato sauce for dinner", "Sounds good.")
    store.embed_pending()
    q = "do you know any good Italian recipes"
    loose = store.search(q, 3, session="b", cross_session_threshold=0.0)
    assert loose and loose[0].score > 0
    assert store.search(q, 3, session="b", cross_session_threshold=loose[0].score + 0.01) == []
    assert store.search("what is the capital of France", 3, session="b") == []
    assert store.search(q, 3, session="a")  # its own session: kept


def test_turns_from_recall_are_not_new_memories(store):
    store.add_turn("s", "My dog is called Rex", "Nice name.")
    store.add_turn("s", "What is my dog called?", "Your dog is called Rex.", from_recall=True)
    store.embed_pending()
    hits = store.search("dog name", 5)
    assert [h.user for h in hits] == ["My dog is called Rex"]
    assert store.stats()["from_recall"] == 1


def test_near_duplicates_merge_but_different_numbers_do_not(store):
    store.add_turn("s", "My favorite color is teal", "ok")
    store.add_turn("s", "my favorite color is teal!", "ok")
    store.add_turn("s", "Remind me: the meeting is at 3pm", "ok")
    store.add_turn("s", "Remind me: the meeting is at 4pm", "ok")
    store.embed_pending()
    st = store.stats()
    assert st["merged"] == 1 and st["memories"] == 3
    teal = store.search("favorite color", 1)[0]
    assert teal.repeats == 2


def test_context_never_overflows_the_budget(store):
    rng = random.Random(7)
    words = ["alpha", "beta", "gamma", "delta", "teal", "river", "mountain", "piano", "seven"]
    for i in range(30):
        u = " ".join(rng.choice(words) for _ in range(rng.randint(3, 120)))
        store.add_turn("s", f"note {i}: {u}", " ".join(rng.choice(words) for _ in range(50)))
    store.add_turn("s", "x" * 50_000, "a huge pasted text")
    store.set_preference("units", "metric")
    store.embed_pending()
    for budget in [0, 1, 5, 20, 50, 100, 300, 1000, 4000]:
        ctx = store.context_for("s", "piano by the river", budget)
        total = sum(estimate_tokens(m["content"]) + 4 for m in ctx.messages)
        total += sum(estimate_tokens(m) + 2 for m in ctx.memories)
        total += sum(estimate_tokens(f"{k}: {v}") + 2 for k, v in ctx.preferences.items())
        assert total == ctx.tokens <= budget
        assert not ctx.messages or ctx.messages[0]["role"] == "user"
    big = store.context_for("s", "piano by the river", 4000)
    assert big.messages and big.memories and big.preferences == {"units": "metric"}
    assert not {h.turn_id for h in big.hits} & {t.id for t in store.log.recent("s", 6)}


def test_forget_one_session_and_everything(store, embedder):
    a = store.add_turn("a", "My passport number ends in 1234", "noted")
    store.add_turn("b", "I parked the car on level 3", "noted")
    store.embed_pending()
    assert store.forget(a) == 1
    assert not store.search("passport number", 5, min_score=0.3)
    assert store.forget(session="b") == 1
    assert store.list_sessions() == [s for s in store.list_sessions() if s.id == "a"]
    store.add_turn("c", "The wifi password is on the fridge", "ok")
    store.embed_pending()
    assert store.forget(everything=True) == 1
    s2 = reopen(store, embedder)
    try:
        assert s2.search("wifi password", 5) == []
        assert s2.stats()["turns"] == 0 and s2.index.ntotal == 0
    finally:
        s2.close()


def test_correction_wins_for_the_same_and_a_similar_question(store):
    t = store.add_turn("s", "How many moons does Mars have?", "Mars has one moon.", skill="general")
    store.record_feedback(t, "correction", "Mars has two moons: Phobos and Deimos.")
    assert store.find_correction("how many moons does mars have").correction.startswith(
        "Mars has two"
    )
    assert store.find_correction("How many moons has Mars got?") is not None  # by embedding
    assert store.find_correction("How many moons does Jupiter have?") is None
    store.record_feedback(t, "up")
    store.record_feedback(t, "down")
    assert store.skill_scores()["general"] == {"up": 1, "down": 1, "correction": 1, "score": 0.4}
    out = io.StringIO()
    assert store.feedback.export_jsonl(out) == 3
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert {r["rating"] for r in rows} == {"up", "down", "correction"}
    with pytest.raises(BadInput):
        store.record_feedback(999, "up")


def test_sessions_list_rename_resume_delete(store):
    store.add_turn("s1", "first question here", "a1")
    store.add_turn("s1", "second question", "a2")
    store.add_turn("s2", "other", "b")
    assert [s.id for s in store.list_sessions()] == ["s2", "s1"]
    assert store.rename_session("s1", "Trip planning")
    info = {s.id: s for s in store.list_sessions()}
    assert info["s1"].title == "Trip planning" and info["s1"].turns == 2
    assert [t.user for t in store.resume("s1")] == ["first question here", "second question"]
    assert store.delete_session("s1") == 2
    assert [s.id for s in store.list_sessions()] == ["s2"]


def test_export_import_round_trip(store, embedder, data_dir):
    t = store.add_turn("s1", "My favorite color is teal", "Noted.", skill="general")
    store.add_turn("s2", "unicode: naïve café 日本語", "ok")
    store.record_feedback(t, "correction", "Teal, like the duck.")
    store.set_preference("name", "Sam")
    out = io.StringIO()
    assert export_jsonl(store, out) == 2
    md = io.StringIO()
    export_markdown(store, md)
    assert "naïve café 日本語" in md.getvalue() and "## Preferences" in md.getvalue()
    path = data_dir / "export.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    store.forget(everything=True)
    assert import_jsonl(store, path) == {"turns": 2, "feedback": 1}
    assert import_jsonl(store, path)["turns"] == 0  # idempotent
    assert store.get_preferences() == {"name": "Sam"}
    assert store.find_correction("my favorite color is teal").correction == "Teal, like the duck."
    assert store.search("what colour do I like", 1)[0].user == "My favorite color is teal"
    bad = data_dir / "bad.jsonl"
    bad.write_text("# not an export\n")
    with pytest.raises(BadInput):
        import_jsonl(store, bad)


def test_unknown_kind_is_refused(store):
    with pytest.raises(BadInput):
        store.search("x", 3, kinds=("documents",))


def test_context_keeps_unrelated_old_turns_out(store):
    store.add_turn("s", "I bought new running shoes yesterday", "Nice!")
    for i in range(3):
        store.add_turn("s", f"filler question number {i}", f"filler answer {i}")
    unrelated = store.context_for("s", "what is the capital of Peru", 1000, recent_turns=2)
    assert unrelated.memories == [] and len(unrelated.messages) == 4
    related = store.context_for("s", "which shoes did I get?", 1000, recent_turns=2)
    assert "running shoes" in related.memories[0]


def test_questions_from_other_sessions_are_not_recalled_as_context(tmp_path):
    from memory.context import _is_question

    assert _is_question("What is the capital of Malta?")
    assert _is_question("capital of malta?")
    assert _is_question("how do I undo a commit")
    assert not _is_question("My favorite color is teal.")
    assert not _is_question("I drive a green Volvo")
