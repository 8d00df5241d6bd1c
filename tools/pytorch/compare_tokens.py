#!/usr/bin/python3
"""Tokenizer parity over whole data files: the Python basic_english port vs the C# `textclf tokenize`.

    textclf tokenize --input data/spamassassin/test.jsonl.gz > cs.jsonl
    /usr/bin/python3 tools/pytorch/compare_tokens.py data/spamassassin/test.jsonl.gz --csharp cs.jsonl
    textclf tokenize --input F.jsonl.gz | /usr/bin/python3 tools/pytorch/compare_tokens.py F.jsonl.gz

The data files are read with textclf.read_examples (.jsonl / .csv / .tsv, optionally .gz; the same
readers as train.py) and every text is tokenized with textclf.basic_english. The C# output is one
JSON array of tokens per text, one per line, in file order (lines are split on "\\n" only, so a raw
U+2028/U+0085 inside a JSON string does not break a line).

Several data files: give one --csharp file per data file (compared pairwise), or a single --csharp
file / stdin holding the outputs of all data files concatenated in the same order.

Prints the number of texts, the number of mismatching texts and the first --show mismatches (text
excerpt, first differing token position, the Python and C# tokens around it), plus a tally of the
first differing token pairs. Exit codes: 0 identical, 1 any mismatch or count difference,
2 unreadable input.
"""
import argparse
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import textclf  # noqa: E402


def read_csharp(path):
    """List of token lists from `textclf tokenize` output ('-' = stdin)."""
    raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    out = []
    for lineno, line in enumerate(raw.split(b"\n"), 1):
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line.strip():
            continue
        where = f"{'<stdin>' if path == '-' else path}:{lineno}"
        try:
            tokens = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise textclf.BundleError(f"{where}: not valid UTF-8: {e}") from None
        except json.JSONDecodeError as e:
            raise textclf.BundleError(f"{where}: invalid JSON: {e}") from None
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise textclf.BundleError(f"{where}: expected a JSON array of strings")
        out.append(tokens)
    return out


def first_diff(a, b):
    for j, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return j
    return min(len(a), len(b))


def excerpt(s, n=80):
    s = s if len(s) <= n else s[:n] + "..."
    return json.dumps(s, ensure_ascii=True)


def context_around(text, py_tokens, j, width=60):
    """A slice of the raw text around the first differing token (found via the token before it)."""
    low = text.lower()
    pos = 0
    for t in py_tokens[:j]:
        k = low.find(t, pos)
        if k >= 0:
            pos = k + len(t)
    return excerpt(text[max(0, pos - 10):pos + width], width + 10)


def compare(texts, cs_tokens, show, log):
    """texts: list of (source, index, text). Returns (n_mismatching, tally of first-diff pairs)."""
    bad = 0
    tally = Counter()
    for (src, idx, text), cs in zip(texts, cs_tokens):
        py = textclf.basic_english(text)
        if py == cs:
            continue
        bad += 1
        j = first_diff(py, cs)
        pa = py[j] if j < len(py) else "<end>"
        pb = cs[j] if j < len(cs) else "<end>"
        tally[(pa, pb)] += 1
        if bad <= show:
            lo, hi = max(0, j - 3), j + 4
            log(f"--- mismatch {bad}: {src} text #{idx} ({len(text)} chars; {len(py)} python vs {len(cs)} C# tokens)")
            log(f"    text      : {excerpt(text)}")
            log(f"    near diff : {context_around(text, py, j)}")
            log(f"    first diff at token {j}: python {pa!r} vs C# {pb!r}")
            log(f"    python[{lo}:{hi}]: {json.dumps(py[lo:hi], ensure_ascii=True)}")
            log(f"    C#    [{lo}:{hi}]: {json.dumps(cs[lo:hi], ensure_ascii=True)}")
    return bad, tally


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="+", help="data files (.jsonl/.csv/.tsv, optionally .gz)")
    ap.add_argument("--csharp", action="append", metavar="FILE",
                    help="C# `textclf tokenize` output (JSONL); '-' or absent = stdin; repeat once per data file")
    ap.add_argument("--show", type=int, default=5, help="print the first N mismatches (default 5)")
    args = ap.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731

    cs_paths = args.csharp or ["-"]
    if len(cs_paths) not in (1, len(args.data)):
        ap.error(f"give one --csharp file, or one per data file ({len(args.data)}), not {len(cs_paths)}")
    if cs_paths.count("-") > 1:
        ap.error("stdin ('-') can be used only once")
    try:
        per_file = [[(p, i, text) for i, (text, _) in enumerate(textclf.read_examples(p))] for p in args.data]
        cs_all = [read_csharp(p) for p in cs_paths]
    except (textclf.BundleError, OSError, EOFError, ValueError) as e:
        log(f"error: {e}")
        return 2
    groups = list(zip(per_file, cs_all)) if len(cs_all) == len(per_file) else \
        [([t for f in per_file for t in f], cs_all[0])]

    n_texts = sum(len(f) for f in per_file)
    n_tokens = sum(len(textclf.basic_english(t)) for f in per_file for _, _, t in f)
    bad = 0
    count_problems = 0
    tally = Counter()
    for texts, cs in groups:
        if len(texts) != len(cs):
            count_problems += 1
            names = sorted({s for s, _, _ in texts}) or args.data
            log(f"COUNT MISMATCH: {len(texts)} texts in {', '.join(names)} vs {len(cs)} C# token lines")
        b, t = compare(texts, cs, max(0, args.show - bad), log)
        bad += b
        tally.update(t)
    if tally:
        common = ", ".join(f"{a!r} vs {b!r} x{n}" for (a, b), n in tally.most_common(10))
        log(f"first differing tokens (python vs C#), most common: {common}")
    print(f"compare_tokens: {n_texts} texts ({n_tokens} python tokens) in {len(args.data)} file(s); "
          f"{bad} mismatching text(s)" + (f"; {count_problems} count mismatch(es)" if count_problems else ""))
    return 1 if bad or count_problems else 0


if __name__ == "__main__":
    sys.exit(main())
