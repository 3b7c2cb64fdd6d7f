#!/bin/sh
# make-corpus.sh - (re)builds the seed corpora in tests/fuzz/corpus/ that derive from corpus/ and tests/data/.
# The hand-written seeds (tokenizer, query_parse, cgi_params, parse_text)
# are kept in git as they are; this only refreshes parse_json and
# parse_jsonl. Small files only (up to 16 KB). Needs python3.
set -eu
cd "$(dirname "$0")/../.."
C=tests/fuzz/corpus
mkdir -p "$C/parse_json" "$C/parse_jsonl"
rm -f "$C/parse_json/"*.json "$C/parse_jsonl/"*.jsonl
for f in corpus/*.json tests/data/parse/*.json; do
    [ -f "$f" ] || continue
    [ "$(wc -c <"$f")" -le 16384 ] || continue
    cp "$f" "$C/parse_json/"
done
python3 - "$C/parse_jsonl" corpus/*.json <<'PY'
import json, os, sys
out = sys.argv[1]
for path in sys.argv[2:]:
    if os.path.getsize(path) > 16384:
        continue
    with open(path, encoding="utf-8") as fp:
        doc = json.load(fp)
    doc.setdefault("id", os.path.splitext(os.path.basename(path))[0])
    name = os.path.join(out, os.path.splitext(os.path.basename(path))[0] + ".jsonl")
    with open(name, "w", encoding="utf-8") as fp:
        fp.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
PY
echo "make-corpus.sh: $(ls "$C/parse_json" | wc -l) json, $(ls "$C/parse_jsonl" | wc -l) jsonl seeds"
