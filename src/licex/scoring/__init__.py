"""The two fitted scorers of a pipeline, in one place: the field choice's (which of the model's
and the rules' readings of a field is right) and the record's confidence (how sure each value
is). Both are a logistic regression over named features (model.LogisticModel; features.py),
fit on development licences the model was never trained on (fits.py: `licex fit choice|confidence`,
which `licex train` runs), and saved with the pipeline by the component that uses them: the
field choice (choice.json) and the record builder (confidence.json, scoring.confidence).

Nothing is imported here: the components import features and the model, and the fits import the
components.
"""
