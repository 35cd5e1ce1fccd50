"""Finding a preset's `.keras` file, downloading it safely, and loading it.

`resolve(name)` returns a local path to a file whose sha256 matches the preset entry,
trying in order:

1. the user's cache, `$KERAS_GANS_HOME/presets/` (default `~/.keras/keras_gans/presets/`),
   file `<name>-<first 12 hex digits of the sha256>.keras`;
2. the file shipped in the package, `keras_gans/presets/files/<file>`;
3. the entry's `url` (http, https or file): streamed into a temporary file in the cache
   directory, hashed while it arrives, and renamed onto the cache path only if the
   sha256 matches (`io_utils.atomic_path`). A wrong hash, a dropped connection, a
   server that is down or a download slower than `DOWNLOAD_DEADLINE_SECONDS` overall
   raise `ValueError` and leave nothing in the cache (the temporaries of a process
   killed mid-download are removed by the next download, once surely abandoned).

A cached file that no longer matches its hash (damaged on disk) is deleted and fetched
again. Large downloads show a `keras.utils.Progbar`.
"""

import hashlib
import http.client
import os
import time
import urllib.error
import urllib.request

from keras_gans.io_utils import (atomic_path, home_dir, remove_if_present,
                                 remove_partial_files, sha256_of)
from keras_gans.presets import hub, registry

# Downloads of at least this many bytes show a progress bar.
LARGE_FILE_BYTES = 5 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 60  # for each read: a server silent this long is down
DOWNLOAD_DEADLINE_SECONDS = 30 * 60  # for the whole file: a slow server is given up
_CHUNK_BYTES = 1 << 16
PACKAGE_FILES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "files")


def cache_dir():
    """`$KERAS_GANS_HOME/presets`, or `~/.keras/keras_gans/presets`."""
    return home_dir("presets")


def cache_path(name, sha256):
    """Where preset `name` with this sha256 is cached: a new version, a new file."""
    return os.path.join(cache_dir(), f"{name}-{sha256[:12]}.keras")


