#!/usr/bin/env bash
# Fuzzes every harness of fuzz/Console.Fuzz under AFL++ for a bounded time and fails on a crash or a confirmed hang.
#
#   fuzz/run.sh                      every harness, FUZZ_TOTAL_SECONDS (default 80) shared between them, as many
#                                    at a time as there are cores (FUZZ_JOBS), each for its share
#   fuzz/run.sh events               one harness (or several), FUZZ_SECONDS each if set
#   FUZZ_SECONDS=3600 fuzz/run.sh events     a long run (docs/security/fuzzing.md)
#
# FUZZ_NO_BUILD=1 uses the Debug build already there instead of building the harnesses first.
# Needs afl-fuzz (Debian: apt-get install afl++) and the SharpFuzz tool (dotnet tool restore). Findings and logs go to
# FUZZ_OUT (default artifacts/fuzz); each crash is replayed in process and printed with its stack trace.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${FUZZ_OUT:-$repo/artifacts/fuzz}"
configuration="${CONFIGURATION:-Debug}"
cd "$repo"

if ! command -v afl-fuzz >/dev/null; then
    echo "afl-fuzz is not installed (Debian: apt-get install afl++)" >&2
    exit 2
fi
dotnet tool restore >/dev/null || { echo "dotnet tool restore failed" >&2; exit 2; }
mkdir -p "$(dirname "$out")"
plain="$repo/fuzz/Console.Fuzz/bin/$configuration/net10.0"
# FUZZ_NO_BUILD=1: the harnesses were built just before (.ci/run builds the solution once); an up-to-date build of
# them still costs the better part of a minute on two cores.
if [ "${FUZZ_NO_BUILD:-0}" = "1" ]; then
    if [ ! -f "$plain/Console.Fuzz.dll" ]; then
        echo "FUZZ_NO_BUILD=1 but $plain/Console.Fuzz.dll is not built" >&2
        exit 2
    fi
elif ! dotnet build fuzz/Console.Fuzz -c "$configuration" --nologo >"$out.build.log" 2>&1; then
    grep -E "error|Error" "$out.build.log" >&2
    echo "Building fuzz/Console.Fuzz failed (the whole output: $out.build.log)" >&2
    exit 2
fi
rm -f "$out.build.log"

# AFL++ instruments native code; SharpFuzz rewrites the console's own assemblies (a copy: the plain build replays).
rm -rf "$out"
mkdir -p "$out"
cp -r "$plain" "$out/instrumented"
for assembly in Console.Server Console.Shared; do
    dotnet sharpfuzz "$out/instrumented/$assembly.dll" || { echo "Instrumenting $assembly failed" >&2; exit 2; }
done

if [ "$#" -gt 0 ]; then
    harnesses=("$@")
else
    mapfile -t harnesses < <(dotnet "$plain/Console.Fuzz.dll" list)
fi
seconds="${FUZZ_SECONDS:-$(( ${FUZZ_TOTAL_SECONDS:-80} / ${#harnesses[@]} ))}"

# The target is managed code under `dotnet`, not an afl-cc binary; the machine is shared and may be loaded.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_FAST_CAL=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000
# A hang is an input that takes longer than this; the parsers answer in microseconds.
timeout_ms="${FUZZ_TIMEOUT_MS:-5000}"

# One harness: replays its corpus, fuzzes it for $seconds, reports. Its lines go to $out/<harness>.report, its exit status
# is 0 (nothing found), 1 (a failure) or 3 (a crash or a confirmed hang: a finding).
fuzz_one() {
    local harness="$1"
    local corpus="fuzz/corpus/$harness"
    # Every saved input first, in process: a regression of a fixed crash fails here with its stack trace.
    if ! dotnet "$plain/Console.Fuzz.dll" replay "$harness" "$corpus" >"$out/$harness.corpus.log" 2>&1; then
        echo "FAIL $harness: the corpus no longer replays cleanly"
        sed -n '/^CRASH\|^HANG\|crashed$\|×/p' "$out/$harness.corpus.log"
        return 1
    fi
    local dictionary=()
    [ -f "fuzz/dictionaries/$harness.dict" ] && dictionary=(-x "fuzz/dictionaries/$harness.dict")
    afl-fuzz -V "$seconds" -t "$timeout_ms" -m none -i "$corpus" -o "$out/$harness" "${dictionary[@]}" \
        -- dotnet "$out/instrumented/Console.Fuzz.dll" fuzz "$harness" >"$out/$harness.afl.log" 2>&1 </dev/null
    local afl_status=$?
    local stats="$out/$harness/default/fuzzer_stats"
    if [ "$afl_status" -ne 0 ] || [ ! -f "$stats" ]; then
        echo "FAIL $harness: afl-fuzz did not run (exit $afl_status); the end of $out/$harness.afl.log:"
        tail -n 25 "$out/$harness.afl.log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
        return 1
    fi
    stat() { sed -n "s/^$1 *: *//p" "$stats"; }
    local crashes=("$out/$harness/default/crashes"/id:*)
    local hangs=("$out/$harness/default/hangs"/id:*)
    [ -e "${crashes[0]}" ] || crashes=()
    [ -e "${hangs[0]}" ] || hangs=()
    echo "$harness: ${seconds}s, $(stat execs_done) inputs run, $(stat corpus_count) in the queue, ${#crashes[@]} crashes, ${#hangs[@]} hangs"
    local result=0
    if [ "${#crashes[@]}" -gt 0 ]; then
        echo "FAIL $harness: afl-fuzz saved crashing inputs (in $out/$harness/default/crashes):"
        dotnet "$plain/Console.Fuzz.dll" replay "$harness" "${crashes[@]}" | sed -n '/crashed$/,$p'
        dotnet "$plain/Console.Fuzz.dll" replay "$harness" "${crashes[0]}" --verbose | head -n 40
        result=3
    fi
    if [ "${#hangs[@]}" -gt 0 ]; then
        # A loaded machine can stall a process for seconds; a hang counts when it also hangs in process, unloaded by AFL.
        if dotnet "$plain/Console.Fuzz.dll" replay "$harness" "${hangs[@]}" --timeout 30 >"$out/$harness.hangs.log" 2>&1; then
            echo "note $harness: ${#hangs[@]} inputs timed out under afl-fuzz but replay at once in process (machine load)"
        else
            echo "FAIL $harness: an input hangs (in $out/$harness/default/hangs):"
            sed -n '/^HANG\|^CRASH/p' "$out/$harness.hangs.log"
            result=3
        fi
    fi
    return "$result"
}

# As many harnesses at a time as there are cores (FUZZ_JOBS): each afl-fuzz and its target keep one core busy for their
# own $seconds, as when they ran one after another, and the stage takes a fraction of the time.
jobs_at_once="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
status=0
started=$SECONDS
found=0
running=0
for harness in "${harnesses[@]}"; do
    if [ "$running" -ge "$jobs_at_once" ]; then
        wait -n
        running=$(( running - 1 ))
    fi
    ( fuzz_one "$harness" >"$out/$harness.report" 2>&1; echo $? >"$out/$harness.status" ) &
    running=$(( running + 1 ))
done
wait
for harness in "${harnesses[@]}"; do
    cat "$out/$harness.report"
    case "$(cat "$out/$harness.status" 2>/dev/null)" in
        0) ;;
        3) found=$(( found + 1 )); status=1 ;;
        *) status=1 ;;
    esac
done
echo "fuzzing: ${#harnesses[@]} harnesses, $jobs_at_once at a time, $(( SECONDS - started )) s, $found with crashes or hangs"
exit "$status"
