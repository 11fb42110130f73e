"""licex beyond one machine: `licex extract` over many files on a Dask cluster (the `cluster` extra).

The client lists the inputs as `licex extract` does (collect_inputs: folders expanded, sorted,
each file once) and cuts the list into partitions of consecutive files. Each partition is one
Dask task: a worker reads its files, extracts them with extraction.extract_inputs (the code of
`licex extract`) and writes their records to its own JSONL file in the output folder,
part-00000.jsonl, part-00001.jsonl, ...: the files concatenated in name order are what
`licex extract` writes for the same inputs. A worker loads the pipeline once, on its first
partition, and keeps it for the next ones (worker_pipeline). A file that cannot be read or holds
no licence gives a one-line error naming it, returned with its partition; the others go on.

Nothing here imports Dask: the client is the caller's (`Client("tcp://scheduler:8786")` on a real
cluster, `Client(LocalCluster(...))` on one machine), and extract_partition is a plain function
that any engine's workers can run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from licex.files import jsonl
from licex.jobs.bundles import extract_licences
from licex.jobs.extraction import extract_inputs
from licex.files.inputs import STDIN, STDIN_NAME, InputSource, collect_inputs, input_paths
from licex.files.messages import InputError
from licex.files.outputs import atomic_writer, check_output

if TYPE_CHECKING:
    from distributed import Client
    from spacy.language import Language

# Files per partition: a partition is one task, scheduled and retried whole. A thousand licence
# texts take about two minutes on one core with the default model: long enough that the scheduler's
# overhead (about a millisecond a task) does not count, short enough that a lost worker costs
# little and the files spread evenly over the workers.
DEFAULT_PARTITION_SIZE = 1000
# Five digits: the names sort in partition order up to MAX_PARTITIONS (100 million files at 1,000 a partition).
PARTITION_NAME = "part-{:05d}.jsonl"
PARTITION_GLOB = "part-[0-9][0-9][0-9][0-9][0-9].jsonl"
MAX_PARTITIONS = 100_000


@dataclass(frozen=True)
class PartitionResult:
    """What one partition's task did: where its records are, how many, and its inputs' errors."""

    output: str
    records: int
    errors: list[str]  # one line each, naming the file (and the licence in a bundle)


@cache
def worker_pipeline(spec: str | Path | None, review_below: float | None = None) -> Language:
    """The pipeline of `spec` (a model folder or package; None: the rules) with `review_below`
    (pipeline.load_pipeline), loaded once per process: a worker's later partitions use the
    pipeline its first one loaded."""
    from licex.jobs.pipeline import load_pipeline

    return load_pipeline(spec, review_below)


def partitions(sources: Sequence[InputSource], size: int = DEFAULT_PARTITION_SIZE) -> list[list[InputSource]]:
    """The inputs cut into runs of `size` consecutive ones, the last one shorter."""
    if size < 1:
        raise ValueError(f"a partition holds at least one file, not {size}")
    return [list(sources[start:start + size]) for start in range(0, len(sources), size)]


def extract_partition(sources: Sequence[InputSource], output: str, spec: str | Path | None, ocr: str = "auto",
                      review_below: float | None = None) -> PartitionResult:
    """Extract the licences of `sources` with the pipeline of `spec` (see worker_pipeline) and
    write their records, in input order, to the JSONL file `output` (replaced whole, so a task
    that is run again after a lost worker writes the same file). Runs on a worker."""
    nlp = worker_pipeline(spec, review_below)
    errors, records = [], 0
    with atomic_writer(Path(output)) as handle:
        for result in extract_inputs(partial(extract_licences, nlp), sources, ocr):
            if isinstance(result, InputError):
                errors.append(str(result))
            else:
                handle.write(jsonl.dumps(result))
                records += 1
    return PartitionResult(output, records, errors)


@dataclass(frozen=True)
class ClusterRun:
    """A whole run: the partitions in order (their files concatenated are `licex extract`'s
    output) and the problems with the paths given, found before any task ran."""

    partitions: list[PartitionResult]
    input_errors: list[str]

    @property
    def records(self) -> int:
        return sum(partition.records for partition in self.partitions)

    @property
    def errors(self) -> list[str]:
        """Every one-line error of the run, the paths' first, then each partition's in order."""
        return [*self.input_errors, *(error for partition in self.partitions for error in partition.errors)]


def extract_on_cluster(client: Client, paths: Sequence[str], output: Path, spec: str | Path | None,
                       partition_size: int = DEFAULT_PARTITION_SIZE, ocr: str = "auto",
                       review_below: float | None = None, retries: int = 2) -> ClusterRun:
    """Extract every licence of `paths` (files and folders, as `licex extract` takes them) on the
    workers of `client`, one task per partition, writing output/part-NNNNN.jsonl.

    The workers read the inputs and write the output themselves: on a cluster both lie on storage
    that every worker sees, under the same paths, and `spec` (None: the rules) names a pipeline
    every worker can load (an installed package, or a folder on that storage). A task whose worker
    is lost is run again, up to `retries` times; a task that fails for good is one line in
    `errors`, and the other partitions are still written. Partition files of an earlier run
    beyond this run's last are removed once every task has ended. Raises, before any task, OutputError
    for an output folder that cannot be written or lies among the inputs, and ValueError for
    more than MAX_PARTITIONS partitions.
    """
    output = Path(output)
    check_output(output / PARTITION_NAME.format(0), input_paths(paths))
    sources, input_errors = collect_inputs([path for path in paths if path != STDIN])
    if STDIN in paths:  # a worker has no stdin of the caller's
        input_errors.append(InputError(STDIN_NAME, "cannot be read on a cluster; save it to a file"))
    chunks = partitions(sources, partition_size)
    if len(chunks) > MAX_PARTITIONS:
        raise ValueError(f"{len(sources):,} files make {len(chunks):,} partitions of {partition_size:,}, more than "
                         f"{MAX_PARTITIONS:,}: give a larger partition_size")
    names = [str(output / PARTITION_NAME.format(i)) for i in range(len(chunks))]
    # pure=False: a run again in the same session extracts again (the inputs or the model may
    # have changed), rather than returning the results Dask remembers for the same arguments.
    futures = client.map(extract_partition, chunks, names, spec=spec, ocr=ocr, review_below=review_below,
                         retries=retries, pure=False)
    run = ClusterRun([_outcome(future, name) for future, name in zip(futures, names)],
                     [str(error) for error in input_errors])
    for stale in output.glob(PARTITION_GLOB):  # an earlier run's further partitions would join the concatenation
        if stale.name not in {Path(name).name for name in names}:
            stale.unlink()
    return run


def _outcome(future, output: str) -> PartitionResult:
    """The partition's result; for a task that failed (a pipeline no worker could load, a lost
    worker past its retries, a licex bug) one line in its place, and no file: the others are kept."""
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 (whatever ended the task, the run goes on)
        Path(output).unlink(missing_ok=True)  # an earlier run's file of this name is not this run's
        cause = " ".join(f"{type(error).__name__}: {error}".split())
        return PartitionResult(output, 0, [f"{output}: not written, its task failed: {cause}"])
