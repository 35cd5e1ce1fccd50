"""Publishes a preset to a Hugging Face Hub model repository.

    python scripts/publish_preset.py dcgan_fashion_mnist --folder runs/hub/dcgan
    python scripts/publish_preset.py dcgan_fashion_mnist --folder runs/hub/dcgan \\
        --repo your-name/keras-gans-dcgan-fashion-mnist

Writes the preset folder that `kg.<Variant>.from_preset("hf://owner/repo")` reads
(`keras_gans/presets/hub.py`): `model.keras`, `metadata.json` (the registry entry's
metadata plus the file's name and sha256), `grid.png` (64 samples, seed 0) and a model
card `README.md` (the metrics table, the sample grid, how to load and fine-tune it).
With `--repo` it then uploads the folder with `huggingface_hub` (its token: `HF_TOKEN`
or `hf auth login`; `HF_ENDPOINT` chooses the hub), creating the repository if needed.
The source is a preset name of the registry, whose metadata is used as is.
"""

import argparse
import json
import os
import shutil

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_gans as kg  # noqa: E402
from keras_gans.images import save_grid  # noqa: E402
from keras_gans.io_utils import sha256_of, write_bytes  # noqa: E402
from keras_gans.presets import hub  # noqa: E402


def write_preset_folder(name, folder):
    """Writes preset `name`'s hub folder to `folder`; returns the metadata written."""
    entry = kg.presets.get(name)
    os.makedirs(folder, exist_ok=True)
    model_path = os.path.join(folder, hub.DEFAULT_FILE)
    shutil.copyfile(kg.presets.resolve(name), model_path)
    metadata = dict(entry["metadata"], name=name, file=hub.DEFAULT_FILE,
                    sha256=sha256_of(model_path))
    write_bytes(os.path.join(folder, hub.METADATA_FILE),
                json.dumps(metadata, indent=2).encode())
    model = kg.presets.load(name, compile=False)
    save_grid(os.path.join(folder, "grid.png"), model.grid_samples(64, seed=0))
    write_bytes(os.path.join(folder, "README.md"), model_card(name, metadata).encode())
    return metadata


def model_card(name, metadata, repo_id="OWNER/REPO"):
    """The repository's README.md: front matter, metrics table, grid, usage."""
    variant = metadata["variant"]
    cls = kg.models.get(variant).__name__
    metrics = metadata.get("metrics") or {}
    rows = "\n".join(
        f"| {key} | {value} |" for key, value in metrics.items()
        if isinstance(value, (int, float))
    )
    return f"""---
library_name: keras
tags:
- keras-gans
- gan
- {variant}
datasets:
- {metadata.get("dataset", "unknown")}
---

# {name}

{metadata["description"]}

A `kg.{cls}` of keras-gans (Keras 3 on TensorFlow),
{metadata.get("params", 0):,} parameters, trained with `{metadata.get("recipe", "-")}`.

## Metrics

Measured with `{metrics.get("command", "keras-gans evaluate")}`.

| metric | value |
|---|---|
{rows or "| - | - |"}

## Samples

64 samples, seed 0 (`keras-gans sample hf://{repo_id} --num 64 --out grid.png`):

![samples](grid.png)

## Use

```python
import keras_gans as kg

model = kg.{cls}.from_preset("hf://{repo_id}")   # sha256 checked: {metadata["sha256"]}
images = model.generate(16, seed=0)
```

Fine-tune on your images: `keras-gans train {variant} --from-preset hf://{repo_id}
--dataset my_folder --out runs/finetune`.
"""


def upload(folder, repo_id, private=False):
    """Creates `repo_id` if needed and uploads `folder` to it; returns the commit URL."""
    from huggingface_hub import HfApi

    api = HfApi()
    api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
    commit = api.upload_folder(folder_path=folder, repo_id=repo_id, repo_type="model",
                               commit_message="keras-gans preset")
    return getattr(commit, "commit_url", commit)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("preset", help="a preset name (see `keras-gans presets`)")
    parser.add_argument("--folder", required=True, help="where to write the preset folder")
    parser.add_argument("--repo", default=None,
                        help="owner/name of the hub repository to upload to; none: "
                        "write the folder only")
    parser.add_argument("--private", action="store_true", help="create a private repository")
    args = parser.parse_args(argv)
    metadata = write_preset_folder(args.preset, args.folder)
    if args.repo:
        card = model_card(args.preset, metadata, repo_id=args.repo)
        write_bytes(os.path.join(args.folder, "README.md"), card.encode())
        print(f"Uploaded: {upload(args.folder, args.repo, private=args.private)}")
        print(f"Load it with kg.{kg.models.get(metadata['variant']).__name__}"
              f'.from_preset("hf://{args.repo}")')
    else:
        print(f"Wrote {args.folder}; upload it with --repo OWNER/NAME")


if __name__ == "__main__":
    main()
