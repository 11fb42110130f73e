"""licex on a Dask cluster (licex.jobs.cluster): a local cluster of two worker processes extracts 20
licences in partitions, and the partition files concatenated are what `licex extract` writes."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from licex.jobs.cluster import PARTITION_GLOB, extract_on_cluster, partitions, worker_pipeline
from licex.files.inputs import InputSource
from licex.files.messages import OutputError

distributed = pytest.importorskip("distributed", reason="the cluster extra is not installed: pip install 'licex[cluster]'")

ROOT = Path(__file__).resolve().parent.parent
BAD_FILES = {"empty.txt": b"", "notes.txt": "会议纪要：下周讨论预算。\n".encode()}


@pytest.fixture(scope="module")
def client():
    with (distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0") as cluster,
          distributed.Client(cluster) as client):
        yield client


@pytest.fixture
def licences(tmp_path, generated) -> Path:
    """20 generated licences in 18 files (the last 3 in one bundle), and 2 files that hold none."""
    folder = tmp_path / "in"
    folder.mkdir()
    texts = [text for text, _, _ in generated(15, 20)]
    for i, text in enumerate(texts[:17]):
        (folder / f"lic{i:02d}.txt").write_text(text, "utf-8")
    (folder / "pack.txt").write_text("\n\n".join(texts[17:]), "utf-8")
    for name, data in BAD_FILES.items():
        (folder / name).write_bytes(data)
    return folder


def concatenated(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.glob(PARTITION_GLOB)))


def extract_alone(cli, folder: Path, out: Path, *options: str) -> tuple[bytes, list[str]]:
    """What `licex extract` writes for `folder`, and its error lines (without the prefix)."""
    result = cli("extract", folder, "-o", out, *options)
    assert result.exit_code == 1  # the two files without a licence
    errors = [line.removeprefix("licex: error: ") for line in result.stderr.splitlines() if line.startswith("licex: error: ")]
    return out.read_bytes(), errors


@pytest.mark.slow
def test_a_local_cluster_writes_the_records_of_licex_extract(client, licences, tmp_path, cli):
    expected, expected_errors = extract_alone(cli, licences, tmp_path / "alone.jsonl", "--rules-only")
    before = client.run(lambda: worker_pipeline.cache_info())
    run = extract_on_cluster(client, [str(licences)], tmp_path / "out", spec=None, partition_size=3)
    assert len(run.partitions) == 7  # 20 files, 3 a partition
    assert concatenated(tmp_path / "out") == expected
    assert run.records == 20 == expected.count(b"\n")
    assert sorted(run.errors) == sorted(expected_errors) and len(run.errors) == len(BAD_FILES)
    assert all(error.startswith(str(licences / name)) for error, name in zip(sorted(run.errors), sorted(BAD_FILES)))
    # Each worker process loads the rules once, for its first partition, and keeps them for the next.
    after = client.run(lambda: worker_pipeline.cache_info())
    assert len(after) == 2 and all(info.misses <= 1 for info in after.values())
    assert sum(after[w].hits + after[w].misses - before[w].hits - before[w].misses for w in after) == 7


@pytest.mark.slow
def test_a_run_again_leaves_no_partition_of_the_earlier_run(client, licences, tmp_path):
    out = tmp_path / "out"
    first = extract_on_cluster(client, [str(licences)], out, spec=None, partition_size=2)
    whole = concatenated(out)
    second = extract_on_cluster(client, [str(licences)], out, spec=None, partition_size=8)
    assert (len(first.partitions), len(second.partitions)) == (10, 3)
    assert sorted(path.name for path in out.glob(PARTITION_GLOB)) == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert concatenated(out) == whole


@pytest.mark.slow
def test_paths_that_cannot_be_read_are_named_before_any_task(client, licences, tmp_path, monkeypatch):
    with pytest.raises(OutputError, match="lies inside the input folder"):
        extract_on_cluster(client, [str(licences)], licences / "out", spec=None)
    monkeypatch.setattr("licex.jobs.cluster.MAX_PARTITIONS", 9)  # partition names sort up to this many
    with pytest.raises(ValueError, match="20 files make 10 partitions of 2, more than 9"):
        extract_on_cluster(client, [str(licences)], tmp_path / "out", spec=None, partition_size=2)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    run = extract_on_cluster(client, [str(tmp_path / "missing"), "-"], tmp_path / "out", spec=None)
    assert run.partitions == [] and run.errors == [
        f"{tmp_path / 'missing'}: no such file or folder", "<stdin>: cannot be read on a cluster; save it to a file"]


@pytest.mark.slow
def test_a_pipeline_no_worker_can_load_fails_each_partition_in_one_line(client, licences, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-00001.jsonl").write_text("an earlier run's records\n", "utf-8")
    run = extract_on_cluster(client, [str(licences)], out, spec=str(tmp_path / "no-model"), partition_size=10, retries=0)
    assert run.records == 0 and len(run.errors) == 2
    for i, error in enumerate(run.errors):
        assert error.startswith(f"{out / f'part-{i:05d}.jsonl'}: not written, its task failed: PipelineError: ")
        assert "\n" not in error and str(tmp_path / "no-model") in error
    assert not list(out.glob(PARTITION_GLOB))  # the earlier run's partition is not taken for this run's


def test_partitions_are_runs_of_consecutive_inputs():
    sources = [InputSource(f"{i}.txt", Path(f"{i}.txt")) for i in range(7)]
    assert [[s.name for s in chunk] for chunk in partitions(sources, 3)] == [
        ["0.txt", "1.txt", "2.txt"], ["3.txt", "4.txt", "5.txt"], ["6.txt"]]
    assert partitions([], 3) == []
    with pytest.raises(ValueError):
        partitions(sources, 0)


@pytest.mark.slow
def test_the_readme_recipe_runs_as_written_and_writes_the_records_of_licex_extract(tmp_path, monkeypatch, cli):
    page = (ROOT / "docs" / "cluster.md").read_text("utf-8")
    section = page[page.index("\n## On one machine"):page.index("\n## ", page.index("\n## On one machine") + 1)]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"prints `(.*?)`", section).group(1)
    for name in ("training", "corpus"):  # where the snippet's relative paths hold, outside the checkout
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/cluster.md (On one machine)", "exec"), {"__name__": "__main__"})
    assert printed.getvalue() == shown + "\n"
    assert cli("extract", "corpus/raw", "--model", "training/model", "-o", "alone.jsonl").exit_code == 0
    assert concatenated(tmp_path / "records") == (tmp_path / "alone.jsonl").read_bytes()


@pytest.mark.slow
def test_the_default_model_on_a_local_cluster_writes_the_records_of_licex_extract(client, licences, tmp_path, cli):
    model = ROOT / "training" / "model"
    expected, _ = extract_alone(cli, licences, tmp_path / "alone.jsonl", "--model", str(model))
    extract_on_cluster(client, [str(licences)], tmp_path / "out", spec=str(model), partition_size=5)
    assert concatenated(tmp_path / "out") == expected
