#!/usr/bin/env python3
"""Validates an OpenAPI 3.0 document offline.

Checks the document against the official OpenAPI 3.0 JSON Schema (vendored in
tests/data/openapi/), then what the schema cannot express: every $ref points
at something, every {param} of a path template is declared as a required path
parameter, and operationIds are unique. Exits 1 naming each problem.

Needs Debian's python3-yaml and python3-jsonschema (scripts/install-deps.sh).

Usage: validate-openapi.py docs/openapi.yaml
"""
import json
import os
import re
import sys

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "tests", "data", "openapi", "schema-3.0.json")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def resolve(doc, ref):
    if not ref.startswith("#/"):
        return None  # only local references are used in duban's document
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def walk_refs(doc, node, where, problems):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and resolve(doc, ref) is None:
            problems.append(f"{where}: $ref {ref} points at nothing")
        for key, value in node.items():
            walk_refs(doc, value, f"{where}/{key}", problems)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk_refs(doc, value, f"{where}/{i}", problems)


def path_params(doc, params):
    out = {}
    for p in params or []:
        if "$ref" in p:
            p = resolve(doc, p["$ref"]) or {}
        if p.get("in") == "path":
            out[p.get("name")] = p
    return out


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print(f"{argv[1]}: {e}")
        return 1
    if not isinstance(doc, dict):
        print(f"{argv[1]}: not a YAML mapping")
        return 1
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    problems = []
    validator = jsonschema.Draft4Validator(schema)
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(document)"
        problems.append(f"{where}: {error.message}")
    walk_refs(doc, doc, "#", problems)
    seen_ids = {}
    for path, item in (doc.get("paths") or {}).items():
        declared_at_path = path_params(doc, item.get("parameters"))
        template = set(re.findall(r"{([^}]+)}", path))
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            declared = dict(declared_at_path)
            declared.update(path_params(doc, op.get("parameters")))
            for name in sorted(template - set(declared)):
                problems.append(f"{method.upper()} {path}: path parameter {{{name}}} is not declared")
            for name, p in declared.items():
                if name not in template:
                    problems.append(f"{method.upper()} {path}: path parameter {name} is not in the path")
                elif p.get("required") is not True:
                    problems.append(f"{method.upper()} {path}: path parameter {name} must be required")
            op_id = op.get("operationId")
            if op_id in seen_ids:
                problems.append(f"{method.upper()} {path}: operationId {op_id} is also used by {seen_ids[op_id]}")
            elif op_id:
                seen_ids[op_id] = f"{method.upper()} {path}"
            if not op.get("responses"):
                problems.append(f"{method.upper()} {path}: no responses")
    for p in problems:
        print(f"{argv[1]}: {p}")
    if problems:
        print(f"{argv[1]}: {len(problems)} problem(s)")
        return 1
    print(f"{argv[1]}: valid OpenAPI {doc.get('openapi')} ({len(seen_ids)} operations)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
