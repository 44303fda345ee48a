"""Rule train_seeds: all seeds of one chunk of a treatment, trained as one batched computation."""

from pathlib import Path

from ff.config import TrainSettings, Treatment, config_hash, parse_chunk_name
from ff.data import load_splits
from ff.device import choose_device, configure_torch, device_description
from ff.forward_forward import TrainInputs
from ff.logs import start_logging
from ff.methods import trainer_class
from ff.outputs import write_outputs

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
inputs = TrainInputs.read(snakemake.input.negatives, snakemake.params.trunk_depths)
if inputs.trunk_depths:
    log.info("also evaluates its trunks, the networks of its first %s layers", inputs.trunk_depths)
trainer = trainer_class(treatment)(treatment, settings, seeds, splits, device, inputs)
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
