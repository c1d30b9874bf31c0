"""ZIP archives: read member by member, each member a document of its own.

In:  an archive's path.  Out: ``members(path)``, the archive's file members (name,
sizes, and why a member is not read, if it is not), and ``read_member(path)`` for a
member path ``archive.zip!dir/member.pdf``, its bytes.  The batch expands an archive
into one input per member (documents named ``archive.zip!member.pdf``) and gives the
archive itself a ``documents`` row with status ``archive``.

Limits, checked from the central directory before anything is inflated: at most
``MAX_MEMBERS`` members, at most ``MAX_TOTAL`` bytes inflated in all, and no member whose
inflated size exceeds ``MAX_RATIO`` times its compressed size (past ``RATIO_FLOOR``
bytes; a zip bomb).  Reading a member stops at its declared size, so a lying header
cannot inflate more.  Members that are archives themselves, encrypted or over a limit
become rows with status ``skipped`` and the reason.  Names not flagged UTF-8 are decoded
as GBK (archives made on Chinese Windows) when cp437 gives nonsense.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import ReadError, SourceDoc
from .base import Reader

SEP = "!"
MAX_MEMBERS = 1000
MAX_TOTAL = 2 * 1024**3  # bytes inflated, all members together
MAX_RATIO = 200  # inflated / compressed, per member
RATIO_FLOOR = 1024**2  # members smaller than this inflated are never called bombs
OFFICE_SUFFIXES = frozenset({".docx", ".xlsx", ".xlsm", ".docm", ".xltx", ".dotx"})
NESTED = frozenset({".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"})


@dataclass(frozen=True, slots=True)
class Member:
    name: str  # as shown: decoded, "/"-separated
    size: int  # inflated bytes, as declared
    compressed: int
    problem: str | None = None  # why it is not read; None to read it


def _name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _infos(path: Path) -> list[tuple[str, zipfile.ZipInfo]]:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ReadError(f"{path.name}: damaged ZIP archive ({e})") from e
    return [(_name(i), i) for i in infos if not i.is_dir()]


def members(path: str | Path) -> list[Member]:
    """The file members of an archive, in archive order, each with the reason it is not
    read (or None).  Raises ``ReadError`` for a damaged archive or too many members."""
    p = Path(path)
    infos = _infos(p)
    if len(infos) > MAX_MEMBERS:
        raise ReadError(
            f"{p.name}: {len(infos)} members, over the limit of {MAX_MEMBERS}: unpack it "
            "and ingest the folder"
        )
    out, total = [], 0
    for name, i in infos:
        problem = None
        base = name.rsplit("/", 1)[-1]
        suffix = Path(base).suffix.lower()
        if i.flag_bits & 0x1:
            problem = "encrypted archive member (password required)"
        elif suffix in NESTED:
            problem = "an archive inside an archive is not read: unpack it first"
        elif i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            problem = (
                f"inflates {i.compress_size} bytes to {i.file_size} "
                f"(over {MAX_RATIO}:1): not read (a possible zip bomb)"
            )
        elif total + i.file_size > MAX_TOTAL:
            problem = f"the archive inflates to more than {MAX_TOTAL} bytes: not read"
        if problem is None:
            total += i.file_size
        out.append(Member(name, i.file_size, i.compress_size, problem))
    return out


def container_kind(names: list[str]) -> str:
    """What a ZIP container is, from its member names: ``office`` (xlsx/docx), ``ofd``,
    ``slides`` (pptx), ``odf`` (OpenDocument) or ``archive`` (anything else)."""
    if any(n.startswith(("xl/", "word/")) for n in names):
        return "office"
    if "OFD.xml" in names or "ofd.xml" in names:
        return "ofd"
    if any(n.startswith("ppt/") for n in names):
        return "slides"
    if "mimetype" in names and any(n == "content.xml" for n in names):
        return "odf"
    return "archive"


def is_archive(path: str | Path) -> bool:
    """True for a readable ZIP file that is a plain archive (not an Office/OFD container)."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return p.suffix.lower() == ".zip"  # a damaged .zip: members() reports it
        with zipfile.ZipFile(p) as z:
            kind = container_kind(z.namelist())
        return kind == "archive" and p.suffix.lower() not in OFFICE_SUFFIXES
    except (OSError, zipfile.BadZipFile, ValueError):
        return p.suffix.lower() == ".zip"


def split(path: str | Path) -> tuple[Path, str] | None:
    """``archive.zip!dir/m.pdf`` → (``archive.zip``, ``dir/m.pdf``); None for other paths."""
    s = str(path)
    i = s.lower().find(".zip" + SEP)
    if i >= 0:
        return Path(s[: i + 4]), s[i + 5 :]
    for j, ch in enumerate(s):  # an archive of another name: the prefix that is a file
        if ch == SEP and os.path.isfile(s[:j]) and not os.path.exists(s):
            return Path(s[:j]), s[j + 1 :]
    return None


def member_path(archive: Path, name: str) -> Path:
    return Path(f"{archive}{SEP}{name}")


def iter_member(path: str | Path, block: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of member ``archive.zip!name`` in blocks, never past its declared size.
    Raises ``ReadError`` when it cannot be read."""
    parts = split(path)
    if parts is None:
        raise ReadError(f"{path}: not an archive member path")
    archive, name = parts
    for n, info in _infos(archive):
        if n == name:
            got = 0
            try:
                with zipfile.ZipFile(archive) as z, z.open(info) as fh:
                    while chunk := fh.read(block):
                        got += len(chunk)
                        if got > info.file_size:
                            raise ReadError(
                                f"{archive.name}{SEP}{name}: inflates past its declared size"
                            )
                        yield chunk
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as e:
                raise ReadError(f"{archive.name}{SEP}{name}: cannot inflate ({e})") from e
            return
    raise ReadError(f"{archive.name}: no member {name}")


def read_member(path: str | Path) -> bytes:
    """The bytes of member ``archive.zip!name``.  Raises ``ReadError`` when it cannot be
    read."""
    return b"".join(iter_member(path))


def read_zip(path: Path, data: bytes) -> SourceDoc:
    raise ReadError(
        f"{path.name}: a ZIP archive; its members are read as documents ({path.name}{SEP}…)"
    )


READER = Reader("zip", frozenset({".zip"}), read_zip)
