"""Files: reading inputs safely and writing outputs atomically (inputs, outputs, their one-line
messages, the suffixes licex reads), JSONL, stdout, and the limits of what licex reads."""
