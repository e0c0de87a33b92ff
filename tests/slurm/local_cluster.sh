#!/usr/bin/env bash
# A single-node Slurm on localhost for a test, from Debian's slurm-wlm and munge, isolated from any
# system instance: its own munge key and socket, its own slurm.conf, state, logs and free ports, all
# under DIR; no cgroups (proctrack/linuxproc, task/none).
#   local_cluster.sh start DIR   exit 0: up (DIR/slurm.conf; clients need SLURM_CONF=DIR/slurm.conf)
#                                exit 77: cannot run here, the reason on stdout (the test skips)
#   local_cluster.sh stop DIR    stops what start started, by its pid files
set -uo pipefail

skip() { echo "$*"; exit 77; }
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

stop() {
  local f
  for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munged.pid"; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munged.pid"; do
    local pid; pid=$(cat "$f" 2>/dev/null) || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  return 0
}
if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || skip "needs root: slurmd and munged run as root here (SlurmUser=root)"
needed=(slurmctld slurmd sbatch sinfo munged munge)
missing() { local c; for c in "${needed[@]}"; do command -v "$c" >/dev/null || PATH=$PATH:/usr/sbin command -v "$c" >/dev/null || echo "$c"; done; }
export PATH=$PATH:/usr/sbin
if [ -n "$(missing)" ]; then
  command -v apt-get >/dev/null || skip "$(missing | tr '\n' ' ')not found and no apt-get to install slurm-wlm and munge"
  DEBIAN_FRONTEND=noninteractive timeout 180 apt-get install -y -q --no-install-recommends slurm-wlm munge \
    >"$dir/apt.log" 2>&1 || skip "slurm-wlm and munge could not be installed: $(tail -n 1 "$dir/apt.log")"
  [ -z "$(missing)" ] || skip "$(missing | tr '\n' ' ')still not found after installing slurm-wlm and munge"
fi

mkdir -p "$dir/state" "$dir/spool" || skip "cannot create $dir"
chmod 711 "$dir"
head -c 1024 /dev/urandom >"$dir/munge.key" && chmod 400 "$dir/munge.key"
munged -f -S "$dir/munge.sock" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
  --log-file="$dir/munged.log" --seed-file="$dir/munged.seed" >/dev/null 2>&1 ||
  skip "munged did not start: $(tail -n 1 "$dir/munged.log" 2>/dev/null)"
munge -S "$dir/munge.sock" -n | unmunge -S "$dir/munge.sock" >/dev/null 2>&1 || { stop; skip "munge does not round-trip"; }

# Two free TCP ports (bound and released at once: good enough for a test).
read -r p1 p2 < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])' 2>/dev/null || echo "$((20000 + RANDOM % 20000)) $((40000 + RANDOM % 20000))")
host=$(hostname -s)
cat >"$dir/slurm.conf" <<CONF
ClusterName=zkctest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$p1
SlurmdPort=$p2
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.sock
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -D -f "$dir/slurm.conf" >"$dir/slurmctld.out" 2>&1 &
echo $! >"$dir/slurmctld.pid"
slurmd -D -f "$dir/slurm.conf" >"$dir/slurmd.out" 2>&1 &
echo $! >"$dir/slurmd.pid"
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then exit 0; fi
  sleep 0.5
done
why=$(tail -n 2 "$dir/slurmctld.log" "$dir/slurmd.log" 2>/dev/null | tr '\n' ' ')
stop
skip "slurmctld/slurmd did not bring the node up within 30 s: $why"
