"""Rule answers: each hypothesis's verdict per study and measure, with its bootstrap stability
over seeds, its split-half replication, its robustness across measures and how many of its
series' treatments converged."""

import pandas as pd

from ff.answers import answers
from ff.convergence import with_convergence
from ff.hypotheses import seed_values
from ff.logs import start_logging
from ff.metrics import write_table

log = start_logging(snakemake.log[0])
values = seed_values(
    pd.read_csv(snakemake.input.delays, sep="\t"),
    pd.read_csv(snakemake.input.correlations, sep="\t"),
    delay_fraction=snakemake.params.delay_fraction,
    kind=snakemake.params.correlation_kind,
)
table = with_convergence(answers(values), pd.read_csv(snakemake.input.convergence, sep="\t"))
write_table(table, snakemake.output[0])
log.info("answers:\n%s", table.to_string(index=False))
