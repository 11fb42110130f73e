"""Evaluation of licex extraction, in one package.

- `records`: per-field accuracy of predicted licence records against gold records (no spaCy).
- `pipelines`: a pipeline scored on an annotated set (fields, entity and clause spans, the clause
  confusion), and the three-way comparison: rules only, model only, model + rules.
- `report`: one pipeline's scores on one set (PipelineReport), and the summary metrics.json keeps.
- `render`: the reports as terminal tables, Markdown, JSON and a bar chart.
- `scorer`: `licex.fields_scorer.v1`, the record builder's scorer in `spacy train` / `spacy evaluate`.

The metrics are computed by scikit-learn (the `eval` extra); `scorer` imports it only when it scores,
so loading a pipeline does not.
"""
