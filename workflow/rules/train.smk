rule train:
    input:
        data=dataset_of_treatment,
        negatives=negatives_of_chunk,
    output:
        history=temp("results/train/{treatment}/{chunk}/history.tsv"),
        predictions=temp("results/train/{treatment}/{chunk}/predictions.npz"),
        weights=temp("results/train/{treatment}/{chunk}/weights.pt"),
        run=temp("results/train/{treatment}/{chunk}/run.json"),
    log:
        "logs/train/{treatment}/{chunk}.log",
    benchmark:
        "benchmarks/train/{treatment}/{chunk}.tsv"
    conda:
        "../../envs/train.yaml"
    threads: 4
    resources:
        gpu=train_gpus,
        mem_mb=train_mem_mb,
        runtime=train_runtime,
    params:
        settings=config["training"],
        checkpoint="results/train/{treatment}/{chunk}/checkpoint.pt",
    script:
        "../../scripts/train.py"


rule merge_seed_chunks:
    input:
        unpack(chunks_of_treatment),
    output:
        history="results/train/{treatment}/history.tsv",
        predictions="results/train/{treatment}/predictions.npz",
        weights="results/train/{treatment}/weights.pt",
        run="results/train/{treatment}/run.json",
    log:
        "logs/merge_seed_chunks/{treatment}.log",
    conda:
        "../../envs/train.yaml"
    script:
        "../../scripts/merge_seed_chunks.py"
