#!/usr/bin/env bash
# Stops the lab daemons that up.sh started in this network namespace, by the PIDs it recorded
# (checked against their start times, so a recycled PID is never signalled). Sends TERM, waits
# until each has exited (a zombie counts as exited: PID 1 here reaps late), then KILLs stragglers.
# Usage: down.sh [--quiet]
set -euo pipefail

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN="$LAB/.run/net-$(readlink /proc/self/ns/net | tr -dc 0-9)"
: "${LAB_DOWN_TIMEOUT:=10}"
quiet=false
[[ "${1:-}" == --quiet ]] && quiet=true
say() { $quiet || echo "lab down: $*"; }

alive() { # alive PID: running and not a zombie
  local state
  state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z ]]
}
start_time() { # start_time PID: field 22 of /proc/PID/stat (after the parenthesised command name)
  local stat
  stat=$(<"/proc/$1/stat") 2>/dev/null && set -- ${stat##*) } && echo "${20}"
}

pids_file="$RUN/pids"
if [[ ! -f "$pids_file" ]]; then
  say "nothing recorded in $RUN"
  exit 0
fi

names=() pids=()
while read -r name pid started; do
  [[ -n "$pid" ]] || continue
  alive "$pid" && [[ "$(start_time "$pid")" == "$started" ]] || continue
  names=("$name" "${names[@]}")
  pids=("$pid" "${pids[@]}")
done <"$pids_file"

for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
deadline=$((SECONDS + LAB_DOWN_TIMEOUT))
killed=()
for i in "${!pids[@]}"; do
  while alive "${pids[$i]}"; do
    if ((SECONDS >= deadline)); then
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      killed+=("${names[$i]}")
      break
    fi
    sleep 0.02
  done
done
rm -f "$pids_file"

if ((${#names[@]})); then
  say "stopped ${names[*]}${killed[*]:+ (killed after ${LAB_DOWN_TIMEOUT}s: ${killed[*]})}"
else
  say "nothing was running in $RUN"
fi
