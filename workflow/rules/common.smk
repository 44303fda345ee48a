# Config helpers: the treatment grid, seed chunks, the figure table, input functions and
# wildcard constraints.

import dataclasses
import os
import re
import shutil
import sys
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError

# the library under scripts/ (rule scripts find it beside themselves)
sys.path.insert(0, os.path.join(workflow.basedir, "scripts"))

from ff.config import (
    TrainSettings,
    chunk_name,
    parse_chunk_name,
    prefix_depths,
    treatment_seed_chunks,
    treatments,
    trunks,
)
from ff.data import RAW_FILES
from ff.outputs import TRAIN_OUTPUTS

TRAIN_SETTINGS = TrainSettings.from_config(config["training"])
if (
    config["analysis"]["delay_figure_fraction"]
    not in config["analysis"]["delay_fractions"]
):
    raise ValueError(
        f"analysis.delay_figure_fraction {config['analysis']['delay_figure_fraction']} is not one "
        f"of analysis.delay_fractions {config['analysis']['delay_fractions']}: add it there"
    )
TREATMENTS = {treatment.id: treatment for treatment in treatments(config)}
# A treatment whose network is the first layers of a deeper one's is derived from that one's
# run instead of trained (ff.config.Treatment.shares_trunk); the deeper one trains for both.
DERIVED = {
    treatment: trunk.id
    for treatment, trunk in trunks(list(TREATMENTS.values())).items()
    if trunk.id != treatment
}
TRAINED = [treatment for treatment in TREATMENTS if treatment not in DERIVED]
CHUNKS = {
    treatment_id: [
        chunk_name(chunk)
        for chunk in treatment_seed_chunks(
            config, treatment, TRAIN_SETTINGS.max_seeds_per_job
        )
    ]
    for treatment_id, treatment in TREATMENTS.items()
}
FIGURES = yaml.safe_load(Path(workflow.basedir, "workflow", "figures.yaml").read_text())


def one_of(ids):
    """A wildcard pattern matching exactly these ids (none if empty)."""
    return "|".join(map(re.escape, ids)) or "(?!)"


wildcard_constraints:
    dataset="|".join(config["datasets"]),
    treatment=one_of(TREATMENTS),
    chunk=one_of(sorted({chunk for chunks in CHUNKS.values() for chunk in chunks})),
    seed=r"\d+",
    strategy="random",


def treatment_of(wildcards):
    return TREATMENTS[wildcards.treatment]


def treatment_params(wildcards):
    """The treatment as a plain dict; scripts rebuild it as ff.config.Treatment(**params)."""
    return dataclasses.asdict(TREATMENTS[wildcards.treatment])


def data_source(wildcards):
    return config["data"][wildcards.dataset]


def negatives_epochs():
    """Epochs of wrong labels to draw: enough for the longest treatment."""
    return max(t.total_epochs for t in TREATMENTS.values())


def negatives_of_chunk(wildcards):
    """Random negatives come from make_negatives; hard ones are chosen during training, and
    backprop has none."""
    treatment = treatment_of(wildcards)
    if treatment.method != "ff" or treatment.negatives != "random":
        return []
    return [
        f"results/negatives/{treatment.dataset}/random/seed{seed}.npy"
        for seed in parse_chunk_name(wildcards.chunk)
    ]


def dataset_of_treatment(wildcards):
    return f"results/data/{treatment_of(wildcards).dataset}.npz"


def chunks_of_treatment(wildcards):
    """The seed chunks' outputs, grouped by file: {"history": [...], ...}."""
    return {
        name: expand(
            f"results/train/{{treatment}}/{{chunk}}/{file}",
            treatment=wildcards.treatment,
            chunk=CHUNKS[wildcards.treatment],
        )
        for name, file in TRAIN_OUTPUTS.items()
    }


def train_outputs(folder, temporary=False):
    """The training outputs in `folder`, by name; `temporary`: removed once joined."""
    mark = temp if temporary else str
    return {name: mark(f"{folder}/{file}") for name, file in TRAIN_OUTPUTS.items()}


