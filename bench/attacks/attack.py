#!/usr/bin/python3
"""Hostile-client attacks on the published C# server, each with a verdict. Driven by the two scripts beside this file:

    bench/attacks/connection-flood.sh [--server-dir DIR] [--nofile 1200] [--connections 1500]
    bench/attacks/stalled-uploads.sh  [--server-dir DIR] [--connections 300]
    bench/attacks/slowloris.sh        [--server-dir DIR] [--connections 500] [--interval 10]

Without --server-dir the server is published (Release) into a temporary directory first. The server runs on a free
127.0.0.1 port with a fresh certificate directory; a probe thread sends one small POST /predict every 25 ms over one
kept-alive HTTPS connection (opened before the attack, as a pooled client would) throughout, and the p50/p99 of the
probe is reported for the quiet phase ("without") and the attack ("during") of the same run.

flood: starts the server under `prlimit --nofile=N`, opens idle TLS connections past the server's connection cap,
  holds them (the probe keeps running), watches the server close idle ones after its keep-alive timeout, closes the
  rest, and checks that new clients are answered again. Fails if the server dies, its RSS runs away (the watchdog
  kills it past --rss-limit-mb), no connection is refused, the probe fails, or new clients are not answered after.
stall: opens connections that each declare Content-Length: 1048576, send 1 MiB - 1 byte and then nothing. Fails
  unless every one is answered 408 around Server:RequestBodyTimeout and closed, the probe never fails, and the
  server's RSS (VmRSS) settles back within 10 % of its level before the attack.
slowloris: opens connections that each send a request line and then one more header line every --interval seconds,
  never finishing the headers. Fails unless every one is cut (408) around Kestrel's RequestHeadersTimeout (30 s) and
  closed, the probe is never refused meanwhile, and the server stays up.

Exit code 0 when every check passes, 1 otherwise.
"""
import argparse
import os
import select
import shutil
import socket
import ssl
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import run as bench  # noqa: E402  (bench/run.py: process, RSS and HTTPS client helpers)

PROBE_BODY = b'{"text": "Congratulations! You won a $1,000 gift card. Click here to claim it."}'
PROBE_INTERVAL = 0.025
WARM_UP = 5.0


# --------------------------------------------------------------------------------------------------------------
# The server under attack
# --------------------------------------------------------------------------------------------------------------
class Server:
    def __init__(self, server_dir, work, nofile=None, extra=(), env=None):
        self.port = bench.free_port()
        self.certs = os.path.join(work, "certs")
        self.cafile = os.path.join(self.certs, "cert.pem")
        self.log_path = os.path.join(work, "server.log")
        cmd = [os.path.join(server_dir, "Server"), "--urls", f"https://127.0.0.1:{self.port}",
               f"--Tls:CertificateDirectory={self.certs}", *extra]
        if nofile:
            cmd = ["prlimit", f"--nofile={nofile}:{nofile}", *cmd]
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("ASPNETCORE_", "DOTNET_ENVIRONMENT"))}
        self.proc = bench.start_process(cmd, self.log_path, env={**environment, **(env or {})}, cwd=server_dir)
        self.pid = self.proc.pid  # prlimit execs the server: same PID
        bench.wait_healthy(self.proc, self.port, self.cafile, timeout=180, log_path=self.log_path)

    def alive(self):
        return self.proc.poll() is None

    def rss_mb(self):
        return bench._status_kb(self.pid, "VmRSS:") / 1024

    def descriptors(self):
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return 0

    def log_lines(self, *needles):
        with open(self.log_path, errors="replace") as f:
            return [line.rstrip() for line in f if any(n in line for n in needles)]

    def context(self):
        return ssl.create_default_context(cafile=self.cafile)

    def stop(self):
        bench._kill_group(self.proc)


def server_dir_for(args, work):
    if args.server_dir:
        return os.path.abspath(args.server_dir)
    out = os.path.join(work, "app")
    bench.dotnet_publish("src/Server", out, os.path.join(work, "publish.log"))
    return out


