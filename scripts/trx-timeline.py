#!/usr/bin/env python3
"""Where a test run's time went, from its TRX files (bench/RESULTS.md, "`.ci/run`: where the time goes").

    scripts/trx-timeline.py artifacts/test-results/*.trx [--classes N] [--step SECONDS]

For each TRX: the test assembly, when its run started and finished (wall clock, UTC), its tests' summed durations and
the mean number of tests running at once; then, over all files, every step of SECONDS with how many tests of each
assembly were running (the lanes in use); and the N classes whose tests took longest, with the span from their first
test's start to their last test's end. Times are the test bodies as the TRX records them (class fixtures that start
lazily inside a test count in that test; a fixture started before its first test does not)."""
import argparse
import collections
import datetime
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def when(text):
    return datetime.datetime.fromisoformat(text).timestamp()


def read(path):
    root = ET.parse(path).getroot()
    times = root.find("t:Times", NS)
    tests = {u.get("id"): u.find("t:TestMethod", NS) for u in root.iterfind(".//t:UnitTest", NS)}
    rows = []
    assembly = "?"
    for result in root.iterfind(".//t:UnitTestResult", NS):
        method = tests.get(result.get("testId"))
        if method is not None:
            assembly = method.get("codeBase").rsplit("/", 1)[-1].removesuffix(".dll")
            cls = method.get("className")
        else:
            cls = result.get("testName").split("(")[0].rsplit(".", 1)[0]
        rows.append((when(result.get("startTime")), when(result.get("endTime")), cls, result.get("outcome")))
    return assembly, when(times.get("start")), when(times.get("finish")), rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("trx", nargs="+")
    parser.add_argument("--classes", type=int, default=25)
    parser.add_argument("--step", type=int, default=60)
    args = parser.parse_args()
    runs = [read(p) for p in args.trx]
    t0 = min(r[1] for r in runs)
    clock = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%H:%M:%S")
    print("assembly                  start     finish    wall s  tests  summed s  mean running")
    for name, start, finish, rows in sorted(runs, key=lambda r: r[1]):
        summed = sum(e - s for s, e, _, _ in rows)
        wall = finish - start
        print(f"{name:25} {clock(start)}  {clock(finish)}  {wall:6.0f}  {len(rows):5}  {summed:8.0f}  {summed / wall:5.2f}")
    end = max(r[2] for r in runs)
    print(f"\nmean tests running per {args.step} s (from {clock(t0)}):")
    names = [r[0] for r in sorted(runs, key=lambda r: r[1])]
    print("   from    " + "  ".join(f"{n.replace('Console.', '').replace('.Tests', ''):>7}" for n in names))
    for t in range(0, int(end - t0) + 1, args.step):
        a, b = t0 + t, t0 + t + args.step
        cells = []
        for _, _, _, rows in sorted(runs, key=lambda r: r[1]):
            busy = sum(max(0.0, min(e, b) - max(s, a)) for s, e, _, _ in rows) / args.step
            cells.append(f"{busy:7.2f}")
        print(f"  {clock(a)}  " + "  ".join(cells))
    classes = collections.defaultdict(lambda: [0.0, 0, float("inf"), 0.0])
    for name, _, _, rows in runs:
        for s, e, cls, _ in rows:
            c = classes[(name, cls)]
            c[0] += e - s
            c[1] += 1
            c[2] = min(c[2], s)
            c[3] = max(c[3], e)
    print(f"\nthe {args.classes} longest classes (summed test time; span from first start to last end, from {clock(t0)}):")
    for (name, cls), (summed, n, first, last) in sorted(classes.items(), key=lambda kv: -kv[1][0])[: args.classes]:
        print(f"  {summed:6.0f} s  {n:3} tests  {first - t0:6.0f}-{last - t0:6.0f} s  {cls.rsplit('.', 2)[-2]}.{cls.rsplit('.', 1)[-1]}  ({name})")
    failed = [(name, r) for name, _, _, rows in runs for r in rows if r[3] != "Passed"]
    if failed:
        print(f"\nnot passed: {len(failed)}")


if __name__ == "__main__":
    main()
