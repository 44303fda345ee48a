"""Rule layer_correlation (H2): layer-model correlation on several bases, pooled over seeds, and
the part-whole check (layer 1 against the model without it)."""

from ff.hypotheses import h2_table
from ff.logs import start_logging
from ff.metrics import read_table, write_table
from ff.part_whole import part_whole_check
from ff.stats import layer_correlation

log = start_logging(snakemake.log[0])
metrics = read_table(snakemake.input[0])
table, per_seed = layer_correlation(metrics)
write_table(table, snakemake.output.table)
write_table(per_seed, snakemake.output.per_seed)
write_table(h2_table(per_seed), snakemake.output.overall)
write_table(
    part_whole_check(metrics, per_seed, snakemake.params.correlation_kind),
    snakemake.output.part_whole,
)
log.info("%d pooled coefficients, %d per seed", len(table), len(per_seed))
