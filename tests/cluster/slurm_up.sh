#!/usr/bin/env bash
# Bring up a real single-node SLURM on this machine for the cluster test: Debian's slurmctld,
# slurmd, slurm-client and munge (installed if absent), started by hand, one partition
# "debug", one fake GPU (GRES on /dev/null). Needs root. The PID files of the daemons it
# starts go to $SLURM_TEST_STATE (default /tmp/ff-slurm-test); slurm_down.sh stops only those.
# Facts behind every setting: ../shared/SLURM-NOTES.md.
set -euo pipefail
state=${SLURM_TEST_STATE:-/tmp/ff-slurm-test}
marker="written by the ff workflow's tests/cluster/slurm_up.sh"

if [ "$(id -u)" != 0 ]; then
    echo "slurm_up.sh needs root (it installs packages and writes /etc/slurm)" >&2
    exit 1
fi
missing=()
for package in slurmctld slurmd slurm-client munge; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for config in /etc/slurm/slurm.conf /etc/slurm/gres.conf; do
    if [ -e "$config" ] && ! grep -q "$marker" "$config"; then
        echo "refusing to overwrite $config: it was not written by this test" >&2
        exit 1
    fi
done

# A cluster left over from an interrupted run of this test: stop it (only its own daemons).
bash "$(dirname "$0")/slurm_down.sh" >/dev/null

host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(free -m | awk '/^Mem:/ {print $2}') - 1024 ))
rm -rf "$state"
mkdir -p "$state"/{spool,slurmd,log,munge}
mkdir -p /etc/slurm
# The plugin's job step strips SLURM_CONF, so the config must live at /etc/slurm/slurm.conf.
cat > /etc/slurm/slurm.conf <<CONF
# $marker
ClusterName=fftest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=512
MinJobAge=300
ReturnToService=2
GresTypes=gpu
StateSaveLocation=$state/spool
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$memory Gres=gpu:1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
cat > /etc/slurm/gres.conf <<CONF
# $marker
AutoDetect=off
NodeName=$host Name=gpu File=/dev/null Count=1
CONF

if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create
fi
chown munge:munge /etc/munge/munge.key
chmod 0600 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge "$state/munge"
runuser -u munge -- /usr/sbin/munged --pid-file="$state/munge/munged.pid"
for _ in $(seq 1 50); do
    [ -s "$state/munge/munged.pid" ] && break
    sleep 0.1
done
cp "$state/munge/munged.pid" "$state/munged.pid"

slurmctld -c
slurmd -N "$host"

for _ in $(seq 1 60); do
    if [ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" = idle ]; then
        echo "SLURM is up: node $host idle, state in $state"
        exit 0
    fi
    sleep 1
done
echo "SLURM did not come up; logs in $state/log" >&2
exit 1
