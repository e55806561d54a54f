"""A writer process for the concurrency and kill -9 tests.

Usage: python writer.py DATA_DIR PREFIX COUNT. Prints "ready", then the id of every turn
whose insert has committed ("<id> <text>"), embedding and saving the index as it goes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hash_embedder import HashEmbedder  # noqa: E402

from memory.store import MemoryStore  # noqa: E402


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
