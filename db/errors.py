"""What can go wrong when opening a forumsift database (one line each for the user).

    StoreError
    ├── NoDatabase              an SQLite file that is not there (and was not to be created)
    ├── UnreachableDatabase     the server refused, the URL is wrong, the driver is missing
    └── NotForumsiftDatabase    the database holds other tables, or none of forumsift's
"""
from __future__ import annotations


class StoreError(Exception):
    """Base of the errors a user can cause by pointing forumsift at the wrong database."""


class NoDatabase(StoreError):
    pass


class UnreachableDatabase(StoreError):
    pass


class NotForumsiftDatabase(StoreError):
    pass