def trained_chunk_outputs(folder):
    """What a training job writes: its treatment's outputs, and what the networks made of its
    first layers need (`prefixes`), all removed once used."""
    return train_outputs(folder, temporary=True) | {
        "prefixes": temp(f"{folder}/prefixes.pt")
    }


def prefix_depths_of(wildcards):
    """The shallower depths whose treatments this training job's run also serves."""
    return prefix_depths(list(TREATMENTS.values()), treatment_of(wildcards))


def trunk_chunk(wildcards):
    """The outputs of the training job that a derived treatment's seeds come from."""
    folder = f"results/train/{DERIVED[wildcards.treatment]}/{wildcards.chunk}"
    return {name: str(path) for name, path in trained_chunk_outputs(folder).items()}


def depth_of(wildcards):
    return treatment_of(wildcards).depth


def derived_run_info(wildcards):
    return {
        "treatment": wildcards.treatment,
        "derived_from": DERIVED[wildcards.treatment],
        "depth": treatment_of(wildcards).depth,
    }


def training_threads():
    """Every core given with --cores: locally a training job then runs alone, since a second
    job beside it only contends for the CPUs its torch threads use. 4 where no total is given
    (--report, --lint; cluster profiles set train_seeds' threads themselves)."""
    try:
        return workflow.cores
    except WorkflowError:
        return 4


def train_gpus(wildcards):
    """1 when training runs on a GPU here: device cuda, or auto on a host with NVIDIA's
    driver tools. The SLURM profile sets it to 1 for every training job (GPU nodes)."""
    if TRAIN_SETTINGS.device == "cuda":
        return 1
    has_driver = shutil.which("nvidia-smi") is not None
    return int(TRAIN_SETTINGS.device == "auto" and has_driver)


def train_mem_mb(wildcards, attempt):
    """Host memory in MB: the process and its data (2 GB), plus, for training on the CPU,
    weights with gradients and Adam's two moments (4 copies) for every seed and the
    activations of a mini-batch and an evaluation chunk. More on a retry."""
    treatment = treatment_of(wildcards)
    seeds = len(parse_chunk_name(wildcards.chunk))
    weights = 784 * treatment.width + (treatment.depth - 1) * treatment.width**2
    model_bytes = 4 * 4 * seeds * weights
    activation_bytes = (
        4
        * 4
        * seeds
        * 2
        * TRAIN_SETTINGS.batch_size
        * treatment.width
        * treatment.depth
    )
    return (2000 + (model_bytes + activation_bytes) // 2**20 + 256) * attempt


def train_runtime(wildcards, attempt):
    """Minutes: a CPU-sized guess that SLURM users raise in their profile if needed."""
    return 60 * attempt


def trained_outputs():
    return expand(
        "results/train/{treatment}/{file}",
        treatment=TREATMENTS,
        file=TRAIN_OUTPUTS.values(),
    )


def study_description():
    """The study in a line, for docs/results.md."""
    seeds = f"{config['seeds']} seeds"
    if config["comparison_seeds"]:
        seeds += f" (comparisons {config['comparison_seeds']})"
    listed = {
        key: ", ".join(map(str, config[key]))
        for key in ("datasets", "depths", "widths", "epochs", "recipes", "methods")
    }
    return (
        f"a study of {len(TREATMENTS)} treatments, {seeds} from seed {config['first_seed']}: "
        f"data sets {listed['datasets']}; depths {listed['depths']}; widths "
        f"{listed['widths']}; epochs {listed['epochs']}; recipes {listed['recipes']}; "
        f"methods {listed['methods']}"
    )


STATS = [
    "answers.tsv",
    "depth_delay.tsv",
    "layer_correlation.tsv",
    "correlation_trends.tsv",
    "summary.md",
]


def figure_outputs():
    return expand(
        "results/figures/{figure}.{ext}", figure=FIGURES, ext=["svg", "png", "html"]
    )


def stats_outputs():
    return expand("results/stats/{file}", file=STATS)
