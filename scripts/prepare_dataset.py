"""Rule prepare_dataset: train (50k), validation (10k) and test (10k) splits as uint8 arrays."""

from pathlib import Path

from ff.data import prepare_splits, save_splits
from ff.logs import start_logging

log = start_logging(snakemake.log[0])
dataset = snakemake.wildcards.dataset
splits = prepare_splits(dataset, Path(snakemake.input[0]).parent)
save_splits(splits, snakemake.output[0])
log.info(
    "%s: %d train, %d validation, %d test images",
    dataset,
    len(splits.train_y),
    len(splits.val_y),
    len(splits.test_y),
)
