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

from ff import studies
from ff.trainings import METHODS, RECIPES, TRAININGS, VARIANT_KEYS, Training, training_of

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


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
    check_config(config)
    return config


def check_config(config: dict) -> None:
    """What the schema cannot say, from the training registry (ff.trainings): the methods and
    recipes are known ones, every variant a config asks for is one that a chosen training
    varies, a chosen training's fixed settings hold; and the delay figure's fraction is one of
    the delay fractions; the study's name is a plain folder name (ff.studies); some depth has
    layers to compare. Raises ValueError naming the key and the fix."""
    studies.check_name(config["study"])
    if max(config["depths"]) < 2:
        raise ValueError(
            "depths: every claim compares a network's layers, and a network of depth 1 has "
            "one: add a depth of 2 or more"
        )
    for key, known in (("methods", METHODS), ("recipes", RECIPES)):
        unknown = [value for value in config[key] if value not in known]
        if unknown:
            raise ValueError(
                f"{key}: {', '.join(map(repr, unknown))} is not one of {', '.join(known)} "
                "(the trainings of scripts/ff/trainings.py)"
            )
    chosen = chosen_trainings(config)
    for key, field in VARIANT_KEYS.items():
        variants = [value for value in config[key] if value != STANDARD[field]]
        if variants and not any(key in training.varies for training in chosen):
            raise ValueError(
                f"{key}: {', '.join(map(repr, variants))} are variants of "
                f"{trainings_varying(key)}, which this config does not train: add it to "
                f"`methods` and `recipes`, or set {key} to [{json.dumps(STANDARD[field])}]"
            )
    for training in chosen:
        for setting, value in training.requires:
            if config["training"][setting] != value:
                raise ValueError(
                    f"training.{setting}: {training.name} needs {value!r}, not "
                    f"{config['training'][setting]!r}; set it, or leave its recipe out of "
                    "`recipes`"
                )
    analysis = config["analysis"]
    if analysis["delay_figure_fraction"] not in analysis["delay_fractions"]:
        raise ValueError(
            f"analysis.delay_figure_fraction {analysis['delay_figure_fraction']} is not one "
            f"of analysis.delay_fractions {analysis['delay_fractions']}: add it there"
        )


def chosen_trainings(config: dict) -> list[Training]:
    """The trainings of the registry that a config's `methods` and `recipes` choose."""
    return [
        training
        for training in TRAININGS.values()
        if training.method in config["methods"]
        and (training.recipe in config["recipes"] or not training.chosen_by_recipes)
    ]


# each variant field's standard value: the first of its grid key's default
STANDARD = {field: schema_default(key)[0] for key, field in VARIANT_KEYS.items()}
STANDARD_SCHEDULE = STANDARD["schedule"]
STANDARD_LEARNING_RATE = STANDARD["learning_rate"]
STANDARD_THETA = STANDARD["theta"]
STANDARD_NEGATIVES = STANDARD["negatives"]
STANDARD_RECIPE = schema_default("recipes")[0]
STANDARD_METHOD = "ff"
STANDARD_EPOCHS = schema_default("epochs")[0]


def trainings_varying(key: str) -> str:
    """The names of the trainings that accept a variant grid key, for messages."""
    names = [training.name for training in TRAININGS.values() if key in training.varies]
    return " or ".join(names) or "no training"


