"""The validated config as typed objects: the treatment grid and the training settings.

Every default lives in the config schema (workflow/schemas/config.schema.yaml); this module
reads them from there, so the schema, the workflow and the library never disagree.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"
METHODS = ("ff", "backprop")
METHOD_NAMES = {"ff": "Forward-Forward", "backprop": "backprop (linear probes)"}
RECIPES = ("paper", "adam")
RECIPE_NAMES = {"paper": "paper recipe", "adam": "Adam recipe"}
STANDARD_VARIANT = "standard"  # the variant label of standard Forward-Forward (Adam recipe)


@functools.cache
def schema() -> dict:
    return yaml.safe_load(SCHEMA.read_text())


def schema_default(*keys: str):
    """The schema's default of a (nested) config key, e.g. schema_default("training", "epochs")."""
    node = schema()
    for key in keys:
        node = node["properties"][key]
    return node["default"]


def with_defaults(config: dict) -> dict:
    """The config validated against the schema and completed with its defaults, as the
    workflow sees it (raises snakemake's WorkflowError naming a wrong key or value)."""
    from snakemake.utils import validate

    config = json.loads(json.dumps(config))  # a deep copy: validate fills defaults in place
    validate(config, str(SCHEMA), set_default=True)
    return config


STANDARD_SCHEDULE = schema_default("schedules")[0]
STANDARD_LEARNING_RATE = schema_default("learning_rates")[0]
STANDARD_THETA = schema_default("thetas")[0]
STANDARD_NEGATIVES = schema_default("negatives")[0]
STANDARD_RECIPE = schema_default("recipes")[0]
STANDARD_EPOCHS = schema_default("epochs")[0]