# --------------------------------------------------------------------------------------------------------------
# The probe: a well-behaved client sending small predictions over one kept-alive connection
# --------------------------------------------------------------------------------------------------------------
class Probe:
    def __init__(self, server):
        self.server = server
        self.samples = []  # (start time, latency s, ok)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        client = bench.Client(self.server.port, self.server.cafile)
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                status, _ = client.request("POST", "/predict", body=PROBE_BODY, timeout=10.0)
                ok = status == 200
            except (OSError, ValueError, bench.http.client.HTTPException):
                ok = False
            with self._lock:
                self.samples.append((t0, time.monotonic() - t0, ok))
            self._stop.wait(max(0.0, PROBE_INTERVAL - (time.monotonic() - t0)))
        client.close()

    def window(self, t0, t1):
        with self._lock:
            chosen = [(lat, ok) for t, lat, ok in self.samples if t0 <= t < t1]
        latencies = sorted(lat * 1000 for lat, ok in chosen if ok)
        failed = sum(1 for _, ok in chosen if not ok)
        if not latencies:
            return {"requests": len(chosen), "failed": failed, "p50_ms": None, "p99_ms": None, "max_ms": None}
        p99 = latencies[min(len(latencies) - 1, int(round(0.99 * (len(latencies) - 1))))]
        return {"requests": len(chosen), "failed": failed, "p50_ms": statistics.median(latencies), "p99_ms": p99,
                "max_ms": latencies[-1]}

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=15)


def fmt_window(name, w):
    def ms(v):
        return "   -  " if v is None else f"{v:6.1f}"
    return (f"  probe {name:<8} {w['requests']:5d} requests, {w['failed']:3d} failed, "
            f"p50 {ms(w['p50_ms'])} ms, p99 {ms(w['p99_ms'])} ms, max {ms(w['max_ms'])} ms")


def closed_by_peer(sock):
    """True when the server has closed (or reset) this idle connection."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1) == b""
    except ssl.SSLWantReadError:
        return False
    except (OSError, ssl.SSLError):
        return True


def fresh_request(server, method, path, body=None):
    """One request on a new connection: the status, or the error's name."""
    client = bench.Client(server.port, server.cafile)
    try:
        return client.request(method, path, body=body, timeout=10.0)[0]
    except (OSError, bench.http.client.HTTPException) as e:
        return type(e).__name__
    finally:
        client.close()


class Watchdog:
    """Kills the server if its RSS passes a limit (the unpatched server's runaway would take the machine down)."""

    def __init__(self, server, limit_mb):
        self.server, self.limit_mb = server, limit_mb
        self.peak_mb, self.tripped = 0.0, False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set() and self.server.alive():
            rss = self.server.rss_mb()
            self.peak_mb = max(self.peak_mb, rss)
            if rss > self.limit_mb:
                self.tripped = True
                self.server.stop()
                return
            self._stop.wait(0.2)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)


def gone(server, watchdog=None):
    if watchdog is not None and watchdog.tripped:
        return f" (the watchdog killed it at {watchdog.peak_mb:.0f} MB RSS)"
    return "" if server.alive() else f" (it exited with status {server.proc.returncode})"


class Verdict:
    def __init__(self):
        self.failures = []

    def check(self, ok, what):
        print(f"  [{'ok' if ok else 'FAIL'}] {what}")
        if not ok:
            self.failures.append(what)

    def exit_code(self, name):
        print(f"\n{name}: {'PASS' if not self.failures else 'FAIL (' + str(len(self.failures)) + ' check(s))'}")
        return 0 if not self.failures else 1


