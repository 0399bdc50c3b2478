import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from surrobench.errors import SurrobenchError
from surrobench.zerocost.data import DataSpec, load_minibatch


def write_cifar_batch(folder, name="data_batch_1", count=20, seed=0):
    """A CIFAR-10 python batch: a pickled dict of bytes keys, as released."""
    rng = np.random.default_rng(seed)
    batch = {
        b"batch_label": b"training batch 1 of 5",
        b"labels": [int(label) for label in rng.integers(0, 10, count)],
        b"data": rng.integers(0, 256, (count, 3072), dtype=np.uint8),
        b"filenames": [f"image_{i}.png".encode() for i in range(count)],
    }
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "wb") as handle:
        pickle.dump(batch, handle, protocol=2)
    return batch


def test_digits_minibatch_is_real_standardised_and_seeded():
    images, labels = load_minibatch(DataSpec("digits"), resolution=32, seed=3)
    assert images.shape == (64, 3, 32, 32) and images.dtype == torch.float32
    assert labels.dtype == torch.int64 and set(labels.tolist()) <= set(range(10))
    assert len(set(labels.tolist())) >= 8  # 64 draws from 10 balanced classes
    torch.testing.assert_close(images[:, 0], images[:, 2])  # grey in 3 channels
    assert abs(float(images.mean())) < 0.5 and 0.5 < float(images.std()) < 1.5
    again, _ = load_minibatch(DataSpec("digits"), resolution=32, seed=3)
    other, _ = load_minibatch(DataSpec("digits"), resolution=32, seed=4)
    assert torch.equal(images, again) and not torch.equal(images, other)


def test_cifar_batches_are_read_resized_and_identified(tmp_path):
    batch = write_cifar_batch(tmp_path / "cifar")
    spec = DataSpec.from_dir(tmp_path / "cifar", batch_size=8)
    images, labels = load_minibatch(spec, resolution=16, seed=0)
    assert images.shape == (8, 3, 16, 16)
    assert set(labels.tolist()) <= set(batch[b"labels"])
    full, _ = load_minibatch(DataSpec.from_dir(tmp_path / "cifar", 20), 32, seed=0)
    # All 20 images, standardised per channel over the folder.
    means = full.mean(dim=(0, 2, 3))
    torch.testing.assert_close(means, torch.zeros(3), atol=1e-5, rtol=0)
    first = spec.identity()
    write_cifar_batch(tmp_path / "cifar", seed=1)  # new contents, new identity
    assert DataSpec.from_dir(tmp_path / "cifar", batch_size=8).identity() != first


def test_bad_cifar_folders_and_files_are_refused(tmp_path):
    with pytest.raises(SurrobenchError, match="does not exist"):
        load_minibatch(DataSpec.from_dir(tmp_path / "missing"), 32)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SurrobenchError, match="none of the CIFAR-10 python batches"):
        load_minibatch(DataSpec.from_dir(tmp_path / "empty"), 32)
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    with open(hostile / "data_batch_1", "wb") as handle:
        pickle.dump({b"data": print}, handle, protocol=2)  # names a callable
    with pytest.raises(SurrobenchError, match="not a CIFAR-10 python batch"):
        load_minibatch(DataSpec.from_dir(hostile), 32)
    with pytest.raises(SurrobenchError, match="exceeds the 20 images"):
        write_cifar_batch(tmp_path / "small")
        load_minibatch(DataSpec.from_dir(tmp_path / "small", batch_size=64), 32)


def test_bad_specs_are_refused():
    with pytest.raises(SurrobenchError, match="did you mean 'digits'"):
        DataSpec("digit")
    with pytest.raises(SurrobenchError, match="--data-dir"):
        DataSpec("cifar10")
    with pytest.raises(SurrobenchError, match="batch size"):
        DataSpec("digits", batch_size=1)


def test_corrupt_batches_fail_with_one_clear_line(tmp_path):
    """Truncated bytes, values of the wrong kind or range, an unreadable file:
    each is named, never a numpy or pickle traceback."""
    write_cifar_batch(tmp_path / "good", count=4)
    whole = (tmp_path / "good" / "data_batch_1").read_bytes()
    codec = whole.replace(b"latin1", b"latin9", 1)  # _codecs.encode, unknown codec
    cases = {
        "truncated": (whole[: len(whole) // 2], "not a CIFAR-10 python batch"),
        "codec": (codec, "not a CIFAR-10 python batch"),
        "pixels": ({b"data": [[300] * 3072], b"labels": [1]}, "outside 0..255"),
        "floats": ({b"data": [[0.5] * 3072], b"labels": [1]}, "non-integer values"),
        "labels": ({b"data": [[1] * 3072], b"labels": 3}, r"b'labels' has shape \(\)"),
        "huge label": ({b"data": [[1] * 3072], b"labels": [2**70]}, "non-integer"),
    }
    for name, (content, message) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        if isinstance(content, dict):
            content = pickle.dumps(content, protocol=2)
        (folder / "data_batch_1").write_bytes(content)
        with pytest.raises(SurrobenchError, match=message):
            load_minibatch(DataSpec.from_dir(folder, batch_size=2), 16)
    with pytest.raises(SurrobenchError, match="is a file, not a folder"):
        load_minibatch(DataSpec.from_dir(tmp_path / "good" / "data_batch_1"), 16)


def test_a_corrupt_dtype_state_cannot_break_the_arrays(tmp_path, capsys):
    """A pickled dtype carries flags; numpy's shared dtypes ignore them, whereas
    a copy flagged as holding objects broke the array built on it."""
    write_cifar_batch(tmp_path / "cifar", count=4)
    path = tmp_path / "cifar" / "data_batch_1"
    whole = path.read_bytes()
    state = b"J\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00t"  # ..., -1, -1, flags 0)
    assert whole.count(state) == 1
    path.write_bytes(whole.replace(state, state.replace(b"K\x00", b"K\x87")))
    images, _ = load_minibatch(DataSpec.from_dir(tmp_path / "cifar", 4), 32)
    assert images.shape == (4, 3, 32, 32)
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_an_unreadable_batch_is_named(tmp_path):
    folder = tmp_path / "cifar"
    folder.mkdir()
    (folder / "data_batch_1").symlink_to("/proc/self/mem")  # a file that reads EIO
    with pytest.raises(SurrobenchError, match=r"cannot read .*data_batch_1"):
        DataSpec.from_dir(folder).identity()
