# Forward-Forward training dynamics: data -> negatives -> train -> metrics -> stats -> figures.
# See README.md for how to run it and config/README.md for the study design.

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


# A GPU is a resource of the machine a job runs on: `--resources gpu=1` (the default workflow
# profile) stops two local jobs sharing one GPU, but does not throttle cluster submissions.
resource_scopes:
    gpu="local",


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/negatives.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/metrics.smk"
include: "workflow/rules/stats.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/publish.smk"
include: "workflow/rules/compare.smk"


# The study's folder remembers the design of its first run (results/<study>/study.yaml), which
# common.smk checks every later run against.
onstart:
    studies.record_design(config)


# Under a cluster executor only train_seeds is submitted; every other rule says `localrule:
# True` and runs on the submit host (fetch_dataset needs the network, the rest is cheap).
# `all` writes only under results/<study>/ (and the git-ignored results/data/, resources/,
# logs/, benchmarks/): the committed docs/results.md and docs/figures/ are the maintainer's
# target `results_page`; `compare` sets the finished studies' answers side by side.


rule all:
    default_target: True
    input:
        trained_outputs(),
        stats_outputs(),
        figure_outputs(),
    localrule: True
