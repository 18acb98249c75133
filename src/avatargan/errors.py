"""User-facing errors: raised for mistakes a user can fix, printed by the CLI as one clear message (no traceback)."""


class UserError(Exception):
    """A problem with the user's input: the message names the file or option and says how to fix it."""


class ConfigError(UserError):
    """An unknown or malformed configuration field, recipe or override."""


class DataError(UserError):
    """A missing, empty or unreadable data source."""


class CheckpointError(UserError):
    """A checkpoint or weights file that cannot be used (missing, truncated, wrong model)."""


class StorageError(UserError):
    """A write that the file system refused (full disk, read-only folder, quota); what was there before is intact."""
