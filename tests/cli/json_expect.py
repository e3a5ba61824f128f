#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""json_expect.py EXPECTED [KEY=JSON]... < ACTUAL

Compare the one JSON document on stdin with EXPECTED (a file name, or inline
JSON text starting with '{'), strictly:
  - objects have the same keys in the same order (absent means absent);
  - every value has the same JSON type: 1 is not 1.0, true is not 1, and an
    integer printed through a double (9.2e18) does not match an exact one;
  - every value is equal.
KEY=JSON replaces (or adds) a top-level key of EXPECTED, e.g. dialect="runc-1.1".
KEY=* only requires the key to be present with a non-empty string value.
Prints the first difference on stderr and exits 1; exits 0 on a match.
"""
import json
import sys

ANY_STRING = object()


def kind(v):
    # bool before int: in Python, True is an int.
    for t, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "string"),
                    (list, "array"), (dict, "object"), (type(None), "null")):
        if isinstance(v, t):
            return name
    return type(v).__name__


def diff(actual, expected, path):
    if expected is ANY_STRING:
        if not isinstance(actual, str) or not actual:
            return f"{path}: expected a non-empty string, got {actual!r}"
        return None
    if kind(actual) != kind(expected):
        return f"{path}: type {kind(actual)} ({actual!r}), expected {kind(expected)} ({expected!r})"
    if isinstance(expected, dict):
        if list(actual) != list(expected):
            return f"{path}: keys {list(actual)}, expected {list(expected)}"
        for k in expected:
            d = diff(actual[k], expected[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(expected, list):
        if len(actual) != len(expected):
            return f"{path}: {len(actual)} elements, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            d = diff(a, e, f"{path}[{i}]")
            if d:
                return d
        return None
    if actual != expected:
        return f"{path}: {actual!r}, expected {expected!r}"
    return None


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = argv[1]
    if src.lstrip().startswith("{"):
        expected = json.loads(src)
    else:
        with open(src, encoding="utf-8") as f:
            expected = json.load(f)
    for override in argv[2:]:
        key, _, value = override.partition("=")
        expected[key] = ANY_STRING if value == "*" else json.loads(value)
    text = sys.stdin.read()
    try:
        actual = json.loads(text)
    except json.JSONDecodeError as e:
        print(f"not one JSON document ({e}): {text!r}", file=sys.stderr)
        return 1
    d = diff(actual, expected, "$")
    if d:
        print(f"JSON mismatch: {d}\nactual: {text.strip()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
