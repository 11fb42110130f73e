"""DocumentError: a document licex cannot read. Its own module, so that every reader of the
package raises it without importing the package's entry point (`licex.documents`)."""


class DocumentError(ValueError):
    """A document that cannot be read; the message says why (the caller adds the file name)."""