@dataclass(frozen=True)
class Treatment:
    """One point of the config grid; all its seeds train in the same job(s).

    Beyond data set, depth, width and epochs, a treatment has a training (method and recipe,
    an entry of ff.trainings.TRAININGS) and may change the settings that its training varies
    (schedule, learning rate, goodness threshold, negatives). The fields are the structure;
    `variant` and `training` are labels for display and for naming a series in the tables,
    never parsed back."""

    dataset: str
    depth: int
    width: int
    schedule: str = STANDARD_SCHEDULE
    learning_rate: float = STANDARD_LEARNING_RATE
    theta: float | None = STANDARD_THETA  # None: the layer's width (sum goodness), 1 (mean)
    negatives: str = STANDARD_NEGATIVES  # random: drawn by make_negatives; hard: by the network
    method: str = STANDARD_METHOD  # ff: Forward-Forward; backprop: end to end, linear probes
    recipe: str = STANDARD_RECIPE  # paper: the study's own recipe; adam: this project's
    epochs: int = STANDARD_EPOCHS
    show_epochs: bool = False  # in the id: the config varies epochs

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"method {self.method!r} is not one of {', '.join(METHODS)}")
        training = training_of(self.method, self.recipe)
        for key, field in VARIANT_KEYS.items():
            if key not in training.varies and getattr(self, field) != STANDARD[field]:
                raise ValueError(
                    f"{self.dataset}-d{self.depth}-w{self.width}: {training.name} keeps its "
                    f"own {field}; `{key}` are variants of {trainings_varying(key)} only"
                )

    @property
    def training_entry(self) -> Training:
        return TRAININGS[self.method, self.recipe]

    @property
    def id(self) -> str:
        tag = self.training_entry.tag
        parts = [tag] * bool(tag) + self.changes()
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
            self.training_entry.shares_trunk
            and self.schedule == "simultaneous"
            and self.negatives == "random"
        )

    @property
    def needs_negatives_files(self) -> bool:
        """Whether it trains on the random negatives that make_negatives writes (hard ones are
        chosen during training, and backprop has none)."""
        return self.training_entry.negatives and self.negatives == "random"

    @property
    def is_standard(self) -> bool:
        """The standard training of its method: nothing changed but data set, depth, width."""
        return not self.changes()

    @property
    def variant(self) -> str:
        """Label of what the treatment changes besides data set, depth and width: `standard`
        for standard Forward-Forward, `backprop` for standard backprop, `paper recipe`."""
        return self.training_entry.variant(self.changes())

    @property
    def training(self) -> str:
        """Label of how the treatment trains: `Forward-Forward, greedy`, `backprop (linear
        probes), lr 0.01`."""
        return self.training_entry.training(self.changes())

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
    """The grid of a config completed with the schema's defaults (`with_defaults`): for each
    training of ff.trainings.TRAININGS that the config's `methods` and `recipes` select,
    datasets x depths x widths x the variant keys it varies (schedules, learning_rates,
    thetas, negatives), each with every value of `epochs`. A training's variants, and every
    training that is not a headline training (backprop), train only on `variant_grid`'s depths
    and widths, when it is given."""
    grid = []
    for training in chosen_trainings(config):
        fields = [VARIANT_KEYS[key] for key in VARIANT_KEYS if key in training.varies]
        values = [config[key] for key in VARIANT_KEYS if key in training.varies]
        for dataset, depth, width, *variant in itertools.product(
            config["datasets"], config["depths"], config["widths"], *values
        ):
            grid.append(
                Treatment(
                    dataset,
                    depth,
                    width,
                    method=training.method,
                    recipe=training.recipe,
                    **dict(zip(fields, variant, strict=True)),
                )
            )
    limits = config["variant_grid"] or {}
    grid = [
        treatment
        for treatment in grid
        if (treatment.training_entry.headline and treatment.is_standard)
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


def trunk_depths(grid: list[Treatment], treatment: Treatment) -> tuple[int, ...]:
    """The trunk depths of `treatment`: the shallower depths of the grid whose treatments its
    run serves, their networks being its first layers (ff.config.trunks)."""
    trunk_of = trunks(grid)
    return tuple(
        sorted(
            other.depth
            for other in grid
            if other.id in trunk_of and trunk_of[other.id] == treatment and other != treatment
        )
    )


def describe_study(config: dict, n_treatments: int) -> str:
    """The study in a line, for docs/results.md."""
    seeds = f"{config['seeds']} seeds"
    if config["comparison_seeds"]:
        seeds += f" (comparisons {config['comparison_seeds']})"
    listed = {
        key: ", ".join(map(str, config[key]))
        for key in ("datasets", "depths", "widths", "epochs", "recipes", "methods")
    }
    return (
        f"a study of {n_treatments} treatments, {seeds} from seed {config['first_seed']}: "
        f"data sets {listed['datasets']}; depths {listed['depths']}; widths "
        f"{listed['widths']}; epochs {listed['epochs']}; recipes {listed['recipes']}; "
        f"methods {listed['methods']}"
    )


def is_reproduction(treatment: Treatment) -> bool:
    """A treatment of the study's own experiment (the paper recipe), which trains `seeds`
    seeds; every other treatment is a comparison (`comparison_seeds`)."""
    return treatment.training_entry.reproduction


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
    treatment: Treatment, settings: TrainSettings, seeds: range, trunk_depths: tuple = ()
) -> str:
    """Identifies a run's inputs, so a checkpoint from other settings is never resumed."""
    payload = {"treatment": asdict(treatment), "settings": asdict(settings), "seeds": list(seeds)}
    if trunk_depths:
        payload["trunk_depths"] = list(trunk_depths)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
