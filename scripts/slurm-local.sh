#!/usr/bin/env bash
# Brings up a real single-node Slurm cluster (Debian's slurm-wlm 22.05 with munge) on this machine,
# for tests that submit work through sbatch, and stops exactly what it started.
#
#   scripts/slurm-local.sh start    install what is missing, write the config, start the daemons,
#                                   wait until the node is idle; prints `export SLURM_CONF=...`
#   scripts/slurm-local.sh stop     cancel remaining jobs, stop what `start` started (logs are kept)
#   scripts/slurm-local.sh status   say whether each daemon runs; exit 0 when all of them do
#
#   eval "$(scripts/slurm-local.sh start)"     # stdout holds only shell: the export and a comment
#
# Environment: BUIG_SLURM_DIR (state folder, default /tmp/buig-slurm), BUIG_SLURMCTLD_PORT
# (default 6817), BUIG_SLURMD_PORT (default 6818), BUIG_SLURM_MIN_JOB_AGE (seconds a finished
# job stays visible to scontrol/squeue, default 60). Needs root (re-runs itself under sudo).
#
# Configuration choices. The cluster must run in a plain container: no systemd, maybe no writable
# cgroup tree. So process tracking is proctrack/linuxproc (the parent/child tree from /proc), there
# is no task plugin (task/none) and no cgroup plugin at all, and the daemons are started directly,
# not through service units. There is no slurmdbd: accounting_storage/none, jobacct_gather/none,
# so `sacct` does not work. select/cons_tres with CR_Core_Memory makes memory a consumable
# resource, so `--mem` is honoured; a job without --mem gets DefMemPerCPU, the node's memory
# divided by its CPUs (without it, such a job would take the whole node's memory and jobs would run
# one at a time). The daemons talk over loopback only: NodeAddr and SlurmctldHost are the address
# the hostname resolves to, which must be a 127.x address (127.0.0.1 here), and
# CommunicationParameters=NoCtldInAddrAny,NoInAddrAny binds slurmctld and slurmd to that address
# rather than to all interfaces. DependencyParameters=kill_invalid_depend cancels a job whose
# afterok dependency failed, instead of leaving it pending forever. ReturnToService=2 puts the node
# back to service when its slurmd registers again after a restart. batch_sched_delay=0 and
# bf_interval=1 start a job within about a second of it becoming eligible (3 s and 30 s otherwise).
#
# Waiting for a job and learning whether it failed, without accounting (`sacct` answers "Slurm
# accounting storage is disabled"):
#   id=$(sbatch --wait --parsable ...); rc=$?
#       blocks until the job ends; rc is its exit code (for an array the highest of its tasks; 1
#       when a signal killed it). A job cancelled before it ran (its afterok dependency failed)
#       also gives rc 0, so check the final state as well:
#   squeue -h -j "$id" --states=all -o %T
#       one line per job or array task: PENDING, RUNNING, COMPLETING while it goes, then the final
#       state; success is COMPLETED on every line, else FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY,
#       NODE_FAIL. Without --wait, poll `squeue -h -j "$id" -o %T` until it prints nothing.
#       `scontrol show job "$id"` shows JobState= and ExitCode=code:signal too.
#   slurmctld forgets a finished job MinJobAge seconds after it ended (BUIG_SLURM_MIN_JOB_AGE,
#   default 60). For later, $BUIG_SLURM_DIR/jobcomp.log (jobcomp/filetxt) keeps one line per
#   finished job or array task with JobId=, JobState=, ArrayJobId=, ArrayTaskId= and ExitCode=.
# `--mem` is a scheduling request, not a limit: with no cgroups and no jobacct_gather nothing
# kills a job that uses more. `scontrol requeue ID` works (batch jobs are requeueable by default,
# JobRequeue=1); the job runs again after AuthInfo's cred_expire (10 s here, 120 s by default)
# and the next scheduling pass, about 15 s in all.
set -euo pipefail

STATE=${BUIG_SLURM_DIR:-/tmp/buig-slurm}
CTLD_PORT=${BUIG_SLURMCTLD_PORT:-6817}
SLURMD_PORT=${BUIG_SLURMD_PORT:-6818}
MIN_JOB_AGE=${BUIG_SLURM_MIN_JOB_AGE:-60}
CONF=$STATE/slurm.conf
MUNGE_KEY=/etc/munge/munge.key
MUNGE_RUN=/run/munge
MUNGED_MARK=$STATE/munged.started   # holds the pid of a munged that `start` started
WAIT_SECONDS=30

log() { echo "slurm-local: $*" >&2; }
die() { log "error: $*"; exit 1; }

