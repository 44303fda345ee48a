"""Rule convergence: whether each treatment's layer and model curves levelled off by the end."""

from ff.convergence import convergence
from ff.logs import start_logging
from ff.metrics import read_table, write_table

log = start_logging(snakemake.log[0])
table = convergence(
    read_table(snakemake.input[0]),
    window=snakemake.params.window,
    tolerance=snakemake.params.tolerance,
)
write_table(table, snakemake.output[0])
rising = table[~table.levelled]
log.info("%d of %d curves still rising:\n%s", len(rising), len(table), rising.to_string())
