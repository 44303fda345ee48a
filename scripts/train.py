"""Rule train: one treatment's outputs from its seed chunks, along the seed axis."""

from ff.jobs import TRAIN_OUTPUTS
from ff.logs import start_logging
from ff.outputs import merge_outputs

log = start_logging(snakemake.log[0])
merge_outputs({name: list(snakemake.input[name]) for name in TRAIN_OUTPUTS}, snakemake.output)
log.info("merged %d chunk(s) into %s", len(snakemake.input.history), ", ".join(snakemake.output))