for setting in "BUIG_SLURMCTLD_PORT=$CTLD_PORT" "BUIG_SLURMD_PORT=$SLURMD_PORT" \
    "BUIG_SLURM_MIN_JOB_AGE=$MIN_JOB_AGE"; do
  case ${setting#*=} in ''|*[!0-9]*) die "$setting is not a number" ;; esac
done

usage() {
  echo "usage: $0 start|stop|status" >&2
  exit 2
}

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "must run as root (slurmd and munged need it)"
  exec sudo --preserve-env=BUIG_SLURM_DIR,BUIG_SLURMCTLD_PORT,BUIG_SLURMD_PORT,BUIG_SLURM_MIN_JOB_AGE \
    "$0" "$@"
fi

# True when process PID runs and its command name is NAME. A zombie (a daemon's exit that pid 1
# has not reaped yet, common in containers) counts as gone.
alive() {
  local pid=$1 name=$2 stat
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  case ${stat%% *} in Z|X|x) return 1 ;; esac
}

# The pid in FILE when that process is alive and its command name is NAME, else nothing.
live_pid() {
  local file=$1 name=$2 pid
  [ -s "$file" ] || return 1
  pid=$(tr -dc '0-9' < "$file")
  [ -n "$pid" ] && alive "$pid" "$name" || return 1
  echo "$pid"
}

munge_answers() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

# Installs slurm-wlm and munge when dpkg says they are missing. The packages' postinst scripts run
# `invoke-rc.d NAME start || exit 1`. In a container without an init system invoke-rc.d finds no
# runlevel and starts nothing, but on a machine booted with sysvinit munge's init script would start
# a munged of its own (and a start that fails would fail the install). So a policy-rc.d that
# answers 101 (action forbidden) is put in place for the install when the machine has none.
install_packages() {
  local missing=() pkg policy=/usr/sbin/policy-rc.d out
  for pkg in slurm-wlm munge; do installed "$pkg" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  POLICY_ADDED=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Temporary: no service starts while slurm-local.sh installs packages.\nexit 101\n' > "$policy"
    chmod 0755 "$policy"
    POLICY_ADDED=$policy
  fi
  trap 'if [ -n "${POLICY_ADDED:-}" ]; then rm -f "$POLICY_ADDED"; fi' EXIT
  out=$STATE/apt.log
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
      > "$out" 2>&1; then
    if grep -qE 'Unable to locate package|has no installation candidate|Failed to fetch' "$out"; then
      log "package lists are missing or stale: apt-get update"
      DEBIAN_FRONTEND=noninteractive apt-get update >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
        > "$out" 2>&1 || { tail -n 20 "$out" >&2; die "apt-get install ${missing[*]} failed"; }
    else
      tail -n 20 "$out" >&2
      die "apt-get install ${missing[*]} failed"
    fi
  fi
  if [ -n "$POLICY_ADDED" ]; then rm -f "$POLICY_ADDED"; POLICY_ADDED=; fi
  for pkg in "${missing[@]}"; do installed "$pkg" || die "$pkg is still not installed (see $out)"; done
}

# /etc/munge/munge.key must exist, belong to munge and be readable by it alone, or munged refuses it.
ensure_munge_key() {
  install -d -o munge -g munge -m 0700 /etc/munge
  if [ ! -s "$MUNGE_KEY" ]; then
    log "creating $MUNGE_KEY"
    mungekey --create --keyfile="$MUNGE_KEY" 2>/dev/null ||
      dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none
  fi
  chown munge:munge "$MUNGE_KEY"
  chmod 0400 "$MUNGE_KEY"
}

start_munged() {
  # A mark whose munged is gone (the machine restarted, or it was killed) is stale.
  if [ -f "$MUNGED_MARK" ] && ! live_pid "$MUNGED_MARK" munged >/dev/null; then rm -f "$MUNGED_MARK"; fi
  if munge_answers; then
    return 0
  fi
  ensure_munge_key
  install -d -o munge -g munge -m 0755 "$MUNGE_RUN"
  install -d -o munge -g munge -m 0700 /var/log/munge
  install -d -o munge -g munge -m 0711 /var/lib/munge
  runuser -u munge -- /usr/sbin/munged || die "munged did not start (see /var/log/munge/munged.log)"
  local i pid=
  for i in $(seq 50); do
    if munge_answers; then
      pid=$(live_pid "$MUNGE_RUN/munged.pid" munged) || true
      break
    fi
    sleep 0.2
  done
  [ -n "$pid" ] || { tail -n 20 /var/log/munge/munged.log >&2 || true; die "munged does not answer"; }
  echo "$pid" > "$MUNGED_MARK"
}

