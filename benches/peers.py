#!/usr/bin/env python3
"""creel beside the tools people use today, on the same data in the same run.

    python3 benches/peers.py            # MESSAGES=1000000 TOPICS=1000,10000 GROUPS=200
    ONLY=topics python3 benches/peers.py  # one section: read, search, topics, lag

Starts the Apache Kafka test cluster (tests/kafka/kafka-cluster, three KRaft
nodes on loopback, each with a 1 GB heap: with the test suite's 320 MB a
node holding 10,000 partitions spends its time collecting garbage and
answers in seconds; CREEL_KAFKA_HEAP overrides it), seeds it with
Confluent's Python client, then measures
each tool as a separate process: wall time and peak RSS (GNU time: the
process, or the shell pipeline and what it waited for). Prints a table with ratios to creel and
writes it to benches/peers.md, which the README's performance section shows.

- read a topic end to end (MESSAGES JSON events of ~200 bytes, 12
  partitions): `creel tail --json` vs `kcat -C -J` vs a confluent-kafka
  Python consumer;
- regex search over the same topic: `creel search` vs `kcat | grep`;
- topic list at each of TOPICS topics x 3 partitions: `creel topics --json`
  (with message counts) vs `kcat -L` (metadata only), and the two TUIs,
  creel and kaskade (PyPI, a Textual TUI), from launch in a tmux pane
  until the whole table with record counts is on screen (kaskade has no
  headless mode: its pane is read every 20 ms; creel's own hook
  --exit-when-loaded marks the frame), peak RSS from /proc;
- lag of GROUPS groups on a 25-partition topic (GROUPS x 25 group
  partitions): the first figures of `creel lag --json --watch` vs a
  per-partition baseline (committed offsets per group, then one watermark
  request per partition).

Needs tests/kafka's Java/Maven set-up (.ci/run installs it), tmux, and the
Python virtualenv .ci/run makes at ~/.cache/creel/pyenv; kaskade is
installed into a virtualenv of its own at ~/.cache/creel/kaskade the
first time.
"""

import json
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYENV = os.path.expanduser("~/.cache/creel/pyenv/bin/python")

try:
    import confluent_kafka  # noqa: F401
except ImportError:
    if os.path.exists(PYENV) and sys.executable != PYENV:
        os.execv(PYENV, [PYENV] + sys.argv)
    sys.exit("peers.py: needs confluent-kafka (run .ci/run once, or pip install confluent-kafka)")

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

MESSAGES = int(os.environ.get("MESSAGES", "1000000"))
TOPICS = [int(n) for n in os.environ.get("TOPICS", "1000,10000").split(",")]
ONLY = set(os.environ.get("ONLY", "read,search,topics,lag").split(","))
KASKADE_VERSION = "5.1.0"
KASKADE = os.path.expanduser("~/.cache/creel/kaskade/bin/kaskade")
GROUPS = int(os.environ.get("GROUPS", "200"))
CREEL = os.path.join(ROOT, "target/release/creel")
CLUSTER = os.path.join(ROOT, "tests/kafka/kafka-cluster")
HEAP = os.environ.setdefault("CREEL_KAFKA_HEAP", "1g")
READ_TOPIC = "peers-read"


def measure(cmd, shell=False):
    """Wall seconds and peak RSS (MB) of a command (GNU time, so the figure
    is not the high-water mark of this Python process that a fork copies),
    and its stdout."""
    if shell:
        cmd = ["sh", "-c", cmd]
    report = tempfile.NamedTemporaryFile(mode="r")
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name] + cmd,
                       capture_output=True)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{cmd}: exit {p.returncode}: {p.stderr.decode(errors='replace')}")
    elapsed, kb = report.read().split()[-2:]
    return float(elapsed), int(kb) / 1024, p.stdout.decode(errors="replace")


