#!/usr/bin/python3
"""Shared reference implementation of the text-classification bundle contract.

Run with Debian's Python (`/usr/bin/python3`, python3-torch 1.13). Stdlib + torch only;
torchtext is NOT imported: its pieces we need are ported verbatim below.

Contents
  * basic_english(line)           torchtext's `basic_english` tokenizer (torchtext/data/utils.py)
  * ngrams_iterator(tokens, n)    torchtext's `ngrams_iterator` (torchtext/data/utils.py): the model's terms
  * Vocab, build_vocab_from_iterator(...)   torchtext vocab semantics (stoi/itos/default index)
  * TextClassificationModel       the torchtext tutorial model (EmbeddingBag(mean) + Linear)
  * save_bundle / load_bundle     the bundle directory (config.json, vocab.json, weights)
  * save_safetensors / load_safetensors   hand-written safetensors (F32 only)
  * read_examples(path)           CSV/TSV (text,label) or JSONL ({"text","label"}), optionally .gz
  * collate(...)                  flat ids + offsets (+ labels) as in the tutorial
  * predict(bundle, texts)        tokens, ids, logits, softmax probabilities, label
"""
import csv
import gzip
import hashlib
import io
import json
import os
import re
import struct
import sys
from collections import Counter, OrderedDict

import torch
from torch import nn

UNK = "<unk>"
TOKENIZER_NAME = "basic_english"
ARCH_TEXT_CLASSIFICATION = "text_classification"
ARCH_TORCHSCRIPT = "torchscript"
STATE_DICT_KEYS = ("embedding.weight", "fc.weight", "fc.bias")
MAX_NGRAMS = 6  # the C# side's NGrams.Max: each step adds about one lookup per token to every prediction


class BundleError(Exception):
    """A bundle (or an input to a bundle) is invalid; the message names the file."""


# --------------------------------------------------------------------------------------
# Tokenizer: torchtext.data.utils._basic_english_normalize, verbatim.
# --------------------------------------------------------------------------------------
_patterns = [r"\'", r"\"", r"\.", r"<br \/>", r",", r"\(", r"\)", r"\!", r"\?", r"\;", r"\:", r"\s+"]
_replacements = [" '  ", "", " . ", " ", " , ", " ( ", " ) ", " ! ", " ? ", " ", " ", " "]
_patterns_dict = list((re.compile(p), r) for p, r in zip(_patterns, _replacements))


def basic_english(line):
    """torchtext get_tokenizer("basic_english"): lower(), 12 regex substitutions, split()."""
    line = line.lower()
    for pattern_re, replaced_str in _patterns_dict:
        line = pattern_re.sub(replaced_str, line)
    return line.split()


tokenize = basic_english


# --------------------------------------------------------------------------------------
# N-grams: torchtext.data.utils.ngrams_iterator, same semantics (torchtext is not imported).
# --------------------------------------------------------------------------------------
def ngrams_iterator(token_list, ngrams):
    """Yield every token in order, then for n = 2..ngrams every run of n consecutive tokens joined
    by one space, in order. Fewer than n tokens give no n-grams; ngrams <= 1 gives the tokens only.
    (torchtext's docstring shows an interleaved order; its code, ported here, yields this one.)"""

    def _get_ngrams(n):
        return zip(*[token_list[i:] for i in range(n)])

    for x in token_list:
        yield x
    for n in range(2, ngrams + 1):
        for x in _get_ngrams(n):
            yield " ".join(x)


def terms(tokens, ngrams=1):
    """What the vocabulary and the model see: list(ngrams_iterator(tokens, ngrams))."""
    return list(ngrams_iterator(list(tokens), ngrams))


