#!/usr/bin/env bash
# Stop the daemons that slurm_up.sh started, and only those: by the PID files it wrote; and
# remove the configs it wrote. Left behind, /etc/slurm/slurm.conf names a controller that no
# longer answers, and every later Snakemake start waits 10 s in the SLURM executor plugin's
# import (it asks `scontrol show config`, which retries until the plugin's timeout).
set -uo pipefail
state=${SLURM_TEST_STATE:-/tmp/ff-slurm-test}

alive() {  # running and not a zombie
    [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat")" != Z ]
}

for daemon in slurmd slurmctld munged; do
    pidfile="$state/$daemon.pid"
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if alive "$pid"; then
        kill "$pid"
        for _ in $(seq 1 50); do
            alive "$pid" || break
            sleep 0.2
        done
        alive "$pid" && kill -9 "$pid"
    fi
    rm -f "$pidfile"
done
marker="written by the ff workflow's tests/cluster/slurm_up.sh"
for config in /etc/slurm/slurm.conf /etc/slurm/gres.conf; do
    if [ -e "$config" ] && grep -q "$marker" "$config"; then
        rm -f "$config"
    fi
done
echo "SLURM test daemons stopped"
