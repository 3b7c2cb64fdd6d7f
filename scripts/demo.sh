#!/bin/sh
# demo.sh - indexes the bundled corpus/ into build/demo.db and runs sample queries.
set -e
cd "$(dirname "$0")/.."
db=build/demo.db
mkdir -p build
rm -f "$db"
echo "== bin/briefing-index --db $db corpus/"
bin/briefing-index --db "$db" corpus/ || [ $? -eq 1 ]
for q in 'regulating ai' '"export controls" after:2022' 'speaker:"Helena Marsh" export controls' 'evasi*' \
         'kind:quote vaccine' 'antrhopic pretrianing'; do
    echo
    echo "== bin/briefing-query --db $db --limit 3 '$q'"
    bin/briefing-query --db "$db" --limit 3 "$q" || true
done
