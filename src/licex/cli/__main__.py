"""`python -m licex.cli`: the `licex` command."""

from licex.cli import main

main()
