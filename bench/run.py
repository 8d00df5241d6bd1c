#!/usr/bin/python3
"""Side-by-side benchmark: the C# (ASP.NET Core + TorchSharp) server vs the Flask + PyTorch baseline.

One command from a fresh clone (needs the .NET SDK, wrk, openssl and Debian's python3-torch, -flask, -gunicorn):

    bench/run.sh                      # throughput table, 3 repeats, medians (~10 min on 2 cores)
    bench/run.sh --quick              # smoke run: 1 repeat, 5 s per measurement
    bench/run.sh --mode coldstart     # process launch -> first 200 on /health, C# vs Flask
    bench/run.sh --mode firstsec      # C#: req/s in the first 10 s after /health is 200, vs after 20 s of load
    bench/run.sh --mode cost          # C#: req/s, p99, CPU and Server-Timing for 100 B..100 KB bodies, 1/16/256 texts
    bench/run.sh --mode soak          # C#: 1,000,000 POST /predict, RSS growth and peak
    bench/run.sh --mode train         # seconds per epoch, C# `textclf train` vs tools/pytorch/train.py
    bench/run.sh --mode all           # all four
    bench/run.sh --only csharp,csharp-nometrics --connections 64 --interleave --repeat 15   # what metrics cost
    bench/run.sh --only csharp,csharp-v2 --connections 64 --interleave --repeat 5         # V2 infer (JSON) vs /predict

Throughput mode, for each selected server in turn (and each repeat): publish the C# server (Release) once,
start the server on a free 127.0.0.1 port with one shared PEM certificate, wait for GET /health = 200, check one
POST /predict, warm up with wrk, then run wrk over HTTPS with keep-alive at each connection count (2 wrk threads,
--latency), sampling the server process tree's RSS (VmRSS of the root and all descendants, summed) every 0.2 s,
then stop the server's whole process group. Servers:

    csharp            C# server, POST /predict (typical 1-2 KB e-mail from data/spamassassin/test.jsonl.gz)
    floor             C# server, GET /health/live (trivial endpoint: the ceiling for this stack on this machine)
    flask             bench/flask_server.py, Flask app.run(threaded=True, ssl_context=...)
    gunicorn          gunicorn -w 2 (sync workers) serving the same Flask app
    gunicorn-threads  gunicorn -w 2 --threads 4 (gthread workers) serving the same Flask app
    baseline          C# server built from another commit (--baseline REV), POST /predict: is a change free?
    csharp-nometrics  the same C# build started with --Metrics:Enabled=false, POST /predict: what metrics cost
                      (only when named in --only, like baseline)
    csharp-apikey     the same C# build with an API key configured (Auth__ApiKeys__0), wrk sending it as
                      Authorization: Bearer, POST /predict: what keys cost (only when named in --only)
    csharp-v2         the same C# build (with --Model:Name=bench), POST /v2/models/bench/infer with the same text as a
                      V2 JSON request (bench/v2_infer.lua wraps the body): V2 vs /predict (only when named in --only)
    csharp-embed      the same C# build, POST /embed with the same body: feature vectors (only when named in --only)
    csharp-explain    the same C# build, POST /predict with the same text and "explain": true (only when named in --only)

Raw results go to bench/results/<timestamp>.json. Run with /usr/bin/python3 (Debian's; it has torch).
"""
import argparse
import atexit
import datetime
import functools
import gzip
import http.client
import json
import os
import platform
import re
import secrets
import resource
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
PY = "/usr/bin/python3"
LUA = os.path.join(BENCH, "predict.lua")
DEFAULT_MODEL = os.path.join(REPO, "models", "default")
TEST_DATA = os.path.join(REPO, "data", "spamassassin", "test.jsonl.gz")
TRAIN_DATA = os.path.join(REPO, "data", "spamassassin", "train.jsonl.gz")

SERVERS = {  # name -> (label, kind, path, method)
    "csharp": ("C# /predict", "csharp", "/predict", "POST"),
    "floor": ("C# floor GET /health/live", "csharp", "/health/live", "GET"),
    "flask": ("Flask app.run threaded", "flask", "/predict", "POST"),
    "gunicorn": ("gunicorn -w 2", "gunicorn", "/predict", "POST"),
    "gunicorn-threads": ("gunicorn -w 2 --threads 4", "gunicorn-threads", "/predict", "POST"),
    "baseline": ("C# /predict, baseline build", "csharp-baseline", "/predict", "POST"),
    "csharp-nometrics": ("C# /predict, metrics off", "csharp-nometrics", "/predict", "POST"),
    "csharp-apikey": ("C# /predict, API key", "csharp-apikey", "/predict", "POST"),
    "csharp-v2": ("C# V2 infer, JSON", "csharp-v2", "/v2/models/bench/infer", "POST"),
    "csharp-embed": ("C# POST /embed", "csharp", "/embed", "POST"),
    "csharp-explain": ("C# /predict, explain", "csharp", "/predict", "POST"),
}
OPT_IN = ("baseline", "csharp-nometrics", "csharp-apikey", "csharp-v2", "csharp-embed", "csharp-explain")  # measured only when named in --only
V2_LUA = os.path.join(BENCH, "v2_infer.lua")  # wrk script for V2 paths: the same body file, sent as a V2 infer request
BODY_OPTIONS = {"csharp-explain": {"explain": True}}  # added to the benchmark body for these servers
BENCH_API_KEY = secrets.token_hex(32)  # csharp-apikey's one key: a fresh one per run, 64 hex characters
AUTHORIZATION_BY_PORT = {}  # the Authorization header wrk sends to a server, by its port (csharp-apikey only)
ALIASES = {"cs": "csharp", "c#": "csharp", "dotnet": "csharp", "gthread": "gunicorn-threads",
           "gunicorn_threads": "gunicorn-threads", "threads": "gunicorn-threads", "flask-run": "flask"}

TARGETS = {  # ratios the issue asks for (at the reference connection count, 64)
    "csharp_vs_floor": 0.6,        # C# /predict req/s >= 60 % of C# GET /health/live (50 % in the first round)
    "csharp_vs_gthread": 8.0,      # >= 8x gunicorn -w 2 --threads 4
    "csharp_vs_flask": 100.0,      # >= 100x Flask app.run (80x in the first round)
    "p99_csharp_vs_gthread": 1 / 8,  # p99 <= 1/8 of gunicorn --threads 4
    "coldstart_csharp_s": 0.6,     # median launch -> first 200 on /health
    "firstsec_ratio": 0.85,        # req/s in the first 10 s after /health is 200 / steady state (after 20 s of load)
    "soak_rss_growth": 1.1,        # RSS at end / RSS after the first ~10,000 requests
    "soak_peak_rss_mb": 300.0,
    "train_epoch_ratio": 1.0,      # C# / Python seconds per epoch
    "csharp_vs_baseline": 0.97,    # a change costs no more than noise: this build / the --baseline build
    "csharp_vs_nometrics": 0.97,   # metrics on / Metrics:Enabled=false, same build (observability issue)
    "apikey_vs_csharp": 0.97,      # API key on / off, same build (security issue)
    "v2_vs_csharp": 0.9,           # V2 JSON infer / /predict, same build and text (Open Inference issue)
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------------------
# Processes: every server runs in its own session/process group; all of them are killed on exit.
# --------------------------------------------------------------------------------------------------------------
_live = set()


def _kill_group(proc, grace=10.0):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:  # also any worker left behind by a master that exited
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    _live.discard(proc)


def _cleanup():
    for proc in list(_live):
        _kill_group(proc, grace=3.0)


def _on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, _on_signal)


def start_process(cmd, log_path, env=None, cwd=REPO):
    logf = open(log_path, "ab")
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd,
                            env=env, start_new_session=True)
    logf.close()
    _live.add(proc)
    return proc


def tail(path, n=25):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        return "\n".join("    " + ln for ln in lines[-n:])
    except OSError:
        return "    (no log)"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------------------------
# Memory: VmRSS (and Pss) of a process and all its descendants.
# --------------------------------------------------------------------------------------------------------------
def _children_map():
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def process_tree(pid):
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_rss_kb(pid):
    return sum(_status_kb(p, "VmRSS:") for p in process_tree(pid))


_HZ = os.sysconf("SC_CLK_TCK")


def tree_cpu_s(pid):
    """utime + stime (seconds) of a process and its live descendants."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        total += int(fields[11]) + int(fields[12])
    return total / _HZ


def machine_cpu_s():
    """(busy, irq, steal) CPU seconds since boot over all CPUs: busy = user+nice+system+irq+softirq (guest time is
    inside user); irq = irq+softirq (e.g. loopback packet processing, not charged to any process); steal = hypervisor."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]] + [0] * 10
    user, nice, system, _idle, _iowait, irq, softirq, steal = v[:8]
    return (user + nice + system + irq + softirq) / _HZ, (irq + softirq) / _HZ, steal / _HZ


