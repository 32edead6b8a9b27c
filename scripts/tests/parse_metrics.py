#!/usr/bin/env python3
"""Parses Prometheus text exposition from stdin with the reference client's parser and prints a
JSON summary: {"families": {name: {"type", "help", "samples": [{"name", "labels", "value"}]}}}.

Exit 0 when it parses, 1 when it does not, 77 when prometheus_client is not installed (the
Swift test then skips, saying so; scripts/test installs it).
"""
import json
import math
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("prometheus_client is not installed (python3 -m pip install --user prometheus_client)", file=sys.stderr)
    sys.exit(77)


def value(number):
    """JSON has no NaN or infinities: those travel as strings."""
    return number if math.isfinite(number) else str(number)


def main():
    text = sys.stdin.read()
    families = {}
    try:
        for family in text_string_to_metric_families(text):
            families[family.name] = {
                "type": family.type,
                "help": family.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": value(s.value)} for s in family.samples],
            }
    except Exception as error:  # the parser raises ValueError and others on malformed input
        print(f"not valid Prometheus text: {error}", file=sys.stderr)
        return 1
    json.dump({"families": families}, sys.stdout, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
