"""Rule train_seeds: all seeds of one chunk of a treatment, trained as one batched computation."""

from pathlib import Path

import numpy as np

from ff.backprop import BackpropTrainer
from ff.config import TrainSettings, Treatment, config_hash, parse_chunk_name
from ff.data import load_splits
from ff.logs import start_logging
from ff.outputs import device_description, write_outputs
from ff.train import FFTrainer, choose_device, configure_torch

log = start_logging(snakemake.log[0])
treatment = Treatment(**snakemake.params.treatment)
settings = TrainSettings.from_config(snakemake.params.settings)
seeds = parse_chunk_name(snakemake.wildcards.chunk)
device = choose_device(settings.device)
configure_torch(snakemake.threads, settings.matmul_precision)
log.info("%s, seeds %s, on %s", treatment.id, list(seeds), device_description(device))
if treatment.negatives == "hard":
    log.info("negatives: hard, chosen by the network itself at every training step")

splits = load_splits(snakemake.input.data)
if treatment.method == "backprop":
    trainer = BackpropTrainer(treatment, settings, seeds, splits, device)
else:
    negatives = snakemake.input.negatives  # none for hard negatives, chosen during training
    wrong_labels = np.stack([np.load(path) for path in negatives]) if negatives else None
    trainer = FFTrainer(treatment, settings, seeds, splits, wrong_labels, device)
checkpoint = Path(snakemake.params.checkpoint)
result = trainer.run(checkpoint=checkpoint)
write_outputs(
    result,
    snakemake.output,
    {
        "treatment": treatment.id,
        "seeds": list(seeds),
        "device": device_description(device),
        "config_hash": config_hash(treatment, settings, seeds),
        "settings": snakemake.params.settings,
    },
)
checkpoint.unlink(missing_ok=True)
log.info("done: %s", ", ".join(snakemake.output))
