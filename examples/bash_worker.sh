#!/usr/bin/env bash
# A tasques worker in bash with curl and jq: claim, heartbeat, then done, failed or cancelled.
#
#   TASQUES_URL=http://127.0.0.1:8080 QUEUE=examples examples/bash_worker.sh
#
# Kind "sleep" sleeps args.seconds (default 1) in one-second steps with a heartbeat after each, which
# carries progress and a checkpoint; a heartbeat answer with cancel_requested ends the task as cancelled.
# Any other kind fails (and is retried by the server while attempts remain).
# MAX_TASKS=N exits after N tasks; SIGTERM/SIGINT finish the current task, then exit.
set -euo pipefail

url=${TASQUES_URL:-http://127.0.0.1:8080}
queue=${QUEUE:-examples}
worker=${WORKER_ID:-bash-$(hostname)-$$}
max_tasks=${MAX_TASKS:-0}   # 0: no limit
handled=0
stopping=0
body_file=$(mktemp)
trap 'stopping=1' TERM INT
trap 'rm -f "$body_file"' EXIT

# call METHOD PATH [BODY]: prints the response body; fails unless the status is 200.
call() {
  local status
  status=$(curl -sS -o "$body_file" -w '%{http_code}' -X "$1" "$url$2" \
    -H "X-TASQUES-WORKER-ID: $worker" ${lease:+-H "X-TASQUES-LEASE-TOKEN: $lease"} \
    -H 'Content-Type: application/json' ${3:+-d "$3"})
  cat "$body_file"
  [ "$status" = 200 ] || { echo "$1 $2 -> HTTP $status" >&2; return 1; }
}

# run_sleep ID SECONDS START: heartbeats once per second; returns 3 when a cancel was requested and 4
# when a heartbeat was refused (e.g. 409: the claim timed out and the task went to another worker).
run_sleep() {
  local id=$1 seconds=$2 step=$3 answer
  while [ "$step" -lt "$seconds" ]; do
    sleep 1
    step=$((step + 1))
    answer=$(call PUT "/tasques/reports/$queue/$id" \
      "$(jq -nc --argjson s "$step" --argjson t "$seconds" '{data: {done: $s, of: $t}, checkpoint: {step: $s}}')") \
      || return 4
    [ "$(jq -r '.cancel_requested // false' <<<"$answer")" = true ] && return 3
  done
  return 0
}

echo "bash worker $worker claiming from $queue at $url" >&2
while [ "$stopping" = 0 ]; do
  lease=""
  claimed=$(call POST /tasques/claims "{\"queues\": [\"$queue\"], \"amount\": 1, \"block_for\": \"2s\"}") || {
    sleep 1
    continue
  }
  [ "$(jq length <<<"$claimed")" = 0 ] && continue
  task=$(jq -c '.[0]' <<<"$claimed")
  id=$(jq -r .id <<<"$task")
  kind=$(jq -r .kind <<<"$task")
  lease=$(jq -r '.lease_token // empty' <<<"$task")
  echo "claimed $kind task $id (attempt $(jq -r .attempted <<<"$task"))" >&2

  outcome=0
  if [ "$kind" = sleep ]; then
    run_sleep "$id" "$(jq -r '.args.seconds // 1' <<<"$task")" "$(jq -r '.checkpoint.data.step // 0' <<<"$task")" \
      || outcome=$?
  else
    outcome=2
  fi
  case $outcome in
    0) call PUT "/tasques/done/$queue/$id" '{"data": {"slept": true}}' >/dev/null || true ;;
    3) call PUT "/tasques/cancelled/$queue/$id" '{"data": {"stopped": "on request"}}' >/dev/null || true ;;
    4) echo "lost task $id; nothing more to say about it" >&2 ;;
    *) call PUT "/tasques/failed/$queue/$id" "{\"data\": {\"error\": \"cannot handle kind $kind\"}}" >/dev/null || true ;;
  esac
  echo "task $id ended ($outcome)" >&2
  handled=$((handled + 1))
  if [ "$max_tasks" -gt 0 ] && [ "$handled" -ge "$max_tasks" ]; then
    break
  fi
done
echo "bash worker $worker stopped after $handled task(s)" >&2
