"""The validated config as typed objects: the treatment grid and the training settings."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import asdict, dataclass, fields

DEFAULT_SCHEDULE, DEFAULT_LEARNING_RATE, DEFAULT_NEGATIVES = "simultaneous", 0.003, "random"
METHODS = ("ff", "backprop")


@dataclass(frozen=True)
class Treatment:
    """One point of the config grid; all its seeds train in the same job(s).

    Beyond data set, depth and width, a treatment may train by backprop instead of
    Forward-Forward, and vary the training schedule, the learning rate, the goodness threshold
    and the negatives; those that differ from the defaults name its variant. Schedule, theta and
    negatives are Forward-Forward's own: a backprop treatment keeps their defaults."""

    dataset: str
    depth: int
    width: int
    schedule: str = DEFAULT_SCHEDULE
    learning_rate: float = DEFAULT_LEARNING_RATE
    theta: float | None = None  # None: the layer's width (sum goodness) or 1 (mean goodness)
    negatives: str = DEFAULT_NEGATIVES  # random: drawn by make_negatives; hard: by the network
    method: str = "ff"  # ff: Forward-Forward; backprop: end to end, layers read by linear probes

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"method {self.method!r} is not one of {', '.join(METHODS)}")
        ff_only = (self.schedule, self.theta, self.negatives)
        if self.method == "backprop" and ff_only != (DEFAULT_SCHEDULE, None, DEFAULT_NEGATIVES):
            raise ValueError(
                f"{self.dataset}-d{self.depth}-w{self.width}: schedule, theta and negatives are "
                "Forward-Forward settings; a backprop treatment keeps their defaults"
            )

    @property
    def id(self) -> str:
        suffix = "".join(f"-{part.replace(' ', '')}" for part in self.variant_parts())
        return f"{self.dataset}-d{self.depth}-w{self.width}{suffix}"

    def variant_parts(self) -> list[str]:
        parts = [self.method] if self.method != "ff" else []
        if self.schedule != DEFAULT_SCHEDULE:
            parts.append(self.schedule)
        if self.learning_rate != DEFAULT_LEARNING_RATE:
            parts.append(f"lr {self.learning_rate:g}")
        if self.theta is not None:
            parts.append(f"theta {self.theta:g}")
        if self.negatives != DEFAULT_NEGATIVES:
            parts.append(self.negatives)
        return parts

    @property
    def variant(self) -> str:
        """What the treatment changes besides data set, depth and width: 'standard' if nothing."""
        return ", ".join(self.variant_parts()) or "standard"

    def theta_for(self, goodness: str) -> float:
        if self.theta is not None:
            return float(self.theta)
        return float(self.width) if goodness == "sum" else 1.0

    def total_epochs(self, epochs: int) -> int:
        """The greedy schedule trains each layer for `epochs`, one layer after another."""
        return epochs * self.depth if self.schedule == "greedy" else epochs


@dataclass(frozen=True)
class TrainSettings:
    """Everything that shapes a training run besides the treatment (config key `training`)."""

    epochs: int = 4
    batch_size: int = 100
    optimizer: str = "adam"
    goodness: str = "sum"
    train_size: int = 50_000
    evals_per_epoch: int = 4
    eval_size: int = 10_000
    probe_size: int = 10_000
    device: str = "auto"
    matmul_precision: str = "high"
    max_seeds_per_job: int = 32

    @classmethod
    def from_config(cls, section: dict) -> TrainSettings:
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in section.items() if key in known})


def treatments(config: dict) -> list[Treatment]:
    """The grid: datasets x depths x widths x schedules x learning_rates x thetas x negatives
    for Forward-Forward, and datasets x depths x widths x learning_rates for backprop (which has
    no schedule, threshold or negatives). Treatments other than the standard Forward-Forward
    and backprop ones train only on `variant_grid`'s depths and widths, when it is given."""
    methods = config.get("methods", METHODS)  # the schema's default: both
    grid = [
        Treatment(*point)
        for point in itertools.product(
            config["datasets"],
            config["depths"],
            config["widths"],
            config.get("schedules", [DEFAULT_SCHEDULE]),
            config.get("learning_rates", [DEFAULT_LEARNING_RATE]),
            config.get("thetas", [None]),
            config.get("negatives", [DEFAULT_NEGATIVES]),
        )
        if "ff" in methods
    ]
    if "backprop" in methods:
        grid += [
            Treatment(dataset, depth, width, learning_rate=learning_rate, method="backprop")
            for dataset, depth, width, learning_rate in itertools.product(
                config["datasets"],
                config["depths"],
                config["widths"],
                config.get("learning_rates", [DEFAULT_LEARNING_RATE]),
            )
        ]
    limits = config.get("variant_grid") or {}
    return [
        treatment
        for treatment in grid
        if treatment.variant in ("standard", "backprop")
        or (
            treatment.depth in limits.get("depths", [treatment.depth])
            and treatment.width in limits.get("widths", [treatment.width])
        )
    ]


def seed_chunks(n_seeds: int, max_per_job: int) -> list[range]:
    """Seeds 0..n-1 cut into consecutive ranges of at most `max_per_job`."""
    return [
        range(start, min(start + max_per_job, n_seeds)) for start in range(0, n_seeds, max_per_job)
    ]


def chunk_name(seeds: range) -> str:
    return f"seeds{seeds.start}-{seeds.stop - 1}"


def parse_chunk_name(name: str) -> range:
    match = re.fullmatch(r"seeds(\d+)-(\d+)", name)
    if match is None:
        raise ValueError(f"{name!r} is not a seed chunk like 'seeds0-7'")
    return range(int(match[1]), int(match[2]) + 1)


def config_hash(treatment: Treatment, settings: TrainSettings, seeds: range) -> str:
    """Identifies a run's inputs, so a checkpoint from other settings is never resumed."""
    payload = {"treatment": asdict(treatment), "settings": asdict(settings), "seeds": list(seeds)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
