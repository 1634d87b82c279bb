#!/usr/bin/env python3
"""Runs a command and says where its CPU went, by kind of process (bench/RESULTS.md, "E2E tests: CPU per class").

    bench/e2e/cpu.py [--every 0.5] [--out FILE] -- dotnet test tests/Console.E2E.Tests --no-build --filter ...

Samples /proc every --every seconds. Every process started under the command (however deep, and after it is orphaned:
MSBuild nodes, Chromium's helpers) is counted with the CPU (user + system) it had used when last seen, so a process that
ends between two samples loses at most one interval. Kinds: the console processes (Console.Server.dll), Chromium, the
Playwright driver (node), the test host, a `dotnet publish` (with its MSBuild nodes and the trimmer), the rest of
`dotnet test` (its CLI, MSBuild and vstest), and anything else. Prints core-seconds per kind, the wall time and the load.
"""
import argparse
import os
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def read_stat(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    # comm may hold spaces and parentheses: the fields after it start at the last ')'.
    rest = data[data.rindex(")") + 2:].split()
    ppid = int(rest[1])
    cpu = (int(rest[11]) + int(rest[12])) / TICKS
    return ppid, cpu


def read_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def kind(cmdline):
    if "Console.Server.dll" in cmdline and " publish " not in cmdline:
        return "console"
    if "chromium" in cmdline or "chrome" in cmdline.split(" ")[0]:
        return "chromium"
    if "playwright" in cmdline and ("node" in cmdline.split(" ")[0] or "/node " in cmdline):
        return "playwright driver"
    if "Console.E2E.Tests" in cmdline and ("testhost" in cmdline or cmdline.split(" ")[0].endswith("Console.E2E.Tests")):
        return "test host"
    if " publish " in cmdline or "illink" in cmdline.lower():
        return "publish"
    if "dotnet" in cmdline or "MSBuild" in cmdline or "vstest" in cmdline:
        return "dotnet test (CLI, MSBuild, vstest)"
    return "other"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=float, default=0.5)
    parser.add_argument("--out", default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command and args.command[0] == "--" else args.command
    load_before = open("/proc/loadavg").read().split()[:3]
    started = time.time()
    child = subprocess.Popen(command)
    tree = {child.pid}
    seen = {}  # pid -> [kind, cpu, cmdline]
    publish_roots = set()
    loads = []
    while True:
        stats = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                s = read_stat(int(name))
                if s:
                    stats[int(name)] = s
        # A process belongs to the run if its parent chain reaches a process of the run (it stays counted once orphaned).
        changed = True
        while changed:
            changed = False
            for pid, (ppid, _) in stats.items():
                if pid not in tree and ppid in tree:
                    tree.add(pid)
                    changed = True
        for pid, (ppid, cpu) in stats.items():
            if pid in tree:
                # Read again each time: a process seen between its fork and its exec still shows its parent's command.
                cmd = read_cmdline(pid) or (seen[pid][2] if pid in seen else "")
                k = kind(cmd)
                # MSBuild nodes and the trimmer of a publish count as the publish.
                if k != "publish" and ppid in publish_roots:
                    k = "publish"
                if k == "publish":
                    publish_roots.add(pid)
                entry = seen.setdefault(pid, [k, cpu, cmd])
                entry[0], entry[2] = k, cmd
                entry[1] = max(entry[1], cpu)
        loads.append(float(open("/proc/loadavg").read().split()[0]))
        if child.poll() is not None:
            break
        time.sleep(args.every)
    wall = time.time() - started
    totals = {}
    for k, cpu, _ in seen.values():
        totals[k] = totals.get(k, 0.0) + cpu
    lines = [
        f"command: {' '.join(command)}",
        f"exit {child.returncode}; wall {wall:.0f} s; load before {' '.join(load_before)}, during min {min(loads):.1f} "
        f"mean {sum(loads) / len(loads):.1f} max {max(loads):.1f}",
        f"CPU {sum(totals.values()):.0f} core-s in all ({len(seen)} processes):",
    ]
    for k, v in sorted(totals.items(), key=lambda kv: -kv[1]):
        n = sum(1 for e in seen.values() if e[0] == k)
        lines.append(f"  {v:8.1f} core-s  {k} ({n} processes)")
    text = "\n".join(lines)
    print(text, file=sys.stderr)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
            for pid, (k, cpu, cmd) in sorted(seen.items(), key=lambda kv: -kv[1][1]):
                f.write(f"{cpu:8.1f} {k:12.12} {pid} {cmd[:200]}\n")
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
