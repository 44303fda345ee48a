rule make_negatives:
    input:
        "results/data/{dataset}.npz",
    output:
        in_study("negatives/{dataset}/random/seed{seed}.npy"),
    log:
        study_log("make_negatives/{dataset}/random/seed{seed}.log"),
    localrule: True
    conda:
        "../../envs/data.yaml"
    params:
        epochs=negatives_epochs(),
    script:
        "../../scripts/make_negatives.py"
