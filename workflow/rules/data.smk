rule fetch_dataset:
    output:
        expand(
            "resources/{{dataset}}/raw/{file}",
            file=[
                "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
            ],
        ),
    log:
        "logs/fetch_dataset/{dataset}.log",
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
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/prepare_dataset.py"