# --------------------------------------------------------------------------------------
# Vocabulary: torchtext.vocab.build_vocab_from_iterator + torchtext.vocab.vocab semantics.
# --------------------------------------------------------------------------------------
class Vocab:
    """itos list + stoi dict + default index (index of "<unk>"), like torchtext's Vocab."""

    def __init__(self, itos, default_index=None, source="vocab"):
        itos = list(itos)
        stoi = {}
        for i, tok in enumerate(itos):
            if not isinstance(tok, str):
                raise BundleError(f"{source}: entry {i} is not a string: {tok!r}")
            if tok in stoi:
                raise BundleError(f"{source}: duplicate token {tok!r} at indices {stoi[tok]} and {i}")
            stoi[tok] = i
        self.itos = itos
        self.stoi = stoi
        if default_index is None:
            default_index = stoi.get(UNK)
        self.default_index = default_index

    def __len__(self):
        return len(self.itos)

    def __contains__(self, token):
        return token in self.stoi

    def __getitem__(self, token):
        i = self.stoi.get(token)
        if i is None:
            if self.default_index is None:
                raise KeyError(f"token {token!r} not in vocab and no default index set")
            return self.default_index
        return i

    def __call__(self, tokens):
        return self.lookup_indices(tokens)

    def lookup_indices(self, tokens):
        return [self[t] for t in tokens]

    def lookup_token(self, index):
        return self.itos[index]

    def get_itos(self):
        return list(self.itos)

    def get_stoi(self):
        return dict(self.stoi)

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.itos, f, ensure_ascii=True)
            f.write("\n")


def build_vocab_from_iterator(iterator, min_freq=1, specials=None, special_first=True, max_tokens=None):
    """Port of torchtext.vocab.build_vocab_from_iterator (0.12-0.18) + torchtext.vocab.vocab.

    Note the exact torchtext order of operations: sort by (-freq, token) [Python str order =
    code point order], truncate to max_tokens - len(specials), THEN remove specials from the
    counted tokens, THEN drop freq < min_freq, then put specials first (or last).
    The default index is set to the index of "<unk>" when it is among the specials (this is
    what the tutorial does with vocab.set_default_index(vocab["<unk>"])).
    """
    counter = Counter()
    for tokens in iterator:
        counter.update(tokens)
    specials = list(specials or [])
    sorted_by_freq_tuples = sorted(counter.items(), key=lambda x: (-x[1], x[0]))
    if max_tokens is None:
        ordered_dict = OrderedDict(sorted_by_freq_tuples)
    else:
        assert len(specials) < max_tokens, "len(specials) >= max_tokens, so the vocab will be entirely special tokens."
        ordered_dict = OrderedDict(sorted_by_freq_tuples[: max_tokens - len(specials)])
    # torchtext.vocab.vocab(ordered_dict, min_freq, specials, special_first)
    for token in specials:
        ordered_dict.pop(token, None)
    tokens = [token for token, freq in ordered_dict.items() if freq >= min_freq]
    if special_first:
        tokens[0:0] = specials
    else:
        tokens.extend(specials)
    return Vocab(tokens, default_index=(tokens.index(UNK) if UNK in specials else None))


def load_vocab_file(path):
    """Read a vocab in any of the accepted forms, return the itos list.

    * JSON array of tokens (index = id)                       e.g. json.dump(vocab.get_itos(), f)
    * JSON object {token: id} (a stoi dict, ids 0..n-1)       e.g. json.dump(vocab.get_stoi(), f)
    * text file, one token per line (line number = id; only the line terminator is stripped)
    """
    with open_text(path) as f:
        text = f.read()
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise BundleError(f"{path}: looks like JSON but does not parse: {e}") from None
        if isinstance(data, list):
            return data
        if isinstance(data, dict):
            n = len(data)
            itos = [None] * n
            for tok, idx in data.items():
                if not isinstance(idx, int) or isinstance(idx, bool) or not 0 <= idx < n:
                    raise BundleError(f"{path}: stoi index for {tok!r} is {idx!r}; ids must be 0..{n - 1}")
                if itos[idx] is not None:
                    raise BundleError(f"{path}: id {idx} used by both {itos[idx]!r} and {tok!r}")
                itos[idx] = tok
            return itos
        raise BundleError(f"{path}: JSON vocab must be an array of tokens or a {{token: id}} object")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


# --------------------------------------------------------------------------------------
# Model: the torchtext text-classification tutorial model.
# --------------------------------------------------------------------------------------
class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, mode="mean")  # sparse=False
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))


