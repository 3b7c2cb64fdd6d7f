#!/bin/bash
# t190-reindex-contrib.t - the cron and systemd examples name options briefing-index really has.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
cd "$TMP" || exit 1

CRON=$TOP/contrib/cron/briefing-index.cron
UNIT=$TOP/contrib/systemd/briefing-index.service
TIMER=$TOP/contrib/systemd/briefing-index.timer
mkdir -p corpus state log
cp "$TOP"/corpus/*.json corpus/

# localize CMD: the example's paths moved under $TMP, the program to $IDX.
localize() {
    sed -e "s|/usr/local/bin/briefing-index|$IDX|g" \
        -e "s|/var/lib/briefing-search|$TMP/state|g" \
        -e "s|/var/log/briefing-search|$TMP/log|g" \
        -e "s|/srv/briefings|$TMP/corpus|g"
}

# --- cron ---
jobs=$(grep -v '^#' "$CRON" | grep -v '^[[:space:]]*$')
is "$(echo "$jobs" | wc -l)" 2 "the cron file has the nightly run and the weekly check"
bad=$(echo "$jobs" | awk 'NF < 7 || $6 != "briefing"' | wc -l)
is "$bad" 0 "each cron line has five time fields, a user and a command"
nightly=$(echo "$jobs" | head -1 | cut -d' ' -f7- | localize)
like "$nightly" "--db $TMP/state/index.db" "the nightly line names the index"
sh -c "$nightly"; is "$?" 0 "the nightly cron command runs"
is "$(count_of state/index.db)" "$(ls corpus | wc -l)" "the cron command indexed the corpus"
is "$(jq -r .exit state/last-run.json)" 0 "the cron command wrote its report"
grep -q '^briefing-index: added ' log/index.log; ok $? "the cron command logged its summary"
weekly=$(echo "$jobs" | sed -n 2p | cut -d' ' -f7- | localize)
sh -c "$weekly"; is "$?" 0 "the weekly check command runs"

# --- systemd ---
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT" | localize)
rm -f state/index.db
$exec_start 2>/dev/null; is "$?" 0 "the service's ExecStart runs"
is "$(count_of state/index.db)" "$(ls corpus | wc -l)" "the service's command indexed the corpus"
grep -q '^SuccessExitStatus=1$' "$UNIT"; ok $? "exit 1 (rejections) does not fail the unit"
grep -q '^Type=oneshot$' "$UNIT"; ok $? "the service is a oneshot"
grep -q '^OnCalendar=' "$TIMER"; ok $? "the timer has a calendar"
grep -q '^Persistent=true$' "$TIMER"; ok $? "a missed night runs at the next boot"
if command -v systemd-analyze >/dev/null 2>&1; then
    out=$(systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$TIMER")" 2>&1)
    like "$out" "Next elapse" "systemd reads the timer's calendar"
else
    ok 0 "# SKIP no systemd-analyze"
fi

done_testing