# With NoCtldInAddrAny/NoInAddrAny the daemons bind to the address that this machine's hostname
# resolves to (getaddrinfo on gethostname()), not to NodeAddr. That address must be a loopback one
# (127.0.0.1, or Debian's 127.0.1.1), and NodeAddr and SlurmctldHost must name the same address.
loopback_addr() {
  local host
  host=$(hostname)
  ADDR=$(getent ahostsv4 "$host" | awk 'NR == 1 {print $1}')
  case $ADDR in
    127.*) ;;
    '') die "hostname '$host' does not resolve; add '127.0.0.1 $host' to /etc/hosts" ;;
    *) die "hostname '$host' resolves to $ADDR, not to a loopback address, so Slurm would listen" \
         "there; add '127.0.0.1 $host' to /etc/hosts before its other entries" ;;
  esac
}

# Fails when another program listens on TCP port PORT (on any address), so that the daemons do not
# fight it. Reads /proc/net/tcp{,6} (state 0A is LISTEN), which needs no iproute2.
port_free() {
  local port=$1 env=$2 hex
  hex=$(printf '%04X' "$port")
  if awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p {found = 1} END {exit !found}' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
    die "port $port is taken by another program; choose another with $env"
  fi
}

write_conf() {
  local node cpus mem_kb mem_mb new
  node=$(hostname -s)
  cpus=$(nproc)
  mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  mem_mb=$((mem_kb * 9 / 10240))
  new=$CONF.new
  cat > "$new" <<EOF
# Single-node cluster on $node, from scripts/slurm-local.sh start; see that script's header.
ClusterName=buig
SlurmctldHost=$node($ADDR)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=cred_expire=10
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true

StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info

ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/jobcomp.log

SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((mem_mb / cpus))
DependencyParameters=kill_invalid_depend

ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=$MIN_JOB_AGE
KillWait=5
InactiveLimit=0
Waittime=0

NodeName=$node NodeAddr=$ADDR NodeHostname=$node CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  # The saved state (jobs, node states) is kept across restarts only while the config stays the same.
  if [ -f "$CONF" ] && cmp -s "$new" "$CONF"; then
    rm -f "$new"
    CLEAN_START=
  else
    mv "$new" "$CONF"
    CLEAN_START=-c
  fi
  NODE=$node
}

print_logs() {
  local f
  for f in "$STATE/slurmctld.log" "$STATE/slurmd.log"; do
    [ -f "$f" ] || continue
    echo "--- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
}

node_state() {
  SLURM_CONF=$CONF sinfo -h -N -n "$1" -o %T 2>/dev/null | head -n 1
}

# True once the slurmd started at or after epoch SINCE has registered with slurmctld. (A node
# recovered from saved state shows "idle" before its slurmd has spoken.)
registered_since() {
  local node=$1 since=$2 started
  started=$(SLURM_CONF=$CONF scontrol -o show node "$node" 2>/dev/null |
    sed -n 's/.* SlurmdStartTime=\([^ ]*\).*/\1/p') || return 1
  case $started in ''|None|Unknown) return 1 ;; esac
  [ "$(date -d "$started" +%s 2>/dev/null || echo 0)" -ge "$since" ]
}

# A start that failed prints the daemons' last log lines and stops what it had started.
start_failed() {
  print_logs
  stop_slurm_daemons
  stop_munged
  die "$*"
}

cmd_start() {
  local t0 ctld slurmd i st
  t0=$(date +%s.%N)
  # Readable by all: client commands run by other users read slurm.conf from here.
  mkdir -p "$STATE"
  chmod 0755 "$STATE"
  ctld=$(live_pid "$STATE/slurmctld.pid" slurmctld) || ctld=
  slurmd=$(live_pid "$STATE/slurmd.pid" slurmd) || slurmd=
  if [ -n "$ctld" ] && [ -n "$slurmd" ] && munge_answers; then
    log "already running (slurmctld $ctld, slurmd $slurmd)"
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  # Half a cluster is restarted whole, with the configuration written anew.
  if [ -n "$ctld" ] || [ -n "$slurmd" ]; then stop_slurm_daemons; fi

  loopback_addr
  install_packages
  port_free "$CTLD_PORT" BUIG_SLURMCTLD_PORT
  port_free "$SLURMD_PORT" BUIG_SLURMD_PORT
  start_munged
  write_conf
  mkdir -p "$STATE/ctld" "$STATE/spool"

  # shellcheck disable=SC2086  # CLEAN_START is empty or one flag
  /usr/sbin/slurmctld -f "$CONF" -i $CLEAN_START || start_failed "slurmctld did not start"
  /usr/sbin/slurmd -f "$CONF" -N "$NODE" || start_failed "slurmd did not start"
  st=
  for i in $(seq $((WAIT_SECONDS * 4))); do
    st=$(node_state "$NODE")
    case $st in idle|mixed|allocated) registered_since "$NODE" "${t0%.*}" && break ;; esac
    if [ $((i % 4)) -eq 0 ]; then
      live_pid "$STATE/slurmctld.pid" slurmctld >/dev/null || start_failed "slurmctld exited"
      live_pid "$STATE/slurmd.pid" slurmd >/dev/null || start_failed "slurmd exited"
    fi
    sleep 0.25
  done
  case $st in
    idle|mixed|allocated) registered_since "$NODE" "${t0%.*}" ||
      start_failed "slurmd on $NODE did not register within ${WAIT_SECONDS}s" ;;
    *) start_failed "node $NODE is '${st:-unknown}' after ${WAIT_SECONDS}s, not idle" ;;
  esac
  echo "export SLURM_CONF=$CONF"
  echo "# slurm-local: node $NODE $st, started in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')s"
}