class CpuMeter:
    """Who used the CPUs during a measurement: the server tree, waited-for children (wrk), this runner, others."""

    def __init__(self, server_pid):
        self.pid = server_pid
        self.t0 = time.monotonic()
        self.busy0, self.irq0, self.steal0 = machine_cpu_s()
        self.srv0 = tree_cpu_s(server_pid)
        ch, me = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        self.ch0, self.me0 = ch.ru_utime + ch.ru_stime, me.ru_utime + me.ru_stime

    def result(self):
        wall = time.monotonic() - self.t0
        busy, irq, steal = machine_cpu_s()
        busy, irq, steal = busy - self.busy0, irq - self.irq0, steal - self.steal0
        srv = tree_cpu_s(self.pid) - self.srv0
        ch, me = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        client = ch.ru_utime + ch.ru_stime - self.ch0
        runner = me.ru_utime + me.ru_stime - self.me0
        other = max(0.0, busy - srv - client - runner - irq)
        return {"server_cpu_cores": round(srv / wall, 2), "wrk_cpu_cores": round(client / wall, 2),
                "runner_cpu_cores": round(runner / wall, 3), "irq_cpu_cores": round(irq / wall, 2),
                "other_cpu_cores": round(other / wall, 2), "machine_busy_cores": round(busy / wall, 2),
                "steal_cores": round(steal / wall, 2)}


class RssSampler:
    """Samples the summed VmRSS of a process tree every `interval` s in a background thread."""

    def __init__(self, pid, interval=0.2):
        self.pid, self.interval = pid, interval
        self.samples = []  # (monotonic time, kB)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            kb = tree_rss_kb(self.pid)
            with self._lock:
                self.samples.append((time.monotonic(), kb))
            self._stop.wait(self.interval)

    def mark(self):
        return time.monotonic()

    def peak_kb(self, since=None, until=None):
        with self._lock:
            vals = [kb for t, kb in self.samples if (since is None or t >= since) and (until is None or t <= until)]
        return max(vals) if vals else 0

    def timeline(self, step=1.0):
        with self._lock:
            samples = list(self.samples)
        out, last = [], None
        t0 = samples[0][0] if samples else 0
        for t, kb in samples:
            if last is None or t - last >= step:
                out.append([round(t - t0, 1), round(kb / 1024, 1)])
                last = t
        return out

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=2)


# --------------------------------------------------------------------------------------------------------------
# HTTPS client that trusts the benchmark certificate
# --------------------------------------------------------------------------------------------------------------
class Client:
    def __init__(self, port, cafile, verify=True):
        self.port, self.cafile = port, cafile
        self.verify = verify
        self.conn = None

    def _context(self):
        if self.verify:
            return ssl.create_default_context(cafile=self.cafile)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def request(self, method, path, body=None, timeout=10.0):
        """Returns (status, body bytes); raises OSError/HTTPException on connection problems."""
        if self.conn is None:
            self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=self._context())
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if AUTHORIZATION_BY_PORT.get(self.port):
            headers["Authorization"] = AUTHORIZATION_BY_PORT[self.port]
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, data
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001
                pass
            self.conn = None


def wait_healthy(proc, port, cafile, timeout, poll=0.005, log_path=None):
    """Poll GET /health until 200. Returns (seconds since call, cert_verified)."""
    client = Client(port, cafile)
    t0 = time.monotonic()
    deadline = t0 + timeout
    first_404 = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before /health was 200\n" + tail(log_path))
        try:
            status, _ = client.request("GET", "/health", timeout=2.0)
            if status == 200:
                elapsed = time.monotonic() - t0
                client.close()
                return elapsed, client.verify
            if status == 404:  # listening but no /health endpoint at all (503 while loading is fine)
                first_404 = first_404 or time.monotonic()
                if time.monotonic() - first_404 > 10:
                    raise RuntimeError("GET /health answers 404 (the server has no /health endpoint)\n" + tail(log_path))
        except ssl.SSLCertVerificationError as e:
            log(f"    warning: the server does not present the benchmark certificate ({e.verify_message}); "
                f"continuing without verification")
            client = Client(port, cafile, verify=False)
            continue
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(poll)
    raise RuntimeError(f"/health not 200 within {timeout:.0f} s\n" + tail(log_path))


# --------------------------------------------------------------------------------------------------------------
# Setup: certificate, request body, C# publish, versions
# --------------------------------------------------------------------------------------------------------------
def make_cert(work):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def make_body(work, lo=1000, hi=2000):
    """The first test e-mail whose text is lo..hi characters long, as {"text": ...}."""
    with gzip.open(TEST_DATA, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            obj = json.loads(line)
            if lo <= len(obj["text"]) <= hi:
                body = json.dumps({"text": obj["text"]}, ensure_ascii=False).encode("utf-8")
                path = os.path.join(work, "body.json")
                with open(path, "wb") as out:
                    out.write(body)
                return path, {"source": f"{os.path.relpath(TEST_DATA, REPO)} line {lineno}", "text_chars": len(obj["text"]),
                              "body_bytes": len(body), "true_label": obj["label"]}
    raise RuntimeError(f"no test e-mail of {lo}..{hi} characters in {TEST_DATA}")


def dotnet_publish(project, out_dir, log_path):
    env = dict(os.environ)
    log(f"  dotnet publish {project} -c Release -o {out_dir}"
        + (f"  (TEXTCLF_ARTIFACTS={env['TEXTCLF_ARTIFACTS']})" if env.get("TEXTCLF_ARTIFACTS") else ""))
    t0 = time.monotonic()
    with open(log_path, "wb") as logf:
        rc = subprocess.run(["dotnet", "publish", os.path.join(REPO, project), "-c", "Release", "-o", out_dir, "--nologo"],
                            cwd=REPO, stdout=logf, stderr=subprocess.STDOUT, env=env).returncode
    if rc != 0:
        raise RuntimeError(f"dotnet publish {project} failed (exit {rc}); log {log_path}:\n" + tail(log_path, 30))
    log(f"  published in {time.monotonic() - t0:.0f} s")


def _cmd_output(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60, cwd=REPO).stdout.decode(
            "utf-8", "replace").strip()
    except (OSError, subprocess.TimeoutExpired):
        return None


def machine_info():
    cpu = mhz = None
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and cpu is None:
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("cpu MHz") and mhz is None:
                mhz = round(float(line.split(":", 1)[1]))
    mem_kb = _status_kb_file("/proc/meminfo", "MemTotal:")
    os_name = None
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "cpu_mhz": mhz, "mem_total_gb": round(mem_kb / 1024 / 1024, 1), "os": os_name,
            "kernel": platform.release()}


def _status_kb_file(path, key):
    with open(path) as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def versions():
    v = {"python": platform.python_version()}
    probe = _cmd_output([PY, "-c", "import torch, flask, gunicorn; print(torch.__version__, flask.__version__, gunicorn.__version__)"])
    if probe and len(probe.split()) == 3:
        v["torch"], v["flask"], v["gunicorn"] = probe.split()
    wrk = _cmd_output(["wrk", "-v"]) or ""
    v["wrk"] = wrk.splitlines()[0] if wrk else None
    v["dotnet"] = _cmd_output(["dotnet", "--version"])
    v["openssl"] = _cmd_output(["openssl", "version"])
    v["git_commit"] = _cmd_output(["git", "rev-parse", "HEAD"])
    status = _cmd_output(["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"])
    v["git_dirty"] = bool(status) if status is not None else None
    return v


def body_for(ctx, name):
    """The request body file for server `name`: the shared body, or (BODY_OPTIONS) the same text with its options."""
    options = BODY_OPTIONS.get(name)
    if not options:
        return ctx.body[0]
    path = os.path.join(ctx.work, f"body-{name}.json")
    if not os.path.isfile(path):
        with open(ctx.body[0], "rb") as f:
            obj = json.loads(f.read())
        obj.update(options)
        with open(path, "wb") as out:
            out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8"))
    return path


