#!/usr/bin/env bash
# make test-slurm: `buig plan` on a real single-node Slurm, started here (scripts/slurm-local.sh)
# and stopped at the end, whatever happens.
#
#   scripts/test-slurm.sh [BUIG]      BUIG: the buig binary to plan with (default .build/debug/buig)
#
# 1. plans groningen-2018 at 4 shards, submits it (submit.sh), waits for the merge job, and
#    compares DIR/result.json with `buig run FILE --paths N --seed S --format json` byte for byte;
# 2. reruns one shard (sbatch --array=2): the same part bytes; merges again: the same result;
#    has Slurm requeue another (scontrol requeue): it runs again and writes the same bytes;
# 3. deletes one part: the merge job fails, names the task to rerun, and writes no result;
# 4. changes the scenario: the rerun task fails with the sha256 message and writes no part.
# Prints how long each step and the whole took.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
buig=$(realpath "${1:-.build/debug/buig}")
[ -x "$buig" ] || { echo "test-slurm: $buig: expected the built buig (swift build)" >&2; exit 2; }

t0=$(date +%s.%N)
step() {
  awk -v m="$1" -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "test-slurm: %-56s %6.1f s\n", m, a - b }'
}
fail() { echo "test-slurm: FAILED: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/buig-test-slurm.XXXXXX)
cleanup() {
  "$root/scripts/slurm-local.sh" stop >&2 || true
  rm -rf "$work"
}
trap cleanup EXIT

eval "$("$root/scripts/slurm-local.sh" start)"
step "Slurm started"

# The final state of a job (or of every task of an array), polled until none is pending or
# running; accounting is off, so this reads squeue while the job is within MinJobAge.
wait_job() {
  local id=$1 states
  for _ in $(seq 1 600); do
    states=$(squeue -h -j "$id" --states=all -o %T 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "$states" ] && ! grep -qE 'PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED' <<<"$states"; then
      echo "$states"
      return
    fi
    sleep 0.5
  done
  fail "job $id did not finish within 5 minutes (states: $states)"
}

paths=20000
seed=7
scenario=$work/groningen-2018.json
cp scenarios/groningen-2018.json "$scenario"
plan=$work/plan
"$buig" plan "$scenario" --paths "$paths" --shards 4 --seed "$seed" --scheduler slurm \
  --dir "$plan" --time 00:10:00 >/dev/null

# 1. Submit, wait, compare with one process.
submitted=$(bash "$plan/submit.sh")
echo "$submitted" | sed 's/^/  /'
array=$(sed -n 's/^array job: \([0-9]*\).*/\1/p' <<<"$submitted")
merge=$(sed -n 's/^merge job: \([0-9]*\).*/\1/p' <<<"$submitted")
[ -n "$array" ] && [ -n "$merge" ] || fail "submit.sh printed no job ids"
merge_state=$(wait_job "$merge")
array_state=$(wait_job "$array")
[ "$array_state" = "COMPLETED " ] || fail "array $array ended $array_state"
[ "$merge_state" = "COMPLETED " ] || fail "merge $merge ended $merge_state; $(cat "$plan"/logs/merge-*.err)"
"$buig" run "$scenario" --paths "$paths" --seed "$seed" --format json --quiet >"$work/one.json"
cmp "$work/one.json" "$plan/result.json" || fail "the merged result differs from one run"
step "4 shards + merge under Slurm = one run, byte for byte"

# 2. A rerun shard writes the same bytes; the merge again gives the same result.
cp "$plan/parts/groningen-2018-2.bin" "$work/part-2.before"
cp "$plan/result.json" "$work/result.before"
sbatch --wait --quiet --array=2 "$plan/run.sbatch" || fail "the rerun of task 2 failed"
cmp "$work/part-2.before" "$plan/parts/groningen-2018-2.bin" || fail "a rerun shard changed its part"
sbatch --wait --quiet "$plan/merge.sbatch" || fail "the second merge failed"
cmp "$work/result.before" "$plan/result.json" || fail "the second merge changed the result"
step "rerun shard 2 and merge again: the same bytes"

# Slurm's own requeue of a finished task (as after a node failure): it runs again, rewrites its
# part (a new modification time) with the same bytes.
cp "$plan/parts/groningen-2018-3.bin" "$work/part-3.before"
written=$(stat -c %y "$plan/parts/groningen-2018-3.bin")
scontrol requeue "${array}_3"
state=$(wait_job "${array}_3")
[ "$state" = "COMPLETED " ] || fail "the requeued task 3 ended $state"
[ "$(stat -c %y "$plan/parts/groningen-2018-3.bin")" != "$written" ] || fail "the requeued task did not run"
cmp "$work/part-3.before" "$plan/parts/groningen-2018-3.bin" || fail "a requeued shard changed its part"
step "Slurm requeues task 3: it runs again, the same bytes"

# 3. A missing part: the merge job fails, says which task to rerun, writes nothing.
rm "$plan/parts/groningen-2018-1.bin" "$plan/result.json"
if sbatch --wait --quiet "$plan/merge.sbatch"; then fail "the merge succeeded without part 1"; fi
grep -q "groningen-2018-1.bin: expected the part of array task 1" "$plan"/logs/merge-*.err ||
  fail "the merge log does not name the missing part"
[ ! -e "$plan/result.json" ] || fail "a merge with a missing part wrote a result"
step "missing part: the merge job fails and names task 1"

# 4. The scenario changed since planning: the task refuses it and writes no part.
echo >>"$scenario"
if sbatch --wait --quiet --array=1 "$plan/run.sbatch"; then fail "a task ran a changed scenario"; fi
grep -q "the file changed since the run was planned" "$plan"/logs/run-*_1.err ||
  fail "the task log does not say the scenario changed"
[ ! -e "$plan/parts/groningen-2018-1.bin" ] || fail "a refused task wrote a part"
step "changed scenario: the task refuses it"

trap - EXIT
cleanup
step "Slurm stopped; all passed"
