"""Values and record: the field table and label schemes, the catalogue, reading values by their kind,
the fold of findings into one LicenseRecord, and the checks of a record against its licence."""