# Sends SIGTERM to PID, waits up to SECONDS for it to exit, then SIGKILL.
stop_pid() {
  local pid=$1 name=$2 seconds=${3:-20} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq $((seconds * 5))); do
    alive "$pid" "$name" || return 0
    sleep 0.2
  done
  log "$name ($pid) did not stop in ${seconds}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# The live processes whose command name is NAME.
pids_named() {
  local dir
  for dir in /proc/[0-9]*; do
    if alive "${dir#/proc/}" "$1"; then echo "${dir#/proc/}"; fi
  done
}

# slurmstepd processes of this cluster: those working in its state folder or writing its slurmd.log.
our_stepds() {
  local pid fd
  for pid in $(pids_named slurmstepd); do
    if [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$STATE" ]; then echo "$pid"; continue; fi
    for fd in "/proc/$pid/fd"/*; do
      case $(readlink "$fd" 2>/dev/null) in "$STATE/"*) echo "$pid"; break ;; esac
    done
  done
}

stop_slurm_daemons() {
  local ctld slurmd i pid
  ctld=$(live_pid "$STATE/slurmctld.pid" slurmctld) || ctld=
  slurmd=$(live_pid "$STATE/slurmd.pid" slurmd) || slurmd=
  if [ -n "$ctld" ]; then
    local jobs
    jobs=$(SLURM_CONF=$CONF squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ') || jobs=
    if [ -n "${jobs// /}" ]; then
      log "cancelling jobs $jobs"
      # shellcheck disable=SC2086  # a list of job ids
      SLURM_CONF=$CONF scancel $jobs 2>/dev/null || true
      for i in $(seq 60); do
        [ -z "$(SLURM_CONF=$CONF squeue -h -o %A 2>/dev/null)" ] && break
        sleep 0.25
      done
    fi
  fi
  if [ -n "$slurmd" ]; then stop_pid "$slurmd" slurmd; fi
  for pid in $(our_stepds); do stop_pid "$pid" slurmstepd 10; done
  if [ -n "$ctld" ]; then stop_pid "$ctld" slurmctld; fi
  rm -f "$STATE/slurmd.pid" "$STATE/slurmctld.pid"
}

# Stops munged only when `start` started it.
stop_munged() {
  local pid
  if [ -f "$MUNGED_MARK" ]; then
    if pid=$(live_pid "$MUNGED_MARK" munged); then stop_pid "$pid" munged; fi
    rm -f "$MUNGED_MARK"
  fi
}

cmd_stop() {
  [ -d "$STATE" ] || { log "nothing to stop ($STATE does not exist)"; return 0; }
  stop_slurm_daemons
  stop_munged
  log "stopped (logs kept in $STATE)"
}

cmd_status() {
  local all=0 pid
  if pid=$(live_pid "$STATE/slurmctld.pid" slurmctld); then echo "slurmctld: running (pid $pid)"
  else echo "slurmctld: stopped"; all=1; fi
  if pid=$(live_pid "$STATE/slurmd.pid" slurmd); then echo "slurmd: running (pid $pid)"
  else echo "slurmd: stopped"; all=1; fi
  if command -v munge >/dev/null 2>&1 && munge_answers; then
    if pid=$(live_pid "$MUNGED_MARK" munged); then echo "munged: running (pid $pid, started by this script)"
    else echo "munged: running (not started by this script)"; fi
  else echo "munged: stopped"; all=1; fi
  if [ $all -eq 0 ]; then
    echo "node: $(node_state "$(hostname -s)")"
    echo "export SLURM_CONF=$CONF"
  fi
  return $all
}

[ $# -eq 1 ] || usage
case $1 in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
