"""The training loop: all seeds of a treatment at once, evaluated several times per epoch,
checkpointed every epoch so that a killed job resumes where it stopped."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ff.config import TrainSettings, Treatment, config_hash
from ff.data import Splits
from ff.gpus import claim_free_gpu
from ff.model import N_CLASSES, BatchedFF, ff_loss, input_inv_rms, label_free
from ff.negatives import data_order, validation_wrong_labels

log = logging.getLogger(__name__)

TRAIN_METRICS = ("loss", "goodness_pos", "goodness_neg")  # FF's statistics of a training step


class DivergenceError(RuntimeError):
    """A seed's loss became NaN or infinite."""


def choose_device(requested: str) -> torch.device:
    """CPU or CUDA as configured; with several visible GPUs, one that no other training job
    on this machine holds (see ff.gpus)."""
    if requested == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "training.device is 'cuda' but no CUDA device is visible: use 'auto' or 'cpu'"
        )
    if requested == "cpu" or not torch.cuda.is_available():
        return torch.device("cpu")
    count = torch.cuda.device_count()
    if count == 1:
        return torch.device("cuda", 0)
    uuids = [str(torch.cuda.get_device_properties(i).uuid) for i in range(count)]
    return torch.device("cuda", claim_free_gpu(uuids))


def configure_torch(threads: int, matmul_precision: str = "highest") -> None:
    """Threads, deterministic algorithms, and the precision of float32 matrix products
    (config key training.matmul_precision: `high` allows TF32 on CUDA, `medium` also bfloat16
    products on CPUs that have them)."""
    torch.set_num_threads(max(1, threads))
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    torch.set_float32_matmul_precision(matmul_precision)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS


def to_body(images: np.ndarray, device: torch.device) -> torch.Tensor:
    """uint8 [n, 784] -> float [n, 784] in [0, 1] with the label pixels zeroed."""
    return label_free(torch.tensor(images, device=device, dtype=torch.float32) / 255)


