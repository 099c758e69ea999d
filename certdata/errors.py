"""The one exception base of the package.

Takes: nothing. Gives: ``CertdataError``, the base of every error the package
raises on purpose (bad input, bad descriptors, refused releases, locked builds).
Its message is safe to print: it names files, rows and fields, never a value of
a field that is not open. ``build.py`` catches it once and prints the message.
"""


class CertdataError(Exception):
    """An expected failure with a message safe to print to the user (no closed values)."""
