"""Wrong labels for negative samples, and the per-seed data order.

Both are pure functions of (seed, epoch) so that a resumed or repeated run sees exactly the
same samples, and a seed trained alone sees the same as the seed trained in a batch.
"""

from __future__ import annotations

import numpy as np

from ff.data import N_CLASSES


def random_wrong_labels(labels: np.ndarray, seed: int, epochs: int) -> np.ndarray:
    """uint8 [epochs, n]: per epoch a label drawn uniformly from the 9 classes that are wrong."""
    rng = np.random.default_rng([seed, 0x4E47])  # 0x4E47: a stream apart from data_order's
    offsets = rng.integers(1, N_CLASSES, size=(epochs, len(labels)))
    return ((labels[None, :].astype(np.int64) + offsets) % N_CLASSES).astype(np.uint8)


def validation_wrong_labels(labels: np.ndarray) -> np.ndarray:
    """One fixed wrong label per validation or test image, the same for every run."""
    return random_wrong_labels(labels, seed=0, epochs=1)[0]


def data_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order in which seed `seed` visits the n training images in epoch `epoch`."""
    return np.random.default_rng([seed, epoch]).permutation(n)
