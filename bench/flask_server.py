#!/usr/bin/python3
"""The Python baseline the C# server replaces: Flask + jsonify + PyTorch, same bundle, same JSON contract, TLS.

This is the classic notes-style server, kept deliberately plain (it is the thing being measured against):
the model is built, `load_state_dict(torch.load(...))` is called, then `eval()`; every request tokenizes
with torchtext's `basic_english` (tools/pytorch/textclf.py, not duplicated here), looks the tokens up in
the vocab and runs the model under `torch.no_grad()`; responses are built with `jsonify`.
`torch.set_num_threads(1)` is applied in every process that loads the model (each gunicorn worker).

Endpoints (same as src/Server):
  GET  /health        200 {"status": "ok", ...} once the model is loaded
  GET  /health/live   200 (trivial)
  POST /predict       {"text": "..."}      -> {"label", "score", "probabilities": {label: p}}
                      {"texts": ["...", ...]} -> {"predictions": [ {...}, ... ]}
                      400 problem details ({"title", "status", "detail"}) for a body that is not exactly one of
                      those (not JSON, not an object, unknown property, wrong type, empty or whitespace-only
                      text, empty batch or more than BENCH_MAX_BATCH (256) texts), as the C# server does

Run it three ways (run with Debian's /usr/bin/python3, which has python3-torch, -flask and -gunicorn):

  # Flask's own server, threaded, TLS
  /usr/bin/python3 bench/flask_server.py --port 8443 --model models/default --cert cert.pem --key key.pem

  # gunicorn, 2 sync workers / 2 workers x 4 threads (gthread); the app comes from the factory, which
  # reads BENCH_MODEL (default models/default) when called with no arguments
  BENCH_MODEL=models/default /usr/bin/python3 -m gunicorn --chdir bench -w 2 -b 127.0.0.1:8443 \
      --certfile cert.pem --keyfile key.pem 'flask_server:create_app()'
  BENCH_MODEL=models/default /usr/bin/python3 -m gunicorn --chdir bench -w 2 --threads 4 -b 127.0.0.1:8443 \
      --certfile cert.pem --keyfile key.pem 'flask_server:create_app()'
  (`flask_server:app` works too: the module attribute `app` is created lazily by the same factory.)
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tools", "pytorch"))

import torch  # noqa: E402
from flask import Flask, jsonify, request  # noqa: E402

import textclf  # noqa: E402  (tools/pytorch/textclf.py: tokenizer, Vocab, model class, bundle checks)

DEFAULT_MODEL = os.path.join(REPO, "models", "default")


def load_model(model_dir):
    """Build the model, load_state_dict(torch.load(...)), eval(). Returns (model, vocab, labels)."""
    config = textclf.load_config(model_dir)
    vocab = textclf.Vocab(textclf.load_vocab_file(os.path.join(model_dir, config["vocab"])))
    weights = os.path.join(model_dir, config["weights"])
    if config["architecture"] == textclf.ARCH_TEXT_CLASSIFICATION and weights.endswith(".pth"):
        model = textclf.TextClassificationModel(config["vocab_size"], config["embed_dim"], config["num_class"])
        model.load_state_dict(torch.load(weights, map_location="cpu"))
        model.eval()
    else:  # safetensors / TorchScript bundles: the shared loader handles those formats
        model = textclf.load_bundle(model_dir).model
    return model, vocab, list(config["labels"])


def create_app(model_dir=None, threads=None):
    """WSGI app factory. Defaults come from BENCH_MODEL and BENCH_TORCH_THREADS (default 1)."""
    model_dir = model_dir or os.environ.get("BENCH_MODEL") or DEFAULT_MODEL
    if not os.path.isabs(model_dir) and not os.path.isdir(model_dir) and os.path.isdir(os.path.join(REPO, model_dir)):
        model_dir = os.path.join(REPO, model_dir)  # e.g. BENCH_MODEL=models/default with gunicorn --chdir bench
    threads = int(threads or os.environ.get("BENCH_TORCH_THREADS") or 1)
    max_batch = int(os.environ.get("BENCH_MAX_BATCH") or 256)
    torch.set_num_threads(threads)
    model, vocab, labels = load_model(model_dir)

    app = Flask(__name__)
    if hasattr(app, "json") and hasattr(app.json, "sort_keys"):  # keep the bundle's label order
        app.json.sort_keys = False
    else:  # Flask < 2.2
        app.config["JSON_SORT_KEYS"] = False

    def classify(texts):
        id_lists = [vocab(textclf.basic_english(t)) for t in texts]
        offsets = [0]
        for ids in id_lists[:-1]:
            offsets.append(offsets[-1] + len(ids))
        flat = [i for ids in id_lists for i in ids]
        with torch.no_grad():
            logits = model(torch.tensor(flat, dtype=torch.int64), torch.tensor(offsets, dtype=torch.int64))
            probs = torch.softmax(logits, dim=1).tolist()
        out = []
        for row in probs:
            best = max(range(len(row)), key=row.__getitem__)
            out.append({"label": labels[best], "score": row[best],
                        "probabilities": {labels[j]: p for j, p in enumerate(row)}})
        return out

    def bad_request(message):
        response = jsonify({"title": "Bad Request", "status": 400, "detail": message})
        response.status_code = 400
        response.mimetype = "application/problem+json"
        return response

    def text_problem(value, name):
        if not isinstance(value, str):
            return f"\"{name}\" must be a string"
        if not value.strip():
            return f"\"{name}\" is empty or whitespace-only; send some text to classify"
        return None

    @app.get("/health")
    def health():
        return jsonify({"status": "ok", "model": os.path.basename(os.path.normpath(model_dir)), "labels": labels})

    @app.get("/health/live")
    def live():
        return jsonify({"status": "ok"})

    @app.post("/predict")
    def predict():
        body = request.get_json(force=True, silent=True)
        if not isinstance(body, dict):
            return bad_request("request body must be a JSON object: {\"text\": \"...\"} or {\"texts\": [\"...\"]}")
        unknown = sorted(set(body) - {"text", "texts"})
        if unknown:
            return bad_request(f"unknown property \"{unknown[0]}\"; only \"text\" or \"texts\" is accepted")
        if "text" in body and "texts" in body:
            return bad_request("the request body has both \"text\" and \"texts\"; send exactly one")
        if "text" in body:
            problem = text_problem(body["text"], "text")
            if problem:
                return bad_request(problem)
            return jsonify(classify([body["text"]])[0])
        if "texts" in body:
            texts = body["texts"]
            if not isinstance(texts, list) or not texts:
                return bad_request("\"texts\" must be a non-empty array of strings")
            if len(texts) > max_batch:
                return bad_request(f"\"texts\" has {len(texts)} items; at most {max_batch} are accepted per request")
            for i, t in enumerate(texts):
                problem = text_problem(t, f"texts[{i}]")
                if problem:
                    return bad_request(problem)
            return jsonify({"predictions": classify(texts)})
        return bad_request("the request body has neither \"text\" nor \"texts\"")

    return app


_app = None


def __getattr__(name):  # PEP 562: `flask_server:app` for WSGI servers, created on first access
    global _app
    if name == "app":
        if _app is None:
            _app = create_app()
        return _app
    raise AttributeError(name)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Flask + PyTorch baseline server (app.run, threaded, TLS)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8443)
    ap.add_argument("--model", default=os.environ.get("BENCH_MODEL") or DEFAULT_MODEL, help="bundle directory")
    ap.add_argument("--cert", required=True, help="PEM certificate")
    ap.add_argument("--key", required=True, help="PEM private key")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    args = ap.parse_args(argv)
    app = create_app(args.model, args.threads)
    app.run(host=args.host, port=args.port, threaded=True, ssl_context=(args.cert, args.key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
