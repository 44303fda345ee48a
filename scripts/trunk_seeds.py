"""Rule trunk_seeds: a treatment's seed chunk from the run of the deeper network whose first
layers it is (ff.config.Treatment.shares_trunk), without training."""

from ff.logs import start_logging
from ff.outputs import trunk_outputs

log = start_logging(snakemake.log[0])
trunk_outputs(snakemake.input, snakemake.params.depth, snakemake.output, snakemake.params.run_info)
log.info(
    "%s: its first %d layers, from %s",
    snakemake.wildcards.treatment,
    snakemake.params.depth,
    snakemake.params.run_info["trunk_of"],
)
