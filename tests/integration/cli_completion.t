#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The bash completion of xdpdns: objects, commands, keywords, record types,
# modes and interface names, with or without the bash-completion package.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COMP=$ROOT/tools/xdpdns/bash-completion/xdpdns
command -v bash >/dev/null || skip_all "no bash"

# complete WORDS...: what the completion offers for the last word.
complete_words() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMPREPLY=(); _xdpdns
		echo "${COMPREPLY[*]}"' _ "$COMP" "$@"
}

bash -n "$COMP"; ok $? "the script parses"
is "$(complete_words xdpdns '')" "cache stats prog listen anchor nta zone proof help" "objects"
is "$(complete_words xdpdns c '')" "show lookup delete flush load help" "cache commands (prefix c)"
is "$(complete_words xdpdns -j st '')" "show watch per-cpu help" "stats commands after an option"
is "$(complete_words xdpdns cache lookup www.example.com AA)" "AAAA" "record types"
is "$(complete_words xdpdns cache show type DN)" "DNAME DNSKEY" "record types after 'type'"
is "$(complete_words xdpdns cache lookup www.example.com A '')" "do" "lookup: do"
is "$(complete_words xdpdns prog attach lo '')" "mode" "attach: mode keyword"
is "$(complete_words xdpdns prog attach lo mode '')" "native generic auto" "attach: modes"
is "$(complete_words xdpdns prog attach l)" "$(ls /sys/class/net | grep '^l' | tr '\n' ' ' | sed 's/ $//')" \
	"attach: interface names"
is "$(complete_words xdpdns --pin-path /sys/fs/bpf cache s '')" "name type user" \
	"--pin-path's value skipped"
is "$(complete_words xdpdns anchor add example.com '')" "ds dnskey" "anchor add: types"
is "$(complete_words xdpdns proof www.example.com DNS)" "DNSKEY" "proof: record types"
is "$(complete_words xdpdns proof www.example.com A -)" "-o --output" "proof: -o"
is "$(complete_words xdpdns prog '')" "show attach detach help" "prog commands (p is now ambiguous with proof)"
is "$(complete_words xdpdns -)" "-j --json -p --pretty -d --debug -V --version --pin-path --control --help" \
	"options"
done_testing
