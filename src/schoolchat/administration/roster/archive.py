"""Unpacking an uploaded OneRoster zip into a folder the import reads, refusing what could harm the host.

A roster zip holds CSV files, at its top or in one folder. Only ``.csv`` members are taken, by their base name
(no path from the archive is ever used, so ``../`` cannot escape), each at most once; the sizes the archive
declares are checked before anything is unpacked, and the bytes actually unpacked are counted too, so a zip
bomb stops at the limit whatever it declares.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text

CHUNK = 1024 * 1024
MAX_MEMBERS = 50


def _bad(message: str) -> ApiError:
    return ApiError(422, "invalid_roster_archive", message, {"field": "file"})


def _too_large(max_unpacked_bytes: int) -> ApiError:
    return _bad(text("roster.archive.too_large", megabytes=max_unpacked_bytes // (1024 * 1024)))


def unpack(archive: Path, folder: Path, max_unpacked_bytes: int) -> None:
    """Unpack the CSV files of ``archive`` into ``folder`` (which exists and is empty). Runs in a worker thread."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [
                info
                for info in zipped.infolist()
                if not info.is_dir()
                and PurePosixPath(info.filename).suffix.lower() == ".csv"
                and not PurePosixPath(info.filename).name.startswith(".")
            ]
            if not members:
                raise _bad(text("roster.archive.no_csv"))
            if len(members) > MAX_MEMBERS:
                raise _bad(text("roster.archive.too_many_files", max_files=MAX_MEMBERS))
            names = [PurePosixPath(info.filename).name for info in members]
            if len(set(names)) != len(names):
                raise _bad(text("roster.archive.same_name"))
            if sum(info.file_size for info in members) > max_unpacked_bytes:
                raise _too_large(max_unpacked_bytes)
            written = 0
            for info, name in zip(members, names):
                with zipped.open(info) as source, (folder / name).open("wb") as target:
                    while block := source.read(CHUNK):
                        written += len(block)
                        if written > max_unpacked_bytes:
                            raise _too_large(max_unpacked_bytes)
                        target.write(block)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: a compression method zipfile cannot read
        raise _bad(text("roster.archive.unreadable", detail=str(exc))) from exc
