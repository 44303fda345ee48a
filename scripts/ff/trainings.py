"""The training registry: every way this study trains a network, in one place.

A training is a method (Forward-Forward or backprop) with a recipe. Its entry says which
trainer class runs it, how it is named in ids, tables and figures, which grid keys of the
config vary it beyond data set, depth, width and epochs (its *variants*), whether it is a
headline training (one whose claims summary.md answers first) and whether its networks of several
depths share a trunk (ff.config.trunks). `ff.config.treatments`, `ff.methods`, the config's
cross-checks, the summary and the figures read it. Adding a recipe = its trainer module + one
entry here (+ its line in config/README.md).

This module imports no torch: the Snakefile reads it at start-up. Trainer classes are named
as "module:Class" under ff and imported when a job trains.
"""

from __future__ import annotations

from dataclasses import dataclass

STANDARD_VARIANT = "standard"  # the variant label of a training with nothing changed
# The grid keys that make variants, in the order they expand the grid, with the Treatment
# field each sets.
VARIANT_KEYS = {
    "schedules": "schedule",
    "learning_rates": "learning_rate",
    "thetas": "theta",
    "negatives": "negatives",
}


@dataclass(frozen=True)
class Training:
    method: str  # the config's `methods` value
    recipe: str  # the config's `recipes` value
    name: str  # how tables and figures name it: the `training` column
    trainer: str  # "module:Class" under ff
    tag: str = ""  # in treatment ids ("mnist-d3-w100-paper"); "" for none
    label: str = ""  # what its `variant` label starts with; "" for standard Forward-Forward
    varies: tuple[str, ...] = ()  # VARIANT_KEYS it accepts
    headline: int = 0  # 1, 2, ...: the order of the headline trainings; 0: a comparison
    definition: str = "label"  # the definition of accuracy (ff.stats) it is headlined under
    headline_text: str = ""  # its headline in words, as summary.md's answers table names it
    shares_trunk: bool = False  # its depths share a trunk (with random negatives, simultaneously)
    reproduction: bool = False  # the study's own experiment: trains `seeds`, not comparison_seeds
    chosen_by_recipes: bool = True  # the config's `recipes` choose it (`methods` always do)
    requires: tuple[tuple[str, object], ...] = ()  # (training setting, the value it needs)
    negatives: bool = True  # learns from negative samples (random ones from make_negatives)
    # rows of its predictions beyond one per layer: the model's, and Forward-Forward's model
    # without layer 1, and the paper recipe's read-out (ff.footprint sizes them)
    model_rows: int = 2

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.recipe

    def variant(self, changes: list[str]) -> str:
        """The `variant` label of this training with `changes` (ff.config.Treatment.changes):
        what sets it apart from standard Forward-Forward, `standard` for nothing."""
        return ", ".join([self.label] * bool(self.label) + changes) or STANDARD_VARIANT

    def training(self, changes: list[str]) -> str:
        """The `training` label of this training with `changes`, as tables and figures name
        it: `Forward-Forward, Adam recipe, greedy`."""
        return ", ".join([self.name, *changes])


TRAININGS = {
    training.key: training
    for training in [
        # in the order the grid lists them (the tables' row order)
        Training(
            method="ff",
            recipe="adam",
            name="Forward-Forward, Adam recipe",
            trainer="forward_forward:FFTrainer",
            varies=tuple(VARIANT_KEYS),
            headline=2,
            definition="label",
            headline_text="this project's Adam recipe and label definitions",
            shares_trunk=True,
        ),
        Training(
            method="ff",
            recipe="paper",
            name="Forward-Forward, paper recipe",
            trainer="paper_recipe:PaperFFTrainer",
            tag="paper",
            label="paper recipe",
            headline=1,
            definition="paper",
            headline_text="the paper's recipe and definitions",
            shares_trunk=True,
            reproduction=True,
            requires=(("goodness", "sum"),),  # its loss is on the sum of squares minus width
            model_rows=3,
        ),
        Training(
            method="backprop",
            recipe="adam",
            name="backprop (linear probes)",
            trainer="backprop:BackpropTrainer",
            tag="backprop",
            label="backprop",
            varies=("learning_rates",),
            chosen_by_recipes=False,  # `recipes` are Forward-Forward's; backprop uses Adam
            negatives=False,
            model_rows=1,
        ),
    ]
}
METHODS = tuple(dict.fromkeys(method for method, _ in TRAININGS))
RECIPES = tuple(dict.fromkeys(recipe for _, recipe in TRAININGS))
HEADLINES = sorted(
    (training for training in TRAININGS.values() if training.headline),
    key=lambda training: training.headline,
)


def training_of(method: str, recipe: str) -> Training:
    try:
        return TRAININGS[method, recipe]
    except KeyError:
        known = ", ".join(f"{m} with recipe {r}" for m, r in TRAININGS)
        raise ValueError(
            f"there is no training {method!r} with recipe {recipe!r}; the known ones: {known}"
        ) from None