# --------------------------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------------------------
class Ctx:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.cert = self.key = self.body = None
        self.server_dir = args.server_dir
        self.cli_dir = args.cli_dir
        self.baseline_dir = args.baseline_dir  # None: published from --baseline REV when first needed

    def ensure_cert(self):
        if self.cert is None:
            self.cert, self.key = make_cert(self.work)
        return self.cert, self.key

    def ensure_server(self):
        self.server_dir = self._ensure_published("src/Server", "server", self.server_dir)
        return self._dll(self.server_dir, "Server.dll")

    def ensure_baseline(self):
        """The C# server published from --baseline REV (a detached git worktree of that commit, removed afterwards)."""
        if self.baseline_dir is None:
            source = os.path.join(self.work, "baseline-src")
            subprocess.run(["git", "-C", REPO, "worktree", "add", "--detach", source, self.args.baseline], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                directory = os.path.join(self.work, "baseline")
                dotnet_publish(os.path.join(source, "src/Server"), directory, os.path.join(self.work, "publish-baseline.log"))
            finally:
                subprocess.run(["git", "-C", REPO, "worktree", "remove", "--force", source], check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.baseline_dir = directory
        return self._dll(self.baseline_dir, "Server.dll")

    def ensure_cli(self):
        self.cli_dir = self._ensure_published("src/Cli", "cli", self.cli_dir)
        return self._dll(self.cli_dir, "textclf.dll")

    def _ensure_published(self, project, name, directory):
        """The given publish directory, or a Release publish of `project` into the work dir (once)."""
        if directory is None:
            directory = os.path.join(self.work, name)
            dotnet_publish(project, directory, os.path.join(self.work, f"publish-{name}.log"))
        return directory

    @staticmethod
    def _dll(directory, file):
        dll = os.path.join(directory, file)
        if not os.path.isfile(dll):
            raise RuntimeError(f"{dll} not found")
        return dll


def published_start(dll):
    """How the image starts a published server: its own executable when the publish is self-contained (this
    repository's is: src/Server/Server.csproj), else `dotnet Server.dll` (a baseline from before that change)."""
    exe = os.path.splitext(dll)[0]
    if os.path.isfile(os.path.join(os.path.dirname(dll), "libcoreclr.so")) and os.access(exe, os.X_OK):
        return [exe]
    return ["dotnet", dll]


def server_command(ctx, kind, port):
    cert, key = ctx.ensure_cert()
    model = ctx.args.model
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    if kind in ("csharp", "csharp-nometrics", "csharp-apikey", "csharp-v2", "csharp-baseline"):
        dll = ctx.ensure_baseline() if kind == "csharp-baseline" else ctx.ensure_server()
        if kind == "csharp-apikey":
            env["Auth__ApiKeys__0"] = BENCH_API_KEY  # from the environment, as a deployment would, not on the command line
            AUTHORIZATION_BY_PORT[port] = f"Bearer {BENCH_API_KEY}"
        tls_dir = os.path.join(ctx.work, "tls")
        os.makedirs(tls_dir, exist_ok=True)
        cmd = published_start(dll) + ["--urls", f"https://127.0.0.1:{port}", f"--Model:Path={model}",
               f"--Tls:CertificateDirectory={tls_dir}",
               f"--Kestrel:Certificates:Default:Path={cert}", f"--Kestrel:Certificates:Default:KeyPath={key}"]
        if kind == "csharp-nometrics":
            cmd.append("--Metrics:Enabled=false")
        if kind == "csharp-v2":
            cmd.append("--Model:Name=bench")  # the name in SERVERS' path, whatever --model's directory is called
        env.update(ctx.args.server_env)  # --server-env: runtime knobs (e.g. DOTNET_TieredPGO=0) for lever experiments
    elif kind == "flask":
        cmd = [PY, os.path.join(BENCH, "flask_server.py"), "--port", str(port), "--model", model, "--cert", cert, "--key", key]
    elif kind in ("gunicorn", "gunicorn-threads"):
        env["BENCH_MODEL"] = model
        cmd = [PY, "-m", "gunicorn", "--chdir", BENCH, "-w", "2"]
        if kind == "gunicorn-threads":
            cmd += ["--threads", "4"]
        cmd += ["-b", f"127.0.0.1:{port}", "--certfile", cert, "--keyfile", key, "--log-level", "warning",
                "flask_server:create_app()"]
    else:
        raise ValueError(kind)
    return cmd, env


class RunningServer:
    def __init__(self, ctx, kind, tag):
        self.ctx, self.kind = ctx, kind
        self.port = free_port()
        self.log_path = os.path.join(ctx.work, f"{tag}.log")
        cmd, env = server_command(ctx, kind, self.port)
        self.t_launch = time.monotonic()
        self.proc = start_process(cmd, self.log_path, env=env)
        self.sampler = None
        self.startup_s = None
        self.cert_verified = True
        self.keep_alive = None

    def wait_ready(self, timeout=120.0, poll=0.005):
        self.startup_s, self.cert_verified = wait_healthy(self.proc, self.port, self.ctx.cert, timeout, poll, self.log_path)
        self.startup_s = time.monotonic() - self.t_launch
        return self.startup_s

    def start_sampling(self):
        self.sampler = RssSampler(self.proc.pid)

    def check_predict(self, body_path):
        client = Client(self.port, self.ctx.cert, verify=self.cert_verified)
        with open(body_path, "rb") as f:
            body = f.read()
        try:
            status, data = client.request("POST", "/predict", body=body)
            self.keep_alive = client.conn is not None  # the client drops connections answered with Connection: close
        finally:
            client.close()
        if status != 200:
            raise RuntimeError(f"POST /predict returned {status}: {data[:300]!r}")
        obj = json.loads(data)
        if not {"label", "score", "probabilities"} <= set(obj):
            raise RuntimeError(f"POST /predict: unexpected response {data[:300]!r}")
        return obj

    def check_v2(self, path, body_path):
        """One V2 infer request with the body v2_infer.lua sends: it must answer 200 with the three outputs."""
        with open(body_path, "rb") as f:
            text = json.loads(f.read())["text"]
        body = json.dumps({"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": [text]}]}).encode()
        client = Client(self.port, self.ctx.cert, verify=self.cert_verified)
        try:
            status, data = client.request("POST", path, body=body)
        finally:
            client.close()
        if status != 200 or [o["name"] for o in json.loads(data)["outputs"]] != ["label", "probabilities", "logits"]:
            raise RuntimeError(f"POST {path} returned {status}: {data[:300]!r}")

    def check_embed(self, body_path):
        client = Client(self.port, self.ctx.cert, verify=self.cert_verified)
        with open(body_path, "rb") as f:
            body = f.read()
        try:
            status, data = client.request("POST", "/embed", body=body)
        finally:
            client.close()
        if status != 200 or "embedding" not in json.loads(data):
            raise RuntimeError(f"POST /embed returned {status}: {data[:300]!r}")

    def stop(self):
        if self.sampler:
            self.sampler.stop()
        _kill_group(self.proc)


# --------------------------------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------------------------------
def wrk_env(body_path, method, max_requests=None, authorization=None):
    env = dict(os.environ)
    env["BENCH_BODY_FILE"] = body_path
    env["BENCH_METHOD"] = method
    env.pop("BENCH_MAX_REQUESTS", None)
    if max_requests is not None:
        env["BENCH_MAX_REQUESTS"] = str(max_requests)
    env.pop("BENCH_AUTHORIZATION", None)
    if authorization:
        env["BENCH_AUTHORIZATION"] = authorization
    return env


def authorization_for(url):
    """The Authorization header the server at `url` expects from wrk (only csharp-apikey has one)."""
    return AUTHORIZATION_BY_PORT.get(urllib.parse.urlsplit(url).port)


def lua_for(url):
    """The wrk script for `url`: V2 paths get bench/v2_infer.lua, which sends the same text as a V2 request."""
    return V2_LUA if urllib.parse.urlsplit(url).path.startswith("/v2/") else LUA


def parse_wrk(out):
    m = re.search(r"^BENCH_JSON (\{.*\})\s*$", out, re.M)
    if not m:
        raise RuntimeError("wrk printed no BENCH_JSON line:\n" + out[-2000:])
    r = json.loads(m.group(1))
    secs = r["duration_us"] / 1e6
    r["rps"] = r["requests"] / secs if secs > 0 else 0.0
    r["socket_errors"] = r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_timeout"]
    r["errors"] = r["socket_errors"] + r["errors_status"]
    return r


def run_wrk(url, connections, duration, body_path, method, threads=2, timeout="5s", latency=True):
    t = max(1, min(threads, connections))
    cmd = ["wrk", f"-t{t}", f"-c{connections}", f"-d{duration}s", f"--timeout", timeout]
    if latency:
        cmd.append("--latency")
    cmd += ["-s", lua_for(url), url]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=wrk_env(body_path, method, authorization=authorization_for(url)),
                         timeout=duration + 60)
    out = res.stdout.decode("utf-8", "replace")
    if res.returncode != 0:
        raise RuntimeError(f"wrk failed (exit {res.returncode}):\n{out[-2000:]}")
    return parse_wrk(out)


