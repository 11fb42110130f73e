"""The files licex reads, by suffix: licence texts, PDFs and page images.

Its own module, importing nothing: finding inputs in a folder (licex.files.inputs) imports nothing of the
document readers (licex.documents), and the readers know their suffixes without importing inputs.
"""

TEXT_SUFFIXES = frozenset({".txt"})
PDF_SUFFIXES = frozenset({".pdf"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif"})
DOCUMENT_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES
INPUT_SUFFIXES = TEXT_SUFFIXES | DOCUMENT_SUFFIXES
