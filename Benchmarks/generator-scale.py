#!/usr/bin/env python3
"""The generator at scale (issue 15 item 4), end to end through the release CLI.

    swift build -c release --product schemagen
    Benchmarks/generator-scale.py                       # 1,000 and 10,000 tables, 3 runs each
    Benchmarks/generator-scale.py --sizes 100,1000,10000 --repeats 5 --bin .build/release/schemagen
    Benchmarks/generator-scale.py --write 10000 > /tmp/synth-10000.victor   # the schema alone

For each size it writes the synthetic schema (the same text as schemagen-bench's SyntheticSchema:
domains of 100 tables, each with 8 columns, a UNIQUE key over two text columns, a secondary index and,
after a domain's first table, a foreign key to the previous one), then runs, each in a fresh process
under /usr/bin/time (wall time, user+system CPU, peak RSS = "Maximum resident set size"):

  * `schemagen generate FILE --output DIR` into an empty directory (every stage, both outputs written),
  * `schemagen generate FILE --output DIR --check` on the result (must report nothing stale),
  * `schemagen lint FILE` (every rule; the synthetic schema has warnings, no errors),

with SCHEMAGEN_TIMINGS=1, which makes the CLI print each pipeline stage's wall time to stderr
(parse+resolve, integrity, sql-fragments, swift-names, history, queries, lint, emit; wall and process
CPU time). Prints the
medians and time(largest)/time(smallest) per command. Timing is reported, never asserted.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile


def text(tables):
    out = [f"// Synthetic schema written by schemagen-bench: {tables} tables.\nschema synth version 1\n"]
    t = 0
    domain = 0
    while t < tables:
        out.append(f"\n/// Domain {domain}.\ndomain d{domain} \"Domain {domain}\" {{\n")
        k = 0
        while k < 100 and t < tables:
            name = f"d{domain}_item{k}"
            out.append(f"""
    /// Synthetic table {t}.
    table {name} {{
        id: integer primary key
        name: text
        code: text
        score: real? = 0.5
        visit_count: integer? = 0
        payload: json?
        created_at: timestamp? = datetime('now')
""")
            if k > 0:
                out.append(f"        parent_id: integer? references d{domain}_item{k - 1}(id)\n")
            out.append(f"""
        unique (name, code)
        index idx_{name}_created (created_at)
    }}
""")
            k += 1
            t += 1
        out.append("}\n")
        domain += 1
    return "".join(out)


def run(cmd, env):
    """Runs cmd under /usr/bin/time -v; returns (wall s, cpu s, peak RSS KiB, stage ms, exit code)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, capture_output=True, text=True)
    err = p.stderr

    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r": (.*)$", err, re.M)
        return m.group(1).strip() if m else ""

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(x) for x in wall.split(":")]
    seconds = parts[-1] + 60 * (parts[-2] if len(parts) > 1 else 0) + 3600 * (parts[-3] if len(parts) > 2 else 0)
    cpu = float(field("User time (seconds)") or 0) + float(field("System time (seconds)") or 0)
    rss = int(field("Maximum resident set size (kbytes)") or 0)
    stages = {}
    for line in err.splitlines():
        if line.startswith("timing: "):
            for m in re.finditer(r"([^,]+?) ([\d.]+) ms \(cpu ([\d.]+)\)", line.split(": ", 2)[2]):
                name = m.group(1).strip()
                wall_ms, cpu_ms = stages.get(name, (0.0, 0.0))
                stages[name] = (wall_ms + float(m.group(2)), cpu_ms + float(m.group(3)))
    return seconds, cpu, rss, stages, p.returncode, p.stdout, err


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "schemagen"))
    ap.add_argument("--write", type=int, help="print the synthetic schema of N tables and exit")
    a = ap.parse_args()
    if a.write is not None:
        sys.stdout.write(text(a.write))
        return
    sizes = [int(s) for s in a.sizes.split(",")]
    env = dict(os.environ, SCHEMAGEN_TIMINGS="1", NO_COLOR="1")
    work = tempfile.mkdtemp(prefix="schemagen-scale-")
    totals = {}
    print(f"binary: {os.path.realpath(a.bin)}; median of {a.repeats} runs; stage times from SCHEMAGEN_TIMINGS (ms)\n")
    try:
        for n in sizes:
            schema = os.path.join(work, f"synth-{n}.victor")
            with open(schema, "w") as f:
                f.write(text(n))
            out = os.path.join(work, f"out-{n}")
            commands = [
                ("generate", lambda: [a.bin, "generate", schema, "--output", out], True),
                ("generate --check", lambda: [a.bin, "generate", schema, "--output", out, "--check"], False),
                ("lint", lambda: [a.bin, "lint", schema], False),
            ]
            for name, cmd, fresh in commands:
                samples = []
                for _ in range(a.repeats):
                    if fresh:
                        shutil.rmtree(out, ignore_errors=True)
                    s = run(cmd(), env)
                    if s[4] != 0:
                        sys.exit(f"{name} on {n} tables failed ({s[4]}):\n{s[6][-2000:]}")
                    samples.append(s)
                wall = statistics.median(x[0] for x in samples)
                cpu = statistics.median(x[1] for x in samples)
                rss = statistics.median(x[2] for x in samples)
                stages = {k: (statistics.median(x[3].get(k, (0.0, 0.0))[0] for x in samples),
                              statistics.median(x[3].get(k, (0.0, 0.0))[1] for x in samples)) for k in samples[0][3]}
                totals[(name, n)] = wall
                size = ""
                if name == "generate":
                    size = ", output " + f"{sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs) / 1048576:.1f} MiB"
                print(f"{n:>6} tables  {name:<17} wall {wall:7.3f} s  cpu {cpu:7.3f} s  peak RSS {rss / 1024:6.1f} MiB{size}")
                print("                stages, ms wall (cpu): " + ", ".join(f"{k} {w:.1f} ({c:.1f})" for k, (w, c) in stages.items()))
        if len(sizes) > 1:
            lo, hi = sizes[0], sizes[-1]
            print()
            for name in ("generate", "generate --check", "lint"):
                print(f"time({hi:,})/time({lo:,}) {name}: {totals[(name, hi)] / totals[(name, lo)]:.2f}  (linear: {hi / lo:.0f})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
