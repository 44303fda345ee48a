from dataclasses import fields

import pytest

from ff.config import (
    TrainSettings,
    Treatment,
    chunk_name,
    config_hash,
    parse_chunk_name,
    schema,
    seed_chunks,
    seed_count,
    treatment_seed_chunks,
    treatments,
    with_defaults,
)
from ff.trainings import TRAININGS


def full_grid(config: dict) -> list[Treatment]:
    """The treatments of a partial config completed with the schema's defaults."""
    return treatments(with_defaults(config))


def test_treatment_ids_name_what_differs_from_the_standard_training():
    assert Treatment("fashion_mnist", 4, 2000).id == "fashion_mnist-d4-w2000"
    assert Treatment("fashion_mnist", 4, 2000).variant == "standard"
    changed = Treatment("mnist", 2, 8, "greedy", learning_rate=0.01, theta=2.0, negatives="hard")
    assert changed.id == "mnist-d2-w8-greedy-lr0.01-theta2-hard"
    assert changed.variant == "greedy, lr 0.01, theta 2, hard"
    assert changed.training == "Forward-Forward, Adam recipe, greedy, lr 0.01, theta 2, hard"
    assert Treatment("mnist", 2, 8).training == "Forward-Forward, Adam recipe"
    backprop = Treatment("mnist", 2, 8, learning_rate=0.01, method="backprop")
    assert (backprop.variant, backprop.training) == (
        "backprop, lr 0.01",
        "backprop (linear probes), lr 0.01",
    )
    assert Treatment("mnist", 2, 8).is_standard and not changed.is_standard


def test_training_settings_are_the_schemas_training_section_with_its_defaults():
    training = schema()["properties"]["training"]["properties"]
    assert [field.name for field in fields(TrainSettings)] == list(training)
    assert TrainSettings() == TrainSettings.from_config(with_defaults({})["training"])


def test_the_grid_is_the_product_of_every_treatment_key():
    config = {"datasets": ["mnist", "fashion_mnist"], "depths": [1, 3], "widths": [8]}
    grid = full_grid(config | {"methods": ["ff"]})
    assert [t.id for t in grid] == [
        "mnist-d1-w8", "mnist-d3-w8", "fashion_mnist-d1-w8", "fashion_mnist-d3-w8",
    ]  # fmt: skip
    assert [t.id for t in full_grid(config)][4:] == [
        "mnist-d1-w8-backprop", "mnist-d3-w8-backprop",
        "fashion_mnist-d1-w8-backprop", "fashion_mnist-d3-w8-backprop",
    ]  # fmt: skip  # methods defaults to both, as in the schema
    config = {"datasets": ["mnist"], "depths": [2], "widths": [8], "methods": ["ff"],
              "schedules": ["simultaneous", "greedy"], "learning_rates": [0.003, 0.01],
              "thetas": [None, 4], "negatives": ["random", "hard"]}  # fmt: skip
    grid = full_grid(config)
    assert len(grid) == 16 and len({t.id for t in grid}) == 16
    assert {t.variant for t in grid} >= {"standard", "greedy", "lr 0.01", "theta 4"}


def test_backprop_treatments_vary_only_with_data_set_depth_width_and_learning_rate():
    config = {"datasets": ["mnist"], "depths": [2], "widths": [8], "methods": ["ff", "backprop"],
              "schedules": ["simultaneous", "greedy"], "negatives": ["random", "hard"],
              "learning_rates": [0.003, 0.01]}  # fmt: skip
    backprop = [t for t in full_grid(config) if t.method == "backprop"]
    assert [t.id for t in backprop] == ["mnist-d2-w8-backprop", "mnist-d2-w8-backprop-lr0.01"]
    assert [t.variant for t in backprop] == ["backprop", "backprop, lr 0.01"]
    assert len(full_grid(config)) == 8 + 2
    assert all(t.method == "ff" for t in full_grid(config | {"methods": ["ff"]}))
    with pytest.raises(ValueError, match="backprop .linear probes. keeps its own schedule"):
        Treatment("mnist", 2, 8, schedule="greedy", method="backprop")
    with pytest.raises(ValueError, match="not one of ff, backprop"):
        Treatment("mnist", 2, 8, method="hebbian")


