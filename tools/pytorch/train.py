#!/usr/bin/python3
"""Train the torchtext-tutorial TextClassificationModel in PyTorch and write a bundle.

    /usr/bin/python3 tools/pytorch/train.py --train data/spamassassin/train.jsonl.gz \
        --test data/spamassassin/test.jsonl.gz --out models/spam-py

Workflow (torchtext text-classification tutorial, without torchtext):
  basic_english tokenizer -> ngrams_iterator(tokens, --ngrams) -> vocab (build_vocab_from_iterator,
  specials ["<unk>"], min_freq)
  -> labels = sorted unique label strings -> EmbeddingBag(mean)+Linear
  -> CrossEntropyLoss + SGD; per epoch: train loop (zero_grad, forward, loss.backward, step)
  then a test loop under torch.no_grad(); prints train loss, test loss, accuracy, seconds.
Without --test, a seeded --valid-split fraction of the training data is held out as test set.
Deterministic for a given --seed (model init via torch.manual_seed, shuffling via a seeded
torch.Generator) and --threads (default 1).
Timing: the text is tokenized and looked up ONCE before training; "epoch seconds" covers the
train loop + test loop of that epoch only (batch tensor building included).
"""
import argparse
import datetime
import json
import os
import sys
import time
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
from torch import nn  # noqa: E402

import textclf  # noqa: E402


def encode_all(examples, vocab, label_to_id, ngrams=1):
    ids, labels = [], []
    for text, label in examples:
        ids.append(textclf.encode(text, vocab, ngrams)[2])
        labels.append(label_to_id[label])
    return ids, labels


def run_epoch(model, ids, labels, batch_size, optimizer=None, criterion=None, generator=None, clip=0.0):
    """One pass. With optimizer: training (shuffled with generator). Returns (mean loss, accuracy)."""
    n = len(ids)
    training = optimizer is not None
    order = torch.randperm(n, generator=generator).tolist() if training else list(range(n))
    total_loss, correct = 0.0, 0
    model.train(training)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        lab, text, offsets = textclf.collate_ids([ids[i] for i in idx], [labels[i] for i in idx])
        if training:
            optimizer.zero_grad()
            logits = model(text, offsets)
            loss = criterion(logits, lab)
            loss.backward()
            if clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
        else:
            logits = model(text, offsets)
            loss = criterion(logits, lab)
        total_loss += loss.item() * len(idx)
        correct += (logits.argmax(1) == lab).sum().item()
    return total_loss / max(n, 1), correct / max(n, 1)


