#!/usr/bin/python3
"""Zero-downtime operations, measured for real on one machine (loopback only; every process is stopped at the end).

    bench/zero_downtime.py --mode haproxy      # 3 replicas behind HAProxy under wrk: rolling restarts + 10 reloads
    bench/zero_downtime.py --mode sigterm      # one server under wrk -c 64 for 20 s, SIGTERM after 10 s (5 s drain)
    bench/zero_downtime.py --mode reload-rss   # RSS after 1 and after 100 reloads (SIGHUP, symlink swaps, light load)

haproxy: publishes the server (Release) once, starts --replicas servers (Shutdown:DrainDelay=5s, Model:Watch=true on
one shared Model:Path symlink) behind Debian's HAProxy (TLS on both sides, active health checks GET /health over
HTTPS every --check-interval), drives POST /predict through HAProxy with wrk, and meanwhile (a) restarts each replica
in turn --restart-rounds times (SIGTERM, wait for exit 0, start again, wait until HAProxy has it UP again) and (b)
publishes --reloads bundles by swapping the symlink (one of them a truncated, corrupt bundle, which every replica must
refuse while it keeps serving), checking each replica's /model lastReload. Load goes on until --min-requests have been
sent through HAProxy. Prints requests, non-2xx answers and socket errors; exits 1 on any failed request.

sigterm: the single-server drain measurement: readiness 503 within how long of SIGTERM, when the listener closed and
the process exited (with which code), and wrk's counts. wrk ignores readiness: connect errors after the listener
closed are refused connections, and read errors are connections it opened in the last instant, reset when the
listener closed before their request was read. Passes on exit code 0, no non-2xx, no timeouts, and the server's
"none left" (every request that reached it was answered).

reload-rss: one server, Model:Path a symlink swapped between two bundle copies and SIGHUP per reload, under a light
wrk load (so reloads happen while batches hold leases on the old model); RSS of the process after reload 1
and every tenth of the way to 100. The target is RSS(100) within 10 % of RSS(1).

Needs the .NET SDK, wrk, openssl and (haproxy mode) haproxy: `apt-get install wrk haproxy`.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the benchmark's helpers: processes, certificates, wrk, RSS)

DRAIN_DELAY_S = 5


# --------------------------------------------------------------------------------------------------------------
# Servers and bundles
# --------------------------------------------------------------------------------------------------------------
class Replica:
    """One server process on a fixed port (restarts reuse it, as a pod keeps its Service endpoint name)."""

    def __init__(self, ctx, name, model_path, extra=()):
        self.ctx, self.name, self.model_path, self.extra = ctx, name, model_path, list(extra)
        self.port = bench.free_port()
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        cert, key = self.ctx.ensure_cert()
        cmd = bench.published_start(self.ctx.ensure_server()) + ["--urls", f"https://127.0.0.1:{self.port}", f"--Model:Path={self.model_path}",
               f"--Tls:CertificateDirectory={os.path.join(self.ctx.work, 'tls')}",
               f"--Kestrel:Certificates:Default:Path={cert}", f"--Kestrel:Certificates:Default:KeyPath={key}",
               f"--Shutdown:DrainDelay={DRAIN_DELAY_S}s", *self.extra]
        self.proc = bench.start_process(cmd, self.log_path, cwd=os.path.dirname(self.ctx.ensure_server()))
        bench.wait_healthy(self.proc, self.port, self.ctx.cert, timeout=120, poll=0.05, log_path=self.log_path)

    @property
    def log_path(self):
        return os.path.join(self.ctx.work, f"{self.name}.log")

    def terminate(self, timeout=60):
        """SIGTERM and wait for the exit; returns (exit code, seconds)."""
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        bench._live.discard(self.proc)
        return code, time.monotonic() - t0

    def get_json(self, path):
        client = bench.Client(self.port, self.ctx.cert)
        try:
            status, data = client.request("GET", path, timeout=5)
        finally:
            client.close()
        return status, json.loads(data) if data else None

    def last_reload(self):
        status, model = self.get_json("/model")
        return model.get("lastReload") if status == 200 else None


def make_bundles(work, source):
    """releases/a and releases/b (good copies), releases/corrupt (weights cut in half), and current -> a."""
    releases = os.path.join(work, "models", "releases")
    for name in ("a", "b", "corrupt"):
        shutil.copytree(source, os.path.join(releases, name))
    weights = os.path.join(releases, "corrupt", "model_weights.pth")
    with open(weights, "r+b") as f:
        f.truncate(os.path.getsize(weights) // 2)
    current = os.path.join(work, "models", "current")
    os.symlink("releases/a", current)
    return current


def publish(current, release):
    """Points `current` at releases/<release> in one rename (ln -sfn + mv -T), as docs/deploy.md tells operators."""
    tmp = current + ".tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(f"releases/{release}", tmp)
    os.replace(tmp, current)


def wait_for_reload(replica, previous_at, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last = replica.last_reload()
        if last and last["at"] != previous_at:
            return last
        time.sleep(0.1)
    raise RuntimeError(f"{replica.name} did not report a new reload within {timeout} s\n" + bench.tail(replica.log_path))


class Ctx(bench.Ctx):
    def __init__(self, args, work):
        args.cli_dir = None
        super().__init__(args, work)


# --------------------------------------------------------------------------------------------------------------
# wrk in the background
# --------------------------------------------------------------------------------------------------------------
class Load:
    """wrk POST /predict for up to `seconds`; stop() sends SIGINT (wrk prints its summary) and parses it."""

    def __init__(self, url, connections, seconds, body_path, threads=2, timeout="5s"):
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", timeout, "--latency", "-s", bench.LUA, url]
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=bench.wrk_env(body_path, "POST"),
                                     start_new_session=True)
        bench._live.add(self.proc)
        self.command = " ".join(cmd)

    def stop(self, interrupt=True):
        """The summary: at once (SIGINT) or, with interrupt=False, when wrk's own duration is over."""
        if interrupt and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        out = self.proc.communicate(timeout=None if not interrupt else 60)[0].decode("utf-8", "replace")
        bench._live.discard(self.proc)
        result = bench.parse_wrk(out)
        result["wall_seconds"] = round(time.monotonic() - self.t0, 1)
        return result


