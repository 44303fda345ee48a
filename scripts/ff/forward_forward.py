"""Forward-Forward: every layer learns from its own goodness loss, for many seeds at once.

The network (`BatchedFF`), its evaluation (`evaluate_ff`: each layer's and the model's label
choice by goodness), the trainer (`FFTrainer`: random or hard negatives, simultaneous or greedy
schedule), what it reads from its training job (`TrainInputs`) and what a step and an
evaluation cost in FLOPs.

Depth sharing: with local losses and detached inputs, the first d layers of a deeper network
are the depth-d network step for step, so one run serves the shallower treatments whose
networks are its first layers, its *trunks* (`TrainInputs.trunk_depths`, ff.config.trunks):
every evaluation also scores each trunk's model (the loop's `Evaluation.extras`, by depth).

Adam is elementwise, so one optimiser over the stacked per-seed tensors (ff.layers) updates
every seed exactly as it would alone. Labels enter as the first N_CLASSES pixels: the body
product is computed once per image and shared by the positive sample, the negative sample and
all 10 candidate labels at evaluation. This is exact because the RMS of an overlaid image does
not depend on which label is set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ff.config import TrainSettings, Treatment, config_hash
from ff.data import IMAGE_SIZE, N_CLASSES
from ff.layers import RMS_EPS, init_layer, input_inv_rms, stacked_layers
from ff.loop import EvalSet, Evaluation, Trainer, evaluation_chunk, rows, train_row
from ff.negatives import validation_wrong_labels

# statistics of a training step, per layer (averaged over the steps between evaluations)
TRAIN_METRICS = ("loss", "goodness_pos", "goodness_neg", "separation")


@dataclass(frozen=True)
class TrainInputs:
    """What a training job gives its trainer beyond the data (`ff.loop.Trainer`'s `inputs`).
    Forward-Forward is the only method that reads any; backprop needs none.

    wrong_labels: uint8 [S, epochs, 50000], each seed's random negatives (make_negatives);
        None for hard negatives, which the network picks at every step.
    trunk_depths: the shallower depths whose networks are this one's first layers, step for
        step (ff.config.trunk_depths): their model is evaluated too, so that they need no
        training of their own."""

    wrong_labels: np.ndarray | None = None
    trunk_depths: tuple[int, ...] = ()

    @classmethod
    def read(cls, negatives: list[str], trunk_depths=()) -> TrainInputs:
        """From make_negatives' files, one per seed (none: hard negatives, or backprop)."""
        wrong_labels = np.stack([np.load(path) for path in negatives]) if negatives else None
        return cls(wrong_labels, tuple(trunk_depths))


@dataclass
class FFEvalSet(EvalSet):
    """A split to evaluate on, with a fixed wrong label per image for its negative sample
    (the same for every run: ff.negatives.validation_wrong_labels)."""

    wrong: torch.Tensor  # [n]


def goodness(activity: torch.Tensor, kind: str = "sum") -> torch.Tensor:
    """Sum (or mean) of squared activities over units: [..., units] -> [...]."""
    sum_of_squares = torch.linalg.vector_norm(activity, dim=-1).square()  # one reduction pass
    return sum_of_squares if kind == "sum" else sum_of_squares / activity.shape[-1]


def ff_loss(g_pos: torch.Tensor, g_neg: torch.Tensor, theta: float) -> torch.Tensor:
    """softplus(theta - g_pos) + softplus(g_neg - theta), averaged over the batch (last axis)."""
    return (F.softplus(theta - g_pos) + F.softplus(g_neg - theta)).mean(-1)


def step_statistics(loss: torch.Tensor, g: torch.Tensor, theta: float) -> torch.Tensor:
    """TRAIN_METRICS [layers, S, 4] of one step from each layer's loss [layers, S] and goodness
    [layers, S, 2B] (positives, then negatives); separation is the paper's layer accuracy: the
    share of samples on their side of theta."""
    positive, negative = g.unflatten(-1, (2, -1)).unbind(-2)  # [layers, S, B] each
    separation = ((positive > theta).float().mean(-1) + (negative < theta).float().mean(-1)) / 2
    return torch.stack([loss, positive.mean(-1), negative.mean(-1), separation], -1)


def grad_of(parameter: torch.Tensor) -> torch.Tensor:
    """The parameter's `.grad`, allocated on first use and then reused step after step."""
    if parameter.grad is None:
        parameter.grad = torch.empty_like(parameter)
    return parameter.grad


class BatchedFF(torch.nn.Module):
    """`depth` ReLU layers of `width` units for each of `len(seeds)` seeds."""

    def __init__(
        self, seeds: list[int], depth: int, width: int, goodness_kind: str = "sum", init=None
    ):
        super().__init__()
        self.seeds = list(seeds)
        self.depth, self.width, self.goodness_kind = depth, width, goodness_kind
        sizes = [IMAGE_SIZE] + [width] * depth
        self.weights, self.biases = stacked_layers(self.seeds, sizes, init or init_layer)

    def input_inv_rms(self, body: torch.Tensor) -> torch.Tensor:
        """1 / RMS of a labelled image [..., 1] from its body (`ff.layers.input_inv_rms`)."""
        return input_inv_rms(body)

    def first_layer(
        self, body_product: torch.Tensor, inv_rms: torch.Tensor, onehot: torch.Tensor
    ) -> torch.Tensor:
        """Activity of layer 1 for several labelled copies of each image (its positive and
        negative, or its 10 candidate labels) from the body product [S, n, H] that they share,
        one-hot labels [S, copies x n, 10] and the inverse RMS of the labelled input
        [S|1, copies x n, 1], both copy-major."""
        copies = onehot.shape[1] // body_product.shape[1]
        pre = body_product.repeat(1, copies, 1).baddbmm_(onehot, self.weights[0][:, :N_CLASSES])
        return torch.addcmul(self.biases[0], pre, inv_rms).relu_()

    def deeper_layer(
        self, layer: int, activity: torch.Tensor, inv_rms: torch.Tensor
    ) -> torch.Tensor:
        """Activity of `layer` from the previous layer's activity [S, B, H_in] and its inverse
        RMS [S, B, 1] (`inv_rms_of`): RMS normalisation is a per-row scale, applied after the
        product, rms(a) @ W = (a @ W) / rms(a)."""
        product = torch.bmm(activity, self.weights[layer])
        return torch.addcmul(self.biases[layer], product, inv_rms).relu_()

    def inv_rms_of(self, g: torch.Tensor) -> torch.Tensor:
        """1 / RMS of an activity [..., 1] from its goodness [...]: mean(a^2) is the goodness
        over the width."""
        mean_square = g if self.goodness_kind == "mean" else g / self.width
        return torch.rsqrt(mean_square + RMS_EPS).unsqueeze(-1)

    def write_weight_grad(
        self,
        layer: int,
        d_product: torch.Tensor,
        body: torch.Tensor,
        onehot: torch.Tensor,
        activity_in: torch.Tensor | None,
    ) -> None:
        """`layer`'s weight gradient from the loss's gradient by its product [S, 2B, H]
        (positives, then negatives): layer 1's input is the image body, shared by both, and
        the one-hot label rows [S, 2B, 10]; a deeper layer's is the activity below it."""
        weight = self.weights[layer]
        if layer == 0:
            batch = body.shape[1]
            shared = d_product[:, :batch] + d_product[:, batch:]
            torch.bmm(body.mT, shared, out=grad_of(weight))  # label rows: 0
            weight.grad[:, :N_CLASSES] += torch.bmm(onehot.mT, d_product)
        else:
            torch.bmm(activity_in.mT, d_product, out=grad_of(weight))

    @torch.no_grad()
    def train_gradients(
        self,
        body: torch.Tensor,
        inv_rms: torch.Tensor,
        pos_labels: torch.Tensor,
        neg_labels: torch.Tensor,
        layers: tuple[int, int],
        theta: float,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The FF loss of each layer in [first, last) and its gradient, written to the layer's
        weight and bias `.grad` (the other layers' set to None, so the optimiser skips them).
        Returns the losses [layers, S] and goodness [layers, S, 2B] (positives, then negatives).

        body [S, B, IMAGE_SIZE] (label pixels zero), inv_rms [S, B, 1] (`input_inv_rms`), pos/neg
        labels [S, B].

        Written out rather than left to autograd: a layer's input is a constant to it, so its
        gradient needs only its own activity a. With m = (theta - g) * sign (sign +1 for a
        positive, -1 for a negative), the loss is the mean of 2 softplus(m) over the 2B rows
        (`ff_loss`), so dL/dg = -sign sigmoid(m) / B, and dL/dz = dL/dg * dg/da where
        dg/da = 2a (2a / width for mean goodness): ReLU's derivative needs no mask, as a = 0
        wherever it is 0. This saves about a fifth of a CPU step (autograd's bookkeeping);
        tests/test_model.py checks it against autograd."""
        first, last = layers
        batch = body.shape[1]
        sign = torch.ones(2 * batch, device=body.device, dtype=body.dtype)
        sign[batch:] = -1
        dg_da = 2.0 if self.goodness_kind == "sum" else 2.0 / self.width
        onehot = F.one_hot(torch.cat([pos_labels, neg_labels], 1), N_CLASSES).to(body.dtype)
        inv_rms = inv_rms.repeat(1, 2, 1)  # an image's positive and negative share its RMS
        for layer in [*range(first), *range(last, self.depth)]:
            self.weights[layer].grad = self.biases[layer].grad = None
        losses, goodnesses, activity = [], [], None
        for layer in range(last):
            weight, bias = self.weights[layer], self.biases[layer]
            activity_in = activity
            if layer == 0:  # the body product, shared by positives and negatives
                activity = self.first_layer(torch.bmm(body, weight), inv_rms, onehot)
            else:
                activity = self.deeper_layer(layer, activity_in, inv_rms)
            g = goodness(activity, self.goodness_kind)  # [S, 2B]
            if layer >= first:
                margin = (theta - g) * sign
                losses.append(F.softplus(margin).sum(-1) / batch)
                goodnesses.append(g)
                dz_over_a = torch.sigmoid(margin).mul_(sign * (-dg_da / batch))  # [S, 2B]
                torch.bmm(dz_over_a.unsqueeze(1), activity, out=grad_of(bias))
                d_product = activity * (dz_over_a.unsqueeze(-1) * inv_rms)
                self.write_weight_grad(layer, d_product, body, onehot, activity_in)
            inv_rms = self.inv_rms_of(g)  # of the next layer's input
        return torch.stack(losses), torch.stack(goodnesses)

    @torch.no_grad()
    def label_goodness(self, body: torch.Tensor, chunk: int = 1000) -> torch.Tensor:
        """Goodness of every layer for every candidate label: [S, depth, N, 10].

        body [N, IMAGE_SIZE] (label pixels zero), the same images for every seed."""
        seeds, width = len(self.seeds), self.width
        first = self.weights[0].permute(1, 0, 2).reshape(IMAGE_SIZE, seeds * width)
        out = []
        for start in range(0, body.shape[0], chunk):
            part = body[start : start + chunk]  # [n, IMAGE_SIZE]
            product = (part @ first).view(len(part), seeds, width).transpose(0, 1)  # [S, n, H]
            out.append(self._all_labels(product, self.input_inv_rms(part)))
        return torch.cat(out, 2)

    @torch.no_grad()
    def label_goodness_per_seed(
        self, body: torch.Tensor, inv_rms: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Goodness of every layer for every candidate label, [S, depth, B, 10], for a batch
        with different images per seed: body [S, B, IMAGE_SIZE] (label pixels zero)."""
        if inv_rms is None:
            inv_rms = self.input_inv_rms(body)
        return self._all_labels(torch.bmm(body, self.weights[0]), inv_rms)

    def _all_labels(self, product: torch.Tensor, inv_rms: torch.Tensor) -> torch.Tensor:
        """[S, depth, n, 10] from the body product [S, n, H] and inverse RMS ([n, 1] shared by
        all seeds, or [S, n, 1])."""
        seeds, n = product.shape[0], product.shape[1]
        repeats = [1] * inv_rms.dim()
        repeats[-2] = N_CLASSES  # the rows, label-major like the product
        inv_rms = inv_rms.repeat(*repeats)
        labels = torch.arange(N_CLASSES, device=product.device).repeat_interleave(n)
        onehot = F.one_hot(labels, N_CLASSES).to(product.dtype).expand(seeds, -1, -1)
        activity = self.first_layer(product, inv_rms, onehot)
        per_layer = [goodness(activity, self.goodness_kind)]
        for layer in range(1, self.depth):
            activity = self.deeper_layer(layer, activity, self.inv_rms_of(per_layer[-1]))
            per_layer.append(goodness(activity, self.goodness_kind))
        g = torch.stack(per_layer, 1)  # [S, depth, 10n]
        return g.view(seeds, self.depth, N_CLASSES, n).transpose(2, 3)


def evaluate_ff(
    model: BatchedFF, data: FFEvalSet, theta: float, trunk_depths: tuple[int, ...] = ()
) -> Evaluation:
    """Each layer's label choice (highest goodness), the model's (goodness summed over all
    layers, and over all but the first), and per layer the loss, the mean goodness of positive
    and negative samples and their separation by theta; and, as extras by depth, the model of
    each trunk: the network made of the first `trunk_depths` layers."""
    seeds, width = len(model.seeds), model.width
    chunk = evaluation_chunk(data.body.device, seeds * N_CLASSES * width * 4 * 2)
    g = model.label_goodness(data.body, chunk=chunk)  # [S, depth, n, 10]
    layer_predictions = g.argmax(-1)  # [S, depth, n]
    accuracy = (layer_predictions == data.labels).float().mean(-1)  # [S, depth]
    whole = trunk_model(g, data.labels)
    g_pos = g.gather(-1, data.labels.view(1, 1, -1, 1).expand(seeds, model.depth, -1, 1))[..., 0]
    g_neg = g.gather(-1, data.wrong.view(1, 1, -1, 1).expand(seeds, model.depth, -1, 1))[..., 0]
    separation = ((g_pos > theta).float().mean(-1) + (g_neg < theta).float().mean(-1)) / 2
    return Evaluation(
        predictions=torch.cat([layer_predictions.to(torch.uint8), whole.predictions], 1),
        layers={
            "accuracy": accuracy,
            "loss": ff_loss(g_pos, g_neg, theta),
            "goodness_pos": g_pos.mean(-1),
            "goodness_neg": g_neg.mean(-1),
            "separation": separation,
        },
        model=whole.model,
        extras={depth: trunk_model(g[:, :depth], data.labels) for depth in trunk_depths},
    )


def trunk_model(g: torch.Tensor, labels: torch.Tensor) -> Evaluation:
    """The model rows of the network made of the layers of goodness g [S, depth, n, 10]: its
    predictions [S, 2, n] (goodness summed over all layers, and over all but the first) and
    their accuracy."""
    model_all = g.sum(1).argmax(-1)
    model_skip_first = g[:, 1:].sum(1).argmax(-1) if g.shape[1] > 1 else model_all
    predictions = torch.stack([model_all, model_skip_first], 1)
    accuracy = (predictions == labels).float().mean(-1)
    return Evaluation(
        predictions=predictions.to(torch.uint8),
        layers={},
        model={"accuracy": accuracy[:, 0], "accuracy_skip_first": accuracy[:, 1]},
    )


class FFTrainer(Trainer):
    """Forward-Forward training: random negatives from make_negatives or hard ones chosen by
    the network; all layers at every step, or (greedy) one layer after another. Built as every
    trainer is (ff.loop.Trainer), its `inputs` a TrainInputs."""

    def prepare(self, inputs: TrainInputs | None) -> None:
        """The wrong labels of the random negatives, the trunk depths (TrainInputs), theta and
        the training images' inverse RMS."""
        t, inputs = self.treatment, inputs or TrainInputs()
        self.theta = t.theta_for(self.settings.goodness)
        self.trunk_depths = tuple(sorted(inputs.trunk_depths))
        if any(not 1 <= depth < t.depth for depth in self.trunk_depths):
            raise ValueError(f"trunk depths {inputs.trunk_depths} must lie below {t.depth}")
        if self.trunk_depths and not t.shares_trunk:
            raise ValueError(f"{t.id} does not share its first layers with shallower runs")
        self.wrong_labels = None
        if t.negatives == "random":
            if inputs.wrong_labels is None:
                raise ValueError(f"{t.id} trains on random negatives: pass them")
            self.wrong_labels = torch.from_numpy(
                np.asarray(inputs.wrong_labels)[:, :, : self.n_train].astype(np.int64)
            ).to(self.device)
            if self.wrong_labels.shape[1] < t.total_epochs:
                raise ValueError(
                    f"negatives cover {self.wrong_labels.shape[1]} epochs, training needs "
                    f"{t.total_epochs}: rerun make_negatives"
                )
        self.train_inv_rms = input_inv_rms(self.train_body)  # [n, 1], as BatchedFF computes it
        self.seed_axis = torch.arange(len(self.seeds), device=self.device)[:, None]

    def eval_set(self, images: np.ndarray, labels: np.ndarray) -> FFEvalSet:
        split = super().eval_set(images, labels)
        wrong = torch.from_numpy(validation_wrong_labels(labels).astype(np.int64))
        return FFEvalSet(split.body, split.labels, wrong.to(self.device))

    def checkpoint_hash(self) -> str:
        """The loop's, and the trunk depths: a checkpoint holds their results too."""
        seed_range = range(self.seeds[0], self.seeds[-1] + 1)
        return config_hash(self.treatment, self.settings, seed_range, self.trunk_depths)

    def build_model(self) -> BatchedFF:
        t = self.treatment
        return BatchedFF(self.seeds, t.depth, t.width, self.settings.goodness)

    def evaluate(self, data: FFEvalSet) -> Evaluation:
        return evaluate_ff(self.model, data, self.theta, self.trunk_depths)

    def extra_weights(self, depth: int) -> dict:
        """The trunk's weights beyond its layers' (`trunk_weights`)."""
        return self.trunk_weights(depth)

    def trunk_weights(self, depth: int) -> dict:
        """What the network of the first `depth` layers has beyond those layers' weights."""
        return {}

    def active_layers(self, epoch: int) -> tuple[int, int]:
        """[first, last) layers trained in `epoch`: all at once, or one at a time if greedy."""
        if self.treatment.schedule == "greedy":
            layer = epoch // self.treatment.epochs
            return layer, layer + 1
        return 0, self.treatment.depth

    def train_step(self, indices: torch.Tensor, epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """TRAIN_METRICS of the trained layers [layers, S, 4] (`step_statistics`)."""
        body = rows(self.train_body, indices)  # [S, B, IMAGE_SIZE]
        inv_rms = rows(self.train_inv_rms, indices)  # [S, B, 1]
        pos = rows(self.train_labels, indices)  # [S, B]
        if self.wrong_labels is None:
            neg = self.hard_negatives(body, pos, inv_rms)
        else:
            neg = self.wrong_labels[self.seed_axis, epoch, indices]  # [S, B]
        layers = self.active_layers(epoch)
        loss, g = self.model.train_gradients(body, inv_rms, pos, neg, layers, self.theta)
        self.optimizer.step()
        return loss.sum(0), step_statistics(loss, g, self.theta)

    def hard_negatives(
        self, body: torch.Tensor, labels: torch.Tensor, inv_rms: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Per image, the wrong label the network now finds most plausible: the highest
        goodness summed over layers, the true label excluded. body [S, B, IMAGE_SIZE], labels
        [S, B]."""
        g = self.model.label_goodness_per_seed(body, inv_rms).sum(1)  # [S, B, 10]
        g = g.scatter(-1, labels.unsqueeze(-1), float("-inf"))
        return g.argmax(-1)

    def train_rows(self, means: np.ndarray, epoch: int, at: float, step: int) -> list[dict]:
        first, last = self.active_layers(epoch)
        return [
            train_row(
                seed,
                at,
                step,
                str(layer + 1),
                **dict(zip(TRAIN_METRICS, map(float, means[layer - first, s]), strict=True)),
            )
            for s, seed in enumerate(self.seeds)
            for layer in range(first, last)
        ]

    def divergence_advice(self) -> str:
        return super().divergence_advice() + " or change thetas"

    @staticmethod
    def step_flops(treatment: Treatment, seeds: int, batch: int) -> float:
        """Forward, plus the weight gradient (inputs are detached, so no input gradient).
        Layer 1's image product is shared by positives and negatives; deeper layers see both
        (2 x batch rows). Hard negatives first score the batch under all 10 labels."""
        depth, width = treatment.depth, treatment.width
        first = 2 * seeds * batch * IMAGE_SIZE * width
        deeper = (depth - 1) * 2 * seeds * (2 * batch) * width * width
        flops = 2 * (first + deeper)
        if treatment.negatives == "hard":
            flops += label_goodness_flops(seeds, batch, depth, width)
        return flops

    @staticmethod
    def evaluation_flops(
        treatment: Treatment, settings: TrainSettings, seeds: int, images: int
    ) -> float:
        return label_goodness_flops(seeds, images, treatment.depth, treatment.width)


def label_goodness_flops(seeds: int, images: int, depth: int, width: int) -> float:
    """`BatchedFF.label_goodness`: layer 1's image product once, deeper layers once per
    candidate label (10)."""
    return 2 * seeds * images * (IMAGE_SIZE * width + N_CLASSES * (depth - 1) * width * width)
