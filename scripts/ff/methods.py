"""The training methods by name (a treatment's `method`): each is one module with its trainer."""

from __future__ import annotations

from ff.backprop import BackpropTrainer
from ff.config import TrainSettings, Treatment
from ff.forward_forward import FFTrainer
from ff.loop import StudyCost, Trainer

TRAINERS: dict[str, type[Trainer]] = {"ff": FFTrainer, "backprop": BackpropTrainer}


def study_cost(treatments: list[Treatment], settings: TrainSettings, seeds: int) -> StudyCost:
    """Matrix-product FLOPs of training and evaluating every treatment's seeds."""
    costs = [TRAINERS[t.method].study_cost(t, settings, seeds) for t in treatments]
    return StudyCost(sum(c.training for c in costs), sum(c.evaluation for c in costs))
