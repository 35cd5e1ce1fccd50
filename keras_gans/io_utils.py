"""Files that survive crashes, full disks and concurrent processes: atomic writes, one
clear error when a write fails, removals that tolerate another process removing the
same file, and a lock on a run's directory."""

import contextlib
import errno
import fcntl
import fnmatch
import hashlib
import os
import shutil
import signal
import sys
import tempfile
import time
import zipfile

# Where keras-gans keeps what it downloads or computes once (presets, statistics).
HOME_ENV_VAR = "KERAS_GANS_HOME"


def home_dir(*parts):
    """`$KERAS_GANS_HOME/<parts>`, by default `~/.keras/keras_gans/<parts>`."""
    home = os.environ.get(HOME_ENV_VAR) or os.path.join(
        os.path.expanduser("~"), ".keras", "keras_gans"
    )
    return os.path.join(home, *parts)


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside `path`; renames it onto `path` on success.

    The rename is atomic on POSIX, so readers see the old file or the new one, never
    a partial one; the file gets the usual mode (0666 less the umask). On error the
    temporary file is removed and `path` is untouched.
    Raises `ValueError` naming the directory when it cannot be created or written.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        # The real (compound) extension stays last: Keras picks the file format from
        # it (".keras", ".weights.h5").
        name = os.path.basename(path)
        extension = name[name.index(".", 1):] if "." in name[1:] else ""
        handle, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{name}.", suffix=".partial" + extension
        )
    except OSError as error:
        raise ValueError(
            f"Cannot write {path!r}: the directory {directory!r} is not writable "
            f"({error.strerror}). Choose another output directory."
        ) from error
    os.close(handle)
    try:
        yield temporary
        # mkstemp makes the file private (0600); give it an ordinary file's mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        fault_point("write", path)
        os.replace(temporary, path)
        fault_point("written", path)
    finally:
        remove_if_present(temporary)


# Fault injection, for the tests that kill a real run (tests/test_training.py):
# KERAS_GANS_KILL_AT="write:7" makes the process kill itself with SIGKILL when its 7th
# atomic write is complete but not yet renamed into place, "written:7" right after the
# rename, "step:3" after its 3rd train step (before that step's backup);
# KERAS_GANS_KILL_AT=trace prints every such point to stderr instead.
KILL_AT_ENV_VAR = "KERAS_GANS_KILL_AT"
_fault_counts = {}


def fault_point(event, detail=""):
    """Counts one `event` of this process and acts as `KERAS_GANS_KILL_AT` asks: by
    default (the variable unset) nothing."""
    asked = os.environ.get(KILL_AT_ENV_VAR)
    if not asked:
        return
    count = _fault_counts[event] = _fault_counts.get(event, 0) + 1
    if asked == "trace":
        print(f"fault point {event}:{count} {detail}", file=sys.stderr, flush=True)
    elif asked == f"{event}:{count}":
        os.kill(os.getpid(), signal.SIGKILL)


# What `atomic_path` names its temporary files.
PARTIAL_PATTERN = ".*.partial*"


def remove_partial_files(directory, older_than_seconds=0):
    """Removes the temporaries `atomic_path` left under `directory` when a process
    was killed mid-write; only those older than `older_than_seconds` (a live writer's
    temporary is younger). Returns the paths removed."""
    removed = []
    now = time.time()
    for root, _, names in os.walk(os.fspath(directory)):
        for name in fnmatch.filter(names, PARTIAL_PATTERN):
            path = os.path.join(root, name)
            with contextlib.suppress(FileNotFoundError):
                if now - os.path.getmtime(path) >= older_than_seconds:
                    remove_if_present(path)
                    removed.append(path)
    return removed


def zip_damage(path):
    """Why the zip file (e.g. `.keras`) at `path` is damaged, or None if it is whole."""
    if not zipfile.is_zipfile(path):
        return (f"it is not a complete zip archive ({os.path.getsize(path)} bytes; "
                "truncated by an interrupted copy or download?)")
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        return f"its zip archive is unreadable ({error})"
    return f"its member {bad!r} fails its CRC check" if bad else None


def write_bytes(path, data, what=None):
    """Writes `data` to `path` atomically; a failed write raises `StorageError`
    (`what` names the file in its message, by default its name)."""
    what = what or os.path.basename(os.fspath(path))
    with writing(path, what, len(data)), atomic_path(path) as temporary:
        with open(temporary, "wb") as file:
            file.write(data)


def sha256_of(path):
    """The sha256 hex digest of the file at `path`, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remove_if_present(path):
    """Removes the file `path` unless it is already gone (another process may have
    removed it between our look and our removal)."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


LOCK_FILE = ".lock"


@contextlib.contextmanager
def directory_lock(directory):
    """Holds an exclusive lock on `directory` (its file `.lock`) while the block runs.

    The lock is the kernel's (`flock`), released when the holding process ends,
    however it ends: a lock file left by a killed process is simply taken over. The
    file holds the holder's PID, for the message.

    Raises:
        ValueError: another process (or another open of the lock in this one) holds
            the lock; the message names its PID.
    """
    path = os.path.join(os.fspath(directory), LOCK_FILE)
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise ValueError(
            f"Another keras-gans run (PID {holder}) is using {os.fspath(directory)!r}: "
            "two runs in one output directory would overwrite each other's backups. "
            "Wait for it to end or stop it, or choose another output directory (--out)."
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield path
    finally:
        handle.close()  # releases the lock; the file stays, for the next run to take


class StorageError(OSError):
    """A file could not be written: disk full, quota, file size limit, I/O error.

    `strerror` says what was being written, where, the space it needs and the space
    free; `errno` is the underlying error's. The CLI exits with code 4 on it.
    """


def free_bytes(directory):
    """Bytes free to this user on the disk of `directory`, or None if unknown."""
    try:
        return shutil.disk_usage(directory).free
    except OSError:
        return None


@contextlib.contextmanager
def writing(path, what, needed_bytes):
    """Turns any failure to write `what` (e.g. "the backup of step 40") to `path`
    into one `StorageError`.

    Checks first that the disk has `needed_bytes` free, so a full disk is found before
    a writer starts (h5py, failing halfway, leaves the HDF5 library in a state that
    can crash the process at exit). Use it around `atomic_path`, which has already
    removed the temporary file when the error arrives here.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    free = free_bytes(directory)
    if free is not None and free < needed_bytes:
        raise StorageError(errno.ENOSPC, _storage_message(
            what, path, needed_bytes, free, os.strerror(errno.ENOSPC)))
    try:
        yield
    except StorageError:
        raise
    except OSError as error:
        # h5py's strerror is a page of HDF5 internals: the errno says it all.
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise StorageError(error.errno, _storage_message(
            what, path, needed_bytes, free_bytes(directory), reason)) from error


def _storage_message(what, path, needed_bytes, free, reason):
    free_text = "unknown" if free is None else f"{free / 2**20:.1f} MB"
    return (
        f"Cannot write {what} to {path!r}: {reason}. It needs about "
        f"{needed_bytes / 2**20:.1f} MB; free on that disk: {free_text}. Nothing was "
        "written there (a file that was there before is intact). Free some space, or "
        "choose another directory, and run again."
    )
