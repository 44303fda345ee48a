# Plumbing: the library's view of the config (treatments, seed chunks, trunks, the figure
# table), input functions and wildcard constraints. The logic lives in scripts/ff/.

import dataclasses
import os
import re
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

# the library under scripts/ (rule scripts find it beside themselves)
sys.path.insert(0, os.path.join(workflow.basedir, "scripts"))

from ff import jobs, studies
from ff.jobs import TRAIN_OUTPUTS
from ff.config import (
    TrainSettings,
    check_config,
    chunk_name,
    describe_study,
    parse_chunk_name,
    treatment_seed_chunks,
    treatments,
    trunk_depths,
    trunks,
)
from ff.data import RAW_FILES
from ff.figure_table import figure_inputs, published_figures

check_config(config)
# Every result of this study lives in its folder, results/<study>/ (logs: logs/<study>/), so
# studies sit side by side; the data sets, results/data/, are shared. A config that names a
# study already run with another grid is refused here, before any job (ff.studies).
STUDY = config["study"]
studies.check_design(config)


def in_study(path):
    """`path` in this study's results folder."""
    return f"results/{STUDY}/{path}"


def study_log(path):
    """`path` in this study's log folder."""
    return f"logs/{STUDY}/{path}"


TRAIN_SETTINGS = TrainSettings.from_config(config["training"])
TREATMENTS = {treatment.id: treatment for treatment in treatments(config)}
# A treatment whose network is the first layers (the trunk) of a deeper one's is cut from that
# one's run instead of trained (ff.config.Treatment.shares_trunk); the deeper one trains both.
TRUNK_OF = {
    treatment: trunk.id
    for treatment, trunk in trunks(list(TREATMENTS.values())).items()
    if trunk.id != treatment
}
TRAINED = [treatment for treatment in TREATMENTS if treatment not in TRUNK_OF]
# each training job's trunk depths (ff.config.trunk_depths), once rather than once per job
TRUNK_DEPTHS = {
    treatment: trunk_depths(list(TREATMENTS.values()), TREATMENTS[treatment])
    for treatment in TRAINED
}
CHUNKS = {
    treatment_id: [
        chunk_name(chunk)
        for chunk in treatment_seed_chunks(
            config, treatment, TRAIN_SETTINGS.max_seeds_per_job
        )
    ]
    for treatment_id, treatment in TREATMENTS.items()
}
FIGURES = figure_inputs(Path(workflow.basedir, "workflow", "figures.yaml"))
# the figures marked `published: true` in workflow/figures.yaml: README shows them
PUBLISHED_FIGURES = published_figures(
    Path(workflow.basedir, "workflow", "figures.yaml")
)


def one_of(ids):
    """A wildcard pattern matching exactly these ids (none if empty)."""
    return "|".join(map(re.escape, ids)) or "(?!)"


wildcard_constraints:
    dataset="|".join(config["datasets"]),
    treatment=one_of(TREATMENTS),
    chunk=one_of(sorted({chunk for chunks in CHUNKS.values() for chunk in chunks})),
    seed=r"\d+",


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
    treatment = treatment_of(wildcards)
    if not treatment.needs_negatives_files:
        return []
    return [
        in_study(f"negatives/{treatment.dataset}/random/seed{seed}.npy")
        for seed in parse_chunk_name(wildcards.chunk)
    ]


def dataset_of_treatment(wildcards):
    return f"results/data/{treatment_of(wildcards).dataset}.npz"


