"""PostgreSQL: pg_dump's custom format (one consistent snapshot, taken while the site runs) and
pg_restore, both given the site's own database URL. The password travels in the environment
(PGPASSWORD), never on a command line other users of the machine can read."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from .checks import UNCHANGED, BackupError, Snapshot, check_backup
from .files import private_file

# The README's commands, for those who run the tools themselves.
DUMP_COMMAND = "pg_dump --format=custom --file=conductor.dump postgresql://USER@HOST:5432/DATABASE"
RESTORE_COMMAND = ("pg_restore --no-owner --no-privileges --single-transaction --exit-on-error "
                   "--dbname=postgresql://USER@HOST:5432/NEW_DATABASE conductor.dump")
TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", re.MULTILINE)


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """The URL libpq reads (no driver name, no password: it appears in process lists) and the
    environment that carries the password."""
    libpq = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query)  # built anew: URL.set(password=None) would keep the password
    conninfo = libpq.render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def tool(name: str) -> str:
    """The path of pg_dump or pg_restore, or a refusal naming the commands to run by hand."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client, at least the "
                          f"server's major version); {UNCHANGED} Or run the tools yourself, with the password in "
                          f"PGPASSWORD or ~/.pgpass:\n  {DUMP_COMMAND}\n  {RESTORE_COMMAND}")
    return found


def _run(args: list[str], env: dict[str, str], stdout=subprocess.PIPE) -> str:
    result = subprocess.run(args, env=env, stdout=stdout, stderr=subprocess.PIPE, check=False)
    if result.returncode:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode(errors="replace") if stdout is subprocess.PIPE else ""


def backup(url: URL, target: Path) -> Snapshot:
    """pg_dump the site's database into a new file ``target``; a dump that would not restore is not kept."""
    pg_dump = tool("pg_dump")
    conninfo, env = libpq_target(url)
    with private_file(target) as partial:
        with partial.open("wb") as out:
            try:
                _run([pg_dump, "--format=custom", f"--dbname={conninfo}"], env, stdout=out)
            except BackupError as error:
                raise BackupError(f"{error}; nothing was written.") from None
        snapshot = read(partial, shown=target)
        check_backup(snapshot, f"The database {url.render_as_string()}")
    return snapshot


def read(path: Path, shown: Path | None = None) -> Snapshot:
    """List a custom-format dump and read its migration revision, without touching any database."""
    shown = shown or path
    pg_restore = tool("pg_restore")
    try:
        listing = _run([pg_restore, "--list", str(path)], dict(os.environ))
        data = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)], dict(os.environ))
    except BackupError as error:
        raise BackupError(f"{shown} is not a pg_dump custom-format archive ({error}); {UNCHANGED}") from None
    tables = frozenset(name for _, name in TABLE_ENTRY.findall(listing))
    return Snapshot(str(shown), _revision(data), tables)


def _revision(script: str) -> str | None:
    """The one row of alembic_version in pg_restore's script: the lines between its COPY and ``\\.``."""
    lines = script.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and ".alembic_version " in line:
            rows = []
            for row in lines[index + 1:]:
                if row == "\\.":
                    break
                rows.append(row)
            return rows[0] if len(rows) == 1 else None
    return None


def restore(url: URL, source: Path, clean: bool) -> None:
    """pg_restore in one transaction (all or nothing); ``clean`` first drops the objects the dump creates."""
    conninfo, env = libpq_target(url)
    args = [tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
            f"--dbname={conninfo}"]
    if clean:
        args += ["--clean", "--if-exists"]
    try:
        _run([*args, str(source)], env)
    except BackupError as error:
        raise BackupError(f"{error}; the restore was rolled back, so {UNCHANGED}") from None
