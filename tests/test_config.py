import pytest

from ff.config import (
    TrainSettings,
    Treatment,
    chunk_name,
    config_hash,
    parse_chunk_name,
    seed_chunks,
    treatments,
)


def test_treatment_ids_round_trip():
    treatment = Treatment("fashion_mnist", 4, 2000)
    assert treatment.id == "fashion_mnist-d4-w2000"
    assert Treatment.from_id(treatment.id) == treatment
    with pytest.raises(ValueError, match="is not a treatment id"):
        Treatment.from_id("mnist-4-2000")


def test_the_grid_is_datasets_by_depths_by_widths():
    grid = treatments({"datasets": ["mnist", "fashion_mnist"], "depths": [1, 3], "widths": [8]})
    assert [t.id for t in grid] == [
        "mnist-d1-w8", "mnist-d3-w8", "fashion_mnist-d1-w8", "fashion_mnist-d3-w8",
    ]  # fmt: skip


def test_seeds_are_cut_into_chunks_of_at_most_the_bound():
    chunks = seed_chunks(5, 2)
    assert [list(c) for c in chunks] == [[0, 1], [2, 3], [4]]
    assert [chunk_name(c) for c in chunks] == ["seeds0-1", "seeds2-3", "seeds4-4"]
    assert all(parse_chunk_name(chunk_name(c)) == c for c in chunks)
    assert seed_chunks(30, 32) == [range(0, 30)]


def test_theta_defaults_to_the_width_for_sum_goodness():
    assert TrainSettings().theta_for(200) == 200.0
    assert TrainSettings(goodness="mean").theta_for(200) == 1.0
    assert TrainSettings(theta=5).theta_for(200) == 5.0


def test_greedy_schedule_trains_each_layer_for_the_configured_epochs():
    assert TrainSettings(epochs=3, schedule="greedy").total_epochs(4) == 12
    assert TrainSettings(epochs=3).total_epochs(4) == 3


def test_config_hash_changes_with_any_setting():
    treatment, seeds = Treatment("mnist", 2, 8), range(2)
    base = config_hash(treatment, TrainSettings(), seeds)
    assert base == config_hash(treatment, TrainSettings(), seeds)
    assert base != config_hash(treatment, TrainSettings(learning_rate=0.01), seeds)
    assert base != config_hash(treatment, TrainSettings(), range(3))