@dataclass(frozen=True)
class Treatment:
    """One point of the config grid; all its seeds train in the same job(s).

    Beyond data set, depth, width and epochs, a treatment may train by backprop instead of
    Forward-Forward, by the paper's recipe instead of this project's Adam recipe, and vary
    the training schedule, the learning rate, the goodness threshold and the negatives. The
    fields are the structure; `variant` and `training` are labels for display and for naming a
    study in the tables, never parsed back. Schedule, theta and negatives are variants of the
    Adam recipe: the paper recipe and backprop keep the standard ones (and backprop trains
    with Adam: its recipe is `adam`)."""

    dataset: str
    depth: int
    width: int
    schedule: str = STANDARD_SCHEDULE
    learning_rate: float = STANDARD_LEARNING_RATE
    theta: float | None = STANDARD_THETA  # None: the layer's width (sum goodness), 1 (mean)
    negatives: str = STANDARD_NEGATIVES  # random: drawn by make_negatives; hard: by the network
    method: str = "ff"  # ff: Forward-Forward; backprop: end to end, layers read by linear probes
    recipe: str = STANDARD_RECIPE  # paper: the study's own recipe; adam: this project's
    epochs: int = STANDARD_EPOCHS
    show_epochs: bool = False  # in the id: the config varies epochs

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"method {self.method!r} is not one of {', '.join(METHODS)}")
        if self.recipe not in RECIPES:
            raise ValueError(f"recipe {self.recipe!r} is not one of {', '.join(RECIPES)}")
        name = f"{self.dataset}-d{self.depth}-w{self.width}"
        if self.method == "backprop" and self.recipe != "adam":
            raise ValueError(f"{name}: backprop trains with Adam; its recipe is 'adam'")
        adam_only = (self.schedule, self.theta, self.negatives)
        standard = (STANDARD_SCHEDULE, STANDARD_THETA, STANDARD_NEGATIVES)
        if (self.method == "backprop" or self.recipe == "paper") and adam_only != standard:
            raise ValueError(
                f"{name}: schedule, theta and negatives are variants of Forward-Forward's Adam "
                "recipe; the paper recipe and backprop keep their defaults"
            )
        if self.recipe == "paper" and self.learning_rate != STANDARD_LEARNING_RATE:
            raise ValueError(
                f"{name}: the paper recipe has its own learning rates; learning_rates apply to "
                "the Adam recipe and backprop"
            )

    @property
    def id(self) -> str:
        parts = ([self.method] if self.method != "ff" else []) + self.changes()
        if self.recipe != STANDARD_RECIPE:
            parts.insert(0, self.recipe)
        if self.show_epochs:
            parts.append(f"e{self.epochs}")
        suffix = "".join(f"-{part.replace(' ', '')}" for part in parts)
        return f"{self.dataset}-d{self.depth}-w{self.width}{suffix}"

    def changes(self) -> list[str]:
        """What the treatment changes from its method's standard training, as short labels."""
        parts = []
        if self.schedule != STANDARD_SCHEDULE:
            parts.append(self.schedule)
        if self.learning_rate != STANDARD_LEARNING_RATE:
            parts.append(f"lr {self.learning_rate:g}")
        if self.theta != STANDARD_THETA:
            parts.append(f"theta {self.theta:g}")
        if self.negatives != STANDARD_NEGATIVES:
            parts.append(self.negatives)
        return parts

    @property
    def shares_trunk(self) -> bool:
        """Whether its first layers are a shallower treatment's network, step for step: with
        local losses, inputs detached between layers, each layer initialised from (seed,
        layer) and batches and negatives from (seed, epoch), layer k never sees a deeper one.
        Not so with hard negatives (chosen from every layer's goodness), the greedy schedule
        (a deeper network trains its first layers no differently, but for longer) or backprop
        (end-to-end gradients)."""
        return (
            self.method == "ff" and self.schedule == "simultaneous" and self.negatives == "random"
        )

    @property
    def is_standard(self) -> bool:
        """The standard training of its method: nothing changed but data set, depth, width."""
        return not self.changes()

    @property
    def variant(self) -> str:
        """Label of what the treatment changes besides data set, depth and width: `standard`
        for standard Forward-Forward, `backprop` for standard backprop."""
        parts = ([self.method] if self.method != "ff" else []) + self.changes()
        if self.recipe != STANDARD_RECIPE:
            parts.insert(0, RECIPE_NAMES[self.recipe])
        return ", ".join(parts) or STANDARD_VARIANT

    @property
    def training(self) -> str:
        """Label of how the treatment trains: `Forward-Forward, greedy`, `backprop (linear
        probes), lr 0.01`."""
        changes = self.changes()
        if self.method == "ff" and self.recipe != STANDARD_RECIPE:
            return ", ".join([METHOD_NAMES["ff"], RECIPE_NAMES[self.recipe], *changes])
        if self.method == "ff":
            return f"{METHOD_NAMES['ff']}, {', '.join(changes) or STANDARD_VARIANT}"
        return ", ".join([METHOD_NAMES[self.method], *changes])

    def theta_for(self, goodness: str) -> float:
        if self.theta is not None:
            return float(self.theta)
        return float(self.width) if goodness == "sum" else 1.0

    @property
    def total_epochs(self) -> int:
        """The greedy schedule trains each layer for `epochs`, one layer after another."""
        return self.epochs * self.depth if self.schedule == "greedy" else self.epochs


def training_default(key: str):
    return schema_default("training", key)


@dataclass(frozen=True)
class TrainSettings:
    """Everything that shapes a training run besides the treatment: the config's `training`
    section, one field per key, the defaults the schema's."""

    batch_size: int = training_default("batch_size")
    optimizer: str = training_default("optimizer")
    goodness: str = training_default("goodness")
    train_size: int = training_default("train_size")
    evals_per_epoch: int = training_default("evals_per_epoch")
    eval_size: int = training_default("eval_size")
    probe_size: int = training_default("probe_size")
    device: str = training_default("device")
    matmul_precision: str = training_default("matmul_precision")
    max_seeds_per_job: int = training_default("max_seeds_per_job")

    @classmethod
    def from_config(cls, section: dict) -> TrainSettings:
        return cls(**section)