# --------------------------------------------------------------------------------------------------------------
# Connection flood
# --------------------------------------------------------------------------------------------------------------
def flood(args, work):
    server = Server(server_dir_for(args, work), work, nofile=args.nofile)
    cap = server.log_lines("concurrent connections")
    print(f"server pid {server.pid} on port {server.port}, nofile {args.nofile}; "
          f"{cap[0].split('] ', 1)[-1] if cap else '(no connection cap logged)'}")
    verdict = Verdict()
    watchdog = Watchdog(server, args.rss_limit_mb)
    probe = Probe(server)
    time.sleep(WARM_UP)  # not measured
    t_quiet = time.monotonic()
    time.sleep(args.quiet)
    t_attack = time.monotonic()
    rss_before, fds_before = server.rss_mb(), server.descriptors()

    ctx = server.context()
    held, refused, errors = [], 0, {}
    for _ in range(args.connections):
        if not server.alive():
            break
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.settimeout(5)
        try:
            raw.connect(("127.0.0.1", server.port))
            tls = ctx.wrap_socket(raw, server_hostname="localhost")
            tls.setblocking(False)
            held.append(tls)
        except (OSError, ssl.SSLError) as e:
            refused += 1
            errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
            raw.close()
    t_opened = time.monotonic()
    time.sleep(1)
    still_open = [s for s in held if not closed_by_peer(s)]
    fds_full, rss_full = server.descriptors(), server.rss_mb()
    newcomer = fresh_request(server, "GET", "/health/live") if server.alive() else "server gone"
    print(f"opened {args.connections} idle TLS connections in {t_opened - t_attack:.1f} s: {len(held)} accepted "
          f"({len(still_open)} still open 1 s later), {refused} refused {errors or ''}")
    print(f"  server descriptors {fds_before} -> {fds_full}, RSS {rss_before:.0f} -> {rss_full:.0f} MB; "
          f"a new client meanwhile: {newcomer}")

    time.sleep(max(0.0, args.hold - (time.monotonic() - t_opened)))
    t_hold_end = time.monotonic()
    # The server closes connections idle longer than its keep-alive timeout (30 s by default).
    deadline = t_opened + args.keepalive_wait
    while time.monotonic() < deadline and server.alive():
        time.sleep(1)
    closed_idle = sum(1 for s in still_open if closed_by_peer(s))
    print(f"  {args.keepalive_wait:.0f} s after opening: the server had closed {closed_idle} of the {len(still_open)} idle connections")
    for s in held:
        s.close()
    time.sleep(2)
    after = {"GET /health": fresh_request(server, "GET", "/health") if server.alive() else "server gone",
             "POST /predict": fresh_request(server, "POST", "/predict", PROBE_BODY) if server.alive() else "server gone"}
    t_after = time.monotonic()
    time.sleep(3)
    probe.stop()
    watchdog.stop()

    quiet, during = probe.window(t_quiet, t_attack), probe.window(t_attack, t_hold_end)
    print(fmt_window("without", quiet))
    print(fmt_window("during", during))
    print(fmt_window("after", probe.window(t_after, time.monotonic())))
    print(f"  new clients after the flood: {after}; peak RSS {watchdog.peak_mb:.0f} MB")
    fatal = server.log_lines("Out of memory", " crit: ", " fail: ")
    verdict.check(server.alive() and not watchdog.tripped, "the server stayed up" + gone(server, watchdog))
    verdict.check(server.alive() and refused > 0, "connections past the cap were refused")
    verdict.check(during["failed"] == 0 and during["requests"] > 0, "the probe was answered throughout the flood")
    verdict.check(bool(still_open) and closed_idle == len(still_open), "idle connections were closed after the keep-alive timeout")
    verdict.check(after == {"GET /health": 200, "POST /predict": 200}, "new clients are answered after the flood")
    verdict.check(not fatal, "no error in the server log" + (f": {fatal[0][:160]}" if fatal else ""))
    server.stop()
    return verdict.exit_code("connection-flood")


# --------------------------------------------------------------------------------------------------------------
# Stalled uploads
# --------------------------------------------------------------------------------------------------------------
def stalled_upload(ctx, port, declared, sent):
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    tls = ctx.wrap_socket(raw, server_hostname="localhost")
    head = (f"POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n").encode()
    tls.sendall(head + (b'{"text":"' + b"a" * sent)[:sent])
    tls.setblocking(False)
    return tls


