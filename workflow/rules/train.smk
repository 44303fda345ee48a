# train_seeds: one (GPU) job per chunk of at most training.max_seeds_per_job seeds, all its
# seeds trained as one batched computation. trunk_seeds: a treatment whose network is the
# first layers of a deeper one's (a trunk of that one), from that one's job. train: the
# treatment's outputs, seed chunks joined.


rule train_seeds:
    input:
        data=dataset_of_treatment,
        negatives=negatives_of_chunk,
    output:
        **trained_chunk_outputs(in_study("train/{treatment}/{chunk}")),
    log:
        study_log("train_seeds/{treatment}/{chunk}.log"),
    benchmark:
        f"benchmarks/{STUDY}/train_seeds/{{treatment}}/{{chunk}}.tsv"
    wildcard_constraints:
        treatment=one_of(TRAINED),
    conda:
        "../../envs/train.yaml"
    threads: training_threads()
    resources:
        gpu=train_gpus,
        mem_mb=train_mem_mb,
        runtime=train_runtime,
    params:
        treatment=treatment_params,
        settings=config["training"],
        checkpoint=in_study("train/{treatment}/{chunk}/checkpoint.pt"),
        trunk_depths=trunk_depths_of,
    script:
        "../../scripts/train_seeds.py"


rule trunk_seeds:
    input:
        unpack(trunk_chunk),
    output:
        **train_outputs(in_study("train/{treatment}/{chunk}"), temporary=True),
    log:
        study_log("trunk_seeds/{treatment}/{chunk}.log"),
    wildcard_constraints:
        treatment=one_of(TRUNK_OF),
    localrule: True
    conda:
        "../../envs/train.yaml"
    params:
        depth=depth_of,
        run_info=trunk_run_info,
    script:
        "../../scripts/trunk_seeds.py"


rule train:
    input:
        unpack(chunks_of_treatment),
    output:
        **train_outputs(in_study("train/{treatment}")),
    log:
        study_log("train/{treatment}.log"),
    localrule: True
    conda:
        "../../envs/train.yaml"
    script:
        "../../scripts/train.py"