@dataclass
class EvalSet:
    body: torch.Tensor  # [n, 784]
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
    the model [S], by name."""

    predictions: torch.Tensor
    layers: dict[str, torch.Tensor]
    model: dict[str, torch.Tensor]


def evaluation_chunk(device: torch.device, bytes_per_image: int) -> int:
    """Images evaluated at once. On a CPU their activations fit in the last-level cache:
    16 MB chunks evaluate twice as fast as 256 MB ones on this project's 2-core machine (depth
    3, width 200, 5 seeds); a GPU wants large kernels."""
    budget = 16 * 2**20 if device.type == "cpu" else 256 * 2**20
    return max(1, budget // bytes_per_image)


def evaluate_ff(model: BatchedFF, data: EvalSet, theta: float) -> Evaluation:
    seeds, width = len(model.seeds), model.width
    chunk = evaluation_chunk(data.body.device, seeds * N_CLASSES * width * 4 * 2)
    g = model.label_goodness(data.body, chunk=chunk)  # [S, depth, n, 10]
    model_all = g.sum(1).argmax(-1)
    model_skip_first = g[:, 1:].sum(1).argmax(-1) if model.depth > 1 else model_all
    predictions = torch.cat([g.argmax(-1), model_all[:, None], model_skip_first[:, None]], 1)
    accuracy = (predictions == data.labels).float().mean(-1)  # [S, depth + 2]
    g_pos = g.gather(-1, data.labels.view(1, 1, -1, 1).expand(seeds, model.depth, -1, 1))[..., 0]
    g_neg = g.gather(-1, data.wrong.view(1, 1, -1, 1).expand(seeds, model.depth, -1, 1))[..., 0]
    separation = ((g_pos > theta).float().mean(-1) + (g_neg < theta).float().mean(-1)) / 2
    return Evaluation(
        predictions=predictions.to(torch.uint8),
        layers={
            "accuracy": accuracy[:, : model.depth],
            "loss": ff_loss(g_pos, g_neg, theta),
            "goodness_pos": g_pos.mean(-1),
            "goodness_neg": g_neg.mean(-1),
            "separation": separation,
        },
        model={"accuracy": accuracy[:, model.depth], "accuracy_skip_first": accuracy[:, -1]},
    )


def evaluation_rows(
    ev: Evaluation, seeds: list[int], depth: int, split: str, epoch: float, step: int
) -> list[dict]:
    """History rows (one per seed and layer, plus the model) of one evaluation."""
    layers = {name: value.cpu().numpy() for name, value in ev.layers.items()}
    model = {name: value.cpu().numpy() for name, value in ev.model.items()}
    rows = []
    for s, seed in enumerate(seeds):
        base = {"seed": seed, "epoch": epoch, "step": step, "split": split}
        for layer in range(depth):
            rows.append(
                {
                    **base,
                    "layer": str(layer + 1),
                    **{k: float(v[s, layer]) for k, v in layers.items()},
                }
            )
        rows.append({**base, "layer": "model", **{k: float(v[s]) for k, v in model.items()}})
    return rows


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


class Trainer:
    """The loop shared by both methods: all seeds of a treatment step together, are evaluated
    at `evaluation_steps` and checkpointed every epoch. Subclasses build the model and say
    what a step, an evaluation and a training-history row are."""

    def __init__(
        self,
        treatment: Treatment,
        settings: TrainSettings,
        seeds: list[int] | range,
        splits: Splits,
        device: torch.device,
    ):
        self.treatment, self.settings, self.seeds, self.device = (
            treatment,
            settings,
            list(seeds),
            device,
        )
        n = min(settings.train_size, len(splits.train_y))
        self.n_train = n
        self.train_body = to_body(splits.train_x[:n], device)
        self.train_labels = torch.from_numpy(splits.train_y[:n].astype(np.int64)).to(device)
        self.validation = EvalSet.from_arrays(
            splits.val_x[: settings.eval_size], splits.val_y[: settings.eval_size], device
        )
        self.test = EvalSet.from_arrays(splits.test_x, splits.test_y, device)
        self.model = self.build_model().to(device)
        self.optimizer = make_optimizer(
            settings.optimizer, treatment.learning_rate, self.model.parameters()
        )
        self.hash = config_hash(treatment, settings, range(self.seeds[0], self.seeds[-1] + 1))
        self.steps_per_epoch = n // settings.batch_size
        if self.steps_per_epoch == 0:
            raise ValueError(
                f"training.train_size {n} is smaller than training.batch_size {settings.batch_size}"
            )

    def build_model(self) -> torch.nn.Module:
        raise NotImplementedError

    def train_step(
        self, indices: torch.Tensor, epoch: int, layers: tuple[int, int]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One update of all seeds from training images `indices` [S, B]; returns each seed's
        loss [S] (to catch divergence) and the statistics that `train_rows` turns into rows."""
        raise NotImplementedError

    def evaluate(self, data: EvalSet) -> Evaluation:
        raise NotImplementedError

    def train_rows(
        self, means: np.ndarray, epoch: float, step: int, layers: tuple[int, int]
    ) -> list[dict]:
        """History rows of the training split from the step statistics averaged since the
        last evaluation."""
        raise NotImplementedError

    def weights(self) -> dict:
        """Every layer's weights and biases, seed axis first (backprop: the read-out last)."""
        return {
            "seeds": self.seeds,
            "weights": [w.detach().cpu() for w in self.model.weights],  # [S, in, out]
            "biases": [b.detach().cpu()[:, 0, :] for b in self.model.biases],  # [S, out]
        }

    def active_layers(self, epoch: int) -> tuple[int, int]:
        """[first, last) layers trained in `epoch` (all at once, or one at a time if greedy)."""
        if self.treatment.schedule == "greedy":
            layer = epoch // self.settings.epochs
            return layer, layer + 1
        return 0, self.treatment.depth

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
        depth = self.treatment.depth
        total_epochs = self.treatment.total_epochs(self.settings.epochs)
        result = self.load_checkpoint(checkpoint)
        if result is None:
            result = TrainingResult([], [], [])
            self._record_validation(result, 0.0, 0)
        eval_points = evaluation_steps(self.steps_per_epoch, self.settings.evals_per_epoch)
        for epoch in range(result.epochs_done, total_epochs):
            layers = self.active_layers(epoch)
            indices = self.batch_indices(epoch)
            train_seconds, previous = 0.0, 0
            for point in eval_points:
                started = time.perf_counter()
                # kept per step and reduced at the evaluation: no extra work inside the loop
                losses, stats = [], []
                for step in range(previous, point):
                    loss, step_stats = self.train_step(indices[step], epoch, layers)
                    losses.append(loss)
                    stats.append(step_stats)
                self._synchronize()
                train_seconds += time.perf_counter() - started
                self._check_divergence(torch.stack(losses), epoch, previous)
                at = epoch + point / self.steps_per_epoch
                global_step = epoch * self.steps_per_epoch + point
                result.history += self.train_rows(
                    torch.stack(stats).mean(0).cpu().numpy(), at, global_step, layers
                )
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
        result.history += evaluation_rows(
            test,
            self.seeds,
            depth,
            "test",
            float(total_epochs),
            total_epochs * self.steps_per_epoch,
        )
        result.test_predictions = test.predictions.cpu().numpy()
        result.weights = self.weights()
        return result

    def _record_validation(self, result: TrainingResult, epoch: float, step: int) -> np.ndarray:
        """Evaluate on validation, append to the result; returns the model accuracy per seed."""
        ev = self.evaluate(self.validation)
        result.history += evaluation_rows(
            ev, self.seeds, self.treatment.depth, "validation", epoch, step
        )
        result.validation_predictions.append(ev.predictions.cpu().numpy())
        result.evaluation_epochs.append(epoch)
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
                    f"{epoch + 1}, step {step + 1} of {self.steps_per_epoch}); lower "
                    f"the learning rate (now {self.treatment.learning_rate:g}, config key "
                    "learning_rates)"
                    + (" or change thetas" if self.treatment.method == "ff" else "")
                )

    def _synchronize(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

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
        )