# --------------------------------------------------------------------------------------
# Data files
# --------------------------------------------------------------------------------------
def open_text(path, mode="r"):
    """Open a text file (utf-8; a leading BOM is dropped on read), transparently gunzipping .gz."""
    enc = "utf-8-sig" if "r" in mode else "utf-8"
    mode = mode.replace("t", "").replace("b", "")
    if str(path).endswith(".gz"):
        return gzip.open(path, mode + "t", encoding=enc, newline="")
    return open(path, mode, encoding=enc, newline="")


def data_format(path):
    name = str(path)
    if name.endswith(".gz"):
        name = name[:-3]
    ext = os.path.splitext(name)[1].lower()
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if ext in (".tsv", ".tab"):
        return "tsv"
    if ext in (".csv", ".txt"):
        return "csv"
    raise BundleError(f"{path}: unknown data format '{ext}' (use .csv, .tsv or .jsonl, optionally .gz)")


def _label_str(value, where):
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise BundleError(f"{where}: label must be a string or an integer, got {value!r}")
    if isinstance(value, float):
        if value != int(value):
            raise BundleError(f"{where}: label must be a string or an integer, got {value!r}")
        value = int(value)
    return str(value)


def read_examples(path):
    """Return a list of (text, label) with label as str.

    CSV/TSV: columns (text, label); if the first row names columns "text" and "label"
    (any case, any order) it is a header and those columns are used.
    JSONL: one {"text": str, "label": str|int} per non-blank line.
    """
    fmt = data_format(path)
    out = []
    with open_text(path) as f:
        if fmt == "jsonl":
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise BundleError(f"{where}: invalid JSON: {e}") from None
                if not isinstance(obj, dict) or "text" not in obj or "label" not in obj:
                    raise BundleError(f"{where}: expected an object with \"text\" and \"label\"")
                if not isinstance(obj["text"], str):
                    raise BundleError(f"{where}: \"text\" must be a string")
                out.append((obj["text"], _label_str(obj["label"], where)))
        else:
            reader = csv.reader(f, delimiter="\t" if fmt == "tsv" else ",")
            ti, li = 0, 1
            for rowno, row in enumerate(reader, 1):
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if rowno == 1:
                    low = [c.strip().lower() for c in row]
                    if "text" in low and "label" in low:
                        ti, li = low.index("text"), low.index("label")
                        continue
                if len(row) <= max(ti, li):
                    raise BundleError(f"{path}: row {rowno} has {len(row)} column(s); expected text,label")
                out.append((row[ti], _label_str(row[li], f"{path}: row {rowno}")))
    return out


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------------------
# Batching
# --------------------------------------------------------------------------------------
def encode(text, vocab, ngrams=1):
    """(tokens, terms, ids): basic_english tokens, their ngrams_iterator terms and the terms' ids."""
    tokens = basic_english(text)
    grams = terms(tokens, ngrams)
    return tokens, grams, vocab.lookup_indices(grams)


def collate_ids(id_lists, labels=None):
    """Tutorial collate_batch on pre-encoded ids: (label_tensor, flat_ids, offsets)."""
    offsets = [0]
    flat = []
    for ids in id_lists:
        flat.extend(ids)
        offsets.append(offsets[-1] + len(ids))
    text = torch.tensor(flat, dtype=torch.int64)
    off = torch.tensor(offsets[:-1], dtype=torch.int64)
    lab = torch.tensor(labels, dtype=torch.int64) if labels is not None else None
    return lab, text, off


def collate(batch, vocab, label_to_id, ngrams=1):
    """batch: iterable of (text, label str) -> (labels, flat ids, offsets)."""
    id_lists, labels = [], []
    for text, label in batch:
        id_lists.append(encode(text, vocab, ngrams)[2])
        labels.append(label_to_id[label])
    return collate_ids(id_lists, labels)


# --------------------------------------------------------------------------------------
# safetensors (written/read by hand; F32/F64/I64 only)
# --------------------------------------------------------------------------------------
_ST_DTYPES = {torch.float32: ("F32", 4), torch.float64: ("F64", 8), torch.int64: ("I64", 8)}
_ST_FROM = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}


