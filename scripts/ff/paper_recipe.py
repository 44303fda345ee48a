"""The paper's recipe: Forward-Forward as the study trained it (loeweX/Forward-Forward), for many
seeds at once.

What differs from this project's Adam recipe (ff.forward_forward), all of it here:
- weights normal(0, 1/sqrt(fan_out)), biases zero; every layer's input divided by
  sqrt(mean(x^2)) + 1e-8 (the epsilon outside the root);
- the ReLU's gradient passes through unchanged (straight-through): it matters for the peer
  normalisation term, whose gradient reaches units that are off;
- per layer, binary cross-entropy with logits on goodness - width (positives 1, negatives 0,
  the mean over the 2B samples) plus 0.03 x peer normalisation: a running mean of each unit's
  activity over the batch's positive samples (momentum 0.9, starting at 0.5), penalised by the
  mean over units of (mean of the running means - the unit's running mean)^2;
- a linear read-out (no bias, zero-initialised) on the RMS-normalised activities of layers
  2..depth (layer 1 for a one-layer network) for the "neutral" input (every label pixel 0.1),
  trained with cross-entropy at every step on detached activities: the model's accuracy is its
  accuracy (metric `readout_accuracy`);
- SGD with momentum 0.9: the layers at lr 1e-3 and weight decay 3e-4, the read-out at lr 1e-2 and
  weight decay 3e-3, both cooled down linearly over the second half of training.

Each layer's gradient is written out, as in ff.forward_forward; tests/test_paper_recipe.py checks
it against autograd of a plain single-seed version written from the list above.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ff.data import IMAGE_SIZE, N_CLASSES
from ff.forward_forward import (
    BatchedFF,
    FFEvalSet,
    FFTrainer,
    TrainInputs,
    evaluate_ff,
    grad_of,
    step_statistics,
)
from ff.layers import RMS_EPS, init_layer_normal
from ff.loop import Evaluation, evaluation_chunk, rows


@dataclass(frozen=True)
class PaperRecipe:
    """The recipe's constants (loeweX/Forward-Forward's config.yaml)."""

    learning_rate: float = 1e-3
    weight_decay: float = 3e-4
    momentum: float = 0.9
    readout_learning_rate: float = 1e-2
    readout_weight_decay: float = 3e-3
    peer_normalization: float = 0.03
    peer_momentum: float = 0.9  # of the running mean of each unit's activity
    peer_start: float = 0.5  # the running means' first value
    neutral_label: float = 0.1  # every label pixel of the read-out's input


PAPER = PaperRecipe()


def cooled_down(learning_rate: float, epoch: int, epochs: int) -> float:
    """The learning rate of epoch `epoch` (from 0): linearly down over the second half."""
    if epoch > epochs // 2:
        return learning_rate * 2 * (1 + epochs - epoch) / epochs
    return learning_rate


def readout_input(normalised: list[torch.Tensor], depth: int) -> torch.Tensor:
    """The read-out's input for a network of `depth` layers: the normalised activities of
    layers 2..depth (layer 1 if depth is 1), concatenated."""
    return torch.cat(normalised[1:depth] if depth > 1 else normalised[:1], -1)


class PaperFF(BatchedFF):
    """`depth` layers of `width` units for each seed, their peer-normalisation running means
    [depth, S, width], the read-out [S, features, 10], and one read-out for each of its
    trunks, the networks made of its first `trunk_depths` layers (trained on the same
    activities)."""

    def __init__(
        self, seeds: list[int], depth: int, width: int, trunk_depths: tuple[int, ...] = ()
    ):
        super().__init__(seeds, depth, width, "sum", init=init_layer_normal)
        self.register_buffer(
            "running_means", torch.full((depth, len(seeds), width), PAPER.peer_start)
        )
        self.trunk_depths = tuple(trunk_depths)

        def readout(depth: int) -> torch.nn.Parameter:
            features = width * max(1, depth - 1)
            return torch.nn.Parameter(torch.zeros(len(seeds), features, N_CLASSES))

        self.readout = readout(depth)
        self.trunk_readouts = torch.nn.ParameterList([readout(d) for d in self.trunk_depths])

    def readouts(self) -> dict[int, torch.nn.Parameter]:
        """Every read-out by the depth of the network it reads: this one's and its trunks'."""
        return {self.depth: self.readout} | dict(
            zip(self.trunk_depths, self.trunk_readouts, strict=True)
        )

    def input_inv_rms(
        self, body: torch.Tensor, label_square: float = 1.0, body_square: torch.Tensor = None
    ) -> torch.Tensor:
        """1 / (RMS + eps) of a labelled image [..., 1] from its body [..., IMAGE_SIZE] (or the
        body's sum of squares, `body_square` [..., 1]): the label pixels add `label_square` to
        the sum of squares (1 one-hot, 10 x 0.1^2 neutral)."""
        if body_square is None:
            body_square = body.square().sum(-1, keepdim=True)
        return ((body_square + label_square) / IMAGE_SIZE).sqrt_().add_(RMS_EPS).reciprocal_()

    def inv_rms_of(self, g: torch.Tensor) -> torch.Tensor:
        """1 / (RMS + eps) of an activity [..., 1] from its goodness [...]."""
        return (1 / ((g / self.width).sqrt() + RMS_EPS)).unsqueeze(-1)

    def neutral_activities(
        self, body_square: torch.Tensor, body_product: torch.Tensor
    ) -> list[torch.Tensor]:
        """Every layer's normalised activity [S, n, width] for the neutral input, from the
        body's sum of squares [S|1, n, 1] and its product with the first weight [S, n, width]."""
        label_rows = self.weights[0][:, :N_CLASSES].sum(1, keepdim=True)  # [S, 1, width]
        neutral_square = N_CLASSES * PAPER.neutral_label**2
        inv_rms = self.input_inv_rms(None, neutral_square, body_square)
        pre = (body_product + PAPER.neutral_label * label_rows) * inv_rms
        activity = (pre + self.biases[0]).relu_()
        normalised = [activity * self.inv_rms_of(activity.square().sum(-1))]
        for layer in range(1, self.depth):
            activity = torch.baddbmm(self.biases[layer], normalised[-1], self.weights[layer])
            activity = activity.relu_()
            normalised.append(activity * self.inv_rms_of(activity.square().sum(-1)))
        return normalised

    @torch.no_grad()
    def train_gradients(
        self,
        body: torch.Tensor,
        body_square: torch.Tensor,
        pos_labels: torch.Tensor,
        neg_labels: torch.Tensor,
        labels: torch.Tensor,
        straight_through: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Every layer's loss (BCE + weighted peer normalisation) and the read-out's
        cross-entropy, their gradients written to `.grad`, the running means updated.
        Returns the layers' BCE [depth, S], goodness [depth, S, 2B] (positives, then
        negatives) and each seed's total loss [S].

        body [S, B, IMAGE_SIZE] (label pixels zero) and its sum of squares [S, B, 1]; pos/neg
        labels [S, B]; labels [S, B], the
        class labels for the read-out (the positives' labels). straight_through=False uses the
        ReLU's true gradient (for tests only: the recipe passes it through)."""
        batch = body.shape[1]
        target = torch.zeros(2 * batch, device=body.device, dtype=body.dtype)
        target[:batch] = 1
        onehot = F.one_hot(torch.cat([pos_labels, neg_labels], 1), N_CLASSES).to(body.dtype)
        body_product = torch.bmm(body, self.weights[0])  # shared by both samples and neutral
        inv_rms = self.input_inv_rms(None, 1.0, body_square).repeat(1, 2, 1)  # [S, 2B, 1]
        keep = 1 - PAPER.peer_momentum
        losses, goodnesses, totals, activity = [], [], 0, None
        for layer in range(self.depth):
            weight, bias = self.weights[layer], self.biases[layer]
            if layer == 0:
                product = body_product.repeat(1, 2, 1).baddbmm_(onehot, weight[:, :N_CLASSES])
            else:
                product = torch.bmm(activity, weight)
            pre = torch.addcmul(bias, product, inv_rms)
            activity_in, activity = activity, pre.relu()
            g = activity.square().sum(-1)  # [S, 2B]
            logit = g - self.width
            bce = F.binary_cross_entropy_with_logits(
                logit, target.expand_as(logit), reduction="none"
            ).mean(-1)
            running = self.running_means[layer]
            running.mul_(PAPER.peer_momentum).add_(activity[:, :batch].mean(1), alpha=keep)
            centred = running - running.mean(-1, keepdim=True)  # [S, width]
            peer = centred.square().mean(-1)
            losses.append(bce)
            goodnesses.append(g)
            totals = totals + bce + PAPER.peer_normalization * peer
            # dL/dpre: BCE through goodness (2a), and the peer term through the running mean
            # of the positives (straight-through: every unit, on or off)
            d_pre = activity * ((torch.sigmoid(logit) - target) * (2 / (2 * batch))).unsqueeze(-1)
            d_peer = centred * (PAPER.peer_normalization * 2 / self.width * keep / batch)
            d_pre[:, :batch] += d_peer.unsqueeze(1)
            if not straight_through:
                d_pre *= pre > 0
            torch.sum(d_pre, 1, keepdim=True, out=grad_of(bias))
            self.write_weight_grad(layer, d_pre * inv_rms, body, onehot, activity_in)
            inv_rms = self.inv_rms_of(g)
        normalised = self.neutral_activities(body_square, body_product)
        targets = F.one_hot(labels, N_CLASSES).to(body.dtype)
        for depth, readout in self.readouts().items():
            features = readout_input(normalised, depth)
            logits = torch.bmm(features, readout)
            d_logits = (logits.softmax(-1) - targets) / batch
            torch.bmm(features.mT, d_logits, out=grad_of(readout))
            if depth == self.depth:
                cross_entropy = F.cross_entropy(logits.mT, labels, reduction="none").mean(-1)
        return torch.stack(losses), torch.stack(goodnesses), totals + cross_entropy

    @torch.no_grad()
    def readout_predictions(self, body: torch.Tensor, chunk: int) -> dict[int, torch.Tensor]:
        """Each read-out's label for images body [n, IMAGE_SIZE] (the same for every seed):
        [S, n] by the depth of the network it reads."""
        seeds, width = len(self.seeds), self.width
        first = self.weights[0].permute(1, 0, 2).reshape(IMAGE_SIZE, seeds * width)
        out = {depth: [] for depth in self.readouts()}
        for start in range(0, body.shape[0], chunk):
            part = body[start : start + chunk]
            product = (part @ first).view(len(part), seeds, width).transpose(0, 1)
            square = part.square().sum(-1, keepdim=True)
            normalised = self.neutral_activities(square, product)
            for depth, readout in self.readouts().items():
                logits = torch.bmm(readout_input(normalised, depth), readout)
                out[depth].append(logits.argmax(-1))
        return {depth: torch.cat(parts, -1) for depth, parts in out.items()}


class PaperFFTrainer(FFTrainer):
    """The paper's recipe on random negatives and the standard schedule."""

    def prepare(self, inputs: TrainInputs | None) -> None:
        super().prepare(inputs)
        self.train_square = self.train_body.square().sum(-1, keepdim=True)  # [n, 1]

    def build_model(self) -> PaperFF:
        t = self.treatment
        return PaperFF(self.seeds, t.depth, t.width, self.trunk_depths)

    def build_optimizer(self) -> torch.optim.Optimizer:
        layers = [*self.model.weights, *self.model.biases]
        return torch.optim.SGD(
            [
                {"params": layers, "lr": PAPER.learning_rate, "weight_decay": PAPER.weight_decay},
                {
                    "params": list(self.model.readouts().values()),
                    "lr": PAPER.readout_learning_rate,
                    "weight_decay": PAPER.readout_weight_decay,
                },
            ],
            momentum=PAPER.momentum,
        )

    def train_step(self, indices: torch.Tensor, epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
        base = (PAPER.learning_rate, PAPER.readout_learning_rate)
        for group, learning_rate in zip(self.optimizer.param_groups, base, strict=True):
            group["lr"] = cooled_down(learning_rate, epoch, self.treatment.epochs)
        body = rows(self.train_body, indices)  # [S, B, IMAGE_SIZE]
        square = rows(self.train_square, indices)  # [S, B, 1]
        pos = rows(self.train_labels, indices)  # [S, B]
        neg = self.wrong_labels[self.seed_axis, epoch, indices]  # [S, B]
        loss, g, total = self.model.train_gradients(body, square, pos, neg, pos)
        self.optimizer.step()
        return total, step_statistics(loss, g, self.theta)

    def evaluate(self, data: FFEvalSet) -> Evaluation:
        """Forward-Forward's evaluation (ff.forward_forward.evaluate_ff) and the read-out's,
        of the network and of each trunk: predictions gain a last row, the read-out's label."""
        ev = evaluate_ff(self.model, data, self.theta, self.trunk_depths)
        chunk = evaluation_chunk(data.body.device, len(self.seeds) * self.model.width * 4 * 4)
        readouts = self.model.readout_predictions(data.body, chunk)  # [S, n] by depth
        for depth, network in [(self.model.depth, ev), *ev.extras.items()]:
            readout = readouts[depth]
            network.model["readout_accuracy"] = (readout == data.labels).float().mean(-1)
            network.predictions = torch.cat(
                [network.predictions, readout.to(torch.uint8)[:, None]], 1
            )
        return ev

    def weights(self) -> dict:
        """The layers' weights and biases, and the read-out [S, features, 10]."""
        return super().weights() | {"readout": self.model.readout.detach().cpu()}

    def trunk_weights(self, depth: int) -> dict:
        """The trunk's own read-out [S, features, 10]."""
        return {"readout": self.model.readouts()[depth].detach().cpu()}

    def divergence_advice(self) -> str:
        return (
            "the paper recipe's learning rates are fixed (ff.paper_recipe.PAPER); check the "
            "data, or train the Adam recipe"
        )

    @staticmethod
    def step_flops(treatment, seeds: int, batch: int) -> float:
        """Forward-Forward's step, and the neutral input's forward through the deeper layers
        and the read-out's product and gradient."""
        depth, width = treatment.depth, treatment.width
        neutral = 2 * seeds * batch * (depth - 1) * width * width
        readout = 2 * 2 * seeds * batch * width * max(1, depth - 1) * N_CLASSES
        return FFTrainer.step_flops(treatment, seeds, batch) + neutral + readout

    @staticmethod
    def evaluation_flops(treatment, settings, seeds: int, images: int) -> float:
        depth, width = treatment.depth, treatment.width
        readout = (
            2
            * seeds
            * images
            * (IMAGE_SIZE * width + (depth - 1) * width * width + width * max(1, depth - 1) * 10)
        )
        return FFTrainer.evaluation_flops(treatment, settings, seeds, images) + readout