class FFTrainer(Trainer):
    """Forward-Forward: every layer learns from its own goodness loss."""

    def __init__(
        self,
        treatment: Treatment,
        settings: TrainSettings,
        seeds: list[int] | range,
        splits: Splits,
        wrong_labels: np.ndarray | None,
        device: torch.device,
    ):
        """wrong_labels: uint8 [S, epochs, 50000], the random negatives of each seed (None for
        hard negatives, which the network picks at every step)."""
        self.theta = treatment.theta_for(settings.goodness)
        super().__init__(treatment, settings, seeds, splits, device)
        self.wrong_labels = None
        if treatment.negatives == "random":
            if wrong_labels is None:
                raise ValueError(f"{treatment.id} trains on random negatives: pass them")
            self.wrong_labels = torch.from_numpy(
                np.asarray(wrong_labels)[:, :, : self.n_train].astype(np.int64)
            ).to(device)
        self.train_inv_rms = input_inv_rms(self.train_body)  # [n, 1]
        self.seed_axis = torch.arange(len(self.seeds), device=device)[:, None]
        total = treatment.total_epochs(settings.epochs)
        if self.wrong_labels is not None and self.wrong_labels.shape[1] < total:
            raise ValueError(
                f"negatives cover {self.wrong_labels.shape[1]} epochs, training needs {total}: "
                "rerun make_negatives"
            )

    def build_model(self) -> BatchedFF:
        t = self.treatment
        return BatchedFF(self.seeds, t.depth, t.width, self.settings.goodness)

    def evaluate(self, data: EvalSet) -> Evaluation:
        return evaluate_ff(self.model, data, self.theta)

    def train_step(
        self, indices: torch.Tensor, epoch: int, layers: tuple[int, int]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Statistics of the trained layers [last - first, S, 3]: loss, mean goodness of the
        positives and of the negatives."""
        body = rows(self.train_body, indices)  # [S, B, 784]
        inv_rms = rows(self.train_inv_rms, indices)  # [S, B, 1]
        pos = rows(self.train_labels, indices)  # [S, B]
        if self.wrong_labels is None:
            neg = self.hard_negatives(body, pos, inv_rms)
        else:
            neg = self.wrong_labels[self.seed_axis, epoch, indices]  # [S, B]
        loss, g = self.model.train_gradients(body, inv_rms, pos, neg, layers, self.theta)
        self.optimizer.step()
        g = g.unflatten(-1, (2, -1)).mean(-1)  # [layers, S, 2]
        return loss.sum(0), torch.cat([loss.unsqueeze(-1), g], -1)

    def hard_negatives(
        self, body: torch.Tensor, labels: torch.Tensor, inv_rms: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Per image, the wrong label the network now finds most plausible: the highest
        goodness summed over layers, the true label excluded. body [S, B, 784], labels [S, B]."""
        g = self.model.label_goodness_per_seed(body, inv_rms).sum(1)  # [S, B, 10]
        g = g.scatter(-1, labels.unsqueeze(-1), float("-inf"))
        return g.argmax(-1)

    def train_rows(
        self, means: np.ndarray, epoch: float, step: int, layers: tuple[int, int]
    ) -> list[dict]:
        return [
            train_row(
                seed,
                epoch,
                step,
                str(layer + 1),
                **dict(zip(TRAIN_METRICS, map(float, means[layer - layers[0], s]), strict=True)),
            )
            for s, seed in enumerate(self.seeds)
            for layer in range(*layers)
        ]


def make_optimizer(name: str, learning_rate: float, parameters) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(parameters, lr=learning_rate, fused=True)
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=learning_rate, momentum=0.9)
    raise ValueError(f"training.optimizer {name!r} is not one of 'adam', 'sgd'")