def settle_rss(server, target_mb, seconds):
    """Samples RSS for up to `seconds`; returns (last, min) once within 10 % of target or the time is up."""
    samples, t_end = [], time.monotonic() + seconds
    while time.monotonic() < t_end:
        samples.append(server.rss_mb())
        if samples[-1] <= target_mb * 1.10:
            break
        time.sleep(1)
    return samples[-1], min(samples)


def read_until_cut(pending, wait, each_round=None):
    """Reads every connection in `pending` (socket -> state dict) until the server has closed it or `wait` s have
    passed, noting in its state the answer bytes ("data"), when they began ("answer_at") and when it closed
    ("closed_at"); `each_round()` runs between reads. Returns the closed ones' states; `pending` keeps the rest."""
    answered = []
    deadline = time.monotonic() + wait
    while pending and time.monotonic() < deadline:
        if each_round is not None:
            each_round()
        readable, _, _ = select.select(list(pending), [], [], 0.5)
        for s in readable:
            state = pending[s]
            try:
                chunk = s.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except (OSError, ssl.SSLError):
                chunk = b""
            if chunk:
                state["data"] += chunk
                state.setdefault("answer_at", time.monotonic())
                continue
            state.setdefault("closed_at", time.monotonic())
            answered.append(pending.pop(s))
            s.close()
    return answered


def statuses_of(answered):
    """How many connections got each HTTP status ("none" for a close without an answer)."""
    statuses = {}
    for state in answered:
        line = state["data"].split(b"\r\n", 1)[0].decode(errors="replace")
        status = line.split(" ")[1] if line.startswith("HTTP/") else "none"
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def stall_wave(server, args, verdict):
    """One wave: opens the stalled uploads, waits until every one is cut; returns (t_attack, t_cut, RSS with the uploads buffered, peak)."""
    ctx = server.context()
    t_attack, rss_start = time.monotonic(), server.rss_mb()
    pending, failed_open = {}, 0
    for _ in range(args.connections):
        try:
            pending[stalled_upload(ctx, server.port, args.declared, args.sent)] = {"opened": time.monotonic(), "data": b""}
        except (OSError, ssl.SSLError):
            failed_open += 1
    rss_loaded = server.rss_mb()
    print(f"{len(pending)} connections each sent Content-Length {args.declared} and {args.sent} bytes "
          f"in {time.monotonic() - t_attack:.1f} s ({failed_open} could not); RSS {rss_start:.0f} -> {rss_loaded:.0f} MB")

    peak = [rss_loaded]
    answered = read_until_cut(pending, args.wait, lambda: peak.append(max(peak[-1], server.rss_mb())))
    rss_peak = peak[-1]
    t_cut = time.monotonic()
    for s in pending:
        s.close()

    statuses = statuses_of(answered)
    answer_after = [st["answer_at"] - st["opened"] for st in answered if "answer_at" in st]
    close_after = [st["closed_at"] - st["opened"] for st in answered]
    print(f"  answers: {statuses}; {len(pending)} connection(s) still open after {args.wait:.0f} s")
    if answer_after:
        print(f"  answers arrived {min(answer_after):.1f}-{max(answer_after):.1f} s after each upload started; "
              f"connections closed {min(close_after):.1f}-{max(close_after):.1f} s after; peak RSS {rss_peak:.0f} MB")
    timeout_s = args.timeout_seconds
    verdict.check(statuses.get("408", 0) == args.connections - failed_open and not pending,
                  "every stalled upload was answered 408 and its connection closed")
    verdict.check(bool(answer_after) and min(answer_after) >= timeout_s * 0.9 and max(answer_after) <= timeout_s + 15,
                  f"the 408s came at the deadline ({timeout_s:.0f} s; up to 15 s more on this loaded machine)")
    return t_attack, t_cut, rss_loaded, rss_peak


