#!/usr/bin/python3
"""Load a bundle in real PyTorch and print predictions as JSON; optionally compare with another run.

    /usr/bin/python3 tools/pytorch/verify.py BUNDLE_DIR "some text" "another text"
    /usr/bin/python3 tools/pytorch/verify.py BUNDLE_DIR --input texts.jsonl      # {"text": ...} per line
    /usr/bin/python3 tools/pytorch/verify.py BUNDLE_DIR --input texts.txt        # one text per line
    echo "text" | /usr/bin/python3 tools/pytorch/verify.py BUNDLE_DIR             # stdin, one per line
    /usr/bin/python3 tools/pytorch/verify.py BUNDLE_DIR --compare csharp.json    # texts taken from it

Any bundle works: architecture "text_classification" (model_weights.pth state_dict loaded with
strict load_state_dict, or model.safetensors) and architecture "torchscript" (model.pt).
Output: JSON array of {"text","tokens","terms","ids","logits","probabilities","label"} (terms: the
tokens then their n-grams up to the bundle's "ngrams", one per id; probabilities is a
dict label -> p; floats are the float32 values written as Python floats).

--compare OTHER.json: OTHER is a JSON array of the same shape (e.g. from the C# CLI). Item i is
compared with our prediction for the same text: tokens, terms and ids identical, max |logit diff| <= --tol
(default 1e-5), probabilities within --tol, same label. Prints a summary to stderr and exits 1 on
any mismatch. If no texts are given with --compare, the texts of OTHER.json are used.
Exit codes: 0 ok, 1 mismatch, 2 invalid bundle/input.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import textclf  # noqa: E402


def read_texts(path):
    name = path[:-3] if path.endswith(".gz") else path
    with textclf.open_text(path) as f:
        content = f.read()
    if name.endswith(".json"):
        data = json.loads(content)
        if not isinstance(data, list):
            raise textclf.BundleError(f"{path}: expected a JSON array of strings or of objects with \"text\"")
        return [d if isinstance(d, str) else d["text"] for d in data]
    if name.endswith(".jsonl") or name.endswith(".ndjson"):
        out = []
        for lineno, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            if isinstance(obj, str):
                out.append(obj)
            elif isinstance(obj, dict) and isinstance(obj.get("text"), str):
                out.append(obj["text"])
            else:
                raise textclf.BundleError(f"{path}:{lineno}: expected {{\"text\": ...}}")
        return out
    return _lines(content)


def _lines(content):
    # one text per line: split on \n only (so \r, U+2028, U+0085 etc. stay inside a text), drop a
    # trailing \r of CRLF files; a final newline does not make an extra empty text.
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def compare(ours, theirs, tol, log):
    """Return the number of mismatching items (a length mismatch counts as one)."""
    bad = 0
    if len(ours) != len(theirs):
        log(f"MISMATCH: {len(ours)} items here vs {len(theirs)} in the other file")
        bad += 1
    max_logit = 0.0
    max_prob = 0.0
    for i, (a, b) in enumerate(zip(ours, theirs)):
        problems = []
        if not isinstance(b, dict):
            log(f"[{i}] MISMATCH: other item is not an object")
            bad += 1
            continue
        if "text" in b and b["text"] != a["text"]:
            problems.append("text differs")
        if "tokens" in b and b["tokens"] != a["tokens"]:
            problems.append(f"tokens differ: {_first_diff(a['tokens'], b['tokens'])}")
        if "terms" in b and b["terms"] != a["terms"]:
            problems.append(f"terms differ: {_first_diff(a['terms'], b['terms'])}")
        if "ids" in b and b["ids"] != a["ids"]:
            problems.append(f"ids differ: {_first_diff(a['ids'], b['ids'])}")
        if "logits" not in b or len(b["logits"]) != len(a["logits"]):
            problems.append("logits missing or wrong length")
        else:
            d = max((abs(x - y) for x, y in zip(a["logits"], b["logits"])), default=0.0)
            max_logit = max(max_logit, d)
            if not d <= tol:
                problems.append(f"max |logit diff| {d:.3g} > {tol:g}")
        if isinstance(b.get("probabilities"), dict):
            pa, pb = a["probabilities"], b["probabilities"]
            if set(pa) != set(pb):
                problems.append(f"probability labels differ: {sorted(pa)} vs {sorted(pb)}")
            else:
                d = max((abs(pa[k] - pb[k]) for k in pa), default=0.0)
                max_prob = max(max_prob, d)
                if not d <= tol:
                    problems.append(f"max |probability diff| {d:.3g} > {tol:g}")
        if b.get("label") != a["label"]:
            problems.append(f"label {a['label']!r} vs {b.get('label')!r}")
        if problems:
            bad += 1
            if bad <= 20:
                log(f"[{i}] MISMATCH {a['text'][:60]!r}: " + "; ".join(problems))
    log(f"compared {min(len(ours), len(theirs))} items: {bad} mismatching; "
        f"max |logit diff| {max_logit:.3g}, max |probability diff| {max_prob:.3g} (tol {tol:g})")
    return bad


def _first_diff(x, y):
    for j, (p, q) in enumerate(zip(x, y)):
        if p != q:
            return f"at {j}: {p!r} vs {q!r}"
    return f"lengths {len(x)} vs {len(y)}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bundle", help="bundle directory (config.json, vocab.json, weights)")
    ap.add_argument("texts", nargs="*", help="texts to classify")
    ap.add_argument("--input", metavar="FILE", help=".jsonl ({\"text\"}), .json (array) or text file (one per line)")
    ap.add_argument("--compare", metavar="OTHER.json", help="compare with another predictions array; exit 1 on mismatch")
    ap.add_argument("--tol", type=float, default=1e-5, help="max |logit diff| for --compare (default 1e-5)")
    ap.add_argument("--output", metavar="FILE", help="write the JSON here instead of stdout")
    ap.add_argument("--quiet", action="store_true", help="with --compare: do not print the predictions")
    args = ap.parse_args(argv)

    try:
        bundle = textclf.load_bundle(args.bundle)
        other = None
        if args.compare:
            with open(args.compare, encoding="utf-8-sig") as f:
                other = json.load(f)
            if not isinstance(other, list):
                raise textclf.BundleError(f"{args.compare}: expected a JSON array")
        texts = list(args.texts)
        if args.input:
            texts.extend(read_texts(args.input))
        if not texts and other is not None:
            texts = [o["text"] for o in other]
        elif not texts and not args.input:
            if sys.stdin.isatty():
                print("reading texts from stdin, one per line (Ctrl-D to end)", file=sys.stderr)
            texts = _lines(sys.stdin.read())
    except (textclf.BundleError, OSError, json.JSONDecodeError, KeyError, TypeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    results = textclf.predict(bundle, texts)
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    log(f"bundle {args.bundle}: architecture {bundle.architecture}, weights {bundle.config['weights']}, "
        f"vocab {len(bundle.vocab)}, ngrams {bundle.ngrams}, labels {bundle.labels}; {len(results)} text(s)")
    if not (args.quiet and other is not None):
        text = textclf.dumps_array(results)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
    if other is not None:
        return 1 if compare(results, other, args.tol, log) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
