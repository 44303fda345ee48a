"""The workflow end to end on tests/config/tiny.yaml, in a temporary copy of the repository."""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from conftest import (
    ROOT,
    SNAKEMAKE,
    TINY,
    copy_workflow,
    git,
    git_checkout,
    snakemake,
    study_files,
)

from ff.config import Treatment, treatments
from ff.data import CANONICAL_MD5, RAW_FILES
from ff.footprint import study_bytes
from ff.metrics import TIDY_COLUMNS
from ff.provenance import source_commit


def tiny_treatments() -> list[Treatment]:
    return treatments(TINY)


FIGURES = list(yaml.safe_load((ROOT / "workflow/figures.yaml").read_text()))


@pytest.mark.slow
def test_raw_files_have_canonical_md5(tiny_run):
    for dataset in TINY["datasets"]:
        for name in RAW_FILES:
            path = tiny_run / "resources" / dataset / "raw" / name
            assert hashlib.md5(path.read_bytes()).hexdigest() == CANONICAL_MD5[dataset][name]


@pytest.mark.slow
def test_every_treatment_has_its_training_outputs(tiny_run):
    seeds = list(range(TINY["first_seed"], TINY["first_seed"] + TINY["seeds"]))
    for treatment in tiny_treatments():
        folder = tiny_run / "results" / "tiny" / "train" / treatment.id
        depth = treatment.depth
        epochs = treatment.total_epochs
        history = pd.read_csv(folder / "history.tsv", sep="\t", dtype={"layer": str})
        assert sorted(history.seed.unique()) == seeds
        assert set(history.split) == {"train", "validation", "test"}
        assert set(history.layer) == {str(layer) for layer in range(1, depth + 1)} | {"model"}
        validation = history[history.split == "validation"]
        evaluations = 1 + epochs * TINY["training"]["evals_per_epoch"]
        assert validation.epoch.nunique() == evaluations
        assert validation.accuracy.between(0, 1).all()

        # rows: the layers, the model, and (Forward-Forward) the model without layer 1 and
        # (paper recipe) the read-out
        rows = depth + {"ff": 2, "backprop": 1}[treatment.method] + (treatment.recipe == "paper")
        with np.load(folder / "predictions.npz") as predictions:
            assert predictions["validation"].shape == (
                len(seeds),
                evaluations,
                rows,
                TINY["training"]["eval_size"],
            )
            assert predictions["validation"].dtype == np.uint8
            assert predictions["test"].shape == (len(seeds), rows, 10_000)
            assert predictions["seeds"].tolist() == seeds

        weights = torch.load(folder / "weights.pt", weights_only=True)
        read_out = treatment.method == "backprop"
        assert weights["seeds"] == seeds and len(weights["weights"]) == depth + read_out
        assert weights["weights"][0].shape[:2] == (len(seeds), 784)

        if treatment.recipe == "paper":
            features = treatment.width * max(1, depth - 1)  # layers 2..depth, or layer 1
            assert weights["readout"].shape == (len(seeds), features, 10)
        run = json.loads((folder / "run.json").read_text())
        assert run["seeds"] == seeds and run["device"].startswith("cpu")
        assert {"torch", "python", "snakemake"} <= set(run["versions"])
        assert len(run["jobs"]) == 1  # chunks of seeds: the second study's test
        assert all(len(job["seconds_per_epoch"]) == epochs for job in run["jobs"])
        assert not list(folder.glob("seeds*/checkpoint.pt"))
        assert ("trunk_of" in run) == (treatment.shares_trunk and depth < max(TINY["depths"]))


@pytest.mark.slow
def test_training_logs_a_line_per_epoch(tiny_run):
    log = (tiny_run / "logs/tiny/train_seeds/mnist-d3-w32/seeds0-2.log").read_text()
    assert log.count("validation model accuracy") == TINY["epochs"][0]


@pytest.mark.slow
def test_a_finished_workflow_has_nothing_left_to_do(tiny_run):
    result = snakemake(tiny_run, "-n")
    assert "Nothing to be done" in result.stdout + result.stderr


