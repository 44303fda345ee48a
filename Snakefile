# Forward-Forward training dynamics: data -> negatives -> train -> metrics -> stats -> figures.
# See README.md for how to run it and config/README.md for the study design.

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/negatives.smk"
include: "workflow/rules/train.smk"


rule all:
    default_target: True
    input:
        trained_outputs(),