def stall(args, work):
    extra = [f"--Server:RequestBodyTimeout={args.timeout}"] if args.timeout else []
    server = Server(server_dir_for(args, work), work, extra=extra, env=dict(e.split("=", 1) for e in args.env))
    print(f"server pid {server.pid} on port {server.port}; request body timeout {args.timeout or 'default (30 s)'}"
          + (f"; environment {' '.join(args.env)}" if args.env else ""))
    verdict = Verdict()
    probe = Probe(server)
    time.sleep(WARM_UP)  # not measured
    t_quiet = time.monotonic()
    time.sleep(args.quiet)
    rss_before = server.rss_mb()
    print(fmt_window("without", probe.window(t_quiet, time.monotonic())) + f"; RSS {rss_before:.0f} MB")

    for wave in range(1, args.waves + 1):
        if args.waves > 1:
            print(f"wave {wave} of {args.waves}:")
        t_attack, t_cut, rss_loaded, rss_peak = stall_wave(server, args, verdict)
        rss_after, rss_min = settle_rss(server, rss_before, args.settle)
        during = probe.window(t_attack, t_cut)
        print(fmt_window("during", during))
        print(fmt_window("after", probe.window(t_cut, time.monotonic())))
        print(f"  RSS before the attack {rss_before:.0f} MB, with the uploads buffered {rss_loaded:.0f} MB, peak {rss_peak:.0f} MB, "
              f"{time.monotonic() - t_cut:.0f} s after the cut {rss_after:.0f} MB ({100 * (rss_after / rss_before - 1):+.1f} %; "
              f"lowest {rss_min:.0f} MB)")
        verdict.check(during["failed"] == 0 and during["requests"] > 0, "the probe was answered throughout")
    probe.stop()
    fatal = server.log_lines("Out of memory", " crit: ", " fail: ")
    verdict.check(server.alive(), "the server stayed up" + gone(server))
    verdict.check(rss_after <= rss_before * 1.10, "RSS returned within 10 % of its level before the attack")
    verdict.check(not fatal, "no error in the server log" + (f": {fatal[0][:160]}" if fatal else ""))
    server.stop()
    return verdict.exit_code("stalled-uploads")


