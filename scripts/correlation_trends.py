"""Rule correlation_trends (H3): per-seed slopes of the layer-model correlation on layer and
width, averaged over seeds."""

import pandas as pd

from ff.hypotheses import h3_table
from ff.logs import start_logging
from ff.metrics import write_table

log = start_logging(snakemake.log[0])
trends = h3_table(pd.read_csv(snakemake.input[0], sep="\t"))
write_table(trends, snakemake.output[0])
log.info("trends:\n%s", trends.to_string(index=False))
