#!/usr/bin/python3
"""Write the EmbeddingBag outputs of the parity bundle for the parity texts, made by real PyTorch.

    /usr/bin/python3 tools/pytorch/make_embedding_fixtures.py           # rewrite tests/fixtures/parity/embeddings.json
    /usr/bin/python3 tools/pytorch/make_embedding_fixtures.py --check   # compare with the committed file

Reads the texts and ids of tests/fixtures/parity/expected.json (written by make_fixtures.py; this script only adds a
file beside it) and writes [{"text","ids","embedding"}]: model.embedding(ids, offsets) for every text, computed in one
batch (all texts collated, as the server's batcher does) and asserted identical to computing each text alone and to
the TorchScript bundle's module.embedding. An empty bag (no tokens at all) gives zeros.
"""
import argparse
import json
import os
import sys
import tempfile
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import torch  # noqa: E402

import textclf  # noqa: E402

PARITY = os.path.join(REPO, "tests", "fixtures", "parity")


def embeddings(bundle_dir, id_lists):
    bundle = textclf.load_bundle(bundle_dir)
    with torch.no_grad():
        _, flat, offsets = textclf.collate_ids(id_lists)
        return bundle.model.embedding(flat, offsets)


def build(out_path):
    torch.set_num_threads(1)
    with open(os.path.join(PARITY, "expected.json"), encoding="utf-8") as f:
        cases = json.load(f)
    ids = [c["ids"] for c in cases]
    batched = embeddings(os.path.join(PARITY, "bundle"), ids)
    scripted = embeddings(os.path.join(PARITY, "bundle_torchscript"), ids)
    if not torch.equal(batched, scripted):
        raise SystemExit("the TorchScript bundle's embedding differs from the state_dict bundle's")
    for i, case_ids in enumerate(ids):
        alone = embeddings(os.path.join(PARITY, "bundle"), [case_ids]) if i < 20 else None
        if alone is not None and not torch.equal(alone[0], batched[i]):
            raise SystemExit(f"text {i}: the embedding alone differs from the batched one")
        if not case_ids and torch.count_nonzero(batched[i]) != 0:
            raise SystemExit(f"text {i}: an empty bag is not zeros")
    items = [OrderedDict([("text", c["text"]), ("ids", c["ids"]), ("embedding", [float(x) for x in batched[i].tolist()])])
             for i, c in enumerate(cases)]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(textclf.dumps_array(items))
    print(f"  {len(items)} embeddings of dimension {batched.shape[1]} -> {out_path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="regenerate into a temp file and compare")
    args = parser.parse_args(argv)
    committed = os.path.join(PARITY, "embeddings.json")
    if not args.check:
        build(committed)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "embeddings.json")
        build(fresh)
        with open(fresh, encoding="utf-8") as a, open(committed, encoding="utf-8") as b:
            if json.load(a) != json.load(b):
                print("embeddings.json differs from a fresh build")
                return 1
    print("embeddings.json matches a fresh build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
