"""Rule fetch_dataset: the canonical IDX files of one data set, md5-verified."""

from pathlib import Path

from ff.data import fetch_raw
from ff.logs import start_logging

log = start_logging(snakemake.log[0])
dataset, source = snakemake.wildcards.dataset, snakemake.params.source
log.info("fetching %s from %s", dataset, source["source"])
fetch_raw(dataset, source["source"], Path(snakemake.output[0]).parent, source.get("local_dir"))
log.info("verified %s", ", ".join(snakemake.output))
