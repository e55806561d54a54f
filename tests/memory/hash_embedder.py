"""A deterministic stand-in for the embedding model, for tests that run many subprocesses
(each would otherwise load a 1 GB model): the same text always gives the same unit vector.
Everything else on the path (SQLite, triggers, FAISS, the index files, locks) is real."""

from __future__ import annotations

import hashlib

import numpy as np

DIM = 384


class HashEmbedder:
    model_name = "test-hash"
    loaded = True

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(
                hashlib.sha256(t.encode("utf-8", "replace")).digest()[:8], "little"
            )
            v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out
