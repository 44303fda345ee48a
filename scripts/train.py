"""Rule train: one treatment's outputs from its seed chunks, along the seed axis."""

from ff.chunks import join_chunks
from ff.jobs import TRAIN_OUTPUTS
from ff.logs import start_logging

log = start_logging(snakemake.log[0])
join_chunks({name: list(snakemake.input[name]) for name in TRAIN_OUTPUTS}, snakemake.output)
log.info("joined %d chunk(s) into %s", len(snakemake.input.history), ", ".join(snakemake.output))
