#!/usr/bin/python3
"""Write the EmbeddingBag outputs of the parity bundle for the parity texts, made by real PyTorch.

    /usr/bin/python3 tools/pytorch/make_embedding_fixtures.py           # rewrite parity/embeddings*.json
    /usr/bin/python3 tools/pytorch/make_embedding_fixtures.py --check   # compare with the committed files

Reads the texts and ids of tests/fixtures/parity/expected.json (written by make_fixtures.py; this script only adds a
file beside it) and writes [{"text","ids","embedding"}]: model.embedding(ids, offsets) for every text, computed in one
batch (all texts collated, as the server's batcher does) and asserted identical to computing each text alone and to
the TorchScript bundle's module.embedding. An empty bag (no tokens at all) gives zeros. The same for the bigram
bundle: parity/expected_bigram.json + parity/bundle_bigram -> parity/embeddings_bigram.json (ids of unigrams, then
bigrams, as ngrams_iterator orders them).

Also writes two TorchScript bundles of the same weights that the C# side must refuse to explain or embed (400):
  parity/bundle_torchscript_renamed/   the layers are called "emb" and "out" (no standard parameter names)
  parity/bundle_torchscript_summed/    standard names, but EmbeddingBag(mode="sum"): its forward is not fc(mean)
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import torch  # noqa: E402

import textclf  # noqa: E402

PARITY = os.path.join(REPO, "tests", "fixtures", "parity")


class Renamed(torch.nn.Module):
    def __init__(self, sd):
        super().__init__()
        v, d = sd["embedding.weight"].shape
        self.emb = torch.nn.EmbeddingBag(v, d, mode="mean")
        self.out = torch.nn.Linear(d, sd["fc.weight"].shape[0])
        self.load_state_dict({"emb.weight": sd["embedding.weight"], "out.weight": sd["fc.weight"], "out.bias": sd["fc.bias"]})

    def forward(self, text, offsets):
        return self.out(self.emb(text, offsets))


class Summed(torch.nn.Module):
    def __init__(self, sd):
        super().__init__()
        v, d = sd["embedding.weight"].shape
        self.embedding = torch.nn.EmbeddingBag(v, d, mode="sum")
        self.fc = torch.nn.Linear(d, sd["fc.weight"].shape[0])
        self.load_state_dict(sd)

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))


def write_nonstandard_bundles():
    source = os.path.join(PARITY, "bundle_torchscript")
    sd = textclf.load_bundle(os.path.join(PARITY, "bundle")).model.state_dict()
    for name, module in (("bundle_torchscript_renamed", Renamed(sd)), ("bundle_torchscript_summed", Summed(sd))):
        out = os.path.join(PARITY, name)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(source, "config.json"), encoding="utf-8") as f:
            config = json.load(f, object_pairs_hook=OrderedDict)
        config["provenance"] = OrderedDict([("trainer", f"tools/pytorch/make_embedding_fixtures.py: the parity weights in "
                                                        f"{type(module).__name__} (torch {torch.__version__})")])
        with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f, indent=2)
            f.write("\n")
        shutil.copyfile(os.path.join(source, "vocab.json"), os.path.join(out, "vocab.json"))
        torch.jit.save(torch.jit.script(module.eval()), os.path.join(out, config["weights"]))
        print(f"  {name}/ written")


def embeddings(bundle_dir, id_lists):
    bundle = textclf.load_bundle(bundle_dir)
    with torch.no_grad():
        _, flat, offsets = textclf.collate_ids(id_lists)
        return bundle.model.embedding(flat, offsets)


# (expected file with the texts and ids, bundle, TorchScript bundle of the same weights or None, output file)
SETS = [("expected.json", "bundle", "bundle_torchscript", "embeddings.json"),
        ("expected_bigram.json", "bundle_bigram", None, "embeddings_bigram.json")]


def build(expected_file, bundle, scripted_bundle, out_path):
    torch.set_num_threads(1)
    with open(os.path.join(PARITY, expected_file), encoding="utf-8") as f:
        cases = json.load(f)
    ids = [c["ids"] for c in cases]
    batched = embeddings(os.path.join(PARITY, bundle), ids)
    if scripted_bundle is not None and not torch.equal(batched, embeddings(os.path.join(PARITY, scripted_bundle), ids)):
        raise SystemExit("the TorchScript bundle's embedding differs from the state_dict bundle's")
    for i, case_ids in enumerate(ids):
        alone = embeddings(os.path.join(PARITY, bundle), [case_ids]) if i < 20 else None
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
    if not args.check:
        for expected_file, bundle, scripted_bundle, out_file in SETS:
            build(expected_file, bundle, scripted_bundle, os.path.join(PARITY, out_file))
        write_nonstandard_bundles()
        return 0
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for expected_file, bundle, scripted_bundle, out_file in SETS:
            fresh = os.path.join(tmp, out_file)
            build(expected_file, bundle, scripted_bundle, fresh)
            with open(fresh, encoding="utf-8") as a, open(os.path.join(PARITY, out_file), encoding="utf-8") as b:
                same = json.load(a) == json.load(b)
            print(f"{out_file} {'matches' if same else 'differs from'} a fresh build")
            failed += not same
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
