"""Rule layer_correlation (H2): layer-model correlation on several bases, pooled over seeds."""

from ff.hypotheses import h2_table
from ff.logs import start_logging
from ff.metrics import read_table, write_table
from ff.stats import layer_correlation

log = start_logging(snakemake.log[0])
table, per_seed = layer_correlation(read_table(snakemake.input[0]))
write_table(table, snakemake.output.table)
write_table(per_seed, snakemake.output.per_seed)
write_table(h2_table(per_seed), snakemake.output.overall)
log.info("%d pooled coefficients, %d per seed", len(table), len(per_seed))
