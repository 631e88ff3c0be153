"""The errors the toolkit raises on bad input: one exception family, one line each.

Every message starts with the path it is about, so the CLI can print it as is
(`PATH: what is wrong`) and a notebook user sees at once which file is at fault.
"""


class AgoraFileError(Exception):
    """A file or directory that cannot be read as agora output."""


class NotAgoraFileError(AgoraFileError):
    """The file is missing, is not HDF5, or is HDF5 but not written by agora."""


class IncompatibleLayoutError(AgoraFileError):
    """An agora file whose layout_version this toolkit does not read."""


class UsageError(Exception):
    """A request that does not fit the data (unknown metric, snapshot out of range)."""
