# train_seeds: one (GPU) job per chunk of at most training.max_seeds_per_job seeds, all its
# seeds trained as one batched computation. train: the treatment's outputs, seed chunks joined.


rule train_seeds:
    input:
        data=dataset_of_treatment,
        negatives=negatives_of_chunk,
    output:
        history=temp("results/train/{treatment}/{chunk}/history.tsv"),
        predictions=temp("results/train/{treatment}/{chunk}/predictions.npz"),
        weights=temp("results/train/{treatment}/{chunk}/weights.pt"),
        run=temp("results/train/{treatment}/{chunk}/run.json"),
    log:
        "logs/train_seeds/{treatment}/{chunk}.log",
    benchmark:
        "benchmarks/train_seeds/{treatment}/{chunk}.tsv"
    conda:
        "../../envs/train.yaml"
    threads: 4
    resources:
        gpu=train_gpus,
        mem_mb=train_mem_mb,
        runtime=train_runtime,
    params:
        treatment=treatment_params,
        settings=config["training"],
        checkpoint="results/train/{treatment}/{chunk}/checkpoint.pt",
    script:
        "../../scripts/train_seeds.py"


rule train:
    input:
        unpack(chunks_of_treatment),
    output:
        history="results/train/{treatment}/history.tsv",
        predictions="results/train/{treatment}/predictions.npz",
        weights="results/train/{treatment}/weights.pt",
        run="results/train/{treatment}/run.json",
    log:
        "logs/train/{treatment}.log",
    conda:
        "../../envs/train.yaml"
    script:
        "../../scripts/train.py"