# --------------------------------------------------------------------------------------------------------------
# Slowloris
# --------------------------------------------------------------------------------------------------------------
def slowloris(args, work):
    server = Server(server_dir_for(args, work), work)
    print(f"server pid {server.pid} on port {server.port}; {args.connections} connections, one header line every {args.interval:.0f} s")
    verdict = Verdict()
    probe = Probe(server)
    time.sleep(WARM_UP)  # not measured
    t_quiet = time.monotonic()
    time.sleep(args.quiet)
    t_attack = time.monotonic()
    quiet = probe.window(t_quiet, t_attack)

    ctx = server.context()
    pending, failed_open = {}, 0
    for _ in range(args.connections):
        try:
            raw = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            tls = ctx.wrap_socket(raw, server_hostname="localhost")
            tls.sendall(b"POST /predict HTTP/1.1\r\nHost: localhost\r\n")
            tls.setblocking(False)
            pending[tls] = {"opened": time.monotonic(), "data": b"", "lines": 1}
        except (OSError, ssl.SSLError):
            failed_open += 1
    print(f"{len(pending)} connections sent a request line in {time.monotonic() - t_attack:.1f} s ({failed_open} could not)")

    next_line = [time.monotonic() + args.interval]

    def one_more_header_line():
        if time.monotonic() < next_line[0]:
            return
        next_line[0] += args.interval
        for s, state in list(pending.items()):
            try:
                s.send(f"X-Slow-{state['lines']}: x\r\n".encode())
                state["lines"] += 1
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
                pass
            except (OSError, ssl.SSLError):
                state.setdefault("closed_at", time.monotonic())

    answered = read_until_cut(pending, args.wait, one_more_header_line)
    t_cut = time.monotonic()
    for s in pending:
        s.close()
    time.sleep(2)
    after = fresh_request(server, "POST", "/predict", PROBE_BODY) if server.alive() else "server gone"
    probe.stop()

    statuses = statuses_of(answered)
    closed_after = [st["closed_at"] - st["opened"] for st in answered]
    lines = [st["lines"] for st in answered]
    print(f"  answers: {statuses}; {len(pending)} connection(s) still open after {args.wait:.0f} s")
    if closed_after:
        print(f"  connections cut {min(closed_after):.1f}-{max(closed_after):.1f} s after they opened, "
              f"having sent {min(lines)}-{max(lines)} header lines")
    during = probe.window(t_attack, t_cut)
    print(fmt_window("without", quiet))
    print(fmt_window("during", during))
    print(f"  a new client after the attack: POST /predict -> {after}")
    fatal = server.log_lines("Out of memory", " crit: ", " fail: ")
    verdict.check(server.alive(), "the server stayed up" + gone(server))
    verdict.check(not pending and len(answered) == args.connections - failed_open, "every slow connection was cut")
    verdict.check(bool(closed_after) and max(closed_after) <= 30 + 15, "they were cut at the headers timeout (30 s; up to 15 s more on this loaded machine)")
    verdict.check(during["failed"] == 0 and during["requests"] > 0, "the probe was answered throughout")
    verdict.check(after == 200, "a new client is answered after the attack")
    verdict.check(not fatal, "no error in the server log" + (f": {fatal[0][:160]}" if fatal else ""))
    server.stop()
    return verdict.exit_code("slowloris")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="attack", required=True)
    for name in ("flood", "stall", "slowloris"):
        p = sub.add_parser(name)
        p.add_argument("--server-dir", help="an already published server (the directory holding Server); default: publish one")
        p.add_argument("--quiet", type=float, default=15.0, help="seconds of probing before the attack (the 'without' phase)")
        p.add_argument("--keep-work", action="store_true", help="keep the temporary directory (publish output, server log)")
        if name == "flood":
            p.add_argument("--nofile", type=int, default=1200, help="the server's open-file limit (prlimit)")
            p.add_argument("--connections", type=int, default=1500, help="idle TLS connections to open")
            p.add_argument("--hold", type=float, default=15.0, help="seconds to hold them while probing")
            p.add_argument("--keepalive-wait", type=float, default=36.0, help="seconds after opening to check they were closed")
            p.add_argument("--rss-limit-mb", type=float, default=2048.0, help="kill the server past this RSS")
        elif name == "slowloris":
            p.add_argument("--connections", type=int, default=500, help="slow connections to open")
            p.add_argument("--interval", type=float, default=10.0, help="seconds between header lines on each connection")
            p.add_argument("--wait", type=float, default=90.0, help="seconds to wait for every connection to be cut")
        else:
            p.add_argument("--connections", type=int, default=300)
            p.add_argument("--declared", type=int, default=1048576, help="the Content-Length each upload declares")
            p.add_argument("--sent", type=int, help="body bytes each upload sends before stalling (default: declared - 1)")
            p.add_argument("--timeout", help="Server:RequestBodyTimeout to start the server with (default: its own, 30 s)")
            p.add_argument("--wait", type=float, default=90.0, help="seconds to wait for every connection to be cut")
            p.add_argument("--settle", type=float, default=60.0, help="seconds to wait for RSS to settle after the cut")
            p.add_argument("--waves", type=int, default=1, help="repeat the attack this many times (is the memory reused?)")
            p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="extra server environment (e.g. DOTNET_gcServer=0)")
    args = ap.parse_args(argv)
    if args.attack == "stall":
        args.sent = args.declared - 1 if args.sent is None else min(args.sent, args.declared - 1)
        args.timeout_seconds = sum(float(x) * m for x, m in zip(reversed((args.timeout or "00:00:30").split(":")), (1, 60, 3600)))
    return args


def main(argv=None):
    args = parse_args(argv)
    work = tempfile.mkdtemp(prefix=f"textclf-attack-{args.attack}-")
    try:
        return {"flood": flood, "stall": stall, "slowloris": slowloris}[args.attack](args, work)
    except (RuntimeError, KeyboardInterrupt) as e:
        print(f"{args.attack}: FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        bench._cleanup()
        if args.keep_work:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
