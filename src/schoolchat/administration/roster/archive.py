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

CHUNK = 1024 * 1024
MAX_MEMBERS = 50


def _bad(message: str) -> ApiError:
    return ApiError(422, "invalid_roster_archive", message, {"field": "file"})


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
                raise _bad(
                    "The zip holds no CSV files; upload the OneRoster CSV files (with manifest.csv) zipped."
                )
            if len(members) > MAX_MEMBERS:
                raise _bad(
                    f"The zip holds more than {MAX_MEMBERS} CSV files; a OneRoster roster has at most 13."
                )
            names = [PurePosixPath(info.filename).name for info in members]
            if len(set(names)) != len(names):
                raise _bad("The zip holds two CSV files of the same name; put one roster in it.")
            if sum(info.file_size for info in members) > max_unpacked_bytes:
                raise _bad(f"The roster is larger than {max_unpacked_bytes // (1024 * 1024)} MB unpacked.")
            written = 0
            for info, name in zip(members, names):
                with zipped.open(info) as source, (folder / name).open("wb") as target:
                    while block := source.read(CHUNK):
                        written += len(block)
                        if written > max_unpacked_bytes:
                            raise _bad(
                                f"The roster is larger than {max_unpacked_bytes // (1024 * 1024)} MB "
                                "unpacked."
                            )
                        target.write(block)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: a compression method zipfile cannot read
        raise _bad(f"The file is not a zip archive that can be read ({exc}).") from exc
