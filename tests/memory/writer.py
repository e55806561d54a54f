"""A writer process for the concurrency and kill -9 tests.

Usage (from the repository root): python -m tests.memory.writer DATA_DIR PREFIX COUNT. Prints "ready", then the id of every turn
whose insert has committed ("<id> <text>"), embedding and saving the index as it goes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from memory.store import MemoryStore
from tests.memory.hash_embedder import HashEmbedder


def main() -> None:
    data, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = MemoryStore(
        data / "council.sqlite3", data / "indexes", embedder=HashEmbedder(), background=False
    )
    store.index.save_every_s = 0.0
    print("ready", flush=True)
    for i in range(count):
        text = f"{prefix} fact number {i}: the value is {i * 7}"
        tid = store.add_turn(prefix, text, f"noted {i}")
        print(tid, text, flush=True)
        if i % 3 == 2:
            store.embed_pending(batch=4)
            store.index.save(force=True)
    store.embed_pending()
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