def median_run(cmd, runs=3):
    """measure() `runs` times; the run with the median time."""
    return sorted((measure(cmd) for _ in range(runs)), key=lambda m: m[0])[runs // 2]


def first_line(cmd):
    """Wall seconds until a long-running command prints its first line, and
    its peak RSS (MB, VmHWM) by then; the command is stopped after."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = p.stdout.readline().decode(errors="replace")
    elapsed = time.monotonic() - t0
    with open(f"/proc/{p.pid}/status") as f:
        hwm = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
    p.kill()
    p.wait()
    return elapsed, hwm / 1024, line


def seed_read_topic(bootstrap):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(READ_TOPIC, num_partitions=12, replication_factor=1)]).values():
        f.result()
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 50, "batch.size": 1_000_000,
                  "compression.type": "lz4", "queue.buffering.max.messages": 2_000_000})
    for i in range(MESSAGES):
        tag = "NEEDLE" if i % 1000 == 0 else "hay"
        v = json.dumps({"id": i, "kind": "order", "tag": tag, "customer": f"c-{i % 9973}",
                        "items": [{"sku": f"SKU-{i % 517}", "qty": i % 7 + 1}],
                        "note": "x" * 90})
        while True:
            try:
                p.produce(READ_TOPIC, value=v.encode(), partition=i % 12)
                break
            except BufferError:
                p.poll(0.05)
        if i % 10000 == 0:
            p.poll(0)
    p.flush(120)


def ensure_kaskade():
    """kaskade in a virtualenv of its own (its dependencies are not the
    suite's); the reason when it cannot be installed."""
    if os.path.exists(KASKADE):
        return None
    venv = os.path.dirname(os.path.dirname(KASKADE))
    p = subprocess.run(["python3", "-m", "venv", venv], capture_output=True, text=True)
    if p.returncode == 0:
        p = subprocess.run([os.path.join(venv, "bin/pip"), "install", "-q", f"kaskade=={KASKADE_VERSION}"],
                           capture_output=True, text=True)
    return None if p.returncode == 0 else f"kaskade could not be installed: {p.stderr.strip()[-200:]}"


def peak_rss_mb(pid):
    """None once the process is gone: creel exits as soon as it has written
    its report (which carries its own peak), sometimes before this reads."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(l.split()[1]) / 1024 for l in f if l.startswith("VmHWM:")), None)
    except OSError:
        return None


def tui_until(cmd, done, limit=300):
    """A TUI started in a 160x45 tmux pane: seconds until done(screen) or
    done() holds, its peak RSS (MB) then, and the screen. The pane runs the
    command itself, so its pid is the TUI's."""
    session = f"creel-peers-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
    t0 = time.monotonic()
    # The tmux server exits with its last session; a session started as it
    # goes fails ("server exited unexpectedly"): start again.
    for attempt in range(10):
        p = subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "45"] + cmd,
                           capture_output=True)
        if p.returncode == 0:
            break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"tmux new-session failed: {p.stderr.decode(errors='replace')}")
    try:
        pid = int(subprocess.run(["tmux", "display-message", "-p", "-t", session, "#{pane_pid}"],
                                 capture_output=True, text=True, check=True).stdout)
        while time.monotonic() - t0 < limit:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                    capture_output=True, text=True).stdout
            if done(screen):
                return time.monotonic() - t0, peak_rss_mb(pid), screen
            time.sleep(0.02)
        raise RuntimeError(f"{cmd[0]}: no complete table within {limit} s:\n{screen}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def creel_tui(bootstrap, topics):
    """creel's TUI until its table is complete with counts: its own hook
    writes a report at that frame and exits (the report names the topics
    it shows, checked here)."""
    report = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    os.unlink(report)
    out = {}

    def done(_screen):
        try:
            with open(report) as f:
                out.update(json.load(f))
            return True
        except (OSError, ValueError):
            return False
    t, rss, screen = tui_until([CREEL, "-b", bootstrap, "--exit-when-loaded", report], done)
    os.unlink(report)
    assert out["topics"] >= topics, out
    return t, out["max_rss_kb"] / 1024, f"creel showed {out['topics']} topics"


def kaskade_tui(bootstrap, topics):
    """kaskade's admin screen until its title counts every topic and the
    rows show record counts (≈N)."""
    import re

    def done(screen):
        m = re.search(r"Topics \[(\d+)\]", screen)
        return m is not None and int(m.group(1)) >= topics and "≈" in screen
    t, rss, screen = tui_until([KASKADE, "admin", "-b", bootstrap], done)
    return t, rss, re.search(r"Topics \[\d+\]", screen).group(0)


def seed_topics(bootstrap, have, want):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    names = [f"peers-t{i:05d}" for i in range(have, want)]
    for start in range(0, len(names), 500):
        fs = admin.create_topics([NewTopic(n, num_partitions=3, replication_factor=1)
                                  for n in names[start:start + 500]], operation_timeout=120)
        for f in fs.values():
            f.result()


def seed_groups(bootstrap):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic("peers-lag", num_partitions=25, replication_factor=1)]).values():
        f.result()
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20})
    for i in range(25 * 40):
        p.produce("peers-lag", value=b"x", partition=i % 25)
    p.flush(60)
    groups = [f"peers-g{g:03d}" for g in range(GROUPS)]
    for g in groups:
        c = Consumer({"bootstrap.servers": bootstrap, "group.id": g, "enable.auto.commit": False})
        c.commit(offsets=[TopicPartition("peers-lag", i, (i * 3 + len(g)) % 40) for i in range(25)],
                 asynchronous=False)
        c.close()
    return groups


