"""The trainers by method and recipe: each is one module (ff.forward_forward, ff.paper_recipe,
ff.backprop)."""

from __future__ import annotations

from collections.abc import Callable

from ff.backprop import BackpropTrainer
from ff.config import TrainSettings, Treatment, trunks
from ff.forward_forward import FFTrainer
from ff.loop import StudyCost, Trainer
from ff.paper_recipe import PaperFFTrainer

TRAINERS: dict[tuple[str, str], type[Trainer]] = {
    ("ff", "adam"): FFTrainer,
    ("ff", "paper"): PaperFFTrainer,
    ("backprop", "adam"): BackpropTrainer,
}


def trainer_class(treatment: Treatment) -> type[Trainer]:
    return TRAINERS[treatment.method, treatment.recipe]


def study_cost(
    treatments: list[Treatment], settings: TrainSettings, seeds: Callable[[Treatment], int]
) -> StudyCost:
    """Matrix-product FLOPs of training and evaluating every treatment's `seeds(treatment)`
    seeds; a treatment derived from a deeper one's run (ff.config.trunks) costs nothing of its
    own."""
    trunk_of = trunks(treatments)
    trained = [t for t in treatments if trunk_of.get(t.id, t) == t]
    costs = [trainer_class(t).study_cost(t, settings, seeds(t)) for t in trained]
    return StudyCost(sum(c.training for c in costs), sum(c.evaluation for c in costs))
