"""Presets on the Hugging Face Hub: `hf://owner/repo` and `hf://owner/repo/file.keras`.

A hub preset is a model repository laid out by `scripts/publish_preset.py`:

    model.keras      the preset file (config, weights, optimizer state if it fits)
    metadata.json    the preset entry's metadata, plus "file" and "sha256"
    README.md        the model card: metrics table, sample grid, how to load it
    grid.png         64 samples, seed 0

`hf://owner/repo` reads `metadata.json` first (the variant, the file, its sha256), then
the file; `hf://owner/repo/path/file.keras` fetches that file alone, verified only when
the caller knows a sha256 (a registry entry whose `url` is an `hf://` address).

Everything goes through `huggingface_hub` (`pip install keras-gans[hub]`): its cache
(`HF_HUB_CACHE`, `HF_HOME`), its token (`HF_TOKEN`, `hf auth login`), its endpoint
(`HF_ENDPOINT`) and its offline mode (`HF_HUB_OFFLINE=1`: the cache alone). A file whose
sha256 differs from the expected one is removed from the cache before `ValueError`.
"""

import json
import os

from keras_gans.io_utils import sha256_of

HUB_PREFIX = "hf://"
METADATA_FILE = "metadata.json"
DEFAULT_FILE = "model.keras"


def is_hub_address(name):
    return isinstance(name, str) and name.startswith(HUB_PREFIX)


def parse(address):
    """`(repo_id, filename or None)` of `hf://owner/repo[/path/file]`."""
    parts = [part for part in address[len(HUB_PREFIX):].split("/") if part]
    if len(parts) < 2:
        raise ValueError(
            "A Hugging Face preset is addressed as hf://owner/repo or "
            f"hf://owner/repo/file.keras. Received: {address!r}"
        )
    return "/".join(parts[:2]), "/".join(parts[2:]) or None


def resolve(address, sha256=None):
    """Fetches the preset at `address`; returns `(local path, metadata dict)`.

    Args:
        address: str, `hf://owner/repo` or `hf://owner/repo/file.keras`.
        sha256: str or None, the file's expected sha256; by default the one in the
            repository's `metadata.json` (none for a bare file address).

    Raises:
        ValueError: huggingface_hub is missing, the repository or file does not exist,
            the hub cannot be reached (or offline mode is on and the file is not
            cached), or the sha256 differs (the file is then removed from the cache).
    """
    repo_id, filename = parse(address)
    metadata = {}
    if filename is None:
        with open(_fetch(repo_id, METADATA_FILE, address)) as file:
            metadata = json.load(file)
        filename = metadata.get("file") or DEFAULT_FILE
        sha256 = sha256 or metadata.get("sha256")
    path = _fetch(repo_id, filename, address)
    if sha256 and sha256_of(path) != sha256.lower():
        received = sha256_of(path)
        _evict(path)
        raise ValueError(
            f"The file {filename} of {address} does not match the preset's sha256. "
            f"Expected: {sha256.lower()}. Received: {received}. It was removed from the "
            "Hugging Face cache; nothing was loaded."
        )
    return path, metadata


def _hub():
    try:
        import huggingface_hub
        import huggingface_hub.errors  # noqa: F401 (a submodule, not an attribute)
    except ImportError as error:
        raise ValueError(
            "hf:// presets need huggingface_hub: pip install huggingface_hub (or "
            "pip install keras-gans[hub])."
        ) from error
    return huggingface_hub


def _fetch(repo_id, filename, address):
    hub = _hub()
    errors = hub.errors
    try:
        # HF_ENDPOINT read now, not when huggingface_hub was imported.
        return hub.hf_hub_download(repo_id, filename,
                                   endpoint=os.environ.get("HF_ENDPOINT") or None)
    except errors.LocalEntryNotFoundError as error:  # offline, or unreachable, uncached
        raise ValueError(
            f"Cannot fetch {filename} of {address}: it is not in the Hugging Face cache "
            f"and the hub cannot be used ({_first_line(error)}). With HF_HUB_OFFLINE=1 "
            "only cached files load: load it once online. Otherwise check HF_ENDPOINT "
            "and the network."
        ) from error
    except errors.RepositoryNotFoundError as error:
        raise ValueError(
            f"No Hugging Face repository {repo_id!r} (or it is private and no token was "
            f"given: HF_TOKEN or `hf auth login`). Received: {address!r}"
        ) from error
    except errors.EntryNotFoundError as error:
        raise ValueError(
            f"The repository {repo_id!r} has no file {filename!r}. Received: {address!r}"
        ) from error
    except (errors.HfHubHTTPError, OSError) as error:
        raise ValueError(f"Cannot fetch {filename} of {address}: {_first_line(error)}") from error


def _first_line(error):
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _evict(path):
    """Removes a cached file: the snapshot's link and the blob it points to."""
    blob = os.path.realpath(path)
    for target in {path, blob}:
        if os.path.lexists(target):
            os.remove(target)
