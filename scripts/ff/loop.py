"""The training loop shared by every method: all seeds of a treatment at once, evaluated
several times per epoch, checked for divergence, checkpointed every epoch so that a killed job
resumes where it stopped.

A method subclasses `Trainer` and says what its network is, what one step, one evaluation and
one training-history row are (ff.forward_forward, ff.backprop). Everything that only one method
has (its inputs, the further networks it evaluates along with this one) stays in its module.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ff.config import TrainSettings, Treatment, config_hash
from ff.data import TEST_SIZE, Splits
from ff.device import float32_products, synchronize
from ff.layers import to_body
from ff.negatives import data_order

log = logging.getLogger(__name__)


class DivergenceError(RuntimeError):
    """A seed's loss became NaN or infinite."""


@dataclass
class EvalSet:
    """A split to evaluate on (a method may add what it needs: `Trainer.eval_set`)."""

    body: torch.Tensor  # [n, IMAGE_SIZE]
    labels: torch.Tensor  # [n]

    @classmethod
    def from_arrays(cls, images: np.ndarray, labels: np.ndarray, device: torch.device) -> EvalSet:
        return cls(
            body=to_body(images, device),
            labels=torch.from_numpy(labels.astype(np.int64)).to(device),
        )


@dataclass
class Evaluation:
    """One evaluation of all seeds: predictions [S, rows, n] (the layers, the model, and the
    method's further rows), metrics per layer [S, depth] and of the model [S], by name; and by a
    key of the method's choosing, the evaluations of further networks evaluated along with
    this one (`extras`), each recorded as this one is (`TrainingResult.record`)."""

    predictions: torch.Tensor
    layers: dict[str, torch.Tensor]
    model: dict[str, torch.Tensor]
    extras: dict[Hashable, Evaluation] = field(default_factory=dict)

    def rows(self, seeds: list[int], split: str, epoch: float, step: int) -> list[dict]:
        """History rows: one per seed and layer, plus the model."""
        layers = {name: value.cpu().numpy() for name, value in self.layers.items()}
        model = {name: value.cpu().numpy() for name, value in self.model.items()}
        depth = next(iter(layers.values())).shape[1] if layers else 0
        rows = []
        for s, seed in enumerate(seeds):
            base = {"seed": seed, "epoch": epoch, "step": step, "split": split}
            for layer in range(depth):
                values = {name: float(value[s, layer]) for name, value in layers.items()}
                rows.append({**base, "layer": str(layer + 1), **values})
            values = {name: float(value[s]) for name, value in model.items()}
            rows.append({**base, "layer": "model", **values})
        return rows


