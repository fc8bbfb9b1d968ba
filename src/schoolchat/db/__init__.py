"""Database access: the engine, read and write transactions, and every SQL dialect difference."""

from schoolchat.db.engine import Database, Tx
from schoolchat.db.metadata import metadata

__all__ = ["Database", "Tx", "metadata"]
