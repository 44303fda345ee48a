"""The validated config as typed objects: the treatment grid and the training settings."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import asdict, dataclass, fields

TREATMENT_PATTERN = re.compile(r"(?P<dataset>[a-z_]+)-d(?P<depth>\d+)-w(?P<width>\d+)")


@dataclass(frozen=True)
class Treatment:
    """One point of the config grid; all its seeds train in the same job(s)."""

    dataset: str
    depth: int
    width: int

    @property
    def id(self) -> str:
        return f"{self.dataset}-d{self.depth}-w{self.width}"

    @classmethod
    def from_id(cls, treatment_id: str) -> Treatment:
        match = TREATMENT_PATTERN.fullmatch(treatment_id)
        if match is None:
            raise ValueError(f"{treatment_id!r} is not a treatment id like 'mnist-d3-w200'")
        return cls(match["dataset"], int(match["depth"]), int(match["width"]))


@dataclass(frozen=True)
class TrainSettings:
    """Everything that shapes a training run besides the treatment (config key `training`)."""

    epochs: int = 4
    batch_size: int = 100
    learning_rate: float = 0.003
    optimizer: str = "adam"
    theta: float | None = None  # None: the layer's width, a mean square activity of 1
    goodness: str = "sum"
    schedule: str = "simultaneous"
    train_size: int = 50_000
    evals_per_epoch: int = 4
    eval_size: int = 10_000
    device: str = "auto"
    allow_tf32: bool = True
    max_seeds_per_job: int = 32

    @classmethod
    def from_config(cls, section: dict) -> TrainSettings:
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in section.items() if key in known})

    def theta_for(self, width: int) -> float:
        if self.theta is not None:
            return float(self.theta)
        return float(width) if self.goodness == "sum" else 1.0

    def total_epochs(self, depth: int) -> int:
        """The greedy schedule trains each layer for `epochs`, one layer after another."""
        return self.epochs * depth if self.schedule == "greedy" else self.epochs


def treatments(config: dict) -> list[Treatment]:
    grid = itertools.product(config["datasets"], config["depths"], config["widths"])
    return [Treatment(dataset, depth, width) for dataset, depth, width in grid]


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