def run_wrk_count(url, connections, total, body_path, method, threads=2, max_seconds=900, timeout="5s"):
    """wrk until `total` requests have been sent (each thread stops after total/threads), bounded by max_seconds."""
    t = max(1, min(threads, connections))
    # each thread stops after sending its share; the requests in flight then are not counted, so add one per connection
    per_thread = (total + t - 1) // t + (connections + t - 1) // t
    cmd = ["wrk", f"-t{t}", f"-c{connections}", f"-d{int(max_seconds)}s", "--timeout", timeout, "--latency", "-s", LUA, url]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=wrk_env(body_path, method, per_thread, authorization_for(url)),
                            start_new_session=True)
    _live.add(proc)
    lines, done = [], [0]

    def reader():
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace")
            lines.append(line)
            if line.startswith("BENCH_THREAD_DONE"):
                done[0] += 1

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    t0 = time.monotonic()
    aborted, interrupted = False, False
    try:
        while proc.poll() is None:
            if done[0] >= t and not interrupted:
                time.sleep(0.05)  # let the last in-flight responses land
                proc.send_signal(signal.SIGINT)  # wrk prints its summary and calls done() on SIGINT
                interrupted = True
            elif time.monotonic() - t0 > max_seconds + 30:
                aborted = True
                proc.kill()
                break
            time.sleep(0.02)
        proc.wait(timeout=30)
        th.join(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
        _live.discard(proc)
    wall = time.monotonic() - t0
    out = "".join(lines)
    r = parse_wrk(out)
    r["wall_seconds"] = round(wall, 2)
    r["completed"] = done[0] >= t
    r["aborted"] = aborted or done[0] < t
    return r


# --------------------------------------------------------------------------------------------------------------
# Modes
# --------------------------------------------------------------------------------------------------------------
THIS_BUILD = ("csharp", "csharp-nometrics", "csharp-apikey", "csharp-v2")  # server kinds run from this tree's published build
SERVER_FAILURES = (RuntimeError, OSError, ValueError, http.client.HTTPException, subprocess.TimeoutExpired)


def mode_throughput(ctx, args, results):
    servers = args.only
    runs, server_meta = [], []
    if any(SERVERS[s][1] in THIS_BUILD for s in servers):
        try:
            ctx.ensure_server()
        except RuntimeError as e:  # measure the others anyway; the failure is reported
            if args.fail_fast:
                raise
            log(f"  C# server unavailable, skipping it: {e}")
            for s in servers:
                if SERVERS[s][1] in THIS_BUILD:
                    server_meta.append({"server": s, "repeat": 0, "error": f"C# server unavailable: {e}"})
            servers = [s for s in servers if SERVERS[s][1] not in THIS_BUILD]
    if "baseline" in servers:
        ctx.ensure_baseline()  # published before any measurement, like this tree's build
    ctx.ensure_cert()
    results["throughput"] = {"runs": runs, "servers": server_meta}  # partial results survive an interruption
    if args.interleave:
        throughput_interleaved(ctx, args, servers, runs, server_meta)
    else:
        n_total = args.repeat * len(servers)
        k = 0
        for rep in range(1, args.repeat + 1):
            for name in servers:
                k += 1
                log(f"[{k}/{n_total}] {SERVERS[name][0]} (repeat {rep}/{args.repeat})")
                srv = RunningServer(ctx, SERVERS[name][1], f"{name}-r{rep}")
                try:
                    meta, url = start_and_warm(ctx, args, srv, name, rep)
                    measure(args, srv, name, rep, url, body_for(ctx, name), runs)
                    meta["peak_rss_mb"] = round(srv.sampler.peak_kb() / 1024, 1)
                    server_meta.append(meta)
                except SERVER_FAILURES as e:
                    server_failed(args, server_meta, name, rep, e)
                finally:
                    srv.stop()
    summary = summarize_throughput(runs, servers, args.connections)
    results["throughput"] = {"runs": runs, "servers": server_meta, "summary": summary,
                             "ratios": throughput_ratios(summary, args.connections, runs)}


def throughput_interleaved(ctx, args, servers, runs, server_meta):
    """--interleave: every server is started and warmed up once, then each repeat measures them one after the other, so
    the runs of a pair are seconds apart rather than minutes: on a machine whose background load drifts, that is
    what makes a few-percent difference visible. Idle servers stay up (and take no CPU) while another is measured."""
    running, ready = [], {}
    try:
        for name in servers:
            log(f"[start] {SERVERS[name][0]}")
            srv = RunningServer(ctx, SERVERS[name][1], f"{name}-interleaved")
            running.append(srv)
            try:
                ready[name] = (srv, *start_and_warm(ctx, args, srv, name, 0))
            except SERVER_FAILURES as e:
                server_failed(args, server_meta, name, 0, e)
        n_total, k = args.repeat * len(ready), 0
        for rep in range(1, args.repeat + 1):
            for name, (srv, _, url) in ready.items():
                k += 1
                log(f"[{k}/{n_total}] {SERVERS[name][0]} (repeat {rep}/{args.repeat})")
                try:
                    measure(args, srv, name, rep, url, body_for(ctx, name), runs)
                except SERVER_FAILURES as e:
                    server_failed(args, server_meta, name, rep, e)
        for name, (srv, meta, _) in ready.items():
            meta["peak_rss_mb"] = round(srv.sampler.peak_kb() / 1024, 1)
            server_meta.append(meta)
    finally:
        for srv in running:
            srv.stop()


def start_and_warm(ctx, args, srv, name, rep):
    """Waits for /health, checks one POST /predict, starts RSS sampling and warms the server up; returns (meta, url)."""
    _, kind, path, method = SERVERS[name]
    body_path = body_for(ctx, name)
    startup = srv.wait_ready(timeout=args.start_timeout, poll=0.02)
    pred = srv.check_predict(body_path)
    if path.startswith("/v2/"):
        srv.check_v2(path, body_path)
    elif path == "/embed":
        srv.check_embed(body_path)
    srv.start_sampling()
    url = f"https://127.0.0.1:{srv.port}{path}"
    meta = {"server": name, "repeat": rep, "startup_s": round(startup, 3), "cert_verified": srv.cert_verified,
            "keep_alive": srv.keep_alive, "prediction": {"label": pred.get("label"), "score": pred.get("score")}}
    log(f"    ready in {startup:.2f} s; /predict -> {pred.get('label')} {pred.get('score')}"
        + ("" if srv.keep_alive else "; the server closes every connection (no keep-alive)"))
    warmup = args.warmup if args.warmup is not None else (15 if kind.startswith("csharp") else 5)
    if warmup > 0:
        meta["warmup_rps"] = warm_up(url, max(args.connections), body_path, method, args, warmup)
        log(f"    warm-up: {', '.join(f'{x:.0f}' for x in meta['warmup_rps'])} req/s")
        time.sleep(0.3)
    return meta, url


def measure(args, srv, name, rep, url, body_path, runs):
    """One wrk run per connection count against a ready server, appended to `runs`."""
    method = SERVERS[name][3]
    for c in args.connections:
        t_start = time.monotonic()
        meter = CpuMeter(srv.proc.pid)
        r = run_wrk(url, c, args.duration, body_path, method, args.wrk_threads, args.wrk_timeout)
        r.update(meter.result())
        r.update({"server": name, "repeat": rep, "connections": c, "keep_alive": srv.keep_alive,
                  "peak_rss_mb": round(srv.sampler.peak_kb(t_start) / 1024, 1)})
        runs.append(r)
        log(f"    c={c:<3} {r['rps']:10.1f} req/s  p50 {r['p50_us'] / 1000:8.2f} ms  p99 {r['p99_us'] / 1000:8.2f} ms"
            f"  errors {r['errors']:<5} peak RSS {r['peak_rss_mb']:.0f} MB  CPU server {r['server_cpu_cores']:.2f}"
            f" wrk {r['wrk_cpu_cores']:.2f} other {r['other_cpu_cores']:.2f}")
        time.sleep(0.3)


def server_failed(args, server_meta, name, rep, e):
    log(f"    FAILED: {e!r}" if not isinstance(e, RuntimeError) else f"    FAILED: {e}")
    server_meta.append({"server": name, "repeat": rep, "error": str(e) or repr(e)})
    if args.fail_fast:
        raise e


def warm_up(url, connections, body_path, method, args, seconds):
    """wrk for `seconds`, then in --warmup-step s slices until two consecutive slices differ by <= 5 % or --warmup-max s
    have passed. The .NET JIT tiers up under load (tier 0 -> instrumented -> tier 1); on 2 busy cores the C# server
    needs ~10-15 s of load to reach steady state, hence the longer minimum for it. Returns the req/s seen."""
    seen = [run_wrk(url, connections, seconds, body_path, method, args.wrk_threads, args.wrk_timeout, latency=False)["rps"]]
    spent = seconds
    while spent + args.warmup_step <= args.warmup_max:
        seen.append(run_wrk(url, connections, args.warmup_step, body_path, method, args.wrk_threads, args.wrk_timeout,
                            latency=False)["rps"])
        spent += args.warmup_step
        if len(seen) >= 2 and abs(seen[-1] - seen[-2]) <= 0.05 * max(seen[-2], 1e-9):
            break
    return [round(x, 1) for x in seen]


def summarize_throughput(runs, servers, conns):
    out = []
    for name in servers:
        for c in conns:
            rs = [r for r in runs if r["server"] == name and r["connections"] == c]
            if not rs:
                continue
            out.append({
                "server": name, "label": SERVERS[name][0], "connections": c, "repeats": len(rs),
                "rps": statistics.median(r["rps"] for r in rs),
                "p50_ms": statistics.median(r["p50_us"] for r in rs) / 1000,
                "p99_ms": statistics.median(r["p99_us"] for r in rs) / 1000,
                "errors": sum(r["errors"] for r in rs),
                "non2xx": sum(r["errors_status"] for r in rs),
                "socket_errors": sum(r["socket_errors"] for r in rs),
                "requests": sum(r["requests"] for r in rs),
                "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in rs),
                "little_ms": c / statistics.median(r["rps"] for r in rs) * 1000 if any(r["rps"] for r in rs) else None,
                "server_cpu_cores": statistics.median(r["server_cpu_cores"] for r in rs),
                "other_cpu_cores_max": max(r["other_cpu_cores"] for r in rs),
                "keep_alive": all(r.get("keep_alive") is not False for r in rs),
                "rps_all": [round(r["rps"], 1) for r in rs],
            })
    return out


def _ref_conn(conns):
    return 64 if 64 in conns else max(conns)


def paired_ratio(runs, a, b, c):
    """Median over repeats of a's req/s / b's in the same repeat: the two ran back to back, so a background load that
    drifts over minutes affects both sides of each pair alike."""
    at = {(r["server"], r["repeat"]): r for r in runs if r["connections"] == c}
    keys = [k for (s, k) in sorted(at) if s == a and at.get((b, k), {}).get("rps")]
    if not keys:
        return None
    pairs = [round(at[(a, k)]["rps"] / at[(b, k)]["rps"], 3) for k in keys]
    # req/s per core the server used: less sensitive to how much CPU other processes left it
    per_core = [round((at[(a, k)]["rps"] / at[(a, k)]["server_cpu_cores"]) / (at[(b, k)]["rps"] / at[(b, k)]["server_cpu_cores"]), 3)
                for k in keys if at[(a, k)]["server_cpu_cores"] and at[(b, k)]["server_cpu_cores"]]
    return {"value": statistics.median(pairs), "pairs": pairs, "per_core_value": statistics.median(per_core) if per_core else None,
            "per_core_pairs": per_core, "connections": c}


def throughput_ratios(summary, conns, runs=()):
    c = _ref_conn(conns)
    row = {s["server"]: s for s in summary if s["connections"] == c}

    def ratio(a, b, key, target, kind):
        if a not in row or b not in row or not row[b][key]:
            return None
        value = row[a][key] / row[b][key]
        ok = value >= target if kind == "min" else value <= target
        return {"value": value, "target": target, "kind": kind, "met": ok, "connections": c}

    return {
        "csharp_vs_floor": ratio("csharp", "floor", "rps", TARGETS["csharp_vs_floor"], "min"),
        "csharp_vs_gthread": ratio("csharp", "gunicorn-threads", "rps", TARGETS["csharp_vs_gthread"], "min"),
        "csharp_vs_flask": ratio("csharp", "flask", "rps", TARGETS["csharp_vs_flask"], "min"),
        "csharp_vs_gunicorn": ratio("csharp", "gunicorn", "rps", 0, "min"),
        "p99_csharp_vs_gthread": ratio("csharp", "gunicorn-threads", "p99_ms", TARGETS["p99_csharp_vs_gthread"], "max"),
        "csharp_vs_baseline": ratio("csharp", "baseline", "rps", TARGETS["csharp_vs_baseline"], "min"),
        "csharp_vs_nometrics": ratio("csharp", "csharp-nometrics", "rps", TARGETS["csharp_vs_nometrics"], "min"),
        "apikey_vs_csharp": ratio("csharp-apikey", "csharp", "rps", TARGETS["apikey_vs_csharp"], "min"),
        "v2_vs_csharp": ratio("csharp-v2", "csharp", "rps", TARGETS["v2_vs_csharp"], "min"),
        "v2_vs_csharp_paired": paired_ratio(runs, "csharp-v2", "csharp", c),
        "p99_csharp_vs_nometrics": ratio("csharp", "csharp-nometrics", "p99_ms", float("inf"), "max"),
        "csharp_vs_nometrics_paired": paired_ratio(runs, "csharp", "csharp-nometrics", c),
    }


def mode_coldstart(ctx, args, results):
    out = {}
    kinds = [("csharp", "C# (published, Release)"), ("flask", "Flask app.run")]
    if args.only_given:
        kinds = [k for k in kinds if k[0] in args.only]
    for kind, label in kinds:
        if kind == "csharp":
            ctx.ensure_server()
        ctx.ensure_cert()
        times, errors = [], []
        total = args.coldstart_runs + args.coldstart_prime
        for i in range(total):
            primed = i < args.coldstart_prime
            srv = RunningServer(ctx, kind, f"coldstart-{kind}-{i}")
            try:
                s = srv.wait_ready(timeout=args.start_timeout, poll=0.005)
                if not primed:
                    times.append(s)
                log(f"  {label}: {'(priming run, not counted) ' if primed else ''}launch -> /health 200 in {s:.3f} s")
            except SERVER_FAILURES as e:
                errors.append(str(e) or repr(e))
                log(f"  {label}: FAILED: {e}")
            finally:
                srv.stop()
            time.sleep(0.3)
        out[kind] = {"label": label, "runs_s": [round(t, 4) for t in times],
                     "median_s": statistics.median(times) if times else None, "errors": errors,
                     "priming_runs": args.coldstart_prime}
    if out.get("csharp", {}).get("median_s") is not None:
        m = out["csharp"]["median_s"]
        out["target"] = {"value": m, "target": TARGETS["coldstart_csharp_s"], "kind": "max", "met": m <= TARGETS["coldstart_csharp_s"]}
    results["coldstart"] = out


class PredictRateProbe(threading.Thread):
    """/predict requests answered per second, read from the server's own counter on /metrics
    (http_server_request_duration_seconds_count, summed over its /predict series) once a second: where in the first
    seconds the throughput steps up, which the 10-s windows do not show. One scrape a second adds little load."""

    def __init__(self, port, cafile, seconds):
        super().__init__(daemon=True)
        self.client, self.seconds, self.counts = Client(port, cafile), seconds, []
        self.failed = None

    def _count(self):
        status, data = self.client.request("GET", "/metrics", timeout=5.0)
        if status != 200:
            raise OSError(f"GET /metrics answered {status}")
        text = data.decode("utf-8", "replace")
        if "http_server_request_duration_seconds" not in text:
            raise OSError("no http_server_request_duration_seconds on /metrics")
        total = 0.0  # the /predict series appear with the first /predict answered
        for line in text.splitlines():
            if line.startswith("http_server_request_duration_seconds_count{") and 'http_route="/predict"' in line:
                total += float(line.rsplit("}", 1)[1].split()[0])
        return total

    def run(self):
        try:
            start, previous = time.monotonic(), self._count()
            for second in range(1, self.seconds + 1):
                time.sleep(max(0.0, start + second - time.monotonic()))
                current = self._count()
                self.counts.append(round(current - previous))
                previous = current
        except (OSError, http.client.HTTPException, ValueError) as e:
            self.failed = str(e) or repr(e)
        finally:
            self.client.close()


def mode_firstsec(ctx, args, results):
    """Fast from the first second: launch the C# server, and the moment GET /health is 200 run wrk at 64 connections for
    --firstsec-window s (the first window); keep the load on until 20 s of load in all, then measure the same window
    again (steady state). Each repeat is a fresh process; the ratio first / steady is taken per repeat and the median
    quoted. Nothing warms the server up but what it does itself before /health turns 200. Each repeat also records the
    /predict answers per second over the whole load (PredictRateProbe), printed under it."""
    ctx.ensure_server()
    ctx.ensure_cert()
    body_path = ctx.body[0]
    conns, window, total_load = 64, args.firstsec_window, 20
    runs = []
    for rep in range(1, args.repeat + 1):
        srv = RunningServer(ctx, "csharp", f"firstsec-r{rep}")
        try:
            startup = srv.wait_ready(timeout=args.start_timeout, poll=0.005)
            url = f"https://127.0.0.1:{srv.port}/predict"
            srv.start_sampling()
            probe = PredictRateProbe(srv.port, ctx.cert, total_load + window)
            probe.start()
            first = run_wrk(url, conns, window, body_path, "POST", args.wrk_threads, args.wrk_timeout)
            if total_load > window:
                run_wrk(url, conns, total_load - window, body_path, "POST", args.wrk_threads, args.wrk_timeout, latency=False)
            steady = run_wrk(url, conns, window, body_path, "POST", args.wrk_threads, args.wrk_timeout)
            r = {"repeat": rep, "startup_s": round(startup, 3), "first_rps": round(first["rps"], 1),
                 "first_p99_ms": round(first["p99_us"] / 1000, 2), "first_errors": first["errors"],
                 "steady_rps": round(steady["rps"], 1), "steady_p99_ms": round(steady["p99_us"] / 1000, 2),
                 "steady_errors": steady["errors"], "ratio": round(first["rps"] / steady["rps"], 3) if steady["rps"] else None,
                 "peak_rss_mb": round(srv.sampler.peak_kb() / 1024, 1)}
            probe.join(timeout=10.0)
            r["per_second"] = probe.counts if probe.failed is None else None  # /predict answers in each second of load
            if probe.failed is not None:
                r["per_second_error"] = probe.failed
            runs.append(r)
            log(f"  repeat {rep}: ready in {startup:.2f} s; first {window} s {r['first_rps']:.0f} req/s (p99 {r['first_p99_ms']} ms), "
                f"after {total_load} s of load {r['steady_rps']:.0f} req/s (p99 {r['steady_p99_ms']} ms): ratio {r['ratio']}")
        except SERVER_FAILURES as e:
            log(f"  repeat {rep}: FAILED: {e}")
            runs.append({"repeat": rep, "error": str(e) or repr(e)})
        finally:
            srv.stop()
        time.sleep(0.5)
    ratios = [r["ratio"] for r in runs if r.get("ratio") is not None]
    out = {"connections": conns, "window_s": window, "load_before_steady_s": total_load, "runs": runs,
           "median_ratio": statistics.median(ratios) if ratios else None}
    if ratios:
        out["target"] = {"value": out["median_ratio"], "target": TARGETS["firstsec_ratio"], "kind": "min",
                         "met": out["median_ratio"] >= TARGETS["firstsec_ratio"]}
    results["firstsec"] = out


COST_SHAPES = [  # (name, texts per request, bytes of text per text)
    ("100 B", 1, 100), ("1 KB", 1, 1_000), ("10 KB", 1, 10_000), ("100 KB", 1, 100_000),
    ("16 x 1 KB", 16, 1_000), ("256 x 1 KB", 256, 1_000),
]
SERVER_TIMING = re.compile(r"(tokenize|queue|inference);dur=([0-9.]+)")


@functools.lru_cache(maxsize=1)
def test_texts():
    """The texts of the test e-mails, in file order (read once: the 256-text batch asks for 256 of them)."""
    with gzip.open(TEST_DATA, "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def corpus_text(size, offset=0):
    """`size` bytes (UTF-8, cut at a space) of test e-mails joined by blank lines, starting at e-mail `offset`."""
    parts, total = [], 0
    texts = test_texts()
    i = offset
    while total < size:
        text = texts[i % len(texts)]
        parts.append(text)
        total += len(text.encode("utf-8")) + 2
        i += 1
    data = "\n\n".join(parts).encode("utf-8")[:size]
    cut = data.rfind(b" ")
    return (data[:cut] if cut > size // 2 else data).decode("utf-8", "ignore")


class TimingProbe:
    """A client on its own keep-alive connection that keeps POSTing the body and collects Server-Timing (ms)."""

    def __init__(self, port, cafile, body):
        self.samples = {"tokenize": [], "queue": [], "inference": []}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(port, cafile, body), daemon=True)
        self._thread.start()

    def _run(self, port, cafile, body):
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ssl.create_default_context(cafile=cafile))
        while not self._stop.is_set():
            try:
                conn.request("POST", "/predict", body=body, headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                for name, ms in SERVER_TIMING.findall(resp.getheader("Server-Timing", "")):
                    self.samples[name].append(float(ms))
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ssl.create_default_context(cafile=cafile))
            self._stop.wait(0.02)
        conn.close()

    def medians(self):
        self._stop.set()
        self._thread.join(timeout=30)
        return {k: (round(statistics.median(v), 4) if v else None) for k, v in self.samples.items()}


def mode_cost(ctx, args, results):
    """How cost grows with the body and the batch: one C# server, warmed up, then wrk at 64 connections for each shape
    (with a short warm-up of that shape first), server CPU per request from /proc, and the medians of Server-Timing
    (tokenize, queue, forward) sampled under that load by one extra client; plus the trivial endpoint's floor."""
    ctx.ensure_server()
    ctx.ensure_cert()
    conns = 64
    srv = RunningServer(ctx, "csharp", "cost")
    out = {"connections": conns, "duration_s": args.duration, "shapes": []}
    try:
        srv.wait_ready(timeout=args.start_timeout)
        srv.start_sampling()
        url = f"https://127.0.0.1:{srv.port}/predict"
        warm_up(url, conns, ctx.body[0], "POST", args, 15)
        meter = CpuMeter(srv.proc.pid)
        floor = run_wrk(f"https://127.0.0.1:{srv.port}/health/live", conns, args.duration, ctx.body[0], "GET", args.wrk_threads, args.wrk_timeout)
        floor.update(meter.result())
        out["floor"] = {"rps": round(floor["rps"], 1), "p99_ms": round(floor["p99_us"] / 1000, 2),
                        "cpu_us_per_request": round(floor["server_cpu_cores"] * 1e6 / floor["rps"], 1) if floor["rps"] else None}
        log(f"  floor GET /health/live: {floor['rps']:.0f} req/s, p99 {floor['p99_us'] / 1000:.2f} ms")
        for name, texts, size in COST_SHAPES:
            payload = {"text": corpus_text(size)} if texts == 1 else {"texts": [corpus_text(size, i * 3) for i in range(texts)]}
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            path = os.path.join(ctx.work, f"cost-{texts}-{size}.json")
            with open(path, "wb") as f:
                f.write(body)
            run_wrk(url, conns, 3, path, "POST", args.wrk_threads, args.wrk_timeout, latency=False)
            probe = TimingProbe(srv.port, ctx.cert, body)
            meter = CpuMeter(srv.proc.pid)
            r = run_wrk(url, conns, args.duration, path, "POST", args.wrk_threads, args.wrk_timeout)
            r.update(meter.result())
            timing = probe.medians()
            row = {"shape": name, "texts": texts, "body_bytes": len(body), "rps": round(r["rps"], 1),
                   "texts_per_s": round(r["rps"] * texts, 1), "p50_ms": round(r["p50_us"] / 1000, 2),
                   "p99_ms": round(r["p99_us"] / 1000, 2), "errors": r["errors"],
                   "cpu_us_per_request": round(r["server_cpu_cores"] * 1e6 / r["rps"], 1) if r["rps"] else None,
                   "server_timing_ms": timing}
            out["shapes"].append(row)
            log(f"  {name:<11} {len(body):>7} B: {r['rps']:8.0f} req/s ({row['texts_per_s']:.0f} texts/s), p99 {row['p99_ms']} ms, "
                f"{row['cpu_us_per_request']} us CPU/request, Server-Timing medians {timing}")
        out["peak_rss_mb"] = round(srv.sampler.peak_kb() / 1024, 1)
    finally:
        srv.stop()
    results["cost"] = out


def mode_soak(ctx, args, results):
    body_path, _ = ctx.body
    ctx.ensure_server()
    ctx.ensure_cert()
    c, total, first = args.soak_connections, args.soak_requests, min(args.soak_first, args.soak_requests)
    log(f"  C# soak: {total:,} POST /predict at {c} connections (RSS after the first {first:,}, at the end, peak)")
    srv = RunningServer(ctx, "csharp", "soak")
    out = {"connections": c, "requests_target": total}
    try:
        out["startup_s"] = round(srv.wait_ready(timeout=args.start_timeout, poll=0.02), 3)
        srv.check_predict(body_path)
        srv.start_sampling()
        out["rss_idle_mb"] = round(tree_rss_kb(srv.proc.pid) / 1024, 1)
        url = f"https://127.0.0.1:{srv.port}/predict"
        t_begin = time.monotonic()
        a = run_wrk_count(url, c, first, body_path, "POST", args.wrk_threads, max_seconds=args.soak_timeout,
                          timeout=args.wrk_timeout)
        out["rss_after_first_mb"] = round(tree_rss_kb(srv.proc.pid) / 1024, 1)
        out["first_requests"] = a["requests"]
        log(f"    first {a['requests']:,} requests: {a['rps']:.0f} req/s, RSS {out['rss_after_first_mb']:.1f} MB")
        remaining = max(0.0, args.soak_timeout - (time.monotonic() - t_begin))
        meter = CpuMeter(srv.proc.pid)
        b = run_wrk_count(url, c, total - first, body_path, "POST", args.wrk_threads, max_seconds=remaining,
                          timeout=args.wrk_timeout)
        out["cpu"] = meter.result()
        out["rss_end_mb"] = round(tree_rss_kb(srv.proc.pid) / 1024, 1)
        out["peak_rss_mb"] = round(srv.sampler.peak_kb() / 1024, 1)
        out["requests"] = a["requests"] + b["requests"]
        out["errors"] = a["errors"] + b["errors"]
        out["rps"] = b["rps"]
        out["p50_ms"], out["p99_ms"] = b["p50_us"] / 1000, b["p99_us"] / 1000
        out["seconds"] = round(time.monotonic() - t_begin, 1)
        out["aborted"] = a["aborted"] or b["aborted"]
        out["rss_growth"] = out["rss_end_mb"] / out["rss_after_first_mb"] if out["rss_after_first_mb"] else None
        out["rss_timeline_mb"] = srv.sampler.timeline(step=1.0)
        out["wrk_first"], out["wrk_rest"] = a, b
        out["targets"] = {
            "rss_growth": {"value": out["rss_growth"], "target": TARGETS["soak_rss_growth"], "kind": "max",
                           "met": out["rss_growth"] is not None and out["rss_growth"] <= TARGETS["soak_rss_growth"]},
            "peak_rss_mb": {"value": out["peak_rss_mb"], "target": TARGETS["soak_peak_rss_mb"], "kind": "max",
                            "met": out["peak_rss_mb"] <= TARGETS["soak_peak_rss_mb"]},
        }
        log(f"    {out['requests']:,} requests in {out['seconds']} s{' (ABORTED at the time limit)' if out['aborted'] else ''}; "
            f"{out['rps']:.0f} req/s; RSS end {out['rss_end_mb']:.1f} MB, peak {out['peak_rss_mb']:.1f} MB; errors {out['errors']}; "
            f"CPU cores: server {out['cpu']['server_cpu_cores']}, wrk {out['cpu']['wrk_cpu_cores']}, other {out['cpu']['other_cpu_cores']}")
    except SERVER_FAILURES as e:
        log(f"    FAILED: {e}")
        out["error"] = str(e) or repr(e)
    finally:
        srv.stop()
    results["soak"] = out


_CS_EPOCH = re.compile(r"^epoch\s+(\d+)/\d+ \|.*\| accuracy ([\d.]+)\s*%.*\|\s*([\d.]+) s\s*$", re.M)
_PY_EPOCH = re.compile(r"^\| epoch\s+(\d+) \|.*\| test acc ([\d.]+) \| time ([\d.]+)s", re.M)


def mode_train(ctx, args, results):
    hp = {"lr": 5, "batch_size": 64, "embed_dim": 32, "min_freq": 3, "threads": 1, "seed": args.train_seed,
          "clip_grad_norm": 0.1, "lr_schedule": "constant", "epochs": args.train_epochs}
    dll = ctx.ensure_cli()
    common = ["--train", TRAIN_DATA, "--test", TEST_DATA, "--lr", "5", "--batch-size", "64", "--epochs", str(args.train_epochs),
              "--embed-dim", "32", "--min-freq", "3", "--threads", "1", "--seed", str(args.train_seed)]
    cmds = {
        "csharp": ["dotnet", dll, "train"] + common + ["--clip", "0.1", "--lr-step", "0"],
        "python": [PY, os.path.join(REPO, "tools", "pytorch", "train.py")] + common + ["--clip-grad-norm", "0.1"],
    }
    pattern = {"csharp": _CS_EPOCH, "python": _PY_EPOCH}
    out = {"hyperparameters": hp, "runs": []}
    for rep in range(1, args.repeat + 1):
        for side in ("csharp", "python"):
            dest = os.path.join(ctx.work, f"train-{side}-{rep}")
            t0 = time.monotonic()
            res = subprocess.run(cmds[side] + ["--out", dest], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 timeout=1800)
            wall = time.monotonic() - t0
            text = res.stdout.decode("utf-8", "replace")
            if res.returncode != 0:
                raise RuntimeError(f"{side} training failed (exit {res.returncode}):\n{text[-2000:]}")
            epochs = [(int(e), float(acc), float(s)) for e, acc, s in pattern[side].findall(text)]
            if len(epochs) != args.train_epochs:
                raise RuntimeError(f"could not parse {side} epoch lines:\n{text[-2000:]}")
            acc = [a / 100 if side == "csharp" else a for _, a, _ in epochs]
            secs = [s for _, _, s in epochs]
            run = {"side": side, "repeat": rep, "epoch_seconds": secs, "first_epoch_s": secs[0],
                   "median_epoch_s": statistics.median(secs), "final_accuracy": acc[-1], "wall_s": round(wall, 2)}
            out["runs"].append(run)
            log(f"  {side:6s} run {rep}: epochs {', '.join(f'{s:.3f}' for s in secs)} s; final accuracy {acc[-1]:.4f}; "
                f"process {wall:.1f} s")
    for side in ("csharp", "python"):
        rs = [r for r in out["runs"] if r["side"] == side]
        out[side] = {"median_epoch_s": statistics.median(r["median_epoch_s"] for r in rs),
                     "first_epoch_s": statistics.median(r["first_epoch_s"] for r in rs),
                     "final_accuracy": statistics.median(r["final_accuracy"] for r in rs),
                     "wall_s": statistics.median(r["wall_s"] for r in rs)}
    ratio = out["csharp"]["median_epoch_s"] / out["python"]["median_epoch_s"]
    out["ratio"] = {"value": ratio, "target": TARGETS["train_epoch_ratio"], "kind": "max", "met": ratio <= TARGETS["train_epoch_ratio"]}
    results["train"] = out


# --------------------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------------------
def _fmt_ms(v):
    return f"{v:.2f}" if v < 100 else f"{v:.0f}"


def _verdict(r):
    if r is None:
        return "n/a"
    return "MET" if r["met"] else "NOT MET"


def print_report(results, args):
    p = print
    m = results["machine"]
    p(f"\nMachine: {m['nproc']} cores, {m['cpu']} @ {m.get('cpu_mhz')} MHz, {m['mem_total_gb']} GB RAM, {m['os']}")
    body = results.get("body")
    if body and ("throughput" in results or "soak" in results):
        p(f"Load: wrk -t{args.wrk_threads} over HTTPS (keep-alive), 127.0.0.1, one shared ECDSA P-256 certificate")
        p(f"Body: {body['body_bytes']} bytes ({body['text_chars']} chars, {body['source']})")
    tp = results.get("throughput")
    if tp:
        p(f"\nThroughput: {args.duration} s per run, medians of {args.repeat} repeat(s)")
        hdr = (f"{'server':<29}{'conns':>6}{'req/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'c/rps ms':>10}{'errors':>8}"
               f"{'RSS MB':>8}{'srv CPU':>9}")
        p(hdr)
        p("-" * len(hdr))
        last = None
        closers = False
        for s in tp["summary"]:
            name = s["label"] + ("" if s["keep_alive"] else " *") if s["server"] != last else ""
            closers = closers or not s["keep_alive"]
            last = s["server"]
            little = _fmt_ms(s["little_ms"]) if s["little_ms"] is not None else "n/a"
            p(f"{name:<29}{s['connections']:>6}{s['rps']:>11.1f}{_fmt_ms(s['p50_ms']):>9}{_fmt_ms(s['p99_ms']):>9}"
              f"{little:>10}{s['errors']:>8}{s['peak_rss_mb']:>8.0f}{s['server_cpu_cores']:>9.2f}")
        p("req/s, p50, p99 (wrk --latency), RSS (peak VmRSS of the server process tree, summed) and srv CPU (cores used by\n"
          "the server tree) are medians over repeats; errors = socket errors + non-2xx responses, summed over repeats.\n"
          "c/rps = connections / req/s: the mean time a request waits in this closed loop, connection set-up included.")
        if closers:
            p("* closes the connection after every response (no keep-alive): wrk reconnects (TCP + TLS handshake) for each\n"
              "  request and its p50/p99 leave out that connect and accept-queue time; c/rps includes it.")
        busy = [r for r in tp["runs"] if r.get("other_cpu_cores", 0) > 0.1]
        if busy:
            worst = max(r["other_cpu_cores"] for r in busy)
            p(f"WARNING: other processes used CPU during {len(busy)} of {len(tp['runs'])} runs (up to {worst:.2f} cores "
              f"of {results['machine']['nproc']}); those figures are pessimistic. Re-run on an idle machine.")
        failed = [x for x in tp["servers"] if "error" in x]
        for x in failed:
            p(f"  ! {x['server']} repeat {x['repeat']} failed: {x['error'].splitlines()[0]}")
        r = tp["ratios"]
        c = _ref_conn(args.connections)
        p(f"\nRatios at {c} connections (targets from the issue):")
        rows = [
            ("C# /predict / C# floor (req/s)", r["csharp_vs_floor"], f">= {TARGETS['csharp_vs_floor']:.2f}", lambda v: f"{v:.2f}"),
            ("C# / gunicorn --threads 4 (req/s)", r["csharp_vs_gthread"], ">= 8x", lambda v: f"{v:.1f}x"),
            ("C# / Flask app.run (req/s)", r["csharp_vs_flask"], f">= {TARGETS['csharp_vs_flask']:.0f}x", lambda v: f"{v:.1f}x"),
            ("C# / gunicorn -w 2 (req/s)", r["csharp_vs_gunicorn"], "(info)", lambda v: f"{v:.1f}x"),
            ("p99 C# / gunicorn --threads 4", r["p99_csharp_vs_gthread"], "<= 0.125", lambda v: f"{v:.3f}"),
            (f"C# / baseline {args.baseline or ''} (req/s)", r.get("csharp_vs_baseline"), ">= 0.97", lambda v: f"{v:.3f}"),
            ("C# metrics on / off (req/s)", r.get("csharp_vs_nometrics"), ">= 0.97", lambda v: f"{v:.3f}"),
            ("C# API key / C# no key (req/s)", r.get("apikey_vs_csharp"), ">= 0.97", lambda v: f"{v:.3f}"),
            ("C# V2 infer JSON / /predict (req/s)", r.get("v2_vs_csharp"), ">= 0.90", lambda v: f"{v:.3f}"),
            ("p99 C# metrics on / off", r.get("p99_csharp_vs_nometrics"), "(info)", lambda v: f"{v:.3f}"),
        ]
        for label, val, target, fmt in rows:
            shown = fmt(val["value"]) if val else "n/a"
            verdict = "" if target == "(info)" else _verdict(val)
            p(f"  {label:<36}{shown:>10}   target {target:<9} {verdict}")
        v2_paired = r.get("v2_vs_csharp_paired")
        if v2_paired:
            p(f"  V2 infer / /predict, median of per-repeat pairs {v2_paired['value']:.3f} (pairs {', '.join(f'{x:.3f}' for x in v2_paired['pairs'])})")
        paired = r.get("csharp_vs_nometrics_paired")
        if paired:
            p(f"  metrics on / off, median of per-repeat pairs {paired['value']:.3f} (pairs {', '.join(f'{x:.3f}' for x in paired['pairs'])})")
            if paired["per_core_value"] is not None:
                p(f"  metrics on / off, req/s per server core, median of pairs {paired['per_core_value']:.3f} "
                  f"(pairs {', '.join(f'{x:.3f}' for x in paired['per_core_pairs'])})")
    cs = results.get("coldstart")
    if cs:
        p("\nCold start (process launch -> first 200 on GET /health, monotonic clock, poll every 5 ms):")
        for kind in ("csharp", "flask"):
            if kind in cs:
                x = cs[kind]
                med = f"{x['median_s']:.3f} s" if x["median_s"] is not None else "n/a"
                p(f"  {x['label']:<26} median {med:>9}   runs {', '.join(f'{t:.3f}' for t in x['runs_s'])}"
                  + (f"   ({len(x['errors'])} failed)" if x["errors"] else ""))
        if "target" in cs:
            p(f"  C# target <= {TARGETS['coldstart_csharp_s']} s median: {_verdict(cs['target'])}")
    fs = results.get("firstsec")
    if fs:
        p(f"\nFirst seconds (C#, POST /predict, {fs['connections']} connections; wrk starts the moment /health is 200):")
        for r in fs["runs"]:
            if "error" in r:
                p(f"  repeat {r['repeat']}: FAILED: {r['error']}")
                continue
            p(f"  repeat {r['repeat']}: first {fs['window_s']} s {r['first_rps']:>8.0f} req/s  p99 {r['first_p99_ms']:>7.2f} ms   "
              f"after {fs['load_before_steady_s']} s of load {r['steady_rps']:>8.0f} req/s  p99 {r['steady_p99_ms']:>7.2f} ms   "
              f"ratio {r['ratio']:.3f}   ready in {r['startup_s']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB")
            if r.get("per_second"):
                p("    per second (thousands of /predict): " + " ".join(f"{c / 1000:.1f}" for c in r["per_second"]))
            elif r.get("per_second_error"):
                p(f"    per second: not measured ({r['per_second_error']})")
        if "target" in fs:
            p(f"  first {fs['window_s']} s / steady state, median of repeats: {fs['median_ratio']:.3f} "
              f"(target >= {TARGETS['firstsec_ratio']}: {_verdict(fs['target'])})")
    co = results.get("cost")
    if co and "floor" in co:
        p(f"\nCost by body and batch (C#, POST /predict, {co['connections']} connections, {co['duration_s']} s each; "
          f"Server-Timing medians from one extra client under that load):")
        p(f"  {'shape':<12}{'body B':>9}{'req/s':>9}{'texts/s':>10}{'p99 ms':>9}{'CPU us/req':>12}{'tokenize':>10}{'queue':>8}{'forward':>9}")
        fl = co["floor"]
        p(f"  {'floor GET':<12}{'-':>9}{fl['rps']:>9.0f}{'-':>10}{fl['p99_ms']:>9.2f}{fl['cpu_us_per_request'] or 0:>12.1f}")
        for r in co["shapes"]:
            t = r["server_timing_ms"]
            def ms(v):
                return f"{v:.3f}" if v is not None else "-"
            p(f"  {r['shape']:<12}{r['body_bytes']:>9}{r['rps']:>9.0f}{r['texts_per_s']:>10.0f}{r['p99_ms']:>9.2f}"
              f"{r['cpu_us_per_request'] or 0:>12.1f}{ms(t['tokenize']):>10}{ms(t['queue']):>8}{ms(t['inference']):>9}")
    so = results.get("soak")
    if so:
        p(f"\nSoak (C#, POST /predict, {so['connections']} connections):")
        if "error" in so:
            p(f"  FAILED: {so['error'].splitlines()[0]}")
        else:
            t = so["targets"]
            p(f"  {so['requests']:,} requests in {so['seconds']} s{' (ABORTED at the time limit)' if so['aborted'] else ''}, "
              f"{so['rps']:.0f} req/s, p50 {so['p50_ms']:.2f} ms, p99 {so['p99_ms']:.2f} ms, errors {so['errors']}")
            if so["cpu"]["other_cpu_cores"] > 0.1:
                p(f"  WARNING: other processes used {so['cpu']['other_cpu_cores']:.2f} cores during the soak")
            p(f"  RSS after first {so['first_requests']:,}: {so['rss_after_first_mb']:.1f} MB; at end {so['rss_end_mb']:.1f} MB; "
              f"growth {so['rss_growth']:.3f} (target <= 1.1: {_verdict(t['rss_growth'])}); "
              f"peak {so['peak_rss_mb']:.1f} MB (target <= 300: {_verdict(t['peak_rss_mb'])})")
    tr = results.get("train")
    if tr:
        hp = tr["hyperparameters"]
        p(f"\nTraining ({hp['epochs']} epochs; lr {hp['lr']} constant, batch {hp['batch_size']}, embed {hp['embed_dim']}, "
          f"min_freq {hp['min_freq']}, clip {hp['clip_grad_norm']}, {hp['threads']} thread, seed {hp['seed']}; medians of {args.repeat}):")
        for side, label in (("csharp", "C# textclf train"), ("python", "tools/pytorch/train.py")):
            x = tr[side]
            p(f"  {label:<24} median epoch {x['median_epoch_s']:.3f} s  (epoch 1 {x['first_epoch_s']:.3f} s)  "
              f"final accuracy {x['final_accuracy']:.4f}  process {x['wall_s']:.1f} s")
        p(f"  C# / Python seconds per epoch: {tr['ratio']['value']:.2f} (target <= 1.0: {_verdict(tr['ratio'])})")


# --------------------------------------------------------------------------------------------------------------
def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", default="throughput",
                    help="throughput (default), coldstart, firstsec, cost, soak, train, or all; a comma-separated list runs several")
    ap.add_argument("--repeat", type=int, help="repeats per measurement; medians are quoted (default 3; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 repeat, 5 s runs (explicit flags still win)")
    ap.add_argument("--only", help="servers, comma-separated: " + ",".join(SERVERS) + " (default all)")
    ap.add_argument("--duration", type=int, help="seconds per wrk run (default 10; 5 with --quick)")
    ap.add_argument("--connections", default="1,16,64", help="connection counts (default 1,16,64)")
    ap.add_argument("--warmup", type=int, help="minimum seconds of wrk warm-up after each start (default 15 for the C# "
                    "server, whose JIT tiers up under load, 5 for Python); then --warmup-step slices until req/s is steady "
                    "(within 5 %%) or --warmup-max")
    ap.add_argument("--warmup-step", type=int, default=3, help="seconds per further warm-up slice (default 3)")
    ap.add_argument("--warmup-max", type=int, default=27, help="most seconds of warm-up (default 27)")
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--wrk-timeout", default="5s", help="wrk --timeout (a slower response is a socket error)")
    ap.add_argument("--model", default=DEFAULT_MODEL, help="bundle directory (default models/default)")
    ap.add_argument("--server-dir", help="use this already published C# server (Server.dll) instead of publishing")
    ap.add_argument("--baseline", help="a git revision: also measure the C# server built from it (server 'baseline'), "
                    "side by side with this tree's build")
    ap.add_argument("--baseline-dir", help="use this already published C# server as the baseline instead of publishing "
                    "--baseline REV (which then only labels it; default: the directory's name)")
    ap.add_argument("--cli-dir", help="use this already published C# CLI (textclf.dll) instead of publishing (train mode)")
    ap.add_argument("--start-timeout", type=float, default=120.0, help="seconds to wait for /health (default 120)")
    ap.add_argument("--coldstart-runs", type=int, default=5)
    ap.add_argument("--coldstart-prime", type=int, default=1, help="untimed launches first (page cache; default 1)")
    ap.add_argument("--firstsec-window", type=int, default=10, help="firstsec: seconds of the first window and of the "
                    "steady-state window (default 10)")
    ap.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                    help="environment for the C# servers (repeatable), e.g. DOTNET_TieredPGO=0: for lever experiments")
    ap.add_argument("--soak-requests", type=int, default=1_000_000)
    ap.add_argument("--soak-first", type=int, default=10_000, help="RSS is taken after this many requests (default 10000)")
    ap.add_argument("--soak-connections", type=int, default=64)
    ap.add_argument("--soak-timeout", type=float, default=900.0, help="abort the soak after this many seconds (default 900)")
    ap.add_argument("--train-epochs", type=int, default=5)
    ap.add_argument("--train-seed", type=int, default=42)
    ap.add_argument("--interleave", action="store_true", help="throughput: start and warm up each server once, then "
                    "alternate the repeats between them (pairs seconds apart: for small differences on a busy machine)")
    ap.add_argument("--fail-fast", action="store_true", help="stop at the first server that fails")
    ap.add_argument("--keep-work", action="store_true", help="keep the temporary directory (publish output, logs)")
    ap.add_argument("--results-dir", default=os.path.join(BENCH, "results"))
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.duration is None:
        args.duration = 5 if args.quick else 10
    args.connections = sorted({int(c) for c in args.connections.split(",") if c.strip()})
    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    if "all" in modes:
        modes = ["throughput", "coldstart", "firstsec", "cost", "soak", "train"]
    for m in modes:
        if m not in ("throughput", "coldstart", "firstsec", "cost", "soak", "train"):
            ap.error(f"unknown mode {m!r}")
    args.modes = modes
    args.only_given = args.only is not None
    if args.only:
        names = []
        for n in args.only.split(","):
            n = ALIASES.get(n.strip().lower(), n.strip().lower())
            if n not in SERVERS:
                ap.error(f"unknown server {n!r} (choose from {', '.join(SERVERS)})")
            if n not in names:
                names.append(n)
        args.only = names
    else:
        args.only = [n for n in SERVERS if n not in OPT_IN]
    if args.baseline_dir and not args.baseline:
        args.baseline = os.path.basename(os.path.normpath(args.baseline_dir))
    if args.baseline and "baseline" not in args.only:
        args.only.append("baseline")
    if "baseline" in args.only and not args.baseline:
        ap.error("server 'baseline' needs --baseline REV")
    args.model = os.path.abspath(args.model)
    try:
        args.server_env = dict(e.split("=", 1) for e in args.server_env)
    except ValueError:
        ap.error("--server-env takes NAME=VALUE")
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    for tool in ("wrk", "openssl"):
        if shutil.which(tool) is None:
            sys.exit(f"error: {tool} not found on PATH")
    t_start = time.monotonic()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    work = tempfile.mkdtemp(prefix=f"textclf-bench-{stamp}-")
    log(f"bench: modes {', '.join(args.modes)}; work dir {work}")
    results = {"timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "command": "bench/run.sh " + " ".join(argv), "machine": machine_info(), "versions": versions(),
               "config": {k: v for k, v in vars(args).items() if k not in ("modes", "only_given")}, "modes": args.modes}
    ctx = Ctx(args, work)
    ctx.body = make_body(work)
    results["body"] = ctx.body[1]
    status = 0
    try:
        for mode in args.modes:
            log(f"== {mode}")
            {"throughput": mode_throughput, "coldstart": mode_coldstart, "firstsec": mode_firstsec, "cost": mode_cost,
             "soak": mode_soak, "train": mode_train}[mode](
                ctx, args, results)
    except KeyboardInterrupt:
        log("interrupted; stopping servers")
        status = 130
    except RuntimeError as e:
        log(f"error: {e}")
        results["error"] = str(e)
        status = 1
    finally:
        _cleanup()
        tp = results.get("throughput")
        if tp is not None and "summary" not in tp:  # interrupted: summarise what was measured
            tp["summary"] = summarize_throughput(tp["runs"], args.only, args.connections)
            tp["ratios"] = throughput_ratios(tp["summary"], args.connections, tp["runs"])
            tp["partial"] = True
        results["elapsed_s"] = round(time.monotonic() - t_start, 1)
        os.makedirs(args.results_dir, exist_ok=True)
        path = os.path.join(args.results_dir, f"{stamp}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
            f.write("\n")
        os.replace(path + ".tmp", path)
        try:
            print_report(results, args)
        except Exception as e:  # noqa: BLE001 - the JSON is saved either way
            print(f"(could not print the full report: {e!r})")
        print(f"\nTotal time {results['elapsed_s'] / 60:.1f} min. Raw results: {os.path.relpath(path, os.getcwd())}")
        if args.keep_work or status:
            print(f"Work dir (publish output, server logs) kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
