#!/usr/bin/env bash
# Check that C sources and headers keep to 80 columns (tabs count as
# 8), and that product code calls no unbounded string function.
set -u
cd "$(dirname "$0")/.."
status=0
files=$(git ls-files -co --exclude-standard -- '*.c' '*.h')
for file in $files; do
	[ -f "$file" ] || continue
	long=$(expand -t 8 "$file" | awk -v f="$file" \
		'length($0) > 80 { printf "%s:%d: %d columns\n", f, NR, length($0) }')
	if [ -n "$long" ]; then
		echo "$long"
		status=1
	fi
	case $file in
	tests/*) continue ;;
	esac
	banned=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets)\s*\(' "$file" |
		grep -v '^\s*//' || true)
	if [ -n "$banned" ]; then
		echo "$file: banned function: $banned"
		status=1
	fi
done
if [ "$status" -eq 0 ]; then
	echo "style: $(echo "$files" | wc -w) files within 80 columns"
fi
exit "$status"
