"""`licex fit choice|confidence`: a trained pipeline's scorers refit (scoring.fits.refit) and saved in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from licex.cli.console import fail, tell
from licex.cli.errors import corpus_errors
from licex.jobs.extras import require

fit_app = typer.Typer(help="Refit a trained pipeline's choice or confidence on development licences and save it in the model folder.",
                      no_args_is_help=True)
_FitModel = Annotated[Path, typer.Argument(help="The model folder (licex train's OUTPUT/model); the fit is saved in it.")]
_FitData = Annotated[Optional[list[Path]], typer.Argument(help="Annotated development licences (folders, JSONL or .spacy) the model was not trained on (default: the training run's corpus/dev.spacy beside MODEL).")]


@fit_app.command("choice")
def fit_choice_command(model: _FitModel, data: _FitData = None) -> None:
    """Refit the choice between the model's and the rules' reading of each field (choice.json)."""
    _fit("choice", model, data or [])


@fit_app.command("confidence")
def fit_confidence_command(model: _FitModel, data: _FitData = None) -> None:
    """Refit the confidence of the record's values (the record builder's confidence.json)."""
    _fit("confidence", model, data or [])


def _fit(scorer: str, model: Path, data: list[Path]) -> None:
    require("eval", f"licex fit {scorer}")  # scikit-learn
    from licex.jobs.pipeline import PipelineError
    from licex.scoring.fits import refit

    with corpus_errors():
        try:
            summary = refit(scorer, model, data)
        except (PipelineError, ValueError) as error:
            fail(str(error))
            raise typer.Exit(1)
    tell(f"{model}: {scorer} fit: {json.dumps(summary, ensure_ascii=False)}")
