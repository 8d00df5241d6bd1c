#!/usr/bin/python3
"""Export a model trained with the torchtext text-classification tutorial into a bundle.

Steps (see also tools/pytorch/README.md):
  1. In the environment where you trained (torchtext available), save the weights and the vocab:
         torch.save(model.state_dict(), "model_weights.pth")        # preferred
         # or you already have a whole pickled model: torch.save(model, "model.pth")
         import json; json.dump(vocab.get_itos(), open("vocab.json", "w"))
     (a pickled torchtext Vocab object cannot be read reliably without torchtext; a JSON list,
      a {token: id} JSON dict (vocab.get_stoi()) or a text file with one token per line all work.)
  2. Know your labels in class-id order, e.g. AG_NEWS: World,Sports,Business,Sci/Tec
  3. Run:
         /usr/bin/python3 tools/pytorch/export.py --weights model_weights.pth --vocab vocab.json \
             --labels World,Sports,Business,Sci/Tec --out models/ag_news
     add --torchscript for a TorchScript bundle (model.pt, architecture "torchscript") or
     --safetensors for model.safetensors; default is model_weights.pth (a state_dict).
  4. Check it: /usr/bin/python3 tools/pytorch/verify.py models/ag_news "Some headline"

What it does: loads --weights (a state_dict, a checkpoint dict holding one under "state_dict" /
"model_state_dict" / "model", a whole pickled model from torch.save(model) -- the pickled class
does not need to be importable, or a TorchScript file); strips a DataParallel "module." prefix and
applies --rename OLD=NEW key-prefix renames; checks the keys embedding.weight/fc.weight/fc.bias
and shapes against the vocab and labels; converts to float32; if "<unk>" is not the first vocab
token it moves it there and permutes the embedding rows to match (predictions unchanged); writes
the bundle; reloads it with strict load_state_dict and checks its logits against the source weights.
Unpickling a whole model (anything that is not a plain state_dict) runs pickle code: only do that
with files you trust.
"""
import argparse
import datetime
import io
import os
import pickle
import sys
import types
import warnings
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
from torch import nn  # noqa: E402

import textclf  # noqa: E402
from textclf import BundleError  # noqa: E402


class _Stub(nn.Module):
    """Stand-in for classes that are not importable here (e.g. the tutorial's __main__ class)."""

    def __setstate__(self, state):
        if isinstance(state, dict) and "_modules" in state:
            nn.Module.__setstate__(self, state)
        else:
            nn.Module.__init__(self)
            self.__dict__["_pickled_state"] = state


class _PermissiveUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if name == "TextClassificationModel":
            return textclf.TextClassificationModel
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            return type(name, (_Stub,), {"__module__": "export_stub." + module})


_permissive_pickle = types.SimpleNamespace(**{k: v for k, v in vars(pickle).items() if not k.startswith("__")})
_permissive_pickle.Unpickler = _PermissiveUnpickler
_permissive_pickle.load = lambda f, **kw: _PermissiveUnpickler(f, **kw).load()
_permissive_pickle.loads = lambda b, **kw: _PermissiveUnpickler(io.BytesIO(b), **kw).load()
_permissive_pickle.__name__ = "pickle"


def _torch_load_permissive(path):
    """torch.load with _PermissiveUnpickler. torch 1.13 ignores pickle_module= unless weights_only
    (it resets it to the `pickle` module global), so swap that global for the duration."""
    import torch.serialization as ts
    saved = ts.pickle
    ts.pickle = _permissive_pickle
    try:
        return torch.load(path, map_location="cpu", pickle_module=_permissive_pickle)
    finally:
        ts.pickle = saved


