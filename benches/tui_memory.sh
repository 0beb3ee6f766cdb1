#!/usr/bin/env bash
# The TUI's peak memory on a large project (budget: a 10,000-interview project opens in
# under 300 MB resident). Writes a synthetic project of N interviews (default 10000), builds
# its search index with the command line, then opens the real TUI in tmux, waits for the
# index, opens an interview, and reads the process's peak resident memory (VmHWM). The peer
# in the same run is `intercode check`, which reads every transcript whole.
#
# Run: bash benches/tui_memory.sh [N]   (needs tmux; takes a few minutes at 10,000)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
cargo build --release -q
BIN="$PWD/target/release/intercode"
DIR="$(mktemp -d)"
trap 'tmux kill-session -t icmem 2>/dev/null || true; rm -rf "$DIR"' EXIT
cargo bench -q --bench tui -- --bench --corpus "$DIR/p" "$N"
"$BIN" --project "$DIR/p" search паспорт --limit 1 >/dev/null
/usr/bin/time -f '%M' -o "$DIR/check.kb" "$BIN" --project "$DIR/p" check >/dev/null 2>&1 || true
check_kb=$(tail -1 "$DIR/check.kb")
tmux new-session -d -s icmem -x 120 -y 40 "INTERCODE_CODER=bench $BIN --project $DIR/p"
sleep 1
pid=$(pgrep -n -f "$BIN --project $DIR/p")
for _ in $(seq 1 600); do
  tmux capture-pane -t icmem -p | grep -q "index: [0-9]* segments\|index: built" && break
  sleep 0.5
done
open_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
tmux send-keys -t icmem Enter
sleep 2
tmux send-keys -t icmem 4 п а с п о р т
sleep 3
after_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
tmux send-keys -t icmem q
echo "TUI peak memory, $N interviews"
echo "| case | peak resident |"
echo "|---|---:|"
echo "| TUI opened, index ready | $((open_kb / 1024)) MB |"
echo "| ... an interview opened and a search run | $((after_kb / 1024)) MB |"
echo "| peer: \`intercode check\` (reads every transcript) | $((check_kb / 1024)) MB |"