def download(url, path, sha256, progress=None):
    """Downloads `url` to `path` atomically, after checking its sha256.

    Args:
        url: str, an `http://`, `https://` or `file://` URL.
        path: str, the destination; written only if the download is complete and its
            sha256 matches.
        sha256: str, the expected hex digest.
        progress: bool or None (default). Show a progress bar; None shows one when the
            server announces at least `LARGE_FILE_BYTES`.

    Returns:
        `path`.

    Raises:
        ValueError: the URL scheme is not supported, the server cannot be reached or
            answers with an error, the transfer is cut short, or the hash differs.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https", "file"):
        raise ValueError(
            f"Unsupported preset URL. Expected an http, https or file URL. Received: {url!r}"
        )
    expected = sha256.lower()
    # A killed download's temporary older than two deadlines has no live writer.
    remove_partial_files(os.path.dirname(os.path.abspath(path)),
                         older_than_seconds=2 * DOWNLOAD_DEADLINE_SECONDS)
    deadline = time.monotonic() + DOWNLOAD_DEADLINE_SECONDS
    try:
        with atomic_path(path) as temporary:
            digest = hashlib.sha256()
            received = 0
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                show = progress if progress is not None else (
                    total is not None and total >= LARGE_FILE_BYTES
                )
                bar = _progress_bar(total) if show else None
                # read1 returns what has arrived: read() would wait for a whole chunk,
                # however slowly it trickles in.
                read = getattr(response, "read1", response.read)
                with open(temporary, "wb") as file:
                    for chunk in iter(lambda: read(_CHUNK_BYTES), b""):
                        file.write(chunk)
                        digest.update(chunk)
                        received += len(chunk)
                        if bar is not None:
                            bar.update(received)
                        if time.monotonic() > deadline:
                            raise ValueError(_too_slow(url, path, received, total))
            if total is not None and received != total:
                raise ValueError(
                    f"The download of {url} was cut short: received {received} of "
                    f"{total} bytes. Nothing was written to {path!r}; try again."
                )
            if digest.hexdigest() != expected:
                raise ValueError(
                    f"The file downloaded from {url} does not match the preset's "
                    f"sha256. Expected: {expected}. Received: {digest.hexdigest()} "
                    f"({received} bytes). It was discarded; nothing was written to "
                    f"{path!r}."
                )
    except urllib.error.HTTPError as error:
        raise ValueError(
            f"Cannot download {url}: the server answered {error.code} {error.reason}."
        ) from error
    except urllib.error.URLError as error:
        raise ValueError(
            f"Cannot download {url}: {error.reason}. Is the server up and the machine "
            "online? A preset shipped in the package needs no download."
        ) from error
    except (OSError, http.client.HTTPException) as error:  # reset, timeout, cut short
        raise ValueError(f"Cannot download {url}: {error}. Nothing was cached.") from error
    return path


def _too_slow(url, path, received, total):
    return (
        f"The download of {url} took longer than {DOWNLOAD_DEADLINE_SECONDS} s: "
        f"{received} of {total if total is not None else 'an unknown number of'} bytes "
        f"arrived. Nothing was written to {path!r}. Try again later, or fetch the file "
        "another way and put it at that path (its sha256 is checked before use)."
    )


def _progress_bar(total):
    import keras

    return keras.utils.Progbar(total, unit_name="byte")


def resolve(name):
    """A local path to preset `name`'s `.keras` file, its sha256 checked.

    Raises:
        ValueError: unknown name (the message lists the presets), no source has the
            file, or every source failed (the message says why).
    """
    entry = registry.get(name)
    expected = entry["sha256"].lower()
    cached = cache_path(name, expected)
    if os.path.isfile(cached):
        if sha256_of(cached) == expected:
            return cached
        remove_if_present(cached)  # damaged on disk (another process may be replacing it)
    problems = []
    if entry.get("file"):
        shipped = os.path.join(PACKAGE_FILES_DIR, entry["file"])
        if not os.path.isfile(shipped):
            problems.append(f"the shipped file {shipped} is missing")
        elif sha256_of(shipped) != expected:
            problems.append(
                f"the shipped file {shipped} does not match the sha256 {expected} "
                "(a damaged installation?)"
            )
        else:
            return shipped
    if entry.get("url"):
        if hub.is_hub_address(entry["url"]):  # huggingface_hub's cache, not ours
            return hub.resolve(entry["url"], sha256=expected)[0]
        return download(entry["url"], cached, expected)
    raise ValueError(
        f"The weights of preset {name!r} are not available: "
        f"{'; '.join(problems) or 'the entry names no file and no url'}."
    )


def variant_class(variant):
    """The model class of `variant` (e.g. "dcgan"), found among Keras's registered classes.

    The presets sit above the models and never import them: the classes register
    themselves with Keras (`register_keras_serializable`) when `keras_gans` is
    imported, and declare their variant name (`VARIANT`).
    """
    import keras

    for obj in keras.saving.get_custom_objects().values():
        if isinstance(obj, type) and getattr(obj, "VARIANT", None) == variant:
            if obj.__module__.startswith("keras_gans.models"):
                return obj
    raise ValueError(f"No keras-gans model class is registered for variant {variant!r}.")


def load(name, expected_class=None, compile=True):
    """Loads preset `name` as the keras-gans model it holds.

    Args:
        name: str, a preset name (see `kg.presets.list()`), or a Hugging Face
            address `hf://owner/repo[/file.keras]` (`hub.py`).
        expected_class: a model class or None. When given, the preset must hold an
            instance of it (a DCGAN preset is also a GAN); otherwise `ValueError`
            naming the class to use, raised before any download.
        compile: bool, defaults to True: restore the optimizers and their state (to
            continue training; a preset shipped without optimizer state is compiled
            with the variant's default optimizers); False loads the networks only.

    Returns:
        The model, e.g. a `kg.DCGAN`.
    """
    import keras

    if hub.is_hub_address(name):  # a bare file address has no metadata: any class
        path, metadata = hub.resolve(name)
    else:
        path, metadata = None, registry.get(name)["metadata"]
    variant = metadata.get("variant")
    cls = variant_class(variant) if variant else (expected_class or keras.Model)
    if expected_class is not None and not issubclass(cls, expected_class):
        raise ValueError(
            f"The preset {name!r} holds a {cls.__name__} (variant {variant!r}), not a "
            f"{expected_class.__name__}. Load it with kg.{cls.__name__}.from_preset("
            f"{name!r}) or kg.presets.load({name!r}). The {expected_class.__name__} "
            f"presets: {_presets_of(expected_class) or 'none yet'}."
        )
    path = path or resolve(name)
    try:
        model = keras.saving.load_model(path, compile=compile)
    except Exception as error:  # a file that hashes right but does not load: say so
        raise ValueError(f"Cannot load preset {name!r} from {path!r}: {error}") from error
    if not isinstance(model, cls):
        raise ValueError(
            f"The preset {name!r} should hold a {cls.__name__}, but {path!r} holds a "
            f"{type(model).__name__}."
        )
    if compile and not model.compiled:  # shipped without optimizer state
        model.compile()
    return model


def _presets_of(cls):
    return [
        name for name, entry in sorted(registry.PRESETS.items())
        if issubclass(variant_class(entry["metadata"]["variant"]), cls)
    ]
