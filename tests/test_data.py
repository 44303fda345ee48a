import gzip
import hashlib
import os
import pickle

import numpy as np
import pytest

from ff import data


def test_idx_round_trip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    data.write_idx(tmp_path / "x", images)
    assert (tmp_path / "x").read_bytes()[:8] == bytes([0, 0, 8, 3, 0, 0, 0, 2])
    np.testing.assert_array_equal(data.read_idx(tmp_path / "x"), images)


def test_truncated_idx_is_a_clear_error(tmp_path):
    data.write_idx(tmp_path / "x", np.zeros((10, 28, 28), np.uint8))
    (tmp_path / "x").write_bytes((tmp_path / "x").read_bytes()[:-100])
    with pytest.raises(data.DataError, match="truncated"):
        data.read_idx(tmp_path / "x")


def test_md5_mismatch_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte"
    data.write_idx(path, np.zeros(5, np.uint8))
    with pytest.raises(data.DataError) as error:
        data.verify_raw_file("mnist", path)
    message = str(error.value)
    assert str(path) in message and "a25bea736e30d166cdddb491f175f624" in message
    assert "delete it and rerun" in message


class RunsCode:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/ff-pickle-test",))


def test_unpickler_refuses_a_pickle_that_would_run_code(tmp_path):
    payload = pickle.dumps(((np.zeros(2), np.zeros(2)), RunsCode(), None))
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        data.load_numpy_pickle(payload)
    assert not os.path.exists("/tmp/ff-pickle-test")


def test_unpickler_rebuilds_numpy_arrays():
    arrays = (np.float32([[0.5, 0.25]]), np.int64([3]))
    loaded = data.load_numpy_pickle(pickle.dumps(arrays))
    for a, b in zip(loaded, arrays, strict=True):
        np.testing.assert_array_equal(a, b)


def test_wheel_pickle_converts_to_canonical_bytes():
    """pixel/256 as float32 round-trips to the exact byte, including 255."""
    pixels = np.arange(256, dtype=np.uint8)
    as_float = (pixels / 256).astype(np.float32)
    split = (np.tile(as_float, 4)[:784].reshape(1, 784), np.int64([7]))
    converted = data.mnist_from_wheel_pickle(pickle.dumps((split, split, split)))
    assert converted["train-images-idx3-ubyte"].shape == (2, 28, 28)
    np.testing.assert_array_equal(
        converted["train-images-idx3-ubyte"].reshape(2, -1)[0, :256], pixels
    )
    np.testing.assert_array_equal(converted["t10k-labels-idx1-ubyte"], [7])


def test_canonical_mnist_has_published_md5(mnist_raw_dir):
    for name in data.RAW_FILES:
        digest = hashlib.md5((mnist_raw_dir / name).read_bytes()).hexdigest()
        assert digest == data.CANONICAL_MD5["mnist"][name]


@pytest.mark.slow  # converts and verifies all of MNIST twice
def test_local_source_accepts_gzipped_idx_and_verifies(mnist_raw_dir, tmp_path):
    local = tmp_path / "local"
    local.mkdir()
    for name in data.RAW_FILES:
        raw = (mnist_raw_dir / name).read_bytes()
        (local / f"{name}.gz").write_bytes(gzip.compress(raw, compresslevel=1))
    data.fetch_raw("mnist", "local", tmp_path / "out", local_dir=str(local))
    # a local folder holding other data is refused by the checksum
    data.write_idx(local / "t10k-labels-idx1-ubyte", np.zeros(10_000, np.uint8))
    (local / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(data.DataError, match="t10k-labels-idx1-ubyte"):
        data.fetch_raw("mnist", "local", tmp_path / "out2", local_dir=str(local))


def test_splits_have_the_documented_sizes(mnist_splits):
    assert mnist_splits.train_x.shape == (50_000, 784) and mnist_splits.train_x.dtype == np.uint8
    assert mnist_splits.val_x.shape == (10_000, 784)
    assert mnist_splits.test_x.shape == (10_000, 784)
    assert mnist_splits.train_y[:5].tolist() == [5, 0, 4, 1, 9]  # MNIST's well-known start


def test_corrupt_prepared_file_is_a_clear_error(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(data.DataError, match="delete it and rerun"):
        data.load_splits(path)
