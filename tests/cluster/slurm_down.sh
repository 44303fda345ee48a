#!/usr/bin/env bash
# Stop the daemons that slurm_up.sh started, and only those: by the PID files it wrote.
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
echo "SLURM test daemons stopped"
