"""Rule collect_metrics: every treatment's tidy metrics in one table."""

import pandas as pd

from ff.logs import start_logging
from ff.metrics import read_table, write_table

log = start_logging(snakemake.log[0])
table = pd.concat([read_table(path) for path in snakemake.input], ignore_index=True)
write_table(table, snakemake.output[0])
log.info("%d rows from %d treatments", len(table), len(snakemake.input))
