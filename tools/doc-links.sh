#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Every relative link of the given Markdown files leads somewhere: the file
# or directory it names exists (relative to the file that links), and a
# #fragment names a heading of the Markdown file it points into (GitHub's
# anchors: lower case, punctuation dropped, spaces as hyphens). Links with a
# scheme (https:, man:, mailto:) are not followed; links inside code (fenced
# or indented blocks, `spans`) are not links.
#
#   tools/doc-links.sh FILE.md...
#
# One line per broken link, FILE:LINE: target: why; exit 1 if any.
set -u

# FILE -> "LINE<TAB>TARGET" for each inline link [text](target) and each
# reference definition [label]: target outside code.
links_of() {
	awk '
	/^[ \t]*(```|~~~)/ { fenced = !fenced; next }
	fenced { next }
	/^(    |\t)/ { next }
	{
		line = $0
		gsub(/`[^`]*`/, "", line)
		if (match(line, /^ ? ? ?\[[^]]+\]:[ \t]*[^ \t]+/)) {
			t = substr(line, RSTART, RLENGTH)
			sub(/^ ? ? ?\[[^]]+\]:[ \t]*/, "", t)
			sub(/^</, "", t); sub(/>$/, "", t)
			print NR "\t" t
			next
		}
		while (match(line, /\]\([^)]*\)/)) {
			t = substr(line, RSTART + 2, RLENGTH - 3)
			line = substr(line, RSTART + RLENGTH)
			sub(/^[ \t]+/, "", t)
			sub(/[ \t].*$/, "", t) # drop a "title"
			sub(/^</, "", t); sub(/>$/, "", t)
			print NR "\t" t
		}
	}' "$1"
}

# The anchors of a Markdown file's headings, one a line (duplicates get
# -1, -2... as on GitHub).
anchors_of() {
	awk '
	/^[ \t]*(```|~~~)/ { fenced = !fenced; next }
	fenced { next }
	/^#+[ \t]/ {
		h = $0
		sub(/^#+[ \t]+/, "", h); sub(/[ \t]+#*[ \t]*$/, "", h)
		h = tolower(h)
		gsub(/[^a-z0-9 _-]/, "", h)
		gsub(/ /, "-", h)
		a = h
		if (h in seen) a = h "-" seen[h]
		seen[h]++
		print a
	}' "$1"
}

failed=0
checked=0
for doc in "$@"; do
	[ -f "$doc" ] || { echo "$doc: no such file" >&2; failed=1; continue; }
	dir=$(dirname "$doc")
	while IFS=$'\t' read -r line target; do
		checked=$((checked + 1))
		case $target in
		'') echo "$doc:$line: empty link" >&2; failed=1; continue ;;
		[a-zA-Z]*:*) # a scheme, unless the colon comes after a slash
			scheme=${target%%:*}
			case $scheme in */* | *.*) ;; *) continue ;; esac ;;
		esac
		path=${target%%#*}
		fragment=
		[ "$path" != "$target" ] && fragment=${target#*#}
		if [ -z "$path" ]; then
			file=$doc
		else
			file=$dir/$path
			if [ ! -e "$file" ]; then
				echo "$doc:$line: $target: $path does not exist" >&2
				failed=1
				continue
			fi
		fi
		if [ -n "$fragment" ]; then
			case $file in
			*.md)
				anchors_of "$file" | grep -qxF -- "$fragment" || {
					echo "$doc:$line: $target: no heading of $file has the anchor #$fragment" >&2
					failed=1
				}
				;;
			*)
				echo "$doc:$line: $target: a #fragment into $file, which is no Markdown file" >&2
				failed=1
				;;
			esac
		fi
	done < <(links_of "$doc")
done
[ "$failed" = 0 ] || { echo "doc-lint: broken links" >&2; exit 1; }
echo "doc-lint: $# files, $checked links, every one resolves"
