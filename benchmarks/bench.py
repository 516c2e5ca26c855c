#!/usr/bin/env python3
"""rlproxy against nginx, side by side on one machine: throughput, latency, CPU per request, RSS.

Started by benchmarks/bench.sh (which installs nginx, wrk and gnuplot and builds the jar); see
benchmarks/README.md for what each phase measures and how to read the report.

Everything listens on 127.0.0.1 and is stopped when the script ends, also on Ctrl-C.
"""
import argparse
import datetime
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "proxy-server", "target", "proxy.jar")
PROFILER_JAR = os.path.join(ROOT, "target", "profiler", "async-profiler-4.1.jar")
CLK_TCK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- /proc readings

def proc_ticks(pid):
    """utime + stime of one process (all its threads), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def proc_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return out


def machine_busy_ticks():
    """Ticks the machine's processes ran (user, nice, system) or the hypervisor took (steal), from
    /proc/stat. Interrupt and softirq time is left out: on loopback it is mostly the benchmark's own
    network traffic, charged to no process."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, _irq, _softirq, steal = (int(x) for x in f.readline().split()[1:9])
    return user + nice + system + steal


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def top_processes(n=6):
    out = subprocess.run(["ps", "-eo", "pcpu,pid,comm", "--sort=-pcpu", "--no-headers"],
                         capture_output=True, text=True).stdout.splitlines()
    return [line.strip() for line in out[:n]]


# ---------------------------------------------------------------- processes

class Processes:
    """Everything this run started; stopped in reverse order at the end."""

    def __init__(self):
        self.procs = []

    def start(self, argv, logfile, cpus=None, env=None):
        if cpus is not None:
            argv = ["taskset", "-c", cpus] + argv
        out = open(logfile, "ab")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop(self, proc, timeout=15):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_all(self):
        for proc in reversed(self.procs):
            self.stop(proc)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, logfile, name, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{name} did not listen on 127.0.0.1:{port}; see {logfile}")


def first_request_ms(port, path, deadline_s=60):
    """Milliseconds until the first 200 from http://127.0.0.1:port/path (polled every 5 ms)."""
    start = time.monotonic()
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    while time.monotonic() - start < deadline_s:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(request)
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return (time.monotonic() - start) * 1000
        except OSError:
            pass
        time.sleep(0.005)
    return None


# ---------------------------------------------------------------- servers