PY_READ = r"""
import sys
from confluent_kafka import Consumer, TopicPartition
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "peers-py", "enable.auto.commit": False,
              "enable.partition.eof": True})
c.assign([TopicPartition(sys.argv[2], p, 0) for p in range(12)])
n, eof = 0, set()
while len(eof) < 12:
    for m in c.consume(10000, 1.0):
        if m.error():
            if m.error().code() == -191:
                eof.add(m.partition())
            continue
        n += 1
print(n)
"""

PY_LAG = r"""
import sys
from confluent_kafka import Consumer, TopicPartition
b, groups = sys.argv[1], sys.argv[2:]
total = 0
for g in groups:
    c = Consumer({"bootstrap.servers": b, "group.id": g, "enable.auto.commit": False})
    tps = c.committed([TopicPartition("peers-lag", p) for p in range(25)], timeout=30)
    for tp in tps:
        lo, hi = c.get_watermark_offsets(tp, timeout=30)
        total += hi - tp.offset
    c.close()
print(total)
"""


def row(name, t, rss, base):
    ratio = f"{t / base[0]:.2f}x / {rss / base[1]:.2f}x" if base else "1.00x / 1.00x"
    return f"| {name} | {t:.2f} s | {rss:.1f} MB | {ratio} |"


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="creel-peers-")
    out = subprocess.run([CLUSTER, "start", "--dir", work], capture_output=True, text=True, check=True)
    bootstrap = next(l.split()[1] for l in out.stdout.splitlines() if l.startswith("PLAINTEXT"))
    lines = []
    try:
        if ONLY & {"read", "search"}:
            t0 = time.monotonic()
            seed_read_topic(bootstrap)
            print(f"seeded {MESSAGES} messages in {time.monotonic() - t0:.0f} s", file=sys.stderr)
        if "read" in ONLY:
            lines += read_section(bootstrap)
        if "search" in ONLY:
            lines += search_section(bootstrap)
        if "topics" in ONLY:
            lines += topics_section(bootstrap)
        if "lag" in ONLY:
            lines += lag_section(bootstrap)
    finally:
        subprocess.run([CLUSTER, "stop", "--dir", work], capture_output=True)
    write_report(lines)


def read_section(bootstrap):
    lines = []
    lines += ["", f"Read {MESSAGES:,} messages end to end (12 partitions, lz4 batches) to a pipe:", "",
              "| tool | time | peak RSS | time / memory vs creel |", "| --- | --- | --- | --- |"]
    creel = measure(f"{CREEL} -b {bootstrap} tail -t {READ_TOPIC} -o beginning -e --json | wc -l", shell=True)
    kcat = measure(f"kcat -b {bootstrap} -C -t {READ_TOPIC} -o beginning -e -J -q | wc -l", shell=True)
    py = measure([sys.executable, "-c", PY_READ, bootstrap, READ_TOPIC])
    for name, m in [("`creel tail --json`", creel), ("`kcat -C -J`", kcat),
                    ("confluent-kafka Python consumer", py)]:
        assert int(m[2].split()[0]) == MESSAGES, (name, m[2][:80])
        lines.append(row(name, m[0], m[1], None if m is creel else creel))
    print("\n".join(lines), file=sys.stderr)
    return lines


def search_section(bootstrap):
    lines = []
    lines += ["", f"Regex search `NEEDLE` over the same {MESSAGES:,} messages (one in a thousand):", "",
              "| tool | time | peak RSS | time / memory vs creel |", "| --- | --- | --- | --- |"]
    creel = measure(f"{CREEL} -b {bootstrap} search -t {READ_TOPIC} -e NEEDLE --max-matches 100000000 --json | wc -l",
                    shell=True)
    kcat = measure(f"kcat -b {bootstrap} -C -t {READ_TOPIC} -o beginning -e -q -f '%s\\n' | grep -c NEEDLE",
                   shell=True)
    for name, m in [("`creel search`", creel), ("`kcat | grep`", kcat)]:
        assert int(m[2].split()[0]) == MESSAGES // 1000, (name, m[2][:80])
        lines.append(row(name, m[0], m[1], None if m is creel else creel))

    return lines