@pytest.mark.slow
def test_a_run_leaves_the_checkout_clean(tiny_run):
    # `all` writes only git-ignored folders (results/, resources/, logs/, .snakemake/), never
    # the committed docs/results.md and docs/figures/
    assert git(tiny_run, "status", "--porcelain") == ""
    assert source_commit(tiny_run) == (git(tiny_run, "rev-parse", "--short", "HEAD").strip(), False)


@pytest.mark.slow
def test_results_page_refuses_a_study_that_is_not_the_default(tiny_run):
    # the tiny study's inputs are built, so a publish that were not refused would write docs/
    result = snakemake(tiny_run, "--cores", "1", "results_page", check=False)
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert "results_page publishes only a committed study" in output
    assert "this run changes it (--configfile tests/config/tiny.yaml)" in output
    assert "or add `--configfile config/<study>.yaml` alone, without --config" in output
    assert git(tiny_run, "status", "--porcelain") == ""


def test_results_page_names_the_commit_of_the_code(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("checkout")
    (workdir / "Snakefile").write_text("# a rule\n")
    commit = git(git_checkout(workdir), "rev-parse", "--short", "HEAD").strip()
    (workdir / "results").mkdir()
    (workdir / "results/answers.tsv").write_text("results are not code\n")
    assert source_commit(workdir) == (commit, False)
    (workdir / "Snakefile").write_text("# a changed rule\n")
    assert source_commit(workdir) == (commit, True)
    assert source_commit(tmp_path_factory.mktemp("plain")) == (None, False)


@pytest.mark.slow
def test_the_footprint_bounds_what_the_tiny_study_wrote(tiny_run):
    # ff.footprint: an upper bound from the config alone, and not a loose one
    bound = study_bytes(TINY)
    study = tiny_run / "results/tiny"
    written = {
        "training outputs": sum(p.stat().st_size for p in (study / "train").rglob("*.*")),
        "metrics": sum(p.stat().st_size for p in (study / "metrics").glob("*.tsv")),
        "negatives": sum(p.stat().st_size for p in (study / "negatives").rglob("*.npy")),
    }
    bounds = {
        "training outputs": sum(
            bound[name] for name in ("weights", "predictions", "history", "run")
        ),
        "metrics": bound["metrics"],
        "negatives": bound["negatives"],
    }
    for name, size in written.items():
        assert size <= bounds[name] <= 4 * size, name


@pytest.mark.slow
def test_a_second_study_leaves_the_first_intact_and_compare_sets_them_side_by_side(two_studies):
    workdir, before = two_studies
    assert study_files(workdir / "results/tiny") == before
    assert (workdir / "results/second/stats/summary.md").exists()
    table = pd.read_csv(workdir / "results/compare/answers.tsv", sep="\t")
    assert set(table.study) == {"second", "tiny"}
    # the claims the second study answers (the paper recipe's, on MNIST) are in both
    assert set(table[table.study == "second"].dataset) == {"mnist"}
    page = (workdir / "results/compare/comparison.md").read_text()
    assert "| claim | data set | recipe and definitions | measure | second | tiny | verdict" in page
    for ext in ("svg", "png", "html"):
        assert (workdir / f"results/compare/fig_compare.{ext}").stat().st_size > 1000
    assert git(workdir, "status", "--porcelain") == ""


@pytest.mark.slow
def test_the_same_study_rerun_is_bit_identical(two_studies, second_study_again):
    # the second study's design run again on the same machine and threads (through SLURM where
    # the cluster test runs): histories, tables and figures byte for byte, predictions and
    # weights value for value (run.json holds timings; the HTML figures, random element ids)
    workdir, _ = two_studies
    first_folder, second_folder = workdir / "results/second", second_study_again
    first, second = study_files(first_folder), study_files(second_folder)
    assert first.keys() == second.keys()
    compared = [name for name in first if not name.endswith((".html", "run.json", ".npz", ".pt"))]
    assert [name for name in compared if first[name] != second[name]] == []
    assert any(name.endswith("history.tsv") for name in compared)
    assert any(name.endswith(".png") for name in compared)
    for name in (n for n in first if n.endswith(".npz")):
        a, b = np.load(first_folder / name), np.load(second_folder / name)
        assert all(np.array_equal(a[key], b[key]) for key in a.files), name
    for name in (n for n in first if n.endswith(".pt")):
        a = torch.load(first_folder / name, weights_only=True)
        b = torch.load(second_folder / name, weights_only=True)
        assert all(torch.equal(x, y) for x, y in zip(a["weights"], b["weights"], strict=True))


@pytest.mark.slow
def test_seed_chunks_trained_apart_are_joined_in_seed_order(two_studies):
    # the second study trains its 3 seeds in chunks of 2 and 1 (depth 1: cut from depth 2's)
    workdir, _ = two_studies
    for treatment in ("mnist-d2-w16-paper", "mnist-d1-w16-paper"):
        folder = workdir / "results/second/train" / treatment
        run = json.loads((folder / "run.json").read_text())
        assert [job["seeds"] for job in run["jobs"]] == [[0, 1], [2]]
        assert run["seeds"] == [0, 1, 2]
        history = pd.read_csv(folder / "history.tsv", sep="\t")
        assert history.seed.drop_duplicates().tolist() == [0, 1, 2]
        with np.load(folder / "predictions.npz") as predictions:
            assert predictions["seeds"].tolist() == [0, 1, 2]
            assert predictions["validation"].shape[0] == predictions["test"].shape[0] == 3
        weights = torch.load(folder / "weights.pt", weights_only=True)
        assert weights["seeds"] == [0, 1, 2]
        assert all(w.shape[0] == 3 for w in weights["weights"])
        assert weights["readout"].shape[0] == 3


@pytest.mark.slow
def test_a_config_that_claims_a_study_with_another_grid_is_refused(two_studies):
    workdir, before = two_studies
    result = snakemake(workdir, "--cores", "1", "--config", "seeds=2", check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "study 'tiny': results/tiny/study.yaml holds a study run with another design " in output
    assert "(it differs in seeds)" in output
    assert study_files(workdir / "results/tiny") == before


@pytest.mark.slow
def test_tidy_metrics_cover_every_treatment_layer_and_seed(tiny_run):
    metrics = pd.read_csv(tiny_run / "results/tiny/metrics/all.tsv", sep="\t", dtype={"layer": str})
    assert list(metrics.columns) == TIDY_COLUMNS
    assert set(metrics.training) == {t.training for t in tiny_treatments()}
    assert set(metrics[metrics.variant == "hard"].negatives) == {"hard"}
    assert set(metrics.treatment) == {t.id for t in tiny_treatments()}
    assert set(metrics.variant) == {
        "standard", "paper recipe", "greedy", "hard", "greedy, hard", "backprop",
    }  # fmt: skip
    assert set(metrics.method) == {"ff", "backprop"}
    assert set(metrics.recipe) == {"paper", "adam"}
    readout = metrics[metrics.metric == "readout_accuracy"]
    assert set(readout.recipe) == {"paper"} and set(readout.layer) == {"model"}
    assert set(readout.split) == {"validation", "test"}
    assert set(metrics[(metrics.split == "train") & (metrics.metric == "separation")].method) == {
        "ff"
    }
    assert set(metrics[metrics.variant == "greedy"].treatment) == {
        "mnist-d3-w16-greedy",
        "fashion_mnist-d3-w16-greedy",
    }  # variant_grid: depth 3, width 16 only
    backprop = metrics[metrics.method == "backprop"]
    assert set(backprop.metric) == {"accuracy", "loss"} and backprop.theta.isna().all()
    accuracy = metrics[(metrics.metric == "accuracy") & (metrics.split == "validation")]
    for _, rows in accuracy.groupby("treatment"):
        depth = rows.depth.iloc[0]
        assert set(rows.layer) == {str(i) for i in range(1, depth + 1)} | {"model"}
        first = TINY["first_seed"]
        assert sorted(rows.seed.unique()) == list(range(first, first + TINY["seeds"]))
    assert metrics.value.notna().all()
    assert metrics[metrics.method == "ff"].theta.notna().all()


# a verdict in summary.md, marked underpowered where it rests on fewer than 10 seeds
VERDICT = (
    r"\*\*(supported|contradicted|inconclusive|not testable)\*\*(, underpowered \(\d+ seeds\))?"
)


def interval_verdict(low: float, high: float, threshold: float) -> str:
    """The verdict on a 95% interval of a claim that the effect lies above `threshold`."""
    if np.isnan(low):
        return "not testable"
    if low > threshold:
        return "supported"
    return "contradicted" if high < threshold else "inconclusive"


@pytest.mark.slow
def test_statistics_tables_and_summary(tiny_run):
    stats = tiny_run / "results/tiny/stats"
    delay = pd.read_csv(stats / "depth_delay.tsv", sep="\t")
    assert {"page_trend", "wilcoxon"} <= set(delay.test)
    assert delay.p_adjusted.between(0, 1).all()
    correlation = pd.read_csv(stats / "layer_correlation.tsv", sep="\t")
    assert set(correlation.basis) == {"levels", "differences", "seeds_final", "seeds_mid"}
    assert set(correlation.kind) == {"pearson", "spearman"}
    assert set(correlation.dataset) == set(TINY["datasets"])
    trends = pd.read_csv(stats / "correlation_trends.tsv", sep="\t")
    assert set(trends.predictor) == {"layer", "log2_width"}
    summary = (stats / "summary.md").read_text()
    verdicts = {  # H3: each predictor's verdict and slope
        "## H1": re.compile(rf"^- (?P<study>[^,]+), [^:]*: {VERDICT}[.:]"),
        "## H2": re.compile(rf"^- (?P<study>[^,]+), [^:]*: {VERDICT}[.:]"),
        "## H3": re.compile(rf"^- (?P<study>[^,]+), [^:]*: layer: {VERDICT}, slope .*; "
                            rf"log2_width: {VERDICT}, slope "),
    }  # fmt: skip
    for heading, verdict in verdicts.items():
        section = summary.split(heading)[1].split("\n## ")[0].split("\n### ")[0]
        lines = [line for line in section.splitlines() if line.startswith("- ")]
        if heading == "## H2":  # the across-seed bases give counts over treatments, no verdict
            lines = [line for line in lines if ", levels, " in line or ", differences, " in line]
        assert lines and all(verdict.match(line) for line in lines), section
        studies = {verdict.match(line)["study"] for line in lines}
        assert set(TINY["datasets"]) <= studies
    assert "a run whose layers all have the same delay counts as rho = 0" in summary
    assert "### Part-whole correlation" in summary.split("## H3")[1].split("\n## ")[0]
    overall = pd.read_csv(stats / "depth_delay_overall.tsv", sep="\t")
    correlation_overall = pd.read_csv(stats / "layer_correlation_overall.tsv", sep="\t")
    for table in (delay, correlation, trends, overall, correlation_overall):
        assert set(table.definition) == {"paper", "label"}
    assert set(overall[overall.definition == "paper"].recipe) == {"paper"}
    answers_table = pd.read_csv(stats / "answers.tsv", sep="\t")
    assert set(answers_table.hypothesis) == {"H1", "H2", "H3 depth", "H3 width"}
    words = {"supported", "contradicted", "inconclusive", "not testable"}
    assert set(answers_table.verdict) <= words and answers_table.verdict.ne("not testable").any()
    assert answers_table.stability.dropna().between(0, 1).all()
    correlation_measures = answers_table[answers_table.hypothesis != "H1"]
    assert set(correlation_measures.measure) == {"levels", "differences"}
    # one paper measure per claim and series, and one robustness text for all its measures
    series = ["hypothesis", "definition", "dataset", "variant"]
    assert answers_table.groupby(series).paper_measure.sum().eq(1).all()
    assert answers_table.groupby(series).robustness.nunique().eq(1).all()
    assert answers_table.underpowered.all()  # the tiny study's seeds: fewer than 10
    answers = summary.split("## Answers")[1].split("\n## ")[0]
    assert "| stability | split-half | on every measure |" in answers
    assert answers.index("| the paper's recipe and definitions |") < answers.index(
        "| this project's Adam recipe and label definitions |"
    )
    assert "only on the paper's measure" in answers  # the claims that hold only there
    assert "\n## Every measure\n" in summary
    # each verdict as the stated rule gives it from the tables, recomputed here
    label = overall[overall.definition == "label"]
    for row in label[label.variant == "standard"].itertuples():
        word = interval_verdict(row.ci_low, row.ci_high, 0.0)
        line = f"- {row.dataset}, {row.measure.replace('_', ' ')}: **{word}**"
        assert line in summary.split("## H2")[0], line
    first = correlation_overall[
        (correlation_overall.variant == "standard") & (correlation_overall.definition == "label")
    ]
    for row in first.itertuples():
        word = interval_verdict(row.ci_low, row.ci_high, 0.7)
        assert f"- {row.dataset}, {row.basis}, {row.kind}: **{word}**" in summary
    assert set(zip(overall.method, overall.variant, strict=True)) == {
        ("ff", "standard"),
        ("ff", "paper recipe"),
        ("ff", "greedy"),
        ("ff", "hard"),
        ("ff", "greedy, hard"),
        ("backprop", "backprop"),
    }
    beyond = summary.split("## Beyond the paper")[1]
    # the delay to a share of the gain first, the time to a share of the final value after
    assert beyond.index("\n| gain to ") < beyond.index("\n| time to ")
    trainings = [
        "Forward-Forward, Adam recipe",
        "backprop (linear probes)",
        "Forward-Forward, Adam recipe, hard",
    ]
    for training in [*trainings, "Forward-Forward, Adam recipe, greedy"]:
        row = next(line for line in beyond.splitlines() if line.startswith(f"| {training} |"))
        assert len(re.findall(VERDICT, row)) == len(TINY["datasets"]), row
    assert "not in this study" not in beyond


@pytest.mark.slow
def test_every_figure_is_written_in_three_formats(tiny_run):
    for figure in FIGURES:
        svg = (tiny_run / f"results/tiny/figures/{figure}.svg").read_text()
        assert svg.startswith("<svg") and "<text" in svg
        png = (tiny_run / f"results/tiny/figures/{figure}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        html = (tiny_run / f"results/tiny/figures/{figure}.html").read_text()
        assert "vega" in html and "cdn.jsdelivr" not in html  # self-contained, works offline
    for figure in ("fig_layer_correlation", "fig_correlation_trends"):  # a panel per basis
        svg = (tiny_run / f"results/tiny/figures/{figure}.svg").read_text()
        assert all(basis in svg for basis in ("levels", "differences", "seeds_final"))
    svg = (tiny_run / "results/tiny/figures/fig_method_comparison.svg").read_text()
    assert "Forward-Forward" in svg and "backprop (linear probes)" in svg


@pytest.fixture(scope="session")
def figures_deleted(tiny_run, tmp_path_factory):
    """A copy of the finished tiny run with every figure's PNG deleted."""
    workdir = tmp_path_factory.mktemp("figures") / "workflow"
    shutil.copytree(tiny_run, workdir, symlinks=True)
    for figure in FIGURES:
        (workdir / f"results/tiny/figures/{figure}.png").unlink()
    return workdir


@pytest.mark.slow
def test_deleted_figures_are_planned_alone(figures_deleted):
    # all figure rules asked for at once: a figure that needed any other job (a table, a
    # training) would bring it into the plan
    plan = snakemake(figures_deleted, "-n", *FIGURES)
    assert planned_jobs(plan.stdout + plan.stderr) == dict.fromkeys(FIGURES, 1)


@pytest.mark.slow
def test_a_deleted_figure_is_rebuilt_by_its_rule(figures_deleted):
    # every figure's drawing is tested by the run itself; that its rule alone redraws it, on
    # one figure (the plan above shows that each rule needs nothing else)
    snakemake(figures_deleted, "--cores", "1", "fig_depth_delay")
    assert (figures_deleted / "results/tiny/figures/fig_depth_delay.png").exists()
    assert not (figures_deleted / "results/tiny/figures/fig_layer_curves.png").exists()


def planned_jobs(plan: str) -> dict:
    """The 'Job stats' table of a dry run as {rule: count}."""
    table = plan.split("Job stats:")[1].split("\n\n")[0].splitlines()[3:]
    jobs = dict(line.split() for line in table if line.strip())
    jobs.pop("total", None)
    return {rule: int(count) for rule, count in jobs.items()}


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The image decoding:DeprecationWarning")
def test_report_renders_in_headless_chromium(tiny_run, tmp_path):
    snakemake(tiny_run, "--report", "report.html")
    report = tiny_run / "report.html"
    assert report.stat().st_size > 100_000
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed for this test: apt-get install chromium"
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000",
        "--window-size=1400,1000",
    ]  # fmt: skip
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    for figure in FIGURES:
        assert figure in dom, f"{figure} is not in the rendered report"
    screenshot = tmp_path / "report.png"
    subprocess.run(
        [chromium, *flags, f"--screenshot={screenshot}", report.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    image = decode_png(screenshot)
    assert image.float().std() > 10, "the report's screenshot is blank"


def decode_png(path: Path) -> torch.Tensor:
    from torchvision.io import decode_png as decode

    return decode(torch.frombuffer(bytearray(path.read_bytes()), dtype=torch.uint8))


def dry_run_with(tmp_path, extra_config: dict) -> str:
    workdir = copy_workflow(tmp_path)
    (workdir / "bad.yaml").write_text(yaml.safe_dump(extra_config))
    result = snakemake(workdir, "-n", "--configfile", "bad.yaml", check=False)
    assert result.returncode != 0
    return result.stdout + result.stderr


def test_invalid_config_value_names_the_key(tmp_path):
    output = dry_run_with(tmp_path, {"depths": [0]})
    assert "0 is less than the minimum of 1" in output and "['depths']" in output


def test_invalid_nested_config_value_names_the_key(tmp_path):
    output = dry_run_with(tmp_path, {"training": {"optimizer": "adagrad"}})
    assert "'adagrad' is not one of ['adam', 'sgd']" in output and "['optimizer']" in output


def test_a_study_name_that_is_no_plain_folder_is_refused(tmp_path):
    output = " ".join(dry_run_with(tmp_path, {"study": "../elsewhere"}).split())
    assert "study: '../elsewhere' is not a study name" in output
    assert not (tmp_path / "results").exists()


def test_unknown_config_key_is_refused(tmp_path):
    output = dry_run_with(tmp_path, {"widht": [3]})
    assert "'widht' was unexpected" in output


def test_lint_is_clean():
    result = subprocess.run([*SNAKEMAKE, "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "snakefmt", "--check", "."],
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
    ],
    ids=["snakefmt", "ruff-check", "ruff-format"],
)
def test_code_is_formatted_and_clean(command):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_random_negatives_need_negatives_files(tmp_path):
    workdir = copy_workflow(tmp_path)
    (workdir / "hard.yaml").write_text(yaml.safe_dump({"negatives": ["random", "hard"]}))
    config = ["--configfile", "tests/config/tiny.yaml", "hard.yaml"]
    plan = snakemake(workdir, "-n", "--until", "train_seeds", *config)
    jobs = [job.split("log:")[0] for job in plan.stdout.split("rule train_seeds:")[1:]]
    needs = {"hard": [], "backprop": [], "random": []}  # the inputs of each training job
    for job in jobs:
        treatment = job.split("output:")[1].split("/seeds")[0]
        kind = next((k for k in ("hard", "backprop") if treatment.endswith(f"-{k}")), "random")
        needs[kind].append(job.split("output:")[0])
    hard, backprop, random = needs["hard"], needs["backprop"], needs["random"]
    # jobs per data set (2): hard with both schedules on variant_grid's one depth and width
    # (2), random: each recipe's depth-3 network per width (2 x 2; depth 1 is cut from its
    # trunk, rule trunk_seeds) and greedy there (1), backprop there (1)
    assert (len(hard), len(random), len(backprop)) == (2 * 2, 2 * 5, 2 * 1)
    assert not any("results/tiny/negatives" in inputs for inputs in hard + backprop)
    assert all("results/tiny/negatives" in inputs for inputs in random)
