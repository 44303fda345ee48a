"""The training loop shared by every method: all seeds of a treatment at once, evaluated
several times per epoch, checked for divergence, checkpointed every epoch so that a killed job
resumes where it stopped.

A method subclasses `Trainer` and says what its network is, what one step, one evaluation and
one training-history row are (ff.forward_forward, ff.backprop).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ff.config import TrainSettings, Treatment, config_hash
from ff.data import TEST_SIZE, Splits
from ff.device import synchronize
from ff.layers import to_body
from ff.negatives import data_order, validation_wrong_labels

log = logging.getLogger(__name__)


class DivergenceError(RuntimeError):
    """A seed's loss became NaN or infinite."""


@dataclass
class EvalSet:
    body: torch.Tensor  # [n, IMAGE_SIZE]
    labels: torch.Tensor  # [n]
    wrong: torch.Tensor  # [n], a fixed wrong label for the negative sample

    @classmethod
    def from_arrays(cls, images: np.ndarray, labels: np.ndarray, device: torch.device) -> EvalSet:
        return cls(
            body=to_body(images, device),
            labels=torch.from_numpy(labels.astype(np.int64)).to(device),
            wrong=torch.from_numpy(validation_wrong_labels(labels).astype(np.int64)).to(device),
        )


@dataclass
class Evaluation:
    """One evaluation of all seeds: predictions [S, rows, n] (the layers, the model, and for
    Forward-Forward the model without its first layer), metrics per layer [S, depth] and of
    the model [S], by name; and by depth, the model of each shallower network that shares
    this one's first layers (`Trainer.prefix_depths`): its model rows only."""

    predictions: torch.Tensor
    layers: dict[str, torch.Tensor]
    model: dict[str, torch.Tensor]
    prefixes: dict[int, Evaluation] = field(default_factory=dict)

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
    # by depth, the model rows and predictions of each shallower network sharing these layers
    prefixes: dict[int, TrainingResult] = field(default_factory=dict)


@dataclass(frozen=True)
class StudyCost:
    """Matrix-product FLOPs of training a treatment's seeds, and of evaluating them."""

    training: float
    evaluation: float


class Trainer:
    """All seeds of a treatment step together, are evaluated at `evaluation_steps` and
    checkpointed every epoch. A method says what its network is (`build_model`), what a step
    (`train_step`), an evaluation (`evaluate`) and a training-history row (`train_rows`) are,
    and what each costs (`step_flops`, `evaluation_flops`)."""

    def __init__(
        self,
        treatment: Treatment,
        settings: TrainSettings,
        seeds: list[int] | range,
        splits: Splits,
        device: torch.device,
        prefix_depths: tuple[int, ...] = (),
    ):
        """prefix_depths: shallower depths whose networks are this one's first layers, step for
        step (ff.config.trunks); their model is evaluated too, so that they need no training
        of their own."""
        self.treatment, self.settings, self.device = treatment, settings, device
        self.seeds = list(seeds)
        self.prefix_depths = tuple(sorted(prefix_depths))
        if any(not 1 <= depth < treatment.depth for depth in self.prefix_depths):
            raise ValueError(f"prefix depths {prefix_depths} must lie below {treatment.depth}")
        if self.prefix_depths and not treatment.shares_trunk:
            raise ValueError(f"{treatment.id} does not share its first layers with shallower runs")
        n = min(settings.train_size, len(splits.train_y))
        self.n_train = n
        self.train_body = to_body(splits.train_x[:n], device)
        self.train_labels = torch.from_numpy(splits.train_y[:n].astype(np.int64)).to(device)
        self.validation = EvalSet.from_arrays(
            splits.val_x[: settings.eval_size], splits.val_y[: settings.eval_size], device
        )
        self.test = EvalSet.from_arrays(splits.test_x, splits.test_y, device)
        self.model = self.build_model().to(device)
        self.optimizer = self.build_optimizer()
        seed_range = range(self.seeds[0], self.seeds[-1] + 1)
        self.hash = config_hash(treatment, settings, seed_range, self.prefix_depths)
        self.steps_per_epoch = n // settings.batch_size
        if self.steps_per_epoch == 0:
            raise ValueError(
                f"training.train_size {n} is smaller than training.batch_size {settings.batch_size}"
            )

    # --- what a method defines --------------------------------------------------------------

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

    def prefix_weights(self, depth: int) -> dict:
        """What the network of the first `depth` layers has beyond those layers' weights."""
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
            result.prefixes = {depth: TrainingResult([], [], []) for depth in self.prefix_depths}
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
        test = self.evaluate(self.test)
        end = float(total_epochs), total_epochs * self.steps_per_epoch
        result.history += test.rows(self.seeds, "test", *end)
        result.test_predictions = test.predictions.cpu().numpy()
        for depth, prefix in test.prefixes.items():
            result.prefixes[depth].history += prefix.rows(self.seeds, "test", *end)
            result.prefixes[depth].test_predictions = prefix.predictions.cpu().numpy()
            result.prefixes[depth].weights = self.prefix_weights(depth)
        result.weights = self.weights()
        return result

    def _record_validation(self, result: TrainingResult, epoch: float, step: int) -> np.ndarray:
        """Evaluate on validation, append to the result; returns the model accuracy per seed."""
        ev = self.evaluate(self.validation)
        result.history += ev.rows(self.seeds, "validation", epoch, step)
        result.validation_predictions.append(ev.predictions.cpu().numpy())
        result.evaluation_epochs.append(epoch)
        for depth, prefix in ev.prefixes.items():
            result.prefixes[depth].history += prefix.rows(self.seeds, "validation", epoch, step)
            result.prefixes[depth].validation_predictions.append(prefix.predictions.cpu().numpy())
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
            "history": result.history,
            "validation_predictions": torch.from_numpy(np.stack(result.validation_predictions)),
            "evaluation_epochs": result.evaluation_epochs,
            "seconds_per_epoch": result.seconds_per_epoch,
            "eval_seconds": result.eval_seconds,
            "epochs_done": result.epochs_done,
            "prefixes": {
                depth: {
                    "history": prefix.history,
                    "validation_predictions": torch.from_numpy(
                        np.stack(prefix.validation_predictions)
                    ),
                }
                for depth, prefix in result.prefixes.items()
            },
        }
        partial = Path(f"{path}.partial")
        torch.save(state, partial)
        os.replace(partial, path)  # atomic: a kill mid-save leaves the previous checkpoint

    def load_checkpoint(self, path: Path | None) -> TrainingResult | None:
        if path is None or not Path(path).exists():
            return None
        state = torch.load(path, map_location=self.device, weights_only=True)
        if state["hash"] != self.hash:
            log.warning("ignoring %s: it was written with other settings", path)
            return None
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        log.info(
            "%s: resuming after epoch %d from %s", self.treatment.id, state["epochs_done"], path
        )
        return TrainingResult(
            history=state["history"],
            validation_predictions=list(state["validation_predictions"].cpu().numpy()),
            evaluation_epochs=state["evaluation_epochs"],
            seconds_per_epoch=state["seconds_per_epoch"],
            eval_seconds=state["eval_seconds"],
            epochs_done=state["epochs_done"],
            resumed_from_epoch=state["epochs_done"],
            prefixes={
                depth: TrainingResult(
                    history=prefix["history"],
                    validation_predictions=list(prefix["validation_predictions"].cpu().numpy()),
                    evaluation_epochs=state["evaluation_epochs"],
                )
                for depth, prefix in state["prefixes"].items()
            },
        )
