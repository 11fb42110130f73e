"""Text and layout: the characters of a licence text, its layout view, whether and where it is a licence,
its clauses and how well it was read. Nothing here knows the record."""
