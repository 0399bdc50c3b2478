"""The minibatch that zero-cost proxies read: real images, no download.

Two sources:

- ``digits``: scikit-learn's bundled handwritten digits (1,797 images of 8×8
  pixels, 10 classes), resized to the network's input by bilinear
  interpolation and repeated over the three colour channels.
- ``cifar10``: CIFAR-10 from the standard python-pickle batches
  (``data_batch_1`` … ``data_batch_5``, ``test_batch``) in a folder of your own,
  resized to the network's input where it differs from 32×32.

Images are standardised with the mean and std of the whole source, per
channel, as in training; the batch is drawn with a seeded generator.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from numpy._core.multiarray import _reconstruct
from numpy._core.numeric import _frombuffer

from surrobench.datasets.restricted_pickle import RestrictedUnpickler
from surrobench.errors import SurrobenchError, check_int, check_seed, unknown_name

logger = logging.getLogger(__name__)

DATA_SOURCES = ("digits", "cifar10")
CIFAR_BATCHES = (*(f"data_batch_{i}" for i in range(1, 6)), "test_batch")
DEFAULT_BATCH_SIZE = 64


@dataclass(frozen=True)
class DataSpec:
    """Which images a proxy reads.

    Attributes:
        source: ``digits`` or ``cifar10``.
        data_dir: folder of CIFAR-10 python batches (``cifar10`` only).
        batch_size: images in the minibatch.
    """

    source: str = "digits"
    data_dir: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE

    def __post_init__(self) -> None:
        if self.source not in DATA_SOURCES:
            raise unknown_name("data source", self.source, DATA_SOURCES)
        if self.source == "cifar10" and not self.data_dir:
            raise SurrobenchError(
                "CIFAR-10 needs a folder of python batches (--data-dir DIR)"
            )
        if self.source == "digits" and self.data_dir:
            raise SurrobenchError("the digits source takes no data folder")
        check_int("batch size", self.batch_size, 2, 4096)

    @classmethod
    def from_dir(
        cls, data_dir: str | Path | None, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> DataSpec:
        """CIFAR-10 from ``data_dir`` when given, otherwise the digits."""
        if data_dir is None:
            return cls("digits", None, batch_size)
        return cls("cifar10", str(data_dir), batch_size)

    def identity(self) -> str:
        """What identifies the images in a results store: the source and, for
        files, a digest of their contents (a moved folder keeps its results)."""
        if self.source == "digits":
            return f"digits/batch={self.batch_size}"
        digest = _cifar_digest(self.data_dir, _signature(self.data_dir))
        return f"cifar10:{digest}/batch={self.batch_size}"


def load_minibatch(
    spec: DataSpec, resolution: int, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded minibatch at the network's input resolution.

    Returns:
        images, float32 of shape (batch_size, 3, resolution, resolution),
        standardised per channel; labels, int64 of shape (batch_size,).

    Example:
        >>> images, labels = load_minibatch(DataSpec("digits"), resolution=16)
        >>> tuple(images.shape), tuple(labels.shape)
        ((64, 3, 16, 16), (64,))
    """
    seed = check_seed(seed)
    resolution = check_int("resolution", resolution, 4, 1024)
    if spec.source == "digits":
        images, labels = _digits()
    else:
        images, labels = _cifar10(spec.data_dir, _signature(spec.data_dir))
    if spec.batch_size > len(labels):
        raise SurrobenchError(
            f"batch size {spec.batch_size} exceeds the {len(labels)} images of "
            f"{spec.source}"
        )
    picks = np.sort(
        np.random.default_rng(seed).choice(len(labels), spec.batch_size, False)
    )
    if spec.source == "digits":
        batch = torch.from_numpy(images[picks])
    else:
        mean, std = _cifar_statistics(spec.data_dir, _signature(spec.data_dir))
        batch = torch.from_numpy((images[picks] / np.float32(255) - mean) / std)
    if batch.shape[-1] != resolution:
        batch = F.interpolate(
            batch, size=(resolution, resolution), mode="bilinear", align_corners=False
        )
    return batch.contiguous(), torch.from_numpy(labels[picks])


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """All digits: (1797, 3, 8, 8) standardised float32, (1797,) int64."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0
    images = (images - images.mean()) / images.std()
    images = np.repeat(images[:, None], 3, axis=1)
    return np.ascontiguousarray(images), digits.target.astype(np.int64)


def _cifar_files(data_dir: str) -> list[Path]:
    folder = Path(data_dir)
    if folder.exists() and not folder.is_dir():
        raise SurrobenchError(f"CIFAR-10 folder {data_dir!r} is a file, not a folder")
    if not folder.is_dir():
        raise SurrobenchError(f"CIFAR-10 folder {data_dir!r} does not exist")
    files = [folder / name for name in CIFAR_BATCHES if (folder / name).is_file()]
    if not files:
        raise SurrobenchError(
            f"{data_dir!r} holds none of the CIFAR-10 python batches "
            f"({', '.join(CIFAR_BATCHES)}); unpack cifar-10-python.tar.gz there"
        )
    return files


def _signature(data_dir: str) -> tuple:
    """Name, size and modification time of each batch: a changed file misses
    the caches below."""
    return tuple(
        (path.name, path.stat().st_size, path.stat().st_mtime_ns)
        for path in _cifar_files(data_dir)
    )


@cache
def _cifar_digest(data_dir: str, signature: tuple) -> str:
    digest = hashlib.sha256()
    for path in _cifar_files(data_dir):
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError as error:
            raise SurrobenchError(f"cannot read {path}: {error.strerror}") from None
    return digest.hexdigest()[:16]


def _builtin_dtype(name: object, align: object = False, copy: object = True):
    """NumPy's own shared dtype called ``name``, never a copy.

    A pickled dtype is rebuilt and then handed a state (its flags among them);
    numpy ignores a state set on its shared built-in dtypes, whereas a copy
    with corrupt flags breaks the array built on it.
    """
    dtype = np.dtype(name)
    if dtype.isbuiltin != 1:
        raise pickle.UnpicklingError(f"refusing the non-built-in dtype {name!r}")
    return dtype


# A CIFAR-10 batch is a dict of bytes, lists and one numpy uint8 array; these
# are the only callables its pickle may name. (Python 3 writes bytes into a
# protocol-2 pickle through _codecs.encode, which only encodes a string, and
# empty bytes through bytes().)
_CIFAR_CLASSES = {
    ("_codecs", "encode"): codecs.encode,
    ("__builtin__", "bytes"): bytes,
    ("builtins", "bytes"): bytes,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): _builtin_dtype,
}


def _read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    expected = (
        "expected a pickled dict with b'data' (n × 3072 integers in 0..255) and "
        "b'labels' (n integers in 0..9)"
    )
    try:
        with open(path, "rb") as handle:
            batch = RestrictedUnpickler(handle, _CIFAR_CLASSES, encoding="bytes").load()
    except OSError as error:
        raise SurrobenchError(f"cannot read {path}: {error.strerror}") from None
    except Exception as error:
        # Truncated or altered bytes surface as any of a dozen exceptions from
        # the unpickler or the numpy constructors it may call.
        reason = (str(error) or type(error).__name__).splitlines()[0][:200]
        raise SurrobenchError(
            f"{path} is not a CIFAR-10 python batch ({reason}); {expected}"
        ) from None
    if not isinstance(batch, dict) or not {b"data", b"labels"} <= batch.keys():
        raise SurrobenchError(f"{path} is not a CIFAR-10 python batch; {expected}")
    data = _integers(batch[b"data"])
    labels = _integers(batch[b"labels"])
    if data is None or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        found = "non-integer values" if data is None else f"shape {data.shape}"
        raise SurrobenchError(f"{path}: b'data' has {found}; {expected}")
    if labels is None or labels.ndim != 1 or len(labels) != len(data):
        found = "non-integer values" if labels is None else f"shape {labels.shape}"
        raise SurrobenchError(
            f"{path}: {len(data)} images but b'labels' has {found}; {expected}"
        )
    if data.size and (data.min() < 0 or data.max() > 255):
        raise SurrobenchError(f"{path} has pixel values outside 0..255")
    if len(labels) and (labels.min() < 0 or labels.max() >= 10):
        raise SurrobenchError(f"{path} has labels outside 0..9")
    return data.astype(np.uint8, copy=False), labels.astype(np.int64, copy=False)


def _integers(values: object) -> np.ndarray | None:
    """``values`` as an integer array, or None where they are anything else
    (floats, strings, ragged lists, integers too large for int64)."""
    try:
        array = np.asarray(values)
    except (ValueError, TypeError, OverflowError):
        return None
    return array if array.dtype.kind in "iu" or array.size == 0 else None


@cache
def _cifar10(data_dir: str, signature: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Every image of the folder's batches: (n, 3, 32, 32) uint8, (n,) int64.

    Kept as bytes (180 MB for all 60,000 images); only the drawn batch is
    converted to floats.
    """
    parts = [_read_cifar_batch(path) for path in _cifar_files(data_dir)]
    data = np.concatenate([data for data, _ in parts])
    labels = np.concatenate([labels for _, labels in parts])
    logger.info("read %d CIFAR-10 images from %s", len(labels), data_dir)
    return data.reshape(-1, 3, 32, 32), labels


@cache
def _cifar_statistics(data_dir: str, signature: tuple) -> tuple[np.ndarray, ...]:
    """Per-channel mean and std of the folder's images in [0, 1]; (1, 3, 1, 1)."""
    images, _ = _cifar10(data_dir, signature)
    sums = np.zeros(3)
    squares = np.zeros(3)
    for start in range(0, len(images), 5000):  # float64 a slice at a time
        chunk = images[start : start + 5000].astype(np.float64) / 255
        sums += chunk.sum(axis=(0, 2, 3))
        squares += (chunk**2).sum(axis=(0, 2, 3))
    count = len(images) * 32 * 32
    mean = sums / count
    std = np.sqrt(np.maximum(squares / count - mean**2, 0.0))
    std = np.where(std > 0, std, 1.0)
    shape = (1, 3, 1, 1)
    return mean.reshape(shape).astype(np.float32), std.reshape(shape).astype(np.float32)
