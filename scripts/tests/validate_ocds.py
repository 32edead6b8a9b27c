#!/usr/bin/env python3
"""Validates an OCDS 1.1 release package against the official schema (JSON Schema Draft 4), offline.

    python3 scripts/tests/validate_ocds.py package.json
    curl -s …/api/cases/ID/ocds | python3 scripts/tests/validate_ocds.py        (or "-": standard input)

A page of `GET /api/ocds/releases` (`{"package": …, "next_cursor": …}`) is validated through its
package. Prints `OK` (exit 0), or every error as `<path>: <message>` (exit 1). Exit 2 when it
cannot run: PyPI's `jsonschema` missing (scripts/test installs it), the input not JSON, or an
empty page (no package).

The package schema's `$ref` to the release schema names the standard's URL; it is resolved to the
copy beside this script (ocds/, version 1.1.5 — see ocds/README.md), never fetched. Works with
jsonschema 3.x and 4.x before 4.18 (RefResolver) and 4.18 and later (a `referencing` registry).
"""
import json
import os
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ocds")
PACKAGE_SCHEMA = os.path.join(HERE, "release-package-schema.json")
RELEASE_SCHEMA = os.path.join(HERE, "release-schema.json")


class MissingJSONSchema(Exception):
    pass


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def validator():
    """A Draft 4 validator of release packages that resolves the release schema locally."""
    try:
        import jsonschema
    except ImportError:
        raise MissingJSONSchema("validate_ocds: the Python package jsonschema is missing for %s: apt-get install python3-jsonschema, "
                                "or pip install --user jsonschema (scripts/test installs it)" % sys.executable) from None
    package = load(PACKAGE_SCHEMA)
    release = load(RELEASE_SCHEMA)
    checker = getattr(jsonschema.Draft4Validator, "FORMAT_CHECKER", None) or jsonschema.draft4_format_checker
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4
    except ImportError:
        # jsonschema before 4.18: a RefResolver whose store holds both schemas under their ids.
        resolver = jsonschema.RefResolver.from_schema(package, store={package["id"]: package, release["id"]: release})
        return jsonschema.Draft4Validator(package, resolver=resolver, format_checker=checker)
    registry = Registry().with_resources([
        (package["id"], Resource.from_contents(package, default_specification=DRAFT4)),
        (release["id"], Resource.from_contents(release, default_specification=DRAFT4)),
    ])
    return jsonschema.Draft4Validator(package, registry=registry, format_checker=checker)


def errors(document):
    """Every schema error as `<path>: <message>`, in path order."""
    found = []
    for error in validator().iter_errors(document):
        path = "/" + "/".join(str(part) for part in error.absolute_path)
        message = error.message if len(error.message) <= 300 else error.message[:300] + "…"
        found.append((path, message))
    return ["%s: %s" % item for item in sorted(found)]


def main(argv):
    if len(argv) > 2:
        print("usage: validate_ocds.py [FILE|-]", file=sys.stderr)
        return 2
    source = argv[1] if len(argv) == 2 else "-"
    try:
        document = json.load(sys.stdin) if source == "-" else load(source)
    except (OSError, ValueError) as error:
        print("validate_ocds: cannot read a JSON document from %s: %s" % (source, error), file=sys.stderr)
        return 2
    if isinstance(document, dict) and "package" in document and "releases" not in document:
        document = document["package"]
        if document is None:
            print("validate_ocds: an empty page of releases: no package to validate", file=sys.stderr)
            return 2
    try:
        problems = errors(document)
    except MissingJSONSchema as missing:
        print(missing, file=sys.stderr)
        return 2
    if problems:
        print("\n".join(problems))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