def train(train_examples, test_examples, *, embed_dim=64, min_freq=1, max_tokens=None, lr=5.0,
          batch_size=64, epochs=5, seed=0, optimizer_name="sgd", momentum=0.0, clip=0.0, ngrams=1,
          log=print):
    """Train and return (model, vocab, labels, metrics). Deterministic for a seed."""
    torch.manual_seed(seed)
    vocab = textclf.build_vocab_from_iterator((textclf.terms(textclf.basic_english(t), ngrams) for t, _ in train_examples),
                                              min_freq=min_freq, specials=[textclf.UNK], max_tokens=max_tokens)
    labels = sorted({lab for _, lab in train_examples})
    unknown = sorted({lab for _, lab in test_examples} - set(labels))
    if unknown:
        raise textclf.BundleError(f"test labels not seen in training data: {unknown}")
    label_to_id = {lab: i for i, lab in enumerate(labels)}
    t0 = time.perf_counter()
    tr_ids, tr_lab = encode_all(train_examples, vocab, label_to_id, ngrams)
    te_ids, te_lab = encode_all(test_examples, vocab, label_to_id, ngrams)
    log(f"vocab {len(vocab)} terms (min_freq={min_freq}, ngrams={ngrams}), labels {labels}, "
        f"train {len(tr_ids)} / test {len(te_ids)} examples; tokenize+lookup {time.perf_counter() - t0:.2f}s")

    model = textclf.TextClassificationModel(len(vocab), embed_dim, len(labels))
    criterion = nn.CrossEntropyLoss()
    if optimizer_name == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    elif optimizer_name == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        raise ValueError(optimizer_name)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(1, epochs + 1):
        t_start = time.perf_counter()
        train_loss, train_acc = run_epoch(model, tr_ids, tr_lab, batch_size, optimizer, criterion, gen, clip)
        t_train = time.perf_counter() - t_start
        with torch.no_grad():
            test_loss, test_acc = run_epoch(model, te_ids, te_lab, batch_size, criterion=criterion)
        secs = time.perf_counter() - t_start
        history.append(OrderedDict([("epoch", epoch), ("train_loss", train_loss), ("train_accuracy", train_acc),
                                    ("test_loss", test_loss), ("test_accuracy", test_acc),
                                    ("train_seconds", round(t_train, 4)), ("epoch_seconds", round(secs, 4))]))
        log(f"| epoch {epoch:3d} | train loss {train_loss:.4f} | train acc {train_acc:.4f} | "
            f"test loss {test_loss:.4f} | test acc {test_acc:.4f} | "
            f"time {secs:.3f}s (train {t_train:.3f}s) |")
    model.eval()
    metrics = OrderedDict([("epochs", history)])
    if history:
        metrics["final_test_accuracy"] = history[-1]["test_accuracy"]
        metrics["final_test_loss"] = history[-1]["test_loss"]
        metrics["mean_epoch_seconds"] = round(sum(h["epoch_seconds"] for h in history) / len(history), 4)
    return model, vocab, labels, metrics


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", nargs="+", required=True, metavar="FILE",
                    help="training data: .csv/.tsv (text,label) or .jsonl ({text,label}), optionally .gz")
    ap.add_argument("--test", metavar="FILE", help="test data (same formats); default: hold out --valid-split")
    ap.add_argument("--valid-split", type=float, default=0.05, help="held-out fraction when --test is absent")
    ap.add_argument("--out", required=True, metavar="DIR", help="bundle directory to write")
    ap.add_argument("--lr", type=float, default=5.0, help="learning rate (default 5.0, tutorial SGD)")
    ap.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    ap.add_argument("--momentum", type=float, default=0.0, help="SGD momentum (default 0)")
    ap.add_argument("--clip-grad-norm", type=float, default=0.0,
                    help="clip_grad_norm_ max norm after backward (tutorial uses 0.1; default 0 = off)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--embed-dim", type=int, default=64)
    ap.add_argument("--min-freq", type=int, default=1)
    ap.add_argument("--ngrams", type=int, default=1,
                    help=f"terms: tokens + their n-grams up to N (torchtext ngrams_iterator; 1..{textclf.MAX_NGRAMS}, default 1)")
    ap.add_argument("--max-tokens", type=int, default=None, help="vocab size cap incl. <unk> (default none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    ap.add_argument("--format", choices=["pth", "safetensors", "torchscript"], default="pth",
                    help="weights format of the written bundle (default pth = state_dict)")
    args = ap.parse_args(argv)
    if not 1 <= args.ngrams <= textclf.MAX_NGRAMS:
        ap.error(f"--ngrams must be from 1 to {textclf.MAX_NGRAMS} (got {args.ngrams})")

    torch.set_num_threads(args.threads)
    train_examples = []
    for path in args.train:
        train_examples.extend(textclf.read_examples(path))
    if not train_examples:
        ap.error("no training examples")
    if args.test:
        test_examples = textclf.read_examples(args.test)
    else:
        g = torch.Generator().manual_seed(args.seed)
        perm = torch.randperm(len(train_examples), generator=g).tolist()
        n_test = max(1, int(len(train_examples) * args.valid_split))
        test_examples = [train_examples[i] for i in perm[:n_test]]
        train_examples = [train_examples[i] for i in sorted(perm[n_test:])]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, seed {args.seed}")
    model, vocab, labels, metrics = train(
        train_examples, test_examples, embed_dim=args.embed_dim, min_freq=args.min_freq,
        max_tokens=args.max_tokens, lr=args.lr, batch_size=args.batch_size, epochs=args.epochs, seed=args.seed,
        optimizer_name=args.optimizer, momentum=args.momentum, clip=args.clip_grad_norm, ngrams=args.ngrams)
    hyper = OrderedDict([("optimizer", args.optimizer), ("lr", args.lr), ("momentum", args.momentum),
                         ("clip_grad_norm", args.clip_grad_norm), ("batch_size", args.batch_size),
                         ("epochs", args.epochs), ("embed_dim", args.embed_dim), ("ngrams", args.ngrams), ("min_freq", args.min_freq),
                         ("max_tokens", args.max_tokens), ("seed", args.seed), ("threads", args.threads),
                         ("loss", "CrossEntropyLoss"), ("valid_split", None if args.test else args.valid_split)])
    data_sha = OrderedDict((os.path.basename(p), textclf.sha256_file(p)) for p in args.train)
    if args.test:
        data_sha["test:" + os.path.basename(args.test)] = textclf.sha256_file(args.test)
    provenance = OrderedDict([
        ("trainer", f"tools/pytorch/train.py (torch {torch.__version__})"),
        ("hyperparameters", hyper),
        ("data_sha256", data_sha),
        ("metrics", metrics),
        ("created_utc", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
    ])
    textclf.save_bundle(args.out, model, vocab, labels, provenance, fmt=args.format, ngrams=args.ngrams)
    if metrics["epochs"]:
        print(f"mean epoch seconds {metrics['mean_epoch_seconds']:.3f} | final test accuracy "
              f"{metrics['final_test_accuracy']:.4f}")
    print(f"wrote bundle {args.out} ({json.dumps(labels)})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except textclf.BundleError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
