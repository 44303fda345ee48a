"""The trainer of each training of the registry (ff.trainings): one module per method and
recipe (ff.forward_forward, ff.paper_recipe, ff.backprop), imported when a job trains."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ff.config import TrainSettings, Treatment, trunks
from ff.loop import StudyCost, Trainer


def trainer_class(treatment: Treatment) -> type[Trainer]:
    module, name = treatment.training_entry.trainer.split(":")
    return getattr(importlib.import_module(f"ff.{module}"), name)


def study_cost(
    treatments: list[Treatment], settings: TrainSettings, seeds: Callable[[Treatment], int]
) -> StudyCost:
    """Matrix-product FLOPs of training and evaluating every treatment's `seeds(treatment)`
    seeds; a treatment cut from a deeper run's trunk (ff.config.trunks) costs nothing of its
    own."""
    trunk_of = trunks(treatments)
    trained = [t for t in treatments if trunk_of.get(t.id, t) == t]
    costs = [trainer_class(t).study_cost(t, settings, seeds(t)) for t in trained]
    return StudyCost(sum(c.training for c in costs), sum(c.evaluation for c in costs))
