rule make_negatives:
    input:
        "results/data/{dataset}.npz",
    output:
        "results/negatives/{dataset}/{strategy}/seed{seed}.npy",
    params:
        epochs=negatives_epochs(),
    log:
        "logs/make_negatives/{dataset}/{strategy}/seed{seed}.log",
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/make_negatives.py"
