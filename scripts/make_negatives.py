"""Rule make_negatives: the wrong label of every training image for every epoch of one seed."""

import numpy as np

from ff.data import load_splits
from ff.logs import start_logging
from ff.negatives import random_wrong_labels

log = start_logging(snakemake.log[0])
seed, epochs = int(snakemake.wildcards.seed), snakemake.params.epochs
labels = load_splits(snakemake.input[0]).train_y
np.save(snakemake.output[0], random_wrong_labels(labels, seed, epochs))
log.info("seed %d: wrong labels for %d epochs x %d images", seed, epochs, len(labels))
