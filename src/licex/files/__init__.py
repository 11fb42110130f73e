"""Files: JSONL as licex reads and writes it, stdout, and the limits of what licex reads."""
