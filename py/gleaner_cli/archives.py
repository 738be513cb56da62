"""Reproducible zip archives, for build.py and for the bytecode step it runs in Pyodide."""

import io
import zipfile

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so archives are reproducible


def deterministic_zip(entries, compress=True):
    """A zip of {name: bytes} with fixed dates and order.

    ``compress=False`` stores the files as they are: for archives the worker
    unpacks on every boot, where inflating costs more than the bytes saved
    (the extension package compresses them anyway).
    """
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method, compresslevel=9 if compress else None) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = method
            archive.writestr(info, entries[name])
    return buffer.getvalue()


def read_zip(data):
    """{name: bytes} of every file in a zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