def load_any(path):
    """Return (state_dict, description) from a state_dict / checkpoint / whole model / TorchScript file."""
    if not os.path.isfile(path):
        raise BundleError(f"{path}: not found")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "torch.load received a TorchScript archive" is handled below
            obj = torch.load(path, map_location="cpu", weights_only=True)
        kind = "TorchScript module" if isinstance(obj, torch.jit.ScriptModule) else "state_dict"
    except Exception:  # noqa: BLE001 - not a plain state_dict: TorchScript or whole pickled model
        try:
            sm = torch.jit.load(path, map_location="cpu")
            return OrderedDict(sm.state_dict()), "TorchScript module"
        except Exception:  # noqa: BLE001
            pass
        try:
            obj = _torch_load_permissive(path)
        except Exception as e:  # noqa: BLE001
            raise BundleError(f"{path}: cannot load with torch.load: {e}") from None
        kind = "whole pickled model" if isinstance(obj, nn.Module) else "pickled checkpoint"
    if isinstance(obj, nn.Module):
        return OrderedDict(obj.state_dict()), f"{kind} ({type(obj).__name__})"
    if isinstance(obj, dict):
        for key in ("state_dict", "model_state_dict", "model"):
            inner = obj.get(key)
            if isinstance(inner, nn.Module):
                return OrderedDict(inner.state_dict()), f"checkpoint[{key!r}] ({type(inner).__name__})"
            if isinstance(inner, dict) and inner and all(isinstance(v, torch.Tensor) for v in inner.values()):
                return OrderedDict(inner), f"checkpoint[{key!r}] state_dict"
        if obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
            return OrderedDict(obj), kind
    raise BundleError(f"{path}: holds a {type(obj).__name__}, not a state_dict or a model")


def load_vocab_any(path):
    """JSON list / stoi JSON dict / text lines; best effort for a torch.save'd torchtext Vocab."""
    if path.endswith((".pth", ".pt", ".pkl", ".pickle")):
        try:
            obj = _torch_load_permissive(path)
        except Exception as e:  # noqa: BLE001
            raise BundleError(f"{path}: cannot unpickle: {e}; save the vocab as JSON with "
                              f"json.dump(vocab.get_itos(), f) instead") from None
        best = []

        def walk(x, depth=0):
            nonlocal best
            if depth > 8:
                return
            if isinstance(x, (list, tuple)):
                if x and all(isinstance(s, str) for s in x) and len(x) > len(best):
                    best = list(x)
                for y in x:
                    walk(y, depth + 1)
            elif isinstance(x, dict):
                for y in x.values():
                    walk(y, depth + 1)
            elif hasattr(x, "__dict__"):
                walk(dict(vars(x)), depth + 1)
        walk(obj)
        if not best:
            raise BundleError(f"{path}: found no token list in the pickled object; save the vocab as JSON "
                              f"with json.dump(vocab.get_itos(), f)")
        print(f"warning: {path}: took the longest string list found in the pickle ({len(best)} tokens) "
              f"as itos; best effort, verify the result", file=sys.stderr)
        return best
    return textclf.load_vocab_file(path)


def read_labels(args):
    if args.labels_file:
        labels = textclf.load_vocab_file(args.labels_file)  # same forms: JSON list or one per line
        if isinstance(labels, dict):
            labels = list(labels)
    elif args.labels:
        labels = [x.strip() for x in args.labels.split(",")]
    else:
        labels = None
    return labels


