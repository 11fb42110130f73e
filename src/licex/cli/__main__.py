"""`python -m licex.cli`: the `licex` command."""

from . import main

main()