def test_variant_grid_limits_backprop_and_the_variants_only():
    config = {"datasets": ["mnist"], "depths": [2, 4], "widths": [8, 16],
              "methods": ["ff", "backprop"], "schedules": ["simultaneous", "greedy"],
              "recipes": ["paper", "adam"],
              "variant_grid": {"depths": [4], "widths": [8]}}  # fmt: skip
    grid = full_grid(config)
    assert sum(t.variant == "standard" for t in grid) == 4
    assert sum(t.variant == "paper recipe" for t in grid) == 4
    assert [t.id for t in grid if t.variant == "backprop"] == ["mnist-d4-w8-backprop"]
    assert [t.id for t in grid if t.variant == "greedy"] == ["mnist-d4-w8-greedy"]
    assert len(full_grid(config | {"variant_grid": None})) == 16
    outside = full_grid(config | {"variant_grid": {"depths": [6]}})  # not in depths: no variant
    assert {t.variant for t in outside} == {"standard", "paper recipe"}


def test_comparison_seeds_apply_to_everything_but_the_paper_recipes_grid():
    config = with_defaults({"datasets": ["mnist"], "depths": [2], "widths": [8],
                            "recipes": ["paper", "adam"], "negatives": ["random", "hard"],
                            "seeds": 30, "comparison_seeds": 5, "first_seed": 30})  # fmt: skip
    counts = {t.id: seed_count(config, t) for t in treatments(config)}
    assert counts == {"mnist-d2-w8": 5, "mnist-d2-w8-hard": 5, "mnist-d2-w8-paper": 30,
                      "mnist-d2-w8-backprop": 5}  # fmt: skip
    paper = next(t for t in treatments(config) if t.recipe == "paper")
    assert treatment_seed_chunks(config, paper, 16) == [range(30, 46), range(46, 60)]
    every = with_defaults({"seeds": 7})  # comparison_seeds left out: `seeds` for all
    assert {seed_count(every, t) for t in treatments(every)} == {7}
    with pytest.raises(Exception, match="comparison_seeds"):
        with_defaults({"comparison_seeds": 1})


def test_seeds_are_cut_into_chunks_of_at_most_the_bound():
    chunks = seed_chunks(0, 5, 2)
    assert [list(c) for c in chunks] == [[0, 1], [2, 3], [4]]
    assert [chunk_name(c) for c in chunks] == ["seeds0-1", "seeds2-3", "seeds4-4"]
    assert all(parse_chunk_name(chunk_name(c)) == c for c in chunks)
    assert seed_chunks(0, 30, 32) == [range(0, 30)]
    assert seed_chunks(30, 30, 32) == [range(30, 60)]  # first_seed: a disjoint replication


def test_theta_defaults_to_the_width_for_sum_goodness():
    assert Treatment("mnist", 2, 200).theta_for("sum") == 200.0
    assert Treatment("mnist", 2, 200).theta_for("mean") == 1.0
    assert Treatment("mnist", 2, 200, theta=5).theta_for("sum") == 5.0


def test_greedy_schedule_trains_each_layer_for_the_configured_epochs():
    assert Treatment("mnist", 4, 8, schedule="greedy", epochs=3).total_epochs == 12
    assert Treatment("mnist", 4, 8, epochs=3).total_epochs == 3


def test_config_hash_changes_with_any_setting():
    treatment, seeds = Treatment("mnist", 2, 8), range(2)
    base = config_hash(treatment, TrainSettings(), seeds)
    assert base == config_hash(treatment, TrainSettings(), seeds)
    assert base != config_hash(treatment, TrainSettings(batch_size=50), seeds)
    assert base != config_hash(Treatment("mnist", 2, 8, learning_rate=0.01), TrainSettings(), seeds)
    assert base != config_hash(treatment, TrainSettings(), range(3))