def save_safetensors(tensors, path, metadata=None):
    """tensors: OrderedDict name -> tensor. Layout: u64 LE header length, JSON header (padded with
    spaces to a multiple of 8), raw little-endian row-major tensor bytes in the given order."""
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    pos = 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype not in _ST_DTYPES:
            raise BundleError(f"{path}: unsupported dtype {t.dtype} for {name}")
        code, _ = _ST_DTYPES[t.dtype]
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [pos, pos + len(data)]}
        blobs.append(data)
        pos += len(data)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    """Return (OrderedDict name -> tensor, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise BundleError(f"{path}: too short to be a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise BundleError(f"{path}: header length {n} exceeds file size {len(raw)}")
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"), object_pairs_hook=OrderedDict)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BundleError(f"{path}: invalid safetensors header: {e}") from None
    meta = header.pop("__metadata__", {}) or {}
    body = raw[8 + n:]
    out = OrderedDict()
    for name, info in header.items():
        dt = _ST_FROM.get(info.get("dtype"))
        if dt is None:
            raise BundleError(f"{path}: tensor {name}: unsupported dtype {info.get('dtype')!r}")
        b, e = info["data_offsets"]
        shape = info["shape"]
        count = 1
        for s in shape:
            count *= s
        if not (0 <= b <= e <= len(body)) or e - b != count * _ST_DTYPES[dt][1]:
            raise BundleError(f"{path}: tensor {name}: bad data_offsets {[b, e]} for shape {shape}")
        t = torch.frombuffer(bytearray(body[b:e]), dtype=dt) if e > b else torch.empty(0, dtype=dt)
        if sys.byteorder != "little":
            t = t.byteswap()  # pragma: no cover
        out[name] = t.reshape(shape).clone()
    return out, meta


# --------------------------------------------------------------------------------------
# Bundles
# --------------------------------------------------------------------------------------
WEIGHT_FILES = {"pth": "model_weights.pth", "safetensors": "model.safetensors", "torchscript": "model.pt"}


def save_bundle(out_dir, model, vocab, labels, provenance=None, fmt="pth", ngrams=1):
    """Write config.json + vocab.json + weights. fmt: 'pth' | 'safetensors' | 'torchscript'.
    ngrams > 1 is written as "ngrams" (absent means 1, so unigram bundles are unchanged)."""
    _check_ngrams(ngrams, "ngrams")
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    sd = model.state_dict()
    emb = sd["embedding.weight"]
    vocab_size, embed_dim = emb.shape
    num_class = sd["fc.bias"].shape[0]
    itos = vocab.get_itos() if isinstance(vocab, Vocab) else list(vocab)
    if len(itos) != vocab_size:
        raise BundleError(f"vocab has {len(itos)} tokens but embedding.weight has {vocab_size} rows")
    if len(labels) != num_class:
        raise BundleError(f"{len(labels)} labels but fc.bias has {num_class} outputs")
    if fmt not in WEIGHT_FILES:
        raise ValueError(fmt)
    weights = WEIGHT_FILES[fmt]
    config = OrderedDict([
        ("architecture", ARCH_TORCHSCRIPT if fmt == "torchscript" else ARCH_TEXT_CLASSIFICATION),
        ("vocab_size", int(vocab_size)),
        ("embed_dim", int(embed_dim)),
        ("num_class", int(num_class)),
        ("labels", [str(x) for x in labels]),
        ("tokenizer", TOKENIZER_NAME),
    ])
    if ngrams > 1:
        config["ngrams"] = int(ngrams)
    config.update([
        ("vocab", "vocab.json"),
        ("weights", weights),
    ])
    if provenance:
        config["provenance"] = provenance
    wpath = os.path.join(out_dir, weights)
    if fmt == "pth":
        torch.save(OrderedDict((k, sd[k]) for k in STATE_DICT_KEYS), wpath)
    elif fmt == "safetensors":
        save_safetensors(OrderedDict((k, sd[k]) for k in STATE_DICT_KEYS), wpath,
                         metadata={"format": "pt", "architecture": ARCH_TEXT_CLASSIFICATION})
    else:
        m = TextClassificationModel(int(vocab_size), int(embed_dim), int(num_class))
        m.load_state_dict(sd, strict=True)
        torch.jit.save(torch.jit.script(m.eval()), wpath)
    Vocab(itos).save(os.path.join(out_dir, "vocab.json"))
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=True)
        f.write("\n")
    return config


class Bundle:
    def __init__(self, path, config, vocab, labels, model):
        self.path = path
        self.config = config
        self.vocab = vocab
        self.labels = labels
        self.model = model  # callable (text int64[N], offsets int64[B]) -> logits float32[B, C]

    @property
    def architecture(self):
        return self.config["architecture"]

    @property
    def ngrams(self):
        return self.config.get("ngrams", 1)


def _check_ngrams(value, where):
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_NGRAMS:
        raise BundleError(f"{where}: \"ngrams\" must be an integer from 1 to {MAX_NGRAMS} (got {value!r})")


def _check_state_dict(sd, config, wpath):
    if not isinstance(sd, dict):
        if isinstance(sd, nn.Module):
            raise BundleError(f"{wpath}: is a pickled whole model (torch.save(model)), not a state_dict; "
                              f"convert it with tools/pytorch/export.py")
        raise BundleError(f"{wpath}: expected a state_dict (dict of tensors), got {type(sd).__name__}")
    keys = set(sd.keys())
    if keys != set(STATE_DICT_KEYS):
        raise BundleError(f"{wpath}: state_dict keys {sorted(keys)} != expected {list(STATE_DICT_KEYS)} "
                          f"(missing {sorted(set(STATE_DICT_KEYS) - keys)}, unexpected {sorted(keys - set(STATE_DICT_KEYS))})")
    v, d, c = config["vocab_size"], config["embed_dim"], config["num_class"]
    want = {"embedding.weight": (v, d), "fc.weight": (c, d), "fc.bias": (c,)}
    for k, shape in want.items():
        t = sd[k]
        if not isinstance(t, torch.Tensor):
            raise BundleError(f"{wpath}: {k} is not a tensor")
        if tuple(t.shape) != shape:
            raise BundleError(f"{wpath}: {k} has shape {list(t.shape)} but config.json "
                              f"(vocab_size={v}, embed_dim={d}, num_class={c}) requires {list(shape)}")
        if t.dtype != torch.float32:
            raise BundleError(f"{wpath}: {k} has dtype {t.dtype}; bundles store float32")


def _read_json(path, missing):
    """The parsed file; a missing file or invalid JSON is a BundleError naming the file."""
    if not os.path.isfile(path):
        raise BundleError(f"{path}: not found ({missing})")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise BundleError(f"{path}: invalid JSON: {e}") from None


def load_config(path):
    cpath = os.path.join(path, "config.json")
    if not os.path.isdir(path):
        raise BundleError(f"{path}: bundle directory not found")
    config = _read_json(cpath, "a bundle directory needs config.json")
    if not isinstance(config, dict):
        raise BundleError(f"{cpath}: must be a JSON object")
    for key, typ in (("architecture", str), ("vocab_size", int), ("embed_dim", int), ("num_class", int),
                     ("labels", list), ("tokenizer", str), ("vocab", str), ("weights", str)):
        if key not in config:
            raise BundleError(f"{cpath}: missing key \"{key}\"")
        if not isinstance(config[key], typ) or isinstance(config[key], bool):
            raise BundleError(f"{cpath}: \"{key}\" must be a {typ.__name__}")
    if config["architecture"] not in (ARCH_TEXT_CLASSIFICATION, ARCH_TORCHSCRIPT):
        raise BundleError(f"{cpath}: unknown architecture {config['architecture']!r} "
                          f"(expected {ARCH_TEXT_CLASSIFICATION!r} or {ARCH_TORCHSCRIPT!r})")
    if config["tokenizer"] != TOKENIZER_NAME:
        raise BundleError(f"{cpath}: unsupported tokenizer {config['tokenizer']!r} (only {TOKENIZER_NAME!r})")
    if "ngrams" in config:
        _check_ngrams(config["ngrams"], cpath)
    for key in ("vocab_size", "embed_dim", "num_class"):
        if config[key] <= 0:
            raise BundleError(f"{cpath}: \"{key}\" must be positive")
    labels = config["labels"]
    if len(labels) != config["num_class"] or not all(isinstance(x, str) for x in labels):
        raise BundleError(f"{cpath}: \"labels\" must be {config['num_class']} strings (num_class), got {labels!r}")
    if len(set(labels)) != len(labels):
        raise BundleError(f"{cpath}: \"labels\" contains duplicates")
    return config


def load_bundle(path):
    """Load + validate a bundle. State dicts are loaded with strict load_state_dict, then eval()."""
    config = load_config(path)
    vpath = os.path.join(path, config["vocab"])
    itos = _read_json(vpath, 'config.json "vocab"')
    if not isinstance(itos, list):
        raise BundleError(f"{vpath}: must be a JSON array of token strings")
    vocab = Vocab(itos, source=vpath)
    if len(vocab) != config["vocab_size"]:
        raise BundleError(f"{vpath}: has {len(vocab)} tokens but config.json vocab_size is {config['vocab_size']}")
    if vocab.default_index is None:
        raise BundleError(f"{vpath}: has no \"{UNK}\" token")
    if vocab.default_index != 0:
        raise BundleError(f"{vpath}: \"{UNK}\" must be the first token (found at index {vocab.default_index})")
    wpath = os.path.join(path, config["weights"])
    if not os.path.isfile(wpath):
        raise BundleError(f"{wpath}: not found (config.json \"weights\")")
    v, d, c = config["vocab_size"], config["embed_dim"], config["num_class"]
    if config["architecture"] == ARCH_TORCHSCRIPT:
        try:
            model = torch.jit.load(wpath, map_location="cpu")
        except Exception as e:  # noqa: BLE001 - report any loader failure with the file name
            raise BundleError(f"{wpath}: cannot load TorchScript module: {e}") from None
        sd = {k: t for k, t in model.state_dict().items()}
        _check_state_dict(sd, config, wpath)
        model.eval()
    else:
        if wpath.endswith(".safetensors"):
            sd, _ = load_safetensors(wpath)
        else:
            try:
                sd = torch.load(wpath, map_location="cpu", weights_only=True)
            except Exception as e:  # noqa: BLE001
                raise BundleError(f"{wpath}: cannot load as a weights-only state_dict ({e}). If it is a whole "
                                  f"pickled model (torch.save(model)), convert it with tools/pytorch/export.py") from None
        _check_state_dict(sd, config, wpath)
        model = TextClassificationModel(v, d, c)
        model.load_state_dict(sd, strict=True)
        model.eval()
    return Bundle(path, config, vocab, list(config["labels"]), model)


def dumps_array(items):
    """A JSON array with one compact item per line (ASCII-only: every non-ASCII char is \\u-escaped)."""
    if not items:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(x, ensure_ascii=True) for x in items) + "\n]\n"


# --------------------------------------------------------------------------------------
# Prediction
# --------------------------------------------------------------------------------------
def predict(bundle, texts, batch_size=256):
    """Return a list of {"text","tokens","terms","ids","logits","probabilities","label"} (floats from float32);
    terms are ngrams_iterator(tokens, bundle ngrams), one per id."""
    results = []
    texts = list(texts)
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            chunk = texts[start:start + batch_size]
            enc = [encode(t, bundle.vocab, bundle.ngrams) for t in chunk]
            _, flat, offsets = collate_ids([ids for _, _, ids in enc])
            logits = bundle.model(flat, offsets)
            probs = torch.softmax(logits, dim=1)
            pred = torch.argmax(logits, dim=1)
            for i, text in enumerate(chunk):
                results.append(OrderedDict([
                    ("text", text),
                    ("tokens", enc[i][0]),
                    ("terms", enc[i][1]),
                    ("ids", enc[i][2]),
                    ("logits", [float(x) for x in logits[i].tolist()]),
                    ("probabilities", OrderedDict((bundle.labels[j], float(p)) for j, p in enumerate(probs[i].tolist()))),
                    ("label", bundle.labels[int(pred[i])]),
                ]))
    return results