def normalize_state_dict(sd, renames, src):
    out = OrderedDict()
    for k, v in sd.items():
        if k.startswith("module."):
            k = k[len("module."):]
        for old, new in renames:
            if k.startswith(old):
                k = new + k[len(old):]
                break
        out[k] = v
    keys = set(out)
    want = set(textclf.STATE_DICT_KEYS)
    if keys != want:
        raise BundleError(f"{src}: state_dict keys {sorted(keys)} != expected {sorted(want)}; "
                          f"use --rename OLD=NEW (key prefixes) to map them")
    for k in textclf.STATE_DICT_KEYS:
        if not out[k].is_floating_point():
            raise BundleError(f"{src}: {k} has dtype {out[k].dtype}; expected floating point")
        out[k] = out[k].detach().to(torch.float32).contiguous()
    e, w, b = out["embedding.weight"], out["fc.weight"], out["fc.bias"]
    if e.dim() != 2 or w.dim() != 2 or b.dim() != 1 or w.shape[1] != e.shape[1] or w.shape[0] != b.shape[0]:
        raise BundleError(f"{src}: inconsistent shapes embedding.weight {list(e.shape)}, fc.weight "
                          f"{list(w.shape)}, fc.bias {list(b.shape)}")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True, help="model_weights.pth (state_dict), torch.save(model) file, or TorchScript")
    ap.add_argument("--vocab", required=True, help="JSON list (get_itos), JSON {token:id} (get_stoi), or one token per line")
    ap.add_argument("--labels", help="comma-separated labels in class-id order, e.g. World,Sports,Business,Sci/Tec")
    ap.add_argument("--labels-file", help="labels as a JSON list or one per line (for labels containing commas)")
    ap.add_argument("--out", required=True, help="bundle directory to write")
    fmt = ap.add_mutually_exclusive_group()
    fmt.add_argument("--torchscript", action="store_true", help="write model.pt (torch.jit.script + torch.jit.save)")
    fmt.add_argument("--safetensors", action="store_true", help="write model.safetensors instead of model_weights.pth")
    ap.add_argument("--ngrams", type=int, default=1,
                    help="the N the model was trained with (the tutorial's NGRAMS; its vocab holds the n-grams); default 1")
    ap.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                    help="rename state_dict key prefixes, e.g. --rename emb.=embedding. (repeatable)")
    args = ap.parse_args(argv)

    if not 1 <= args.ngrams <= textclf.MAX_NGRAMS:
        ap.error(f"--ngrams must be from 1 to {textclf.MAX_NGRAMS} (got {args.ngrams})")
    renames = []
    for r in args.rename:
        if "=" not in r:
            ap.error(f"--rename {r!r}: expected OLD=NEW")
        renames.append(tuple(r.split("=", 1)))
    sd, kind = load_any(args.weights)
    sd = normalize_state_dict(sd, renames, args.weights)
    vocab_size, embed_dim = sd["embedding.weight"].shape
    num_class = sd["fc.bias"].shape[0]
    print(f"{args.weights}: {kind}; vocab_size {vocab_size}, embed_dim {embed_dim}, num_class {num_class}")

    itos = load_vocab_any(args.vocab)
    textclf.Vocab(itos, source=args.vocab)  # type/duplicate checks
    if len(itos) != vocab_size:
        raise BundleError(f"{args.vocab}: {len(itos)} tokens but {args.weights} embedding.weight has "
                          f"{vocab_size} rows; is this the vocab the model was trained with?")
    if textclf.UNK not in itos:
        raise BundleError(f"{args.vocab}: no \"{textclf.UNK}\" token (the tutorial builds the vocab with "
                          f"specials=[\"<unk>\"]); unknown words need a row")
    u = itos.index(textclf.UNK)
    if u != 0:
        perm = [u] + [i for i in range(len(itos)) if i != u]
        itos = [itos[i] for i in perm]
        sd["embedding.weight"] = sd["embedding.weight"][torch.tensor(perm)].contiguous()
        print(f"note: moved \"{textclf.UNK}\" from index {u} to 0 and permuted embedding rows accordingly")

    labels = read_labels(args)
    if labels is None:
        labels = [str(i) for i in range(num_class)]
        print(f"warning: no --labels given; using {labels}", file=sys.stderr)
    if len(labels) != num_class:
        raise BundleError(f"{len(labels)} labels {labels} but {args.weights} fc.bias has {num_class} classes")
    if len(set(labels)) != len(labels):
        raise BundleError(f"duplicate labels: {labels}")

    model = textclf.TextClassificationModel(int(vocab_size), int(embed_dim), int(num_class))
    model.load_state_dict(sd, strict=True)
    model.eval()
    fmt_name = "torchscript" if args.torchscript else "safetensors" if args.safetensors else "pth"
    provenance = OrderedDict([
        ("trainer", "exported by tools/pytorch/export.py (torch %s)" % torch.__version__),
        ("source_weights", os.path.basename(args.weights)),
        ("source_kind", kind),
        ("source_sha256", textclf.sha256_file(args.weights)),
        ("created_utc", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
    ])
    textclf.save_bundle(args.out, model, itos, labels, provenance, fmt=fmt_name, ngrams=args.ngrams)

    # Round trip: reload with the strict loader and compare with the source weights.
    bundle = textclf.load_bundle(args.out)
    probe = ["", textclf.UNK] + itos[1:50] + [" ".join(itos[1:30])]
    with torch.no_grad():
        a = [r["logits"] for r in textclf.predict(bundle, probe)]
        ids = [textclf.encode(t, bundle.vocab, bundle.ngrams)[2] for t in probe]
        _, flat, off = textclf.collate_ids(ids)
        b = model(flat, off).tolist()
    diff = max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
    if diff > 1e-6:
        raise BundleError(f"{args.out}: reloaded bundle differs from the source model (max |diff| {diff})")
    print(f"wrote {args.out} ({fmt_name}); reload check ok (max |logit diff| {diff:.2g})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BundleError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