def treatments(config: dict) -> list[Treatment]:
    """The grid of a config completed with the schema's defaults (`with_defaults`), every
    combination with each of `epochs`: Forward-Forward's Adam recipe over datasets x depths x
    widths x schedules x learning_rates x thetas x negatives; its paper recipe over datasets x
    depths x widths (its settings are its own); backprop over datasets x depths x widths x
    learning_rates. Every treatment but standard Forward-Forward by either recipe (backprop
    and the variants) trains only on `variant_grid`'s depths and widths, when it is given."""
    datasets, depths, widths = config["datasets"], config["depths"], config["widths"]
    grid = []
    if "ff" in config["methods"] and "adam" in config["recipes"]:
        grid += [
            Treatment(*point)
            for point in itertools.product(
                datasets,
                depths,
                widths,
                config["schedules"],
                config["learning_rates"],
                config["thetas"],
                config["negatives"],
            )
        ]
    if "ff" in config["methods"] and "paper" in config["recipes"]:
        grid += [
            Treatment(dataset, depth, width, recipe="paper")
            for dataset, depth, width in itertools.product(datasets, depths, widths)
        ]
    if "backprop" in config["methods"]:
        grid += [
            Treatment(dataset, depth, width, learning_rate=learning_rate, method="backprop")
            for dataset, depth, width, learning_rate in itertools.product(
                datasets, depths, widths, config["learning_rates"]
            )
        ]
    limits = config["variant_grid"] or {}
    grid = [
        treatment
        for treatment in grid
        if (treatment.method == "ff" and treatment.is_standard)
        or (
            treatment.depth in limits.get("depths", [treatment.depth])
            and treatment.width in limits.get("widths", [treatment.width])
        )
    ]
    show = len(config["epochs"]) > 1
    return [
        dataclasses.replace(treatment, epochs=epochs, show_epochs=show)
        for treatment in grid
        for epochs in config["epochs"]
    ]


def trunks(grid: list[Treatment]) -> dict[str, Treatment]:
    """For each treatment of the grid that shares its trunk, the deepest treatment of its
    family (every field equal but depth), which trains for all of them; itself if deepest."""
    deepest: dict[Treatment, Treatment] = {}
    for treatment in grid:
        if treatment.shares_trunk:
            family = dataclasses.replace(treatment, depth=0)
            if family not in deepest or treatment.depth > deepest[family].depth:
                deepest[family] = treatment
    return {
        treatment.id: deepest[dataclasses.replace(treatment, depth=0)]
        for treatment in grid
        if treatment.shares_trunk
    }


def prefix_depths(grid: list[Treatment], treatment: Treatment) -> tuple[int, ...]:
    """The shallower depths of the grid that `treatment` trains for (ff.config.trunks)."""
    trunk_of = trunks(grid)
    return tuple(
        sorted(
            other.depth
            for other in grid
            if other.id in trunk_of and trunk_of[other.id] == treatment and other != treatment
        )
    )


def is_reproduction(treatment: Treatment) -> bool:
    """The paper recipe's standard Forward-Forward training: the study's own experiment, which
    trains `seeds` seeds; every other treatment is a comparison (`comparison_seeds`)."""
    return treatment.method == "ff" and treatment.recipe == "paper"


def seed_count(config: dict, treatment: Treatment) -> int:
    """How many seeds a treatment trains, from a config completed with its defaults."""
    if is_reproduction(treatment) or config["comparison_seeds"] is None:
        return config["seeds"]
    return config["comparison_seeds"]


def treatment_seed_chunks(config: dict, treatment: Treatment, max_per_job: int) -> list[range]:
    """A treatment's seeds, first_seed onwards, in chunks of at most `max_per_job`."""
    return seed_chunks(config["first_seed"], seed_count(config, treatment), max_per_job)


def seed_chunks(first_seed: int, n_seeds: int, max_per_job: int) -> list[range]:
    """Seeds first_seed .. first_seed + n_seeds - 1 cut into consecutive ranges of at most
    `max_per_job`."""
    end = first_seed + n_seeds
    return [
        range(start, min(start + max_per_job, end)) for start in range(first_seed, end, max_per_job)
    ]


def chunk_name(seeds: range) -> str:
    return f"seeds{seeds.start}-{seeds.stop - 1}"


def parse_chunk_name(name: str) -> range:
    match = re.fullmatch(r"seeds(\d+)-(\d+)", name)
    if match is None:
        raise ValueError(f"{name!r} is not a seed chunk like 'seeds0-7'")
    return range(int(match[1]), int(match[2]) + 1)


def config_hash(
    treatment: Treatment, settings: TrainSettings, seeds: range, prefix_depths: tuple = ()
) -> str:
    """Identifies a run's inputs, so a checkpoint from other settings is never resumed."""
    payload = {"treatment": asdict(treatment), "settings": asdict(settings), "seeds": list(seeds)}
    if prefix_depths:
        payload["prefix_depths"] = list(prefix_depths)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