def nginx_conf(work, name, port, body, upstream_port=None, workers=1, tls=None):
    """tls: (port, certificate, key) for a second listener with TLS and HTTP/2 (ALPN h2, http/1.1)."""
    root = os.path.join(work, name)
    os.makedirs(os.path.join(root, "logs"), exist_ok=True)
    if upstream_port is None:
        location = f"default_type application/json; return 200 '{body}';"
        upstream = ""
    else:
        upstream = f"upstream backend {{ server 127.0.0.1:{upstream_port}; keepalive 64; }}"
        location = 'proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";'
    tls_server = ""
    if tls is not None:
        tls_port, cert, key = tls
        tls_server = (f"server {{ listen 127.0.0.1:{tls_port} ssl http2 backlog=4096; ssl_certificate {cert}; "
                      f"ssl_certificate_key {key}; location / {{ {location} }} }}")
    conf = f"""daemon off;
master_process on;
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/logs/error.log warn;
events {{ worker_connections 8192; }}
http {{
  client_body_temp_path {root}/body; proxy_temp_path {root}/proxy; fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  {upstream}
  server {{ listen 127.0.0.1:{port} backlog=4096; location / {{ {location} }} }}
  {tls_server}
}}
"""
    path = os.path.join(root, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    return root, path


def test_certificate(work):
    """A throwaway CA and a certificate for localhost signed by it (openssl); returns (ca, cert, key)."""
    d = os.path.join(work, "tls")
    os.makedirs(d, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run = lambda argv: subprocess.run(argv, check=True, capture_output=True, cwd=d)
    run(["openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bench CA"])
    run(["openssl", "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"])
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n")
    run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf"])
    return tuple(os.path.join(d, n) for n in ("ca.pem", "server.pem", "server.key"))


# rlproxy modes against the upstream's TLS + HTTP/2 listener: as memory, with http2 off or auto.
TLS_MODES = {"tls-h1": "off", "tls-h2": "auto"}


def proxy_yaml(port, admin_port, upstream_port, mode, redis_port=None, tls_upstream=None):
    """The proxy's configuration for one mode; pools big enough that 256 connections never wait for one.

    tls_upstream: (port, ca file) of the upstream's TLS listener, for the TLS_MODES."""
    buckets = "buckets: []"
    tokens = ""
    store = "store: { type: memory }"
    url = f"http://127.0.0.1:{upstream_port}"
    tls = ""
    if mode in TLS_MODES:
        url = f"https://localhost:{tls_upstream[0]}"
        tls = f'tls: {{ caFile: "{tls_upstream[1]}" }}\n    http2: "{TLS_MODES[mode]}"'
    if mode in ("memory", "redis") or mode in TLS_MODES:
        # A token pool and a bucket far above the load: the whole admission path runs, nothing ever queues.
        buckets = "buckets:\n      - { name: generous, limit: 1000000000, per: 1s, scope: upstream }"
        tokens = ('tokens:\n      static: ["bench-token-1", "bench-token-2"]\n'
                  '      defaultLimit: 1000000000\n      resetInterval: 1h')
    if mode == "redis":
        store = f"store:\n  type: redis\n  redis: {{ uri: \"redis://127.0.0.1:{redis_port}\" }}"
    return f"""server:
  listen: "127.0.0.1:{port}"
  maxConnectionsPerClient: 100000   # every wrk connection comes from 127.0.0.1
admin: {{ listen: "127.0.0.1:{admin_port}" }}
{store}
upstreams:
  bench:
    url: "{url}"
    pool: {{ maxConnections: 512, minIdle: 64 }}
    {tls}
    {tokens}
    {buckets}
routes:
  - match: {{ pathPrefix: "/" }}
    upstream: bench
"""


class Target:
    def __init__(self, name, url, pids, main_pid, note):
        self.name, self.url, self.pids, self.main_pid, self.note = name, url, pids, main_pid, note

    def ticks(self):
        return sum(proc_ticks(p) for p in self.pids())

    def rss_kib(self):
        return sum(proc_rss_kib(p) for p in self.pids())


# ---------------------------------------------------------------- wrk

WRK_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
"""

WRK_PACED = r"""
local pause = tonumber(os.getenv("BENCH_DELAY_MS"))
delay = function() return pause end
"""


def run_wrk(args, url, connections, seconds, cpus, paced_delay_ms=None):
    script = os.path.join(args.work, "paced.lua" if paced_delay_ms is not None else "done.lua")
    if not os.path.exists(script):
        with open(script, "w") as f:
            f.write((WRK_PACED if paced_delay_ms is not None else "") + WRK_DONE)
    threads = min(args.wrk_threads, connections)
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url]
    if cpus is not None:
        argv = ["taskset", "-c", cpus] + argv
    env = dict(os.environ)
    if paced_delay_ms is not None:
        env["BENCH_DELAY_MS"] = str(paced_delay_ms)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    stdout, stderr = proc.communicate(timeout=seconds + 60)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            n, dur_us, errors, non2xx, p50, p99, p999, pmax = (int(float(x)) for x in line.split()[1:])
            return {"requests": n, "rps": n / (dur_us / 1e6), "errors": errors, "non2xx": non2xx,
                    "p50": p50 / 1000, "p99": p99 / 1000, "p999": p999 / 1000, "max": pmax / 1000,
                    "children_cpu_s": usage.ru_utime + usage.ru_stime}
    sys.exit(f"wrk failed against {url}:\n{stdout}\n{stderr}")


def measure(args, target, connections, seconds, paced_delay_ms=None):
    """One wrk run with the target's CPU and the machine's other CPU over the same interval."""
    upstream = args.upstream_target
    wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    ticks0, up0, busy0, t0 = target.ticks(), upstream.ticks(), machine_busy_ticks(), time.monotonic()
    result = run_wrk(args, target.url, connections, seconds, args.wrk_cpus, paced_delay_ms)
    ticks1, up1, busy1, t1 = target.ticks(), upstream.ticks(), machine_busy_ticks(), time.monotonic()
    wrk_s = result["children_cpu_s"] - (wrk0.ru_utime + wrk0.ru_stime)
    cpu_s = (ticks1 - ticks0) / CLK_TCK
    result["cpu_cores"] = cpu_s / (t1 - t0)
    result["cpu_us_per_req"] = cpu_s * 1e6 / max(1, result["requests"])
    result["rss_mib"] = target.rss_kib() / 1024
    # Everything busy on the machine minus the server under test; wrk and the upstream nginx are in it.
    result["machine_cores"] = (busy1 - busy0) / CLK_TCK / (t1 - t0)
    ours = cpu_s + wrk_s + (0 if target is upstream else (up1 - up0) / CLK_TCK)
    result["wrk_cores"] = wrk_s / (t1 - t0)
    result["other_cores"] = max(0.0, (busy1 - busy0) / CLK_TCK - ours) / (t1 - t0)
    return result


# ---------------------------------------------------------------- quiet machine

def wait_until_quiet(args):
    """Waits (up to --quiet-wait s) until the 1-minute load average is below --quiet-load."""
    deadline = time.time() + args.quiet_wait
    load = loadavg()
    while load[0] > args.quiet_load and time.time() < deadline:
        log(f"load average {load[0]:.2f} > {args.quiet_load}: waiting for a quiet machine "
            f"({int(deadline - time.time())} s left); busiest: {top_processes(3)}")
        time.sleep(10)
        load = loadavg()
    quiet = load[0] <= args.quiet_load
    if not quiet:
        msg = f"machine not quiet (load {load[0]:.2f} > {args.quiet_load})"
        if args.require_quiet:
            sys.exit(msg + "; --require-quiet given")
        log(msg + "; measuring anyway, the report says so")
    return quiet, load


# ---------------------------------------------------------------- report helpers

def med(values):
    return statistics.median(values) if values else float("nan")


def fmt(v, digits=2):
    return "–" if v is None or v != v else f"{v:.{digits}f}"


def machine_description():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = subprocess.run(["free", "-m"], capture_output=True, text=True).stdout.splitlines()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    nginx = subprocess.run([nginx_binary(), "-v"], capture_output=True, text=True).stderr.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD"]).returncode != 0
    return [f"CPUs (nproc): {NCPU}; CPU: {cpu}",
            f"memory: {mem[1].split()[1] if len(mem) > 1 else '?'} MiB",
            f"kernel: {' '.join(os.uname()[2:5:2])}",
            f"rlproxy commit: {commit}{' (uncommitted changes)' if dirty else ''}",
            f"wrk: {(wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else '?'}",
            f"{nginx}",
            f"java: {java[0] if java else '?'} / {java[-1] if java else '?'}"]


def nginx_binary():
    return shutil.which("nginx") or "/usr/sbin/nginx"


def gnuplot_chart(args, rows, conns_list, names, stem):
    """Clustered bars of median req/s and p99 per connection count, as PNG and SVG."""
    data = stem + ".dat"
    with open(data, "w") as f:
        f.write("conns " + " ".join(f'"{n}"' for n in names) + "\n")
        for c in conns_list:
            f.write(f"{c} " + " ".join(fmt(rows.get((n, c), {}).get("rps"), 0).replace("–", "0") for n in names) + "\n")
    data99 = stem + "-p99.dat"
    with open(data99, "w") as f:
        f.write("conns " + " ".join(f'"{n}"' for n in names) + "\n")
        for c in conns_list:
            f.write(f"{c} " + " ".join(fmt(rows.get((n, c), {}).get("p99"), 3).replace("–", "0") for n in names) + "\n")
    cols = len(names)
    plot = ", ".join(f"'{{data}}' using {i + 2}:xtic(1) title columnheader({i + 2})" for i in range(cols))
    plot99 = plot.replace("{data}", "{data99}")
    script = f"""
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top left
set grid ytics
set multiplot layout 1,2 title "rlproxy vs nginx (medians of {args.reps} interleaved runs)"
set xlabel "wrk connections"
set ylabel "requests per second"
set title "throughput"
plot {plot.replace('{data}', data)}
set ylabel "ms"
set title "p99 latency"
plot {plot99.replace('{data99}', data99)}
unset multiplot
"""
    for term, ext in (("pngcairo size 1200,500", "png"), ("svg size 1200,500", "svg")):
        subprocess.run(["gnuplot"], input=f"set terminal {term}\nset output '{stem}.{ext}'\n{script}",
                       text=True, check=False, capture_output=True)
    for path in (data, data99):
        os.remove(path)
    return [f"{stem}.png", f"{stem}.svg"]


# ---------------------------------------------------------------- profiling

def profiler_library(work):
    import zipfile
    if not os.path.exists(PROFILER_JAR):
        sys.exit(f"{PROFILER_JAR} is missing (benchmarks/bench.sh downloads it)")
    arch = "linux-arm64" if os.uname().machine in ("aarch64", "arm64") else "linux-x64"
    with zipfile.ZipFile(PROFILER_JAR) as z:
        z.extract(f"{arch}/libasyncProfiler.so", work)
    return os.path.join(work, arch, "libasyncProfiler.so")


def jcmd_agent(pid, library, options):
    """Loads (or talks to the already loaded) async-profiler agent; the quotes keep jcmd from reading
    the options' "=" as a jcmd argument of its own."""
    out = subprocess.run(["jcmd", str(pid), "JVMTI.agent_load", library, f'"{options}"'],
                         capture_output=True, text=True)
    if out.returncode != 0 or "return code: 0" not in out.stdout:
        sys.exit(f"jcmd JVMTI.agent_load {options} failed: {out.stdout.strip()} {out.stderr.strip()}")


def profile_event():
    try:
        with open("/proc/sys/kernel/perf_event_paranoid") as f:
            return "cpu" if int(f.read().strip()) <= 1 else "itimer"
    except OSError:
        return "itimer"


SYSCALL_FRAMES = {
    "send/write to a socket (send, sendmsg, write, writev)": re.compile(r"(^|_)(send|sendto|sendmsg|write|writev)$"),
    "read from a socket (read, recv, readv)": re.compile(r"(^|_)(read|recv|recvfrom|recvmsg|readv)$"),
    "epoll_wait": re.compile(r"(^|_)epoll_wait$"),
    "epoll_ctl (interest changes: reads asked for and cleared with AUTO_READ off)": re.compile(r"(^|_)epoll_ctl$"),
}


# Inclusive shares of the parts worth watching: a sample counts for each part anywhere on its stack.
COMPONENTS = {
    "metrics (Dropwizard and rlproxy's recorders)": ("com/codahale/", "dev/rlproxy/server/metrics/",
                                                     "dev/rlproxy/server/proxy/ExchangeRecorder"),
    "limiter (acquire, complete, release)": ("dev/rlproxy/core/limit/",),
    "token pool": ("dev/rlproxy/core/tokens/",),
    "rate-limit header parsing": ("dev/rlproxy/core/headers/",),
    "request/response rewriting (headers, URLs)": ("dev/rlproxy/server/proxy/RequestRewriter",
                                                    "dev/rlproxy/server/proxy/ResponseRewriter",
                                                    "dev/rlproxy/server/proxy/ProxyUrls"),
    "HTTP decoding (Netty)": ("io/netty/handler/codec/http/HttpObjectDecoder", "io/netty/handler/codec/ByteToMessageDecoder.decode"),
    "HTTP encoding (Netty)": ("io/netty/handler/codec/http/HttpObjectEncoder",),
    "upstream pool (acquire, release)": ("dev/rlproxy/server/upstream/LoopPool", "dev/rlproxy/server/upstream/UpstreamConnections.acquire",
                                         "dev/rlproxy/server/upstream/UpstreamConnections.release"),
    "timers (schedule, cancel)": ("io/netty/util/concurrent/AbstractScheduledEventExecutor.schedule",
                                  "io/netty/util/concurrent/ScheduledFutureTask.cancel"),
    "logging": ("ch/qos/logback/", "org/slf4j/"),
    "CompletableFuture": ("java/util/concurrent/CompletableFuture",),
}


def thread_group(name):
    name = name.strip("[]")
    for prefix, group in (("multiThreadIoEventLoopGroup", "event loops"), ("GC Thread", "GC"), ("G1", "GC"),
                          ("C2 CompilerThre", "JIT compilers"), ("C1 CompilerThre", "JIT compilers"), ("G1 ", "GC"), ("VM Thread", "GC and safepoints"),
                          ("AsyncAppender", "access log"), ("rlproxy-chores", "chores")):
        if name.startswith(prefix):
            return group
    return "other threads"


def summarize_collapsed(path, top=15):
    """Shares of the samples: per thread group, per syscall, per rlproxy/netty method (inclusive), per leaf frame."""
    total = 0
    leaves, groups, syscalls, methods, components = {}, {}, {}, {}, {}
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            group = thread_group(frames[0])
            groups[group] = groups.get(group, 0) + n
            leaves[frames[-1]] = leaves.get(frames[-1], 0) + n
            native = [fr for fr in frames[1:] if "/" not in fr]
            for label, pattern in SYSCALL_FRAMES.items():
                if any(pattern.search(fr) for fr in native):
                    syscalls[label] = syscalls.get(label, 0) + n
            for fr in set(frames):
                if fr.startswith("dev/rlproxy/"):
                    methods[fr] = methods.get(fr, 0) + n
            for label, prefixes in COMPONENTS.items():
                if any(fr.startswith(prefixes) for fr in frames):
                    components[label] = components.get(label, 0) + n
    by_count = lambda d, k: sorted(d.items(), key=lambda kv: -kv[1])[:k]
    return (total, by_count(groups, 10), by_count(syscalls, 10), by_count(components, len(COMPONENTS)),
            by_count(methods, top), by_count(leaves, top))


# ---------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run (10)")
    p.add_argument("--reps", type=int, default=3, help="interleaved repetitions of every run (3)")
    p.add_argument("--connections", default="1,32,256", help="wrk connection counts (1,32,256)")
    p.add_argument("--warmup", type=int, default=60, help="seconds of wrk against each target first (60)")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (1; never more than connections)")
    p.add_argument("--modes", default="unlimited,memory,redis",
                   help="rlproxy modes (unlimited,memory,redis); also tls-h1,tls-h2: to nginx's TLS + HTTP/2 listener "
                        "with http2 off / auto")
    p.add_argument("--pin", action="store_true",
                   help="wrk on the last CPU, the servers on the others (taskset); off by default")
    p.add_argument("--variant", action="append", default=[], metavar="LABEL=JVM_FLAGS",
                   help="one more rlproxy-memory target with extra JVM flags, e.g. loops2=-Dio.netty.eventLoopThreads=2")
    p.add_argument("--baseline-jar", help="one more rlproxy-memory target running this jar (before/after a change)")
    p.add_argument("--body-bytes", type=int, default=64, help="size of the upstream's response body (64)")
    p.add_argument("--java-opts", default=os.environ.get("JAVA_OPTS", ""), help="extra JVM flags for the proxy")
    p.add_argument("--access-log", action="store_true",
                   help="keep the proxy's access log on (off by default, like nginx's here)")
    p.add_argument("--paced", action=argparse.BooleanOptionalAction, default=True,
                   help="also run at half of nginx-as-proxy's throughput and compare latency (on)")
    p.add_argument("--profile", action="store_true",
                   help="only profile rlproxy-memory with async-profiler under wrk; writes a flame graph")
    p.add_argument("--profile-seconds", type=int, default=30)
    p.add_argument("--profile-mode", default="memory", help="which rlproxy mode --profile profiles (memory)")
    p.add_argument("--footprint", action="store_true",
                   help="only the footprint phase: start-up time, idle CPU, 150 req/s for --footprint-seconds")
    p.add_argument("--footprint-seconds", type=int, default=60)
    p.add_argument("--appcds", action="store_true",
                   help="with --footprint: first a training run that writes an AppCDS archive, then start with it")
    p.add_argument("--footprint-rate", type=int, default=150)
    p.add_argument("--idle-connections", type=int, default=10000,
                   help="with --footprint: keep-alive connections held open for the heap measurement (10000)")
    p.add_argument("--quiet-load", type=float, default=0.5 * NCPU,
                   help="1-minute load average under which the machine counts as quiet (0.5 x CPUs)")
    p.add_argument("--quiet-wait", type=int, default=120, help="seconds to wait for a quiet machine (120)")
    p.add_argument("--require-quiet", action="store_true", help="give up instead of measuring on a busy machine")
    p.add_argument("--report-dir", default=os.path.join(ROOT, "benchmarks", "reports"))
    p.add_argument("--label", default="", help="appended to the report's file name")
    args = p.parse_args()
    conns_list = [int(c) for c in args.connections.split(",")]
    modes = [m for m in args.modes.split(",") if m]
    args.wrk_cpus = str(NCPU - 1) if args.pin and NCPU > 1 else None
    server_cpus = f"0-{NCPU - 2}" if args.pin and NCPU > 1 else None

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    kind = "profile" if args.profile else "footprint" if args.footprint else "bench"
    os.makedirs(args.report_dir, exist_ok=True)
    stem = os.path.join(args.report_dir, f"{kind}-{stamp}{'-' + args.label if args.label else ''}")
    args.work = tempfile.mkdtemp(prefix="rlproxy-bench.")
    procs = Processes()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        quiet, load_before = wait_until_quiet(args)
        busiest_before = top_processes()
        body = ("{\"ok\":true,\"pad\":\"" + "x" * max(0, args.body_bytes - 20) + "\"}")[:max(args.body_bytes, 20)]

        # -- servers
        up_port, np_port = free_port(), free_port()
        tls_upstream, nginx_tls = None, None
        if any(m in TLS_MODES for m in modes):
            ca, cert, key = test_certificate(args.work)
            tls_upstream = (free_port(), ca)
            nginx_tls = (tls_upstream[0], cert, key)
        up_root, up_conf = nginx_conf(args.work, "upstream", up_port, body, tls=nginx_tls)
        np_root, np_conf = nginx_conf(args.work, "nginx-proxy", np_port, body, upstream_port=up_port)
        targets = {}
        for name, root, conf, port in (("direct", up_root, up_conf, up_port), ("nginx-proxy", np_root, np_conf, np_port)):
            proc = procs.start([nginx_binary(), "-p", root, "-c", conf, "-e", f"{root}/logs/error.log"],
                               f"{root}/logs/stdout.log", server_cpus)
            wait_for_port(port, proc, f"{root}/logs/error.log", name)
            master = proc.pid
            targets[name] = Target(name, f"http://127.0.0.1:{port}/item",
                                   (lambda m=master: [m] + children(m)), master,
                                   "nginx static" if name == "direct" else "nginx proxy_pass, keepalive 64")
        args.upstream_target = targets["direct"]
        skipped = {}
        redis_port = None
        startup_ms = {}
        if args.profile:
            modes = [args.profile_mode]
        elif args.footprint:
            modes = ["memory"]
        notes = {"unlimited": "no token pool, no bucket", "memory": "2-token pool + bucket of 10^9/s, memory store",
                 "redis": "as memory, Redis store",
                 "tls-h1": "as memory, to nginx over TLS, http2: off (HTTP/1.1 pool)",
                 "tls-h2": "as memory, to nginx over TLS, http2: auto (nginx picks h2)"}
        proxies = [(f"rlproxy-{mode}", mode, JAR, args.java_opts, notes[mode]) for mode in modes]
        if not (args.profile or args.footprint):
            for variant in args.variant:
                label, _, opts = variant.partition("=")
                proxies.append((f"rlproxy-memory-{label}", "memory", JAR, f"{args.java_opts} {opts}".strip(),
                                f"as memory, JVM flags `{opts}`"))
            if args.baseline_jar:
                proxies.append(("rlproxy-memory-baseline", "memory", os.path.abspath(args.baseline_jar), args.java_opts,
                                f"as memory, the jar {args.baseline_jar}"))
        if args.footprint and args.appcds:
            archive = os.path.join(args.work, "rlproxy.jsa")
            train_appcds(args, procs, up_port, archive, server_cpus)
            proxies = [(n, m, j, f"{o} -XX:SharedArchiveFile={archive}".strip(), note + ", AppCDS archive")
                       for n, m, j, o, note in proxies]
        for name, mode, jar, java_opts, note in proxies:
            port = free_port()
            if mode == "redis":
                if not shutil.which("redis-server"):
                    skipped[name] = "redis-server is not installed"
                    continue
                redis_port = free_port()
                rp = procs.start(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"], os.path.join(args.work, "redis.log"), server_cpus)
                wait_for_port(redis_port, rp, os.path.join(args.work, "redis.log"), "redis-server")
            yaml = os.path.join(args.work, f"{name}.yaml")
            with open(yaml, "w") as f:
                f.write(proxy_yaml(port, free_port(), up_port, mode, redis_port, tls_upstream))
            logfile = os.path.join(args.work, f"{name}.log")
            argv = ["java"] + java_opts.split() + ["-jar", jar, "run", "--config", yaml]
            if not args.access_log:
                argv += ["--log-level", "warn"]
            t0 = time.monotonic()
            proc = procs.start(argv, logfile, server_cpus)
            if not wait_for_port(port, proc, logfile, name):
                with open(logfile) as f:
                    why = f.read().strip().splitlines()
                skipped[name] = why[-1] if why else f"exited with {proc.returncode}"
                log(f"{name} skipped: {skipped[name]}")
                continue
            first = first_request_ms(port, "/item")
            startup_ms[name] = (time.monotonic() - t0) * 1000 if first is not None else None
            pid = proc.pid
            targets[name] = Target(name, f"http://127.0.0.1:{port}/item", (lambda p=pid: [p]), pid, note)
        for t in targets.values():
            r = run_wrk(args, t.url, 1, 1, args.wrk_cpus)
            if r["non2xx"] or r["errors"]:
                sys.exit(f"{t.name} does not answer 200: {r}")

        if args.profile:
            profile(args, targets[f"rlproxy-{args.profile_mode}"], stem, quiet, load_before)
        elif args.footprint:
            footprint(args, targets, stem, quiet, load_before, startup_ms)
        else:
            throughput(args, targets, conns_list, stem, quiet, load_before, busiest_before, skipped, startup_ms)
    finally:
        procs.stop_all()
        shutil.rmtree(args.work, ignore_errors=True)


def train_appcds(args, procs, up_port, archive, server_cpus):
    """Starts the proxy once with -XX:ArchiveClassesAtExit, serves requests, stops it: the JVM writes the archive."""
    port = free_port()
    yaml = os.path.join(args.work, "appcds.yaml")
    with open(yaml, "w") as f:
        f.write(proxy_yaml(port, free_port(), up_port, "memory"))
    logfile = os.path.join(args.work, "appcds.log")
    proc = procs.start(["java"] + args.java_opts.split() + [f"-XX:ArchiveClassesAtExit={archive}", "-jar", JAR,
                                                            "run", "--config", yaml, "--log-level", "warn"],
                       logfile, server_cpus)
    if not wait_for_port(port, proc, logfile, "AppCDS training run"):
        sys.exit(f"the AppCDS training run failed; see {logfile}")
    run_wrk(args, f"http://127.0.0.1:{port}/item", 4, 3, args.wrk_cpus)
    procs.stop(proc, timeout=60)
    if not os.path.exists(archive):
        sys.exit(f"no AppCDS archive written; see {logfile}")
    log(f"AppCDS archive: {os.path.getsize(archive) // 1048576} MiB")


PACED_CONNECTIONS = 128


def paced_delay(args, target, connections, rate):
    """The per-connection pause that yields about `rate` req/s against this target.

    A connection sends, waits for the answer, pauses, sends again: rate = connections / (pause +
    latency). The target's own latency at that load is taken from a 2 s trial and subtracted; wrk
    pauses in whole milliseconds, so many connections keep the rounding small."""
    first = max(1, round(connections * 1000 / rate))
    trial = run_wrk(args, target.url, connections, 2, args.wrk_cpus, paced_delay_ms=first)
    latency_ms = max(0.0, connections * 1000 / max(1.0, trial["rps"]) - first)
    return max(1, round(connections * 1000 / rate - latency_ms))


def warm_up(args, targets, seconds, connections=32):
    for t in targets:
        log(f"warm-up {t.name}: {seconds} s at {connections} connections")
        run_wrk(args, t.url, connections, seconds, args.wrk_cpus)


def throughput(args, targets, conns_list, stem, quiet, load_before, busiest_before, skipped, startup_ms):
    names = list(targets)
    warm_up(args, targets.values(), args.warmup)
    runs = {}  # (name, conns) -> [result]
    total = args.reps * len(conns_list) * len(names)
    done = 0
    started = time.monotonic()
    for rep in range(args.reps):
        for conns in conns_list:
            # Rotated every repetition, so no target always runs first or right after a given other one.
            order = names[rep % len(names):] + names[:rep % len(names)]
            for name in order:
                r = measure(args, targets[name], conns, args.duration)
                runs.setdefault((name, conns), []).append(r)
                done += 1
                log(f"[{done}/{total}] rep {rep + 1} c{conns} {name}: {r['rps']:.0f} req/s p50 {r['p50']:.2f} "
                    f"p99 {r['p99']:.2f} p99.9 {r['p999']:.2f} ms, {r['cpu_us_per_req']:.1f} us CPU/req, "
                    f"wrk {r['wrk_cores']:.2f} cores, other processes {r['other_cores']:.2f} cores")
    paced = {}
    paced_rate = None
    if args.paced and ("nginx-proxy", 32) in runs:
        # Half of nginx-as-proxy's median maximum at 32 connections, paced by a per-connection delay.
        nginx_max = med([r["rps"] for r in runs[("nginx-proxy", 32)]])
        paced_rate = nginx_max / 2
        paced_names = [n for n in names if n != "direct"]
        delays = {name: paced_delay(args, targets[name], PACED_CONNECTIONS, paced_rate) for name in paced_names}
        for rep in range(args.reps):
            order = paced_names[rep % len(paced_names):] + paced_names[:rep % len(paced_names)]
            for name in order:
                r = measure(args, targets[name], PACED_CONNECTIONS, args.duration, paced_delay_ms=delays[name])
                paced.setdefault(name, []).append(r)
                log(f"paced rep {rep + 1} {name}: {r['rps']:.0f} req/s p50 {r['p50']:.2f} p99 {r['p99']:.2f} "
                    f"p99.9 {r['p999']:.2f} ms, {r['cpu_us_per_req']:.1f} us CPU/req")
    elapsed = time.monotonic() - started
    load_after = loadavg()

    def summary(rs):
        keys = ("rps", "p50", "p99", "p999", "cpu_us_per_req", "cpu_cores", "rss_mib", "wrk_cores", "other_cores")
        s = {k: med([r[k] for r in rs]) for k in keys}
        s["rps_min"], s["rps_max"] = min(r["rps"] for r in rs), max(r["rps"] for r in rs)
        s["rss_max"] = max(r["rss_mib"] for r in rs)
        s["bad"] = sum(r["errors"] + r["non2xx"] for r in rs)
        return s

    rows = {key: summary(rs) for key, rs in runs.items()}
    lines = [f"# rlproxy vs nginx — {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S} UTC", ""]
    lines += ["## Machine", ""] + [f"- {m}" for m in machine_description()]
    lines += [f"- load average before: {' '.join(f'{x:.2f}' for x in load_before)}"
              f"{'' if quiet else ' — **NOT QUIET: compare ratios with care**'}; after: "
              f"{' '.join(f'{x:.2f}' for x in load_after)}",
              f"- busiest processes before the run: {'; '.join(busiest_before)}",
              f"- wrk: -t{args.wrk_threads} (at most one thread per connection), {args.duration} s per run, "
              f"{args.reps} interleaved repetitions (order rotated), {args.warmup} s warm-up per target at 32 "
              f"connections; pinning: {'wrk on CPU ' + args.wrk_cpus + ', servers on the rest' if args.pin else 'none'}",
              f"- response body: {args.body_bytes} bytes; proxy JVM flags: `{args.java_opts or '(none)'}`; "
              f"access log {'on' if args.access_log else 'off (--log-level warn), like nginx here'}",
              f"- measuring took {elapsed / 60:.1f} min", ""]
    lines += ["## Targets", ""] + [f"- **{t.name}**: {t.note}" for t in targets.values()]
    lines += [f"- **{n}**: skipped — {why}" for n, why in skipped.items()]
    lines += [f"- start-up to first served request: " + ", ".join(
        f"{n} {fmt(ms, 0)} ms" for n, ms in startup_ms.items())] if startup_ms else []
    lines += ["", "## Medians", "",
              "req/s with the range over the repetitions; latencies in ms; CPU is the server process's own "
              "(for nginx its master and workers; the upstream nginx and wrk are not counted) per request and in "
              "cores; wrk cores = wrk's own CPU; other cores = the machine's busy CPU not spent by the server, "
              "the upstream nginx or wrk, i.e. competing processes (should be near 0 on a quiet machine).", "",
              "| conns | target | req/s | range | p50 | p99 | p99.9 | CPU µs/req | CPU cores | RSS MiB | wrk cores | other cores | errors |",
              "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for conns in conns_list:
        for name in names:
            s = rows.get((name, conns))
            if s:
                lines.append(f"| {conns} | {name} | {s['rps']:.0f} | {s['rps_min']:.0f}–{s['rps_max']:.0f} | "
                             f"{fmt(s['p50'])} | {fmt(s['p99'])} | {fmt(s['p999'])} | {fmt(s['cpu_us_per_req'], 1)} | "
                             f"{fmt(s['cpu_cores'])} | {fmt(s['rss_max'], 0)} | {fmt(s['wrk_cores'])} | {fmt(s['other_cores'])} | {s['bad']} |")
    lines += ["", "## Ratios (medians)", "",
              "req/s ratio above 1 = ours faster; latency difference in ms, ours minus theirs (negative = ours lower).", "",
              "| conns | ours | req/s ÷ nginx-proxy | req/s ÷ direct | p50 − nginx-proxy | p99 − nginx-proxy | p99.9 − nginx-proxy | CPU/req ÷ nginx-proxy |",
              "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for conns in conns_list:
        ref, direct = rows.get(("nginx-proxy", conns)), rows.get(("direct", conns))
        for name in names:
            s = rows.get((name, conns))
            if name.startswith("rlproxy-") and s and ref and direct:
                lines.append(f"| {conns} | {name} | **{s['rps'] / ref['rps']:.2f}** | {s['rps'] / direct['rps']:.2f} | "
                             f"{s['p50'] - ref['p50']:+.2f} | {s['p99'] - ref['p99']:+.2f} | "
                             f"{s['p999'] - ref['p999']:+.2f} | {s['cpu_us_per_req'] / ref['cpu_us_per_req']:.2f} |")
    if paced:
        lines += ["", f"## Latency at half of nginx-as-proxy's throughput ({paced_rate:.0f} req/s asked, {PACED_CONNECTIONS} connections, "
                      "each pausing between requests for a delay fitted per target in a 2 s trial)", "",
                  "| target | achieved req/s | p50 | p99 | p99.9 | p99 − nginx-proxy | CPU µs/req | CPU cores |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        ref99 = med([r["p99"] for r in paced.get("nginx-proxy", [])])
        for name, rs in paced.items():
            s = summary(rs)
            lines.append(f"| {name} | {s['rps']:.0f} | {fmt(s['p50'])} | {fmt(s['p99'])} | {fmt(s['p999'])} | "
                         f"{s['p99'] - ref99:+.2f} | {fmt(s['cpu_us_per_req'], 1)} | {fmt(s['cpu_cores'])} |")
    charts = gnuplot_chart(args, rows, conns_list, names, stem)
    lines += ["", "## Chart", ""] + [f"![throughput and p99]({os.path.basename(charts[0])}) "
                                     f"([SVG]({os.path.basename(charts[1])}))"]
    lines += ["", "## Every run", "", "| rep | conns | target | req/s | p50 | p99 | p99.9 | CPU µs/req | other cores |",
              "|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for (name, conns), rs in sorted(runs.items(), key=lambda kv: (kv[0][1], names.index(kv[0][0]))):
        for i, r in enumerate(rs):
            lines.append(f"| {i + 1} | {conns} | {name} | {r['rps']:.0f} | {fmt(r['p50'])} | {fmt(r['p99'])} | "
                         f"{fmt(r['p999'])} | {fmt(r['cpu_us_per_req'], 1)} | {fmt(r['other_cores'])} |")
    with open(stem + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print(stem + ".md")


def profile(args, target, stem, quiet, load_before):
    library = profiler_library(args.work)
    warm_up(args, [target], args.warmup)
    event = profile_event()
    jcmd_agent(target.main_pid, library, f"start,event={event},interval=1ms,threads")
    r = measure(args, target, 32, args.profile_seconds)
    collapsed = os.path.join(args.work, "profile.collapsed")
    jcmd_agent(target.main_pid, library, f"stop,collapsed,file={collapsed}")
    jcmd_agent(target.main_pid, library, f"start,event={event},interval=1ms")  # the flame graph of a second, equal run
    r2 = measure(args, target, 32, args.profile_seconds)
    flame = stem + "-flame.html"
    jcmd_agent(target.main_pid, library, f"stop,flamegraph,file={flame}")
    total, groups, syscalls, components, methods, leaves = summarize_collapsed(collapsed)
    subprocess.run(["gzip", "-9", collapsed], check=True)
    shutil.move(collapsed + ".gz", stem + ".collapsed.gz")  # for flamegraph tools or a closer look
    lines = [f"# rlproxy CPU profile — {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S} UTC", ""]
    lines += ["## Machine", ""] + [f"- {m}" for m in machine_description()]
    lines += [f"- load average before: {' '.join(f'{x:.2f}' for x in load_before)}{'' if quiet else ' (NOT quiet)'}",
              f"- async-profiler 4.1, event `{event}`, 1 ms interval, attached after a {args.warmup} s warm-up; "
              f"wrk -t{args.wrk_threads} -c32, {args.profile_seconds} s per profiled run, {target.name}: {target.note}",
              f"- proxy JVM flags: `{args.java_opts or '(none)'}`", "",
              f"Run 1 (collapsed stacks, summarized below): {r['rps']:.0f} req/s, {r['cpu_us_per_req']:.1f} µs CPU/req, "
              f"{r['cpu_cores']:.2f} cores. Run 2 (flame graph `{os.path.basename(flame)}`): {r2['rps']:.0f} req/s.",
              "", f"## Where the samples are ({total} samples of the whole process)", ""]
    for title, rows in (("thread group", groups), ("syscall anywhere on the stack", syscalls),
                        ("component anywhere on the stack (inclusive)", components),
                        ("rlproxy method anywhere on the stack (inclusive)", methods), ("leaf frame (self time)", leaves)):
        lines += [f"| {title} | share |", "|---|---:|"]
        lines += [f"| `{name[:120]}` | {100 * n / max(1, total):.1f}% |" for name, n in rows] + [""]
    with open(stem + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print(stem + ".md")


def live_heap_mib(pid):
    """Heap in use right after a full GC, from jcmd (GC.run, then GC.heap_info's 'used' figures)."""
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, text=True)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    # G1 prints one "heap" line; Serial and Parallel one line per generation. Metaspace is not heap.
    lines = [l for l in info.splitlines() if re.search(r"heap|generation", l) and "Metaspace" not in l]
    heap = [l for l in lines if "heap" in l]
    used = [int(m) for l in (heap[:1] or lines) for m in re.findall(r"used (\d+)K", l)]
    return sum(used) / 1024 if used else float("nan")


def native_memory(pid):
    """Committed memory per JVM area (MiB), from Native Memory Tracking; empty unless the JVM runs with it."""
    out = subprocess.run(["jcmd", str(pid), "VM.native_memory", "summary"], capture_output=True, text=True).stdout
    areas = {}
    for name, committed in re.findall(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB\)", out, re.M):
        areas[name.strip()] = int(committed) / 1024
    return areas


def idle_connections(port, count):
    """Opens `count` keep-alive connections, each after one answered request, and returns them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 1024)), hard))
    request = b"GET /item HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += s.recv(4096)
        sockets.append(s)
    return sockets


def footprint(args, targets, stem, quiet, load_before, startup_ms):
    target = targets["rlproxy-memory"]
    idle_ticks0, t0 = target.ticks(), time.monotonic()
    time.sleep(10)
    idle_cores = (target.ticks() - idle_ticks0) / CLK_TCK / (time.monotonic() - t0)
    warm_up(args, [target], args.warmup)
    conns = 8  # each waits delay_ms between requests: the longer the delay, the less latency skews the rate
    delay_ms = max(1, round(conns * 1000 / args.footprint_rate))
    runs = {}
    for rep in range(args.reps):
        for name in ("nginx-proxy", "rlproxy-memory"):
            r = measure(args, targets[name], conns, args.footprint_seconds, paced_delay_ms=delay_ms)
            runs.setdefault(name, []).append(r)
            log(f"footprint rep {rep + 1} {name}: {r['rps']:.0f} req/s, {r['cpu_cores']:.3f} cores, "
                f"{r['cpu_us_per_req']:.0f} us/req, RSS {r['rss_mib']:.0f} MiB")
    pid = target.main_pid
    areas = native_memory(pid)
    port = int(target.url.split(":")[2].split("/")[0])
    heap_before, rss_before = live_heap_mib(pid), target.rss_kib() / 1024
    sockets = idle_connections(port, args.idle_connections)
    time.sleep(2)
    heap_idle, rss_idle = live_heap_mib(pid), target.rss_kib() / 1024
    for sock in sockets:
        sock.close()
    log(f"{len(sockets)} idle keep-alive connections: heap {heap_before:.1f} -> {heap_idle:.1f} MiB, "
        f"RSS {rss_before:.0f} -> {rss_idle:.0f} MiB")
    lines = [f"# rlproxy footprint — {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S} UTC", ""]
    lines += ["## Machine", ""] + [f"- {m}" for m in machine_description()]
    lines += [f"- load average before: {' '.join(f'{x:.2f}' for x in load_before)}{'' if quiet else ' (NOT quiet)'}",
              f"- proxy JVM flags: `{args.java_opts or '(none)'}`; {target.note}",
              f"- start-up to first served request: {fmt(startup_ms.get('rlproxy-memory'), 0)} ms",
              f"- idle CPU (10 s, no traffic, before any): {idle_cores:.4f} cores",
              f"- then {args.warmup} s warm-up at 32 connections, then {args.reps} × {args.footprint_seconds} s at "
              f"~{args.footprint_rate} req/s ({conns} connections, {delay_ms} ms between a connection's requests)", "",
              "| target | req/s | CPU cores | CPU µs/req | RSS MiB (end of run) | p50 ms | p99 ms |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for name, rs in runs.items():
        lines.append(f"| {name} | {med([r['rps'] for r in rs]):.0f} | {med([r['cpu_cores'] for r in rs]):.3f} | "
                     f"{med([r['cpu_us_per_req'] for r in rs]):.0f} | {max(r['rss_mib'] for r in rs):.0f} | "
                     f"{med([r['p50'] for r in rs]):.2f} | {med([r['p99'] for r in rs]):.2f} |")
    lines += ["", f"## {len(sockets)} idle keep-alive client connections (each after one request)", "",
              "| measure | before | with the connections open |", "|---|---:|---:|",
              f"| live heap after a full GC (MiB) | {heap_before:.1f} | {heap_idle:.1f} |",
              f"| RSS (MiB) | {rss_before:.0f} | {rss_idle:.0f} |", ""]
    if areas:
        lines += ["## Where the memory is (Native Memory Tracking, committed, at the end of the steady runs)", "",
                  "| JVM area | MiB |", "|---|---:|"]
        lines += [f"| {name} | {mib:.1f} |" for name, mib in sorted(areas.items(), key=lambda a: -a[1]) if mib >= 0.5]
        lines.append("")
    with open(stem + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print(stem + ".md")


if __name__ == "__main__":
    main()
