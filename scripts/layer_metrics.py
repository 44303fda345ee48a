"""Rule layer_metrics: one treatment's history as the tidy long table."""

from ff.config import TrainSettings, Treatment
from ff.logs import start_logging
from ff.metrics import read_table, tidy_metrics, write_table

log = start_logging(snakemake.log[0])
treatment = Treatment(**snakemake.params.treatment)
goodness = TrainSettings.from_config(snakemake.params.settings).goodness
table = tidy_metrics(read_table(snakemake.input[0]), treatment, goodness)
write_table(table, snakemake.output[0])
log.info("%s: %d rows", treatment.id, len(table))