def evaluation_chunk(device: torch.device, bytes_per_image: int) -> int:
    """Images evaluated at once. On a CPU their activations fit in the last-level cache:
    16 MB chunks evaluate twice as fast as 256 MB ones on this project's 2-core machine (depth
    3, width 200, 5 seeds); a GPU wants large kernels."""
    budget = 16 * 2**20 if device.type == "cpu" else 256 * 2**20
    return max(1, budget // bytes_per_image)


def rows(table: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """table[indices] for indices [S, B]: index_select is several times faster on a CPU."""
    return table.index_select(0, indices.flatten()).unflatten(0, indices.shape)


def train_row(seed: int, epoch: float, step: int, layer: str, **metrics: float) -> dict:
    """A history row of the training split: metrics averaged since the last evaluation."""
    return {"seed": seed, "epoch": epoch, "step": step, "split": "train", "layer": layer, **metrics}


def evaluation_steps(steps_per_epoch: int, evals_per_epoch: int) -> list[int]:
    """Steps (1-based, within an epoch) after which to evaluate; the last is the epoch's end."""
    points = {round(steps_per_epoch * j / evals_per_epoch) for j in range(1, evals_per_epoch + 1)}
    return sorted(point for point in points if point > 0)


def make_optimizer(name: str, learning_rate: float, parameters) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(parameters, lr=learning_rate, fused=True)
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=learning_rate, momentum=0.9)
    raise ValueError(f"training.optimizer {name!r} is not one of 'adam', 'sgd'")


@dataclass
class TrainingResult:
    history: list[dict]
    validation_predictions: list[np.ndarray]  # per evaluation: uint8 [S, rows, n]
    evaluation_epochs: list[float]
    test_predictions: np.ndarray | None = None  # uint8 [S, rows, n]
    weights: dict | None = None
    seconds_per_epoch: list[float] = field(default_factory=list)
    eval_seconds: float = 0.0
    epochs_done: int = 0
    resumed_from_epoch: int = 0
    # the results of the evaluations' extras, by their keys (Evaluation.extras)
    extras: dict[Hashable, TrainingResult] = field(default_factory=dict)

    def record(self, ev: Evaluation, seeds: list[int], split: str, epoch: float, step: int) -> None:
        """Add an evaluation on `split` ("validation" or "test"), and each of its extras to
        the result of the same key."""
        self.history += ev.rows(seeds, split, epoch, step)
        predictions = ev.predictions.cpu().numpy()
        if split == "test":
            self.test_predictions = predictions
        else:
            self.validation_predictions.append(predictions)
            self.evaluation_epochs.append(epoch)
        for key, extra in ev.extras.items():
            if key not in self.extras:
                self.extras[key] = TrainingResult([], [], [])
            self.extras[key].record(extra, seeds, split, epoch, step)

    def recorded_state(self) -> dict:
        """What the evaluations recorded so far, for a checkpoint (`from_recorded_state`)."""
        return {
            "history": self.history,
            "validation_predictions": torch.from_numpy(np.stack(self.validation_predictions)),
            "evaluation_epochs": self.evaluation_epochs,
            "extras": {key: extra.recorded_state() for key, extra in self.extras.items()},
        }

    @classmethod
    def from_recorded_state(cls, state: dict) -> TrainingResult:
        return cls(
            history=state["history"],
            validation_predictions=list(state["validation_predictions"].cpu().numpy()),
            evaluation_epochs=state["evaluation_epochs"],
            extras={key: cls.from_recorded_state(extra) for key, extra in state["extras"].items()},
        )


@dataclass(frozen=True)
class StudyCost:
    """Matrix-product FLOPs of training a treatment's seeds, and of evaluating them."""

    training: float
    evaluation: float


class Trainer:
    """All seeds of a treatment step together, are evaluated at `evaluation_steps` and
    checkpointed every epoch. A method says what its network is (`build_model`), what a step
    (`train_step`), an evaluation (`evaluate`) and a training-history row (`train_rows`) are,
    and what each costs (`step_flops`, `evaluation_flops`).

    Every method's trainer is built with the same call,
    `trainer_class(treatment)(treatment, settings, seeds, splits, device, inputs)`."""

    def __init__(
        self,
        treatment: Treatment,
        settings: TrainSettings,
        seeds: list[int] | range,
        splits: Splits,
        device: torch.device,
        inputs: Any = None,
    ):
        """inputs: what the training job gives the method beyond its data, in the method's own
        type (Forward-Forward: ff.forward_forward.TrainInputs); the loop hands it to `prepare`
        unread."""
        self.treatment, self.settings, self.device = treatment, settings, device
        self.seeds = list(seeds)
        n = min(settings.train_size, len(splits.train_y))
        self.n_train = n
        self.train_body = to_body(splits.train_x[:n], device)
        self.train_labels = torch.from_numpy(splits.train_y[:n].astype(np.int64)).to(device)
        self.prepare(inputs)
        self.validation = self.eval_set(
            splits.val_x[: settings.eval_size], splits.val_y[: settings.eval_size]
        )
        self.test = self.eval_set(splits.test_x, splits.test_y)
        self.model = self.build_model().to(device)
        self.optimizer = self.build_optimizer()
        self.hash = self.checkpoint_hash()
        self.steps_per_epoch = n // settings.batch_size
        if self.steps_per_epoch == 0:
            raise ValueError(
                f"training.train_size {n} is smaller than training.batch_size {settings.batch_size}"
            )

    # --- what a method defines --------------------------------------------------------------

    def prepare(self, inputs: Any) -> None:
        """The method's own state before its network is built: what it takes from `inputs`
        and precomputes from the training images and labels (`train_body`, `train_labels`)."""

    def eval_set(self, images: np.ndarray, labels: np.ndarray) -> EvalSet:
        """A split to evaluate on, from uint8 images [n, IMAGE_SIZE] and labels [n]."""
        return EvalSet.from_arrays(images, labels, self.device)

    def checkpoint_hash(self) -> str:
        """Identifies the run's inputs, so that a checkpoint written with others is never
        resumed (ff.config.config_hash)."""
        seed_range = range(self.seeds[0], self.seeds[-1] + 1)
        return config_hash(self.treatment, self.settings, seed_range)

    def build_model(self) -> torch.nn.Module:
        raise NotImplementedError

    def build_optimizer(self) -> torch.optim.Optimizer:
        """training.optimizer over every parameter, at the treatment's learning rate."""
        return make_optimizer(
            self.settings.optimizer, self.treatment.learning_rate, self.model.parameters()
        )

    def train_step(self, indices: torch.Tensor, epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """One update of all seeds from training images `indices` [S, B] in epoch `epoch`;
        returns each seed's loss [S] (to catch divergence) and the statistics that
        `train_rows` turns into rows."""
        raise NotImplementedError

    def evaluate(self, data: EvalSet) -> Evaluation:
        raise NotImplementedError

    def train_rows(self, means: np.ndarray, epoch: int, at: float, step: int) -> list[dict]:
        """History rows of the training split from the step statistics averaged since the
        last evaluation (epoch: the epoch's index; at: the time in epochs; step: the global
        step)."""
        raise NotImplementedError

    def divergence_advice(self) -> str:
        return (
            f"lower the learning rate (now {self.treatment.learning_rate:g}, config key "
            "learning_rates)"
        )

    @staticmethod
    def step_flops(treatment: Treatment, seeds: int, batch: int) -> float:
        """Matrix-product FLOPs of one training step."""
        raise NotImplementedError

    @staticmethod
    def evaluation_flops(
        treatment: Treatment, settings: TrainSettings, seeds: int, images: int
    ) -> float:
        """Matrix-product FLOPs of one evaluation on `images` images."""
        raise NotImplementedError

    # --- the loop ---------------------------------------------------------------------------

    @classmethod
    def study_cost(cls, treatment: Treatment, settings: TrainSettings, seeds: int) -> StudyCost:
        """FLOPs of the whole run as `run` does it: every step, every validation evaluation
        and the final test."""
        steps_per_epoch = settings.train_size // settings.batch_size
        epochs = treatment.total_epochs
        evaluations = 1 + epochs * len(evaluation_steps(steps_per_epoch, settings.evals_per_epoch))
        training = cls.step_flops(treatment, seeds, settings.batch_size) * steps_per_epoch * epochs
        evaluation = evaluations * cls.evaluation_flops(
            treatment, settings, seeds, settings.eval_size
        )
        evaluation += cls.evaluation_flops(treatment, settings, seeds, TEST_SIZE)
        return StudyCost(training, evaluation)

    def weights(self) -> dict:
        """Every layer's weights and biases, seed axis first (backprop: the read-out last)."""
        return {
            "seeds": self.seeds,
            "weights": [w.detach().cpu() for w in self.model.weights],  # [S, in, out]
            "biases": [b.detach().cpu()[:, 0, :] for b in self.model.biases],  # [S, out]
        }

    def extra_weights(self, key: Hashable) -> dict:
        """The weights of the result `extras[key]` (Evaluation.extras): none by default."""
        return {}

    def batch_indices(self, epoch: int) -> torch.Tensor:
        """[steps, S, batch] indices into the training images, each seed in its own order."""
        batch, steps = self.settings.batch_size, self.steps_per_epoch
        orders = np.stack(
            [data_order(seed, epoch, self.n_train)[: steps * batch] for seed in self.seeds]
        )
        return torch.from_numpy(
            orders.reshape(len(self.seeds), steps, batch).transpose(1, 0, 2).copy()
        ).to(self.device)

    def run(self, checkpoint: Path | None = None) -> TrainingResult:
        total_epochs = self.treatment.total_epochs
        result = self.load_checkpoint(checkpoint)
        if result is None:
            result = TrainingResult([], [], [])
            self._record_validation(result, 0.0, 0)
        eval_points = evaluation_steps(self.steps_per_epoch, self.settings.evals_per_epoch)
        for epoch in range(result.epochs_done, total_epochs):
            indices = self.batch_indices(epoch)
            train_seconds, previous = 0.0, 0
            for point in eval_points:
                started = time.perf_counter()
                # kept per step and reduced at the evaluation: no extra work inside the loop
                losses, stats = [], []
                for step in range(previous, point):
                    loss, step_stats = self.train_step(indices[step], epoch)
                    losses.append(loss)
                    stats.append(step_stats)
                synchronize(self.device)
                train_seconds += time.perf_counter() - started
                self._check_divergence(torch.stack(losses), epoch, previous)
                at = epoch + point / self.steps_per_epoch
                global_step = epoch * self.steps_per_epoch + point
                means = torch.stack(stats).mean(0).cpu().numpy()
                result.history += self.train_rows(means, epoch, at, global_step)
                started = time.perf_counter()
                model_accuracy = self._record_validation(result, at, global_step)
                result.eval_seconds += time.perf_counter() - started
                previous = point
            result.seconds_per_epoch.append(train_seconds)
            result.epochs_done = epoch + 1
            log.info(
                "%s epoch %d/%d: %.2f s training, validation model accuracy per seed %s",
                self.treatment.id,
                epoch + 1,
                total_epochs,
                train_seconds,
                " ".join(f"{a:.4f}" for a in model_accuracy),
            )
            if checkpoint is not None:
                self.save_checkpoint(checkpoint, result)
        test = self.measure(self.test)
        end = float(total_epochs), total_epochs * self.steps_per_epoch
        result.record(test, self.seeds, "test", *end)
        result.weights = self.weights()
        for key, extra in result.extras.items():
            extra.weights = self.extra_weights(key)
        return result

    def measure(self, data: EvalSet) -> Evaluation:
        """`evaluate` with float32 products, whatever the training's precision."""
        with float32_products():
            return self.evaluate(data)

    def _record_validation(self, result: TrainingResult, epoch: float, step: int) -> np.ndarray:
        """Evaluate on validation, append to the result; returns the model accuracy per seed."""
        ev = self.measure(self.validation)
        result.record(ev, self.seeds, "validation", epoch, step)
        return ev.model["accuracy"].cpu().numpy()

    def _check_divergence(self, losses: torch.Tensor, epoch: int, first_step: int) -> None:
        """losses [steps, S] of the steps from `first_step` (0-based, within the epoch)."""
        finite = torch.isfinite(losses).cpu().numpy()
        for s in range(len(self.seeds)):
            if not finite[:, s].all():
                step = first_step + int(np.argmin(finite[:, s]))
                raise DivergenceError(
                    f"treatment {self.treatment.id}, seed {self.seeds[s]}: the loss became NaN "
                    f"or infinite at step {epoch * self.steps_per_epoch + step + 1} (epoch "
                    f"{epoch + 1}, step {step + 1} of {self.steps_per_epoch}); "
                    + self.divergence_advice()
                )

    def save_checkpoint(self, path: Path, result: TrainingResult) -> None:
        state = {
            "hash": self.hash,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "recorded": result.recorded_state(),
            "seconds_per_epoch": result.seconds_per_epoch,
            "eval_seconds": result.eval_seconds,
            "epochs_done": result.epochs_done,
        }
        partial = Path(f"{path}.partial")
        torch.save(state, partial)
        os.replace(partial, path)  # atomic: a kill mid-save leaves the previous checkpoint

    def load_checkpoint(self, path: Path | None) -> TrainingResult | None:
        if path is None or not Path(path).exists():
            return None
        state = torch.load(path, map_location=self.device, weights_only=True)
        if state["hash"] != self.hash or "recorded" not in state:
            log.warning("ignoring %s: it was written with other settings or code", path)
            return None
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        log.info(
            "%s: resuming after epoch %d from %s", self.treatment.id, state["epochs_done"], path
        )
        result = TrainingResult.from_recorded_state(state["recorded"])
        result.seconds_per_epoch = state["seconds_per_epoch"]
        result.eval_seconds = state["eval_seconds"]
        result.epochs_done = result.resumed_from_epoch = state["epochs_done"]
        return result
