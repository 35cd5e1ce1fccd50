"""Writing files so that a crash never leaves a half-written one behind."""

import contextlib
import hashlib
import os
import tempfile

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
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_bytes(path, data):
    """Writes `data` to `path` atomically."""
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as file:
            file.write(data)


def sha256_of(path):
    """The sha256 hex digest of the file at `path`, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
