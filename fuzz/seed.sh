#!/usr/bin/env bash
# Fill fuzz/corpus/TARGET with the repository's own inputs, the starting
# points the fuzzer mutates: the shipped protocols, the examples, the test
# fixtures, and the small seeds committed in fuzz/seeds/ (hand-written edge cases
# and every input that once crashed a target). The corpus folder is
# not committed; libFuzzer adds what it finds to it.
set -euo pipefail
cd "$(dirname "$0")/.."

fill() { # fill TARGET FILE...
    local target=$1
    shift
    mkdir -p "fuzz/corpus/$target"
    for f in "$@"; do
        [ -f "$f" ] || continue
        # Flattened names, so files of the same name in different folders
        # do not overwrite each other.
        cp "$f" "fuzz/corpus/$target/$(echo "$f" | tr '/' '_')"
    done
}

mapfile -t rules < <(find protocols tests -name '*.rules' -not -path '*/snapshots/*' | sort)
mapfile -t states < <(find examples tests/fixtures tests/diagnostics tests/cases protocols/tests \
    \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -not -path '*/snapshots/*' | sort)

# fuzz/seeds/rules seeds every target that reads a rule file, and
# fuzz/seeds/state every target that reads a state; `evaluate` turns raw
# bytes into a protocol and a state, and its seeds are random bytes.
for target in rules fmt render; do
    fill "$target" "${rules[@]}" fuzz/seeds/rules/*
done
fill state "${states[@]}" fuzz/seeds/state/*
fill render "${states[@]}" fuzz/seeds/state/*
fill evaluate fuzz/seeds/evaluate/*

for target in rules fmt render state evaluate; do
    printf '%-9s %4d seeds\n' "$target" "$(find "fuzz/corpus/$target" -type f | wc -l)"
done
