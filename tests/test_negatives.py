import numpy as np

from ff.negatives import data_order, random_wrong_labels, validation_wrong_labels


def test_wrong_labels_are_never_the_true_label():
    labels = np.random.default_rng(1).integers(0, 10, 5000).astype(np.uint8)
    wrong = random_wrong_labels(labels, seed=3, epochs=4)
    assert wrong.shape == (4, 5000) and wrong.dtype == np.uint8
    assert not (wrong == labels[None]).any()


def test_wrong_labels_are_uniform_over_the_nine_wrong_classes():
    labels = np.zeros(90_000, np.uint8)
    counts = np.bincount(random_wrong_labels(labels, seed=0, epochs=1)[0], minlength=10)
    assert counts[0] == 0
    assert np.all(np.abs(counts[1:] - 10_000) < 400)  # about 4 standard deviations


def test_same_seed_same_negatives_other_seed_other_negatives():
    labels = np.arange(1000, dtype=np.uint8) % 10
    np.testing.assert_array_equal(
        random_wrong_labels(labels, 5, 2), random_wrong_labels(labels, 5, 2)
    )
    assert (random_wrong_labels(labels, 5, 2) != random_wrong_labels(labels, 6, 2)).mean() > 0.8


def test_validation_negatives_are_fixed_and_wrong():
    labels = np.arange(100, dtype=np.uint8) % 10
    np.testing.assert_array_equal(validation_wrong_labels(labels), validation_wrong_labels(labels))
    assert not (validation_wrong_labels(labels) == labels).any()


def test_data_order_is_a_permutation_that_depends_on_seed_and_epoch():
    order = data_order(seed=2, epoch=1, n=100)
    assert sorted(order.tolist()) == list(range(100))
    np.testing.assert_array_equal(order, data_order(2, 1, 100))
    assert not np.array_equal(order, data_order(2, 2, 100))
    assert not np.array_equal(order, data_order(3, 1, 100))
