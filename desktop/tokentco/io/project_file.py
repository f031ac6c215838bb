"""``.tokentco`` project files: versioned JSON, written atomically."""

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from tokentco.domain import SCHEMA_VERSION, Project
from tokentco.io.errors import InputError, Location

SUFFIX = ".tokentco"
FORMAT_TAG = "tokentco-project"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path`` then rename, so a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def project_to_json(project: Project) -> str:
    body = {
        "format": FORMAT_TAG,
        "schema_version": SCHEMA_VERSION,
        "project": project.model_dump(mode="json"),
    }
    return json.dumps(body, indent=2, sort_keys=False)


def save_project(project: Project, path: Path) -> None:
    atomic_write_bytes(Path(path), project_to_json(project).encode("utf-8"))


def project_from_json(text: str, origin: str = "<project>") -> Project:
    where = Location(file=origin)
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not a TokenTCO project (invalid JSON at line {exc.lineno})", where
        ) from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT_TAG:
        raise InputError("not a TokenTCO project file (missing format tag)", where)
    version = body.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InputError(
            f"project schema version {version!r} is not supported (this TokenTCO reads up to "
            f"{SCHEMA_VERSION}); update TokenTCO",
            where,
        )
    try:
        return Project.model_validate(body.get("project", {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"invalid project: {field}: {first['msg']}", where) from exc


def load_project(path: Path) -> Project:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("file not found", Location(file=str(path))) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", Location(file=str(path))) from exc
    return project_from_json(text, origin=path.name)
