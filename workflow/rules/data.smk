# fetch_dataset: the canonical IDX files (needs the network: a local rule, never on a compute
# node); prepare_dataset: the train, validation and test splits.


rule fetch_dataset:
    output:
        expand("resources/{{dataset}}/raw/{file}", file=RAW_FILES),
    log:
        "logs/fetch_dataset/{dataset}.log",
    localrule: True
    conda:
        "../../envs/data.yaml"
    params:
        source=data_source,
    script:
        "../../scripts/fetch_dataset.py"


rule prepare_dataset:
    input:
        rules.fetch_dataset.output,
    output:
        "results/data/{dataset}.npz",
    log:
        "logs/prepare_dataset/{dataset}.log",
    localrule: True
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/prepare_dataset.py"
