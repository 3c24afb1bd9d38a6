#!/usr/bin/env bash
# The controller's rooms and the agent keep their dependencies one way:
#   controller/ never includes agent/, and agent/ never includes controller/;
#   cases/ includes no other room; judge/ only cases/; run/ only cases/;
#   hosts/ (starting local agents) only cases/; report/ judge/ and cases/,
#   never run/ or hosts/.
# Prints every include that breaks a rule and fails; passes silently.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
# forbid DIR PATTERN WHY: no file under DIR includes a header matching PATTERN.
forbid() {
  local hits
  hits=$(grep -rnE "^#include \"($2)" "$1" --include='*.h' --include='*.cc' || true)
  if [ -n "$hits" ]; then
    printf '%s\n' "$hits" | sed "s|\$|   <- $3|"
    status=1
  fi
}
forbid controller 'agent/' "the controller shares only the generated proto code with the agent"
forbid agent 'controller/' "the agent never includes the controller"
forbid controller/cases 'controller/(run|hosts|judge|report|commands)/' "the case language depends on no other room"
forbid controller/judge 'controller/(run|hosts|report|commands)/' "judging depends only on the case language"
forbid controller/run 'controller/(hosts|judge|report|commands)/' "running records; it judges and reports nothing, and never starts hosts"
forbid controller/hosts 'controller/(run|judge|report|commands)/' "starting hosts depends only on the platform table"
forbid controller/report 'controller/(run|hosts|commands)/' "reporting never depends on running"
if [ "$status" -eq 0 ]; then echo "include rules: 1 passed, 0 failed"; else echo "include rules: 0 passed, 1 failed"; fi
exit "$status"