def topics_section(bootstrap):
    lines = []
    kaskade_missing = ensure_kaskade()
    have = 0
    for want in TOPICS:
        t0 = time.monotonic()
        seed_topics(bootstrap, have, want)
        have = want
        print(f"created topics up to {want} in {time.monotonic() - t0:.0f} s", file=sys.stderr)
        # New partitions answer NotLeaderForPartition until every broker
        # has applied the new metadata (creel lists them with that error
        # meanwhile): measure once the cluster has settled.
        for _ in range(300):
            p = subprocess.run([CREEL, "-b", bootstrap, "topics", "--json"], capture_output=True)
            listed = json.loads(p.stdout) if p.returncode == 0 else []
            # Every new topic listed (a broker may not have applied them
            # all yet) and every partition answering.
            if sum(t["name"].startswith("peers-t") for t in listed) >= want and all(
                    d["error"] is None for t in listed for d in t["partition_details"]):
                break
            time.sleep(1)
        shown = len(json.loads(p.stdout))
        lines += ["", f"Topic list, {want:,} topics x 3 partitions ({shown:,} in all), median of 3:", "",
                  "| tool | time | peak RSS | time / memory vs creel |", "| --- | --- | --- | --- |"]
        creel = median_run([CREEL, "-b", bootstrap, "topics", "--json"])
        kcat = median_run(["kcat", "-b", bootstrap, "-L"])
        assert creel[2].count("peers-t") >= want
        lines.append(row("`creel topics --json` (with message counts)", creel[0], creel[1], None))
        lines.append(row("`kcat -L` (metadata only, no counts)", kcat[0], kcat[1], creel))
        tui = sorted((creel_tui(bootstrap, shown) for _ in range(3)), key=lambda m: m[0])[1]
        lines.append(row("creel TUI: launch to the table complete with counts", tui[0], tui[1], None))
        if kaskade_missing:
            lines.append(f"| kaskade {KASKADE_VERSION} TUI | {kaskade_missing} | | |")
        else:
            k = sorted((kaskade_tui(bootstrap, shown) for _ in range(3)), key=lambda m: m[0])[1]
            lines.append(row(f"kaskade {KASKADE_VERSION} TUI (admin): launch to the table complete with counts",
                             k[0], k[1], tui))
        print("\n".join(lines[-8:]), f"({tui[2]}; kaskade: {k[2] if not kaskade_missing else '-'})",
              file=sys.stderr)
    return lines


def lag_section(bootstrap):
    lines = []
    t0 = time.monotonic()
    groups = seed_groups(bootstrap)
    print(f"committed {GROUPS} groups in {time.monotonic() - t0:.0f} s", file=sys.stderr)
    lines += ["", f"Lag of {GROUPS} groups on a 25-partition topic ({GROUPS * 25:,} group partitions):", "",
              "| tool | time | peak RSS | time / memory vs creel |", "| --- | --- | --- | --- |"]
    # `creel lag` judges a status over several samples --interval apart
    # (6 x 2 s by default) before it exits; the figures themselves are
    # what --watch prints first, which is what the baseline computes.
    creel = first_line([CREEL, "-b", bootstrap, "lag", "--json", "--watch"])
    base = measure([sys.executable, "-c", PY_LAG, bootstrap] + groups)
    shown = sum(1 for g in groups if f'"{g}"' in creel[2])
    assert shown == GROUPS, f"creel lag shows {shown} of {GROUPS} groups"
    lines.append(row("`creel lag --json --watch`: first figures", creel[0], creel[1], None))
    lines.append(row("per-partition baseline (Python: committed, then a watermark request each)",
                     base[0], base[1], creel))
    return lines


def write_report(lines):
    v = subprocess.run(["kcat", "-V"], capture_output=True, text=True).stdout
    kcat_version = [l.split(" (")[0].replace("Version ", "") for l in v.splitlines() if l.startswith("Version")]
    head = [
        f"Measured by `python3 benches/peers.py` on {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores; Apache Kafka test cluster (three KRaft nodes on loopback, {HEAP} heap each, "
        "on the same cores as the tools); "
        f"kcat {' '.join(kcat_version).strip()}; confluent-kafka {confluent_kafka.version()[0]} "
        f"(librdkafka {confluent_kafka.libversion()[0]}); kaskade {KASKADE_VERSION} (PyPI) where it could be installed. "
        "kaskade has no headless mode: it is measured as a TUI only, beside creel's TUI.",
    ]
    text = "\n".join(head + lines) + "\n"
    print(text)
    # A run of some sections only is printed, not kept.
    if ONLY >= {"read", "search", "topics", "lag"}:
        with open(os.path.join(ROOT, "benches/peers.md"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
