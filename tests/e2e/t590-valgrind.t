#!/bin/bash
# t590-valgrind.t - tests/valgrind.sh: the programs under valgrind memcheck, no errors and no leaks (skipped without valgrind).
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind is not installed"
[ -x "$BIN/briefing-index" ] || skip_all "$BIN/briefing-index is not built"
ldd "$BIN/briefing-index" 2>/dev/null | grep -q libasan && skip_all "ASan programs: valgrind needs plain ones"
# valgrind.sh prints TAP itself: its lines are this test's.
BRIEF_BIN=$BIN bash "$TOP/tests/valgrind.sh"
exit $?
