#!/bin/bash
# t170-reindex-crash.t - SIGKILL at any moment of a run leaves the previous index intact; the next run finishes.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
cd "$TMP" || exit 1

OLD=700 ADD=500
answer() {
    q db "SELECT (SELECT count(*) FROM briefings) || ' ' ||
                 (SELECT count(*) FROM search WHERE search MATCH 'genmarker') || ' ' ||
                 (SELECT count(*) FROM search WHERE search MATCH 'betatag');"
}

# kill_after SECONDS ARGS...: starts briefing-index ARGS, SIGKILLs it after
# SECONDS; prints "killed" when it was still running then.
kill_after() {
    _s=$1
    shift
    "$IDX" "$@" 2>/dev/null &
    _pid=$!
    sleep "$_s"
    if kill -9 $_pid 2>/dev/null; then echo killed; else echo finished; fi
    wait $_pid 2>/dev/null
}

# A first build killed: no index appears, and the next run builds it.
$GEN --out g --count $OLD --tag alphatag
st=$(kill_after 0.3 --db db g)
if [ "$st" = killed ]; then
    # Killed between its rename and its exit, the build is whole.
    [ ! -e db ] || [ "$(answer)" = "$OLD $OLD 0" ]
    ok $? "a first build killed leaves no index file (or, past its rename, a whole one)"
else
    ok 0 "# SKIP the first build ended before the kill"
fi
"$IDX" --db db g 2>/dev/null; is "$?" 0 "the next run builds the index"
old_answer="$OLD $OLD 0"
is "$(answer)" "$old_answer" "the index is whole"
ls db.tmp-* >/dev/null 2>&1; ok $((! $?)) "the killed build's leftovers are gone"

# A large change, killed at several moments.
$GEN --out g --count $ADD --from $OLD --tag betatag
for i in $(seq 0 49); do rm "g/00/gen-$i.json"; done
$GEN --out g2 --count 50 --from 50 --tag betatag --seed 9
cp g2/00/*.json g/00/   # 50 changed files (same ids, new text)
new_answer="$((OLD + ADD - 50)) $((OLD + ADD - 50)) $((ADD + 50))"
gen=$(gen_of db)
for delay in 0.05 0.2 0.4 0.7 1.0 1.5; do
    st=$(kill_after $delay --db db g)
    if [ "$st" = killed ]; then
        # Killed between its rename and its exit, a run has done its job:
        # the index is then wholly new. Never anything in between.
        got="$(answer):$(gen_of db)"
        case $got in
        "$new_answer:$((gen + 1))") is "$got" "$new_answer:$((gen + 1))" \
                "killed after ${delay}s, past its rename: the new index answers" ;;
        *) is "$got" "$old_answer:$gen" \
               "killed after ${delay}s: the old index answers as before, generation unchanged" ;;
        esac
        fts_ok db; ok $? "killed after ${delay}s: integrity checks pass"
        [ "$got" = "$new_answer:$((gen + 1))" ] && break
    else
        is "$(answer)" "$new_answer" "the run ended before ${delay}s: the new index answers"
        ok 0 "# SKIP the run ended before the kill"
        ok 0 "# SKIP the run ended before the kill"
        break
    fi
done
"$IDX" --db db --check; is "$?" 0 "--check passes after the kills"
"$IDX" --db db g 2>err; is "$?" 0 "the next run completes with exit 0"
is "$(answer)" "$new_answer" "the next run finished the job"
ls db.tmp-* >/dev/null 2>&1; ok $((! $?)) "no leftovers after a completed run"
fts_ok db; ok $? "the finished index passes the integrity checks"

# A --full rebuild killed midway.
gen=$(gen_of db)
st=$(kill_after 0.5 --db db --full g)
if [ "$st" = killed ]; then
    got="$(answer):$(gen_of db)"
    case $got in
    "$new_answer:$((gen + 1))") is "$got" "$new_answer:$((gen + 1))" \
            "a --full killed past its rename leaves the new index" ;;
    *) is "$got" "$new_answer:$gen" "a killed --full leaves the index as it was" ;;
    esac
else
    ok 0 "# SKIP the --full run ended before the kill"
fi
fts_ok db; ok $? "integrity checks pass after a killed --full"

done_testing
