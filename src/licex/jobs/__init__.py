"""Jobs: what the commands do, without the command line: building and loading pipelines, extracting
files (one process, N workers, a cluster), review pages, training, the benchmark, packaging, and how a
run stops, crashes or lacks an extra."""