# --------------------------------------------------------------------------------------------------------------
# HAProxy
# --------------------------------------------------------------------------------------------------------------
HAPROXY_CFG = """\
global
    maxconn 4096
    nbthread 1
    stats socket {sock} mode 600 level admin
    ssl-default-bind-options ssl-min-ver TLSv1.2
    ssl-default-server-options ssl-min-ver TLSv1.2

defaults
    mode http
    log global
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s
    retries 3
    option redispatch

frontend textclf
    bind 127.0.0.1:{port} ssl crt {pem} alpn http/1.1
    default_backend replicas

backend replicas
    balance roundrobin
    # Readiness: the server answers 503 on /health from the moment it is told to stop, and keeps answering for
    # Shutdown:DrainDelay ({drain} s), so one failed check ({inter} apart) takes it out of rotation in time.
    option httpchk GET /health
    http-check expect status 200
    default-server ssl verify required ca-file {ca} verifyhost localhost check check-ssl inter {inter} fall 1 rise 2
{servers}
"""


class HAProxy:
    def __init__(self, work, replicas, cert, key, check_interval):
        self.work = work
        self.port = bench.free_port()
        self.sock = os.path.join(work, "haproxy.sock")
        pem = os.path.join(work, "haproxy.pem")
        with open(pem, "w") as out, open(cert) as c, open(key) as k:
            out.write(c.read() + k.read())
        servers = "\n".join(f"    server {r.name} 127.0.0.1:{r.port}" for r in replicas)
        self.cfg = os.path.join(work, "haproxy.cfg")
        with open(self.cfg, "w") as f:
            f.write(HAPROXY_CFG.format(sock=self.sock, port=self.port, pem=pem, ca=cert, inter=check_interval,
                                       drain=DRAIN_DELAY_S, servers=servers))
        check = subprocess.run(["haproxy", "-c", "-f", self.cfg], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if check.returncode != 0:
            raise RuntimeError("haproxy -c rejected the configuration:\n" + check.stdout.decode())
        self.proc = bench.start_process(["haproxy", "-db", "-f", self.cfg], os.path.join(work, "haproxy.log"))
        deadline = time.monotonic() + 10
        while not os.path.exists(self.sock):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("haproxy did not start\n" + bench.tail(os.path.join(work, "haproxy.log")))
            time.sleep(0.05)

    def command(self, line):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(self.sock)
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def stats(self):
        """`show stat` as {(proxy, server): {field: value}}."""
        lines = self.command("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = {}
        for line in lines[1:]:
            if line:
                values = dict(zip(header, line.split(",")))
                rows[(values["pxname"], values["svname"])] = values
        return rows

    def status(self, server):
        return self.stats()[("replicas", server)]["status"]

    def wait_status(self, server, wanted, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status(server).startswith(wanted):
                return
            time.sleep(0.05)
        raise RuntimeError(f"HAProxy did not see {server} {wanted} within {timeout} s (status {self.status(server)})")

    def frontend_requests(self):
        return int(self.stats()[("textclf", "FRONTEND")]["req_tot"] or 0)


def mode_haproxy(ctx, args):
    if shutil.which("haproxy") is None:
        sys.exit("error: haproxy not found (apt-get install haproxy)")
    body_path, _ = ctx.body
    current = make_bundles(ctx.work, args.model)
    extra = ["--Model:Watch=true", "--Model:WatchDebounce=500ms"]
    replicas = [Replica(ctx, f"r{i + 1}", current, extra) for i in range(args.replicas)]
    bench.log(f"starting {len(replicas)} replicas (Shutdown:DrainDelay={DRAIN_DELAY_S}s, Model:Watch=true, Model:Path={current})")
    for r in replicas:
        r.start()
    cert, key = ctx.ensure_cert()
    proxy = HAProxy(ctx.work, replicas, cert, key, args.check_interval)
    for r in replicas:
        proxy.wait_status(r.name, "UP")
    url = f"https://127.0.0.1:{proxy.port}/predict"
    bench.log(f"HAProxy on {url}; wrk -c {args.connections} through it")
    load = Load(url, args.connections, args.max_seconds, body_path, args.wrk_threads)
    time.sleep(3)
    events, exits, reloads = [], [], []
    t0 = time.monotonic()

    def event(text):
        line = f"  {time.monotonic() - t0:6.1f} s  {text}"
        events.append(line)
        bench.log(line)

    for round_no in range(1, args.restart_rounds + 1):
        for r in replicas:
            code, seconds = r.terminate()
            exits.append(code)
            event(f"restart {round_no}: {r.name} SIGTERM -> exit {code} after {seconds:.1f} s (HAProxy saw it {proxy.status(r.name)})")
            r.start()
            proxy.wait_status(r.name, "UP")
            event(f"restart {round_no}: {r.name} started again and UP in HAProxy")
    releases = ["b", "a"] * args.reloads
    corrupt_at = args.reloads // 2
    for i in range(args.reloads):
        release = "corrupt" if i == corrupt_at else releases[i]
        before = {r.name: (r.last_reload() or {}).get("at") for r in replicas}
        publish(current, release)
        outcomes = []
        for r in replicas:
            last = wait_for_reload(r, before[r.name])
            outcomes.append(last["status"])
            reloads.append((release, r.name, last["status"], last.get("error")))
        expected = "failed" if release == "corrupt" else "succeeded"
        event(f"reload {i + 1}: current -> releases/{release}: " + ", ".join(f"{r.name} {o}" for r, o in zip(replicas, outcomes))
              + ("" if all(o == expected for o in outcomes) else f"  UNEXPECTED (wanted {expected})"))
    while proxy.frontend_requests() < args.min_requests and time.monotonic() - load.t0 < args.max_seconds - 5:
        time.sleep(1)
    result = load.stop()
    stats = proxy.stats()
    for r in replicas:
        code, _ = r.terminate()
        exits.append(code)
    _kill(proxy.proc)

    bad_reloads = [x for x in reloads if x[2] != ("failed" if x[0] == "corrupt" else "succeeded")]
    failures = result["errors_status"] + result["socket_errors"]
    print()
    print(f"HAProxy rolling restart: {len(replicas)} replicas, {args.restart_rounds} rolling restarts of each, "
          f"{args.reloads} reloads (1 corrupt), wrk -t{args.wrk_threads} -c{args.connections} through HAProxy")
    print(*events, sep="\n")
    print(f"requests:      {result['requests']:,} in {result['duration_us'] / 1e6:.1f} s ({result['rps']:.0f} req/s)")
    print(f"non-2xx:       {result['errors_status']}")
    print(f"socket errors: {result['socket_errors']} (connect {result['errors_connect']}, read {result['errors_read']}, "
          f"write {result['errors_write']}, timeout {result['errors_timeout']})")
    print(f"latency:       p50 {result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms, max {result['latency_max_us'] / 1000:.1f} ms")
    print("HAProxy per replica: responses 2xx / 5xx, retries, redispatches, times marked DOWN by health checks")
    for r in replicas:
        s = stats[("replicas", r.name)]
        print(f"  {r.name}: {s['hrsp_2xx']} / {s['hrsp_5xx']}, {s['wretr']}, {s['wredis']}, {s['chkdown']}")
    print(f"replica exit codes: {exits}; reloads checked: {len(reloads)} ({len(bad_reloads)} unexpected)")
    ok = failures == 0 and result["requests"] >= args.min_requests and all(c == 0 for c in exits) and not bad_reloads
    print(f"result: {'PASS' if ok else 'FAIL'}: {failures} failed requests (non-2xx + socket errors)")
    return 0 if ok else 1


# --------------------------------------------------------------------------------------------------------------
# One server: SIGTERM under load
# --------------------------------------------------------------------------------------------------------------
def mode_sigterm(ctx, args):
    body_path, _ = ctx.body
    server = Replica(ctx, "sigterm", args.model)
    server.start()
    url = f"https://127.0.0.1:{server.port}/predict"
    load = Load(url, args.connections, args.sigterm_duration, body_path, args.wrk_threads)
    time.sleep(args.sigterm_after)
    flipped, exited = {}, {}

    client = bench.Client(server.port, ctx.cert)
    client.request("GET", "/health/live")  # connected before the signal: the first poll measures the server, not a TLS handshake

    def watch_readiness():
        while "at" not in flipped and server.proc.poll() is None:
            try:
                status, _ = client.request("GET", "/health", timeout=2)
                if status == 503:
                    flipped["at"] = time.monotonic()
            except Exception:  # noqa: BLE001  (the listener closes at the end)
                client.close()
            time.sleep(0.02)

    watcher = threading.Thread(target=watch_readiness, daemon=True)
    t_signal = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    watcher.start()
    code = server.proc.wait(timeout=60)
    exited["at"] = time.monotonic()
    bench._live.discard(server.proc)
    result = load.stop(interrupt=False)
    watcher.join(timeout=5)
    with open(server.log_path) as f:
        drain_log = [line.rstrip() for line in f if "GracefulShutdown" in line]
    print()
    print(f"SIGTERM under load: wrk -t{args.wrk_threads} -c{args.connections} -d{args.sigterm_duration}s straight to one server, "
          f"SIGTERM after {args.sigterm_after} s, Shutdown:DrainDelay={DRAIN_DELAY_S}s")
    print(f"readiness 503 after: {(flipped['at'] - t_signal) * 1000:.0f} ms" if "at" in flipped else "readiness 503: not seen")
    print(f"process exited:      {exited['at'] - t_signal:.2f} s after SIGTERM, exit code {code}")
    print(f"requests:            {result['requests']:,} answered ({result['rps']:.0f} req/s over {result['duration_us'] / 1e6:.1f} s)")
    print(f"non-2xx:             {result['errors_status']}")
    print(f"socket errors:       connect {result['errors_connect']} (refused once the listener closed), read {result['errors_read']}, "
          f"write {result['errors_write']}, timeout {result['errors_timeout']}")
    print("                     (read/write errors: connections reset when the listener closed; the server log below says whether "
          "any request that reached the app was left unanswered)")
    print("server log:")
    print(*("  " + line for line in drain_log), sep="\n")
    unanswered = any("still in flight" in line for line in drain_log) or not any("none left" in line for line in drain_log)
    ok = code == 0 and result["errors_status"] == 0 and result["errors_timeout"] == 0 and not unanswered
    print(f"result: {'PASS' if ok else 'FAIL'}: exit code {code}, {result['errors_status']} non-2xx, {result['errors_timeout']} timeouts, "
          f"{'some' if unanswered else 'no'} request that reached the server left unanswered")
    return 0 if ok else 1


# --------------------------------------------------------------------------------------------------------------
# RSS over reloads
# --------------------------------------------------------------------------------------------------------------
def mode_reload_rss(ctx, args):
    body_path, _ = ctx.body
    current = make_bundles(ctx.work, args.model)
    server = Replica(ctx, "reload-rss", current)
    server.start()
    load = Load(f"https://127.0.0.1:{server.port}/predict", args.rss_connections, 3600, body_path, 1)
    time.sleep(args.rss_warmup)  # JIT tiering, pools and caches settle under load first, as in the soak benchmark
    rss = {0: settled_rss_mb(server)}
    previous, t0 = None, time.monotonic()
    for i in range(1, args.rss_reloads + 1):
        publish(current, "b" if i % 2 else "a")
        server.proc.send_signal(signal.SIGHUP)
        last = wait_for_reload(server, previous)
        if last["status"] != "succeeded":
            raise RuntimeError(f"reload {i} failed: {last}")
        previous = last["at"]
        if i == 1 or i % max(1, args.rss_reloads // 10) == 0:
            rss[i] = settled_rss_mb(server)
            bench.log(f"  after reload {i}: RSS {rss[i]:.1f} MB")
    seconds = time.monotonic() - t0
    result = load.stop()
    code, _ = server.terminate()
    ratio = rss[args.rss_reloads] / rss[1]
    print()
    print(f"RSS over {args.rss_reloads} reloads (SIGHUP after each symlink swap, wrk -c{args.rss_connections} meanwhile, "
          f"{args.rss_warmup:.0f} s of load before the first; "
          f"{seconds:.0f} s, {result['requests']:,} requests, {result['errors']} errors)")
    print("  median RSS over 2 s: " + ", ".join(f"{'before' if k == 0 else f'after {k}'}: {v:.1f} MB" for k, v in rss.items()))
    print(f"  RSS after {args.rss_reloads} / RSS after 1 = {ratio:.3f} (target <= 1.10); exit code {code}")
    ok = ratio <= 1.10 and result["errors"] == 0 and code == 0
    print(f"result: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def settled_rss_mb(server):
    """Median RSS over 2 s, starting 1 s after a reload (the old model's last batches finish, its memory goes back)."""
    time.sleep(1)
    samples = []
    for _ in range(9):
        samples.append(bench.tree_rss_kb(server.proc.pid) / 1024)
        time.sleep(0.25)
    return sorted(samples)[len(samples) // 2]


def _kill(proc):
    bench._kill_group(proc, grace=5)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["haproxy", "sigterm", "reload-rss"], required=True)
    ap.add_argument("--server-dir", help="use this already published server (Server.dll) instead of publishing")
    ap.add_argument("--model", default=bench.DEFAULT_MODEL, help="bundle to serve (default models/default)")
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--restart-rounds", type=int, default=2)
    ap.add_argument("--reloads", type=int, default=10)
    ap.add_argument("--check-interval", default="500ms", help="HAProxy health-check interval (default 500ms)")
    ap.add_argument("--min-requests", type=int, default=200_000, help="keep the load on until this many went through HAProxy")
    ap.add_argument("--max-seconds", type=int, default=600, help="longest wrk run (default 600)")
    ap.add_argument("--sigterm-duration", type=int, default=20)
    ap.add_argument("--sigterm-after", type=float, default=10)
    ap.add_argument("--rss-reloads", type=int, default=100)
    ap.add_argument("--rss-connections", type=int, default=4)
    ap.add_argument("--rss-warmup", type=float, default=15, help="seconds under load before the first reload (default 15)")
    ap.add_argument("--keep-work", action="store_true")
    args = ap.parse_args(argv)
    args.model = os.path.abspath(args.model)
    for tool in ("wrk", "openssl", "dotnet"):
        if shutil.which(tool) is None:
            sys.exit(f"error: {tool} not found on PATH")
    work = tempfile.mkdtemp(prefix="textclf-zero-downtime-")
    ctx = Ctx(args, work)
    ctx.body = bench.make_body(work)
    bench.log(f"zero_downtime: mode {args.mode}; work dir {work}")
    try:
        return {"haproxy": mode_haproxy, "sigterm": mode_sigterm, "reload-rss": mode_reload_rss}[args.mode](ctx, args)
    finally:
        bench._cleanup()
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
