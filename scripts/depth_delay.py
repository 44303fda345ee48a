"""Rule depth_delay (H1): per-seed layer delays, their trend tests and the overall test."""

from ff.delays import depth_delay_tests, layer_delays
from ff.hypotheses import h1_table
from ff.logs import start_logging
from ff.metrics import read_table, write_table

log = start_logging(snakemake.log[0])
delays = layer_delays(read_table(snakemake.input[0]), snakemake.params.fractions)
write_table(delays, snakemake.output.per_seed)
write_table(depth_delay_tests(delays), snakemake.output.tests)
overall = h1_table(delays)
write_table(overall, snakemake.output.overall)
log.info("overall trend of delay with layer:\n%s", overall.to_string(index=False))
