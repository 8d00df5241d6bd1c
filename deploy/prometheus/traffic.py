#!/usr/bin/python3
"""Steady POST /predict traffic for deploy/prometheus/check.sh, with a tally of what the server answered.

Sends the e-mails of data/spamassassin/test.jsonl.gz in turn from a few keep-alive HTTPS connections at a fixed total
rate, plus one invalid body per second (a 400), for a given number of seconds. Prints a JSON summary: the end time
(Unix seconds) and, for the last `--window` seconds before it, the answers per label and the 400s, so that PromQL's
rate(...[1m]) at that time can be compared with what was really sent.
"""
import argparse
import gzip
import http.client
import json
import os
import ssl
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, required=True, help="the server's HTTPS port on 127.0.0.1")
    ap.add_argument("--cacert", required=True, help="the certificate to trust (the server's cert.pem)")
    ap.add_argument("--seconds", type=float, default=75.0)
    ap.add_argument("--rate", type=float, default=60.0, help="predictions per second, all connections together")
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--window", type=float, default=60.0)
    args = ap.parse_args()

    with gzip.open(os.path.join(REPO, "data", "spamassassin", "test.jsonl.gz"), "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"][:4000] for line in f]
    context = ssl.create_default_context(cafile=args.cacert)
    answers, invalid, lock = [], [], threading.Lock()
    start = time.time()
    stop_at = start + args.seconds

    def connect():
        return http.client.HTTPSConnection("127.0.0.1", args.port, context=context, timeout=10)

    def post(conn, body):
        conn.request("POST", "/predict", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()

    def sender(index):
        conn = connect()
        interval = args.connections / args.rate
        n = index
        due = start + index * interval / args.connections
        while True:
            due += interval
            if due >= stop_at:
                break
            time.sleep(max(0.0, due - time.time()))
            status, data = post(conn, json.dumps({"text": texts[n % len(texts)]}).encode())
            n += args.connections
            if status != 200:
                raise SystemExit(f"POST /predict answered {status}: {data[:200]!r}")
            with lock:
                answers.append((time.time(), json.loads(data)["label"]))
        conn.close()

    def bad_sender():
        conn = connect()
        due = start
        while True:
            due += 1.0
            if due >= stop_at:
                break
            time.sleep(max(0.0, due - time.time()))
            status, _ = post(conn, b'{"txt": "a typo"}')
            with lock:
                invalid.append((time.time(), status))
        conn.close()

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(args.connections)] + [threading.Thread(target=bad_sender)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    end = time.time()
    since = end - args.window
    last = {}
    for at, label in answers:
        if at > since:
            last[label] = last.get(label, 0) + 1
    total = {}
    for _, label in answers:
        total[label] = total.get(label, 0) + 1
    print(json.dumps({
        "end": end, "seconds": round(end - start, 1), "window": args.window,
        "answers_in_window": last, "answers_total": total,
        "invalid_in_window": sum(1 for at, status in invalid if at > since and status == 400),
    }))


if __name__ == "__main__":
    main()