def chunks_of_treatment(wildcards):
    """The seed chunks' outputs, grouped by file: {"history": [...], ...}."""
    return {
        name: expand(
            in_study(f"train/{{treatment}}/{{chunk}}/{file}"),
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
    """What a training job writes: its treatment's outputs, and what its trunks, the networks
    made of its first layers, need (`trunks`), all removed once used."""
    return train_outputs(folder, temporary=True) | {
        "trunks": temp(f"{folder}/trunks.pt")
    }


def trunk_depths_of(wildcards):
    """The trunk depths of this training job: the shallower depths whose treatments its run
    also serves (ff.config.trunk_depths)."""
    return TRUNK_DEPTHS[wildcards.treatment]


def trunk_chunk(wildcards):
    """The outputs of the training job whose trunk a treatment's seeds are cut from."""
    folder = in_study(f"train/{TRUNK_OF[wildcards.treatment]}/{wildcards.chunk}")
    return {name: str(path) for name, path in trained_chunk_outputs(folder).items()}


def depth_of(wildcards):
    return treatment_of(wildcards).depth


def trunk_run_info(wildcards):
    return {
        "treatment": wildcards.treatment,
        "trunk_of": TRUNK_OF[wildcards.treatment],
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
    return jobs.gpus(TRAIN_SETTINGS)


def train_mem_mb(wildcards, attempt):
    seeds = len(parse_chunk_name(wildcards.chunk))
    return jobs.memory_mb(treatment_of(wildcards), seeds, TRAIN_SETTINGS, attempt)


def train_runtime(wildcards, attempt):
    return jobs.runtime_minutes(attempt)


def trained_outputs():
    return expand(
        in_study("train/{treatment}/{file}"),
        treatment=TREATMENTS,
        file=TRAIN_OUTPUTS.values(),
    )


def study_description():
    return describe_study(config, len(TREATMENTS))


STATS = [
    "answers.tsv",
    "depth_delay.tsv",
    "layer_correlation.tsv",
    "correlation_trends.tsv",
    "convergence.tsv",
    "summary.md",
]


def figure_outputs():
    return expand(
        in_study("figures/{figure}.{ext}"), figure=FIGURES, ext=["svg", "png", "html"]
    )


def stats_outputs():
    return expand(in_study("stats/{file}"), file=STATS)


# The committed studies, each one config of config/ run as it is: results_page publishes
# them into docs/ (the default study: docs/results.md; another: docs/<study>/results.md).
COMMITTED_CONFIGS = {
    path.resolve() for path in Path(workflow.basedir, "config").glob("*.yaml")
}
STUDY_CHANGES = [
    f"--configfile {os.path.relpath(path)}"
    for path in workflow.overwrite_configfiles
    if Path(path).resolve() not in COMMITTED_CONFIGS
    or len(workflow.overwrite_configfiles) > 1
] + (["--config"] if workflow.config_settings.config else [])
PUBLISHED = Path("docs") if STUDY == "default" else Path("docs", STUDY)


def committed_study_only(wildcards):
    """results_page's inputs; a WorkflowError, before anything is built, when this run is
    not a committed study: docs/ is committed and holds the committed studies' results.
    """
    if STUDY_CHANGES:
        raise WorkflowError(
            f"results_page publishes only a committed study (config/config.yaml, or it with "
            f"one other config/*.yaml), and this run changes it ({' '.join(STUDY_CHANGES)}). "
            "docs/ holds the committed studies' results: run `snakemake --cores 2 "
            "results_page`, or add `--configfile config/<study>.yaml` alone, without --config. "
            f"This study's answers are in {in_study('stats/summary.md')}."
        )
    return {
        "answers": in_study("stats/answers.tsv"),
        "figures": expand(in_study("figures/{figure}.png"), figure=PUBLISHED_FIGURES),
    }


def finished_study_answers(wildcards):
    """compare's inputs: {study: its answers.tsv} for every study that has one; a
    WorkflowError, before any job, when none has."""
    finished = studies.finished_studies()
    if not finished:
        raise WorkflowError(
            "compare: no study has finished (no results/<study>/stats/answers.tsv): run "
            "`snakemake --cores 2 all` for each study to compare (e.g. the default and "
            "`--configfile config/regime.yaml`) first."
        )
    return {study: f"results/{study}/{studies.ANSWERS}" for study in finished}
