#!/usr/bin/env bash
# Runs the libFuzzer targets (Fuzz/Fuzz.swift) over a seed corpus of the shipped scenarios, the
# invalid fixtures, the rule table and --set edits.
#
#   scripts/fuzz.sh                 every target for FUZZ_SECONDS (default 30) each
#   FUZZ_RUNS=1000000 scripts/fuzz.sh json set   those targets for that many executions each
#
# Inputs that crash, hang (FUZZ_TIMEOUT seconds, default 10) or leak are written to
# .build-fuzz/artifacts/<target>/ and make the script exit 1; copy each into
# Tests/BuigCoreTests/Fixtures/fuzz/<target>/ so that FuzzRegressionTests replays it.
# Prints, per target, the executions run; the growing corpus is kept in .build-fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(json scenario rules set)
seconds=${FUZZ_SECONDS:-30}
runs=${FUZZ_RUNS:-}
BUIG_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product buig-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library >&2
bin=.build-fuzz/release/buig-fuzz
status=0
for t in "${targets[@]}"; do
  corpus=.build-fuzz/corpus/$t
  artifacts=.build-fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  case $t in
    json|scenario)
      cp -n scenarios/*.json Tests/BuigCLITests/Fixtures/invalid/*.json "$corpus"/ ;;
    rules)
      cp -n Sources/BuigCore/Resources/rules.json docs/rules/*.json "$corpus"/ ;;
    set)
      i=0
      for edit in 'seed=7' 'monteCarlo.paths=500' 'interventions[0].costs.perParticipant=1000' \
        'budget.given=150000000' 'notes[0]="x"' 'municipality.inhabitants=20000'; do
        { echo "$edit"; cat scenarios/groningen-2018.json; } > "$corpus/seed-$i"
        i=$((i + 1))
      done ;;
    *) echo "fuzz.sh: unknown target $t (expected json, scenario, rules or set)" >&2; exit 2 ;;
  esac
  [ -d "Tests/BuigCoreTests/Fixtures/fuzz/$t" ] && cp -n "Tests/BuigCoreTests/Fixtures/fuzz/$t"/* "$corpus"/ 2>/dev/null || true
  limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs")
  log=.build-fuzz/$t.log
  set +e
  BUIG_FUZZ_TARGET=$t "$bin" "$corpus" "${limit[@]}" -max_len=20000 -timeout="${FUZZ_TIMEOUT:-10}" \
    -rss_limit_mb=4096 -artifact_prefix="$artifacts/" -print_final_stats=1 > "$log" 2>&1
  rc=$?
  set -e
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
  executed=$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
  echo "fuzz $t: ${executed:-?} executions, exit $rc ${done_line:+($done_line)}"
  if [ $rc -ne 0 ]; then
    status=1
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 >&2
  fi
done
exit $status
