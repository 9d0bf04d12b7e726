"""Typed errors. Each message says what went wrong and what to do about it.

The CLI prints the message as one red line and exits non-zero; the web app answers a 4xx.
"""


class FrugalkitError(Exception):
    """Base class: a problem the user can fix; `exit_code` is what the CLI returns."""

    exit_code = 1


class ConfigError(FrugalkitError):
    """A setting (environment variable or option) is unusable."""

    exit_code = 2


class StoreError(FrugalkitError):
    """The database cannot be opened, reached or migrated."""

    exit_code = 3


class SchemaTooNewError(StoreError):
    """The database was migrated by a newer frugalkit than this one."""


class NotFoundError(FrugalkitError):
    """A report, run or task with that id does not exist."""

    exit_code = 4


class DataFileError(FrugalkitError):
    """A packaged or user-supplied data file is missing or corrupt."""

    exit_code = 5


class InputError(FrugalkitError):
    """A value given by the user fails validation; the message names the field."""

    exit_code = 2


class ConflictError(FrugalkitError):
    """A record with this id is already stored with other values."""

    exit_code = 6


class QuotaError(FrugalkitError):
    """A limit on how often something may be done was reached; `retry_after_s` says when
    it may be done again (None: not in this challenge)."""

    exit_code = 7

    def __init__(self, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class AccessError(FrugalkitError):
    """The credentials given do not reach this record (another team's, or none)."""

    exit_code = 8