def test_the_paper_recipe_is_a_grid_key_of_forward_forward_only():
    config = {"datasets": ["mnist"], "depths": [2], "widths": [8], "recipes": ["paper", "adam"],
              "methods": ["ff", "backprop"], "schedules": ["simultaneous", "greedy"],
              "learning_rates": [0.003, 0.01]}  # fmt: skip
    grid = full_grid(config)
    paper = [t for t in grid if t.recipe == "paper"]
    assert [t.id for t in paper] == ["mnist-d2-w8-paper"]  # no variants: its settings are its own
    assert (paper[0].variant, paper[0].training) == (
        "paper recipe",
        "Forward-Forward, paper recipe",
    )
    assert paper[0].is_standard
    assert {t.recipe for t in grid if t.method == "backprop"} == {"adam"}
    assert len(grid) == 4 + 1 + 2
    with pytest.raises(
        ValueError, match="paper recipe keeps its own schedule; `schedules` are variants of Forward"
    ):
        Treatment("mnist", 2, 8, schedule="greedy", recipe="paper")
    with pytest.raises(ValueError, match="paper recipe keeps its own learning_rate"):
        Treatment("mnist", 2, 8, learning_rate=0.01, recipe="paper")
    with pytest.raises(ValueError, match="no training 'backprop' with recipe 'paper'"):
        Treatment("mnist", 2, 8, method="backprop", recipe="paper")


def test_epochs_are_a_grid_key_shown_in_ids_when_varied():
    config = {"datasets": ["mnist"], "depths": [2], "widths": [8], "methods": ["ff"]}
    assert [t.id for t in full_grid(config | {"epochs": [3]})] == ["mnist-d2-w8"]
    varied = full_grid(config | {"epochs": [10, 20], "recipes": ["paper"]})
    assert [(t.id, t.epochs) for t in varied] == [
        ("mnist-d2-w8-paper-e10", 10),
        ("mnist-d2-w8-paper-e20", 20),
    ]
    assert {t.variant for t in varied} == {"paper recipe"}  # epochs vary within a study


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"recipes": ["paperx"]}, "recipes: 'paperx' is not one of adam, paper"),
        ({"methods": ["hebbian"]}, "methods: 'hebbian' is not one of ff, backprop"),
        ({"depths": [1]}, "depths: every claim compares a network's layers"),
        (
            {"recipes": ["paper"], "training": {"goodness": "mean"}},
            "training.goodness: Forward-Forward, paper recipe needs 'sum', not 'mean'",
        ),
        (
            {"recipes": ["paper"], "negatives": ["random", "hard"]},
            "negatives: 'hard' are variants of Forward-Forward, Adam recipe, which this config ",
        ),
        ({"recipes": ["paper"], "schedules": ["greedy"]}, "schedules: 'greedy' are variants of"),
        (
            {"methods": ["ff"], "recipes": ["paper"], "learning_rates": [0.01]},
            "learning_rates: 0.01 are variants of Forward-Forward, Adam recipe or backprop",
        ),
        (
            {"analysis": {"delay_fractions": [0.9], "delay_figure_fraction": 0.5}},
            "analysis.delay_figure_fraction 0.5 is not one of analysis.delay_fractions [0.9]",
        ),
    ],
)
def test_what_the_chosen_trainings_cannot_use_is_refused_naming_the_key(config, message):
    with pytest.raises(ValueError) as error:
        with_defaults(config)
    assert message in str(error.value)


def test_every_training_of_the_registry_has_its_trainer():
    from ff.loop import Trainer
    from ff.methods import trainer_class

    for training in TRAININGS.values():
        treatment = Treatment("mnist", 2, 8, method=training.method, recipe=training.recipe)
        assert issubclass(trainer_class(treatment), Trainer)
        assert treatment.training == training.name or treatment.training.startswith(
            training.name + ", "
        )


def test_only_random_negatives_of_a_training_with_negatives_need_their_files():
    assert Treatment("mnist", 2, 8).needs_negatives_files
    assert Treatment("mnist", 2, 8, recipe="paper").needs_negatives_files
    assert not Treatment("mnist", 2, 8, negatives="hard").needs_negatives_files
    assert not Treatment("mnist", 2, 8, method="backprop").needs_negatives_files
