"""A submission's files: found from where the user stands, then copied alone into the
folder the sandbox shows it (read-only, at /submission).

A `.py` file is copied by itself (never its neighbours: the data file beside it holds
the labels); a `.zip` is unpacked, within limits, and must hold `submission.py`; a
`.joblib`, `.pkl` or `.onnx` file is copied. A module spec (`package.module:NAME`) names
installed code and needs no file.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from frugalkit.bench.submissions import SPEC_HELP, kind_of
from frugalkit.errors import InputError

MAX_FILES = 200
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
ZIP_ENTRY = "submission.py"


def file_of(spec: str) -> tuple[str, str]:
    """(the file a spec names, or '' for a module or a URL; the ':NAME' part)."""
    kind = kind_of(spec)
    if kind == "http":
        return "", ""
    if kind in ("joblib", "onnx"):
        return spec, ""
    if spec.lower().endswith(".zip"):
        return spec, "predict"
    target, _, name = spec.rpartition(":")
    if not target or not name:
        raise InputError(f"submission {spec!r}: {SPEC_HELP}")
    if target.lower().endswith((".py", ".zip")):
        return target, name
    return "", name  # package.module:NAME


def resolve(spec: str, cwd: str | None = None) -> str:
    """The spec with its file made absolute against `cwd` (default: the caller's working
    directory); a missing or unreadable file is refused here, before any run exists.

    >>> resolve("frugalkit.bench.baselines:MajorityClass")
    'frugalkit.bench.baselines:MajorityClass'
    """
    target, name = file_of(spec)
    if not target:
        return spec
    path = Path(cwd or os.getcwd(), target).expanduser()
    path = Path(os.path.abspath(path))
    try:
        is_file = path.is_file()
    except OSError as exc:  # a name too long for the file system, say
        raise InputError(f"submission file {target[:80]!r}: {exc.strerror}") from None
    if not is_file:
        raise InputError(f"submission file {path} does not exist (or is not a file)")
    if not os.access(path, os.R_OK):
        raise InputError(f"submission file {path} cannot be read")
    return f"{path}:{name}" if name else str(path)


def expand(spec: str, cwd: str | None = None) -> list[str]:
    """`submissions/*.py:predict` as the files it matches (a shell cannot: no file is
    named `*.py:predict`), sorted; any other spec as itself. A pattern that matches
    nothing is refused, naming it.

    >>> expand("frugalkit.bench.baselines:MajorityClass")
    ['frugalkit.bench.baselines:MajorityClass']
    """
    import glob

    target, name = file_of(spec)
    if not target or not glob.has_magic(target):
        return [spec]
    base = cwd or os.getcwd()
    found = sorted(glob.glob(os.path.join(base, os.path.expanduser(target))))
    if not found:
        raise InputError(f"no submission file matches {target!r} in {base}")
    return [
        f"{path}:{name}" if name and not target.lower().endswith(".zip") else path for path in found
    ]


def _unzip(archive: Path, folder: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not m.is_dir()]
            if len(members) > MAX_FILES:
                raise InputError(f"{archive.name}: more than {MAX_FILES} files")
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise InputError(f"{archive.name}: over {MAX_UNPACKED_BYTES >> 20} MB unpacked")
            for member in members:
                parts = PurePosixPath(member.filename).parts
                if member.filename.startswith("/") or ".." in parts or "\\" in member.filename:
                    raise InputError(
                        f"{archive.name}: the entry {member.filename!r} leaves its folder"
                    )
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise InputError(f"{archive.name}: the entry {member.filename!r} is a link")
                target = folder.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"{archive.name} is not a readable zip file: {exc}") from None
    if not (folder / ZIP_ENTRY).is_file():
        raise InputError(f"{archive.name} holds no {ZIP_ENTRY} at its top level")


def stage(spec: str, folder: Path, inside: str) -> str:
    """Copy the spec's files into `folder` (seen as `inside` by the sandbox); returns the
    spec the sandboxed worker loads. `spec` must be resolved already."""
    target, name = file_of(spec)
    if not target:
        return spec
    source = Path(target)
    if source.suffix.lower() == ".zip":
        _unzip(source, folder)
        staged = f"{inside}/{ZIP_ENTRY}:{name}"
    else:
        shutil.copyfile(source, folder / source.name)
        staged = f"{inside}/{source.name}" + (f":{name}" if name else "")
    for root, dirs, files in os.walk(folder):  # readable by the sandbox's user, not writable
        for entry in dirs:
            os.chmod(os.path.join(root, entry), 0o755)
        for entry in files:
            os.chmod(os.path.join(root, entry), 0o644)
    os.chmod(folder, 0o755)
    return staged
