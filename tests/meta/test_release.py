#!/usr/bin/env python3
"""Release metadata (issue 13): CITATION.cff is valid Citation File Format
1.2.0, the licence is stated, and the version agrees everywhere.

    test_release.py PATH/TO/blocsim

CITATION.cff is checked against the rules of the CFF 1.2.0 JSON schema
(https://citation-file-format.github.io/1.2.0/schema) for every key it may
use: required keys, no unknown top-level keys, value types and patterns,
authors as persons or entities. If $BLOCSIM_CFF_SCHEMA names a copy of that
schema, the file is validated against it with python3-jsonschema as well.
"""
import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
problems = []


def check(cond, msg):
    if not cond:
        problems.append(msg)


def nonempty_str(v):
    return isinstance(v, str) and len(v) >= 1


URL = re.compile(r"^(https|http|ftp|sftp)://.+")
DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$")
ORCID = re.compile(r"^https://orcid\.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]{1}$")
EMAIL = re.compile(r"^[\S]+@[\S]+\.[\S]{2,}$")
TOP = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
       "keywords", "license", "license-url", "message", "preferred-citation", "references", "repository",
       "repository-artifact", "repository-code", "title", "type", "url", "version"}
PERSON = {"address", "affiliation", "alias", "city", "country", "email", "family-names", "fax", "given-names",
          "name-particle", "name-suffix", "orcid", "post-code", "region", "tel", "website"}
ENTITY = {"address", "alias", "city", "country", "date-end", "date-start", "email", "fax", "location", "name",
          "orcid", "post-code", "region", "tel", "website"}
# OSI licences we would accept for the code (SPDX ids, all in the schema's list).
SPDX_OK = {"MIT", "Apache-2.0", "BSD-3-Clause", "BSD-2-Clause", "GPL-3.0-or-later", "LGPL-3.0-or-later", "MPL-2.0"}


def check_author(a, where):
    if not isinstance(a, dict) or not a:
        check(False, f"{where}: must be a non-empty mapping")
        return
    keys = set(a)
    is_entity = "name" in a
    allowed = ENTITY if is_entity else PERSON
    check(keys <= allowed, f"{where}: keys not allowed for a {'entity' if is_entity else 'person'}: {sorted(keys - allowed)}")
    for k, v in a.items():
        if k in ("email",):
            check(isinstance(v, str) and EMAIL.match(v), f"{where}.{k}: not an e-mail address")
        elif k == "orcid":
            check(isinstance(v, str) and ORCID.match(v), f"{where}.{k}: not an ORCID URL")
        elif k == "website":
            check(isinstance(v, str) and URL.match(v), f"{where}.{k}: not a URL")
        else:
            check(nonempty_str(v), f"{where}.{k}: must be a non-empty string")


def check_cff(cff):
    check(isinstance(cff, dict), "CITATION.cff: not a mapping")
    for k in ("authors", "cff-version", "message", "title"):
        check(k in cff, f"CITATION.cff: required key '{k}' missing")
    check(set(cff) <= TOP, f"CITATION.cff: unknown keys {sorted(set(cff) - TOP)}")
    check(cff.get("cff-version") == "1.2.0", "cff-version must be the string 1.2.0")
    for k in ("message", "title", "abstract"):
        if k in cff:
            check(nonempty_str(cff[k]), f"{k}: must be a non-empty string")
    authors = cff.get("authors")
    check(isinstance(authors, list) and len(authors) >= 1, "authors: a non-empty list")
    for i, a in enumerate(authors or []):
        check_author(a, f"authors[{i}]")
    if "date-released" in cff:
        v = cff["date-released"]
        check(isinstance(v, str) and DATE.match(v),
              "date-released: must be a quoted YYYY-MM-DD string (the schema wants a string, YAML would read a date)")
        if isinstance(v, str) and DATE.match(v):
            datetime.date.fromisoformat(v)
    if "version" in cff:
        check(nonempty_str(cff["version"]) or isinstance(cff["version"], (int, float)), "version: string or number")
    if "type" in cff:
        check(cff["type"] in ("software", "dataset"), "type: software or dataset")
    if "license" in cff:
        lic = cff["license"]
        lics = lic if isinstance(lic, list) else [lic]
        check(all(l in SPDX_OK for l in lics), f"license: {lic} is not one of the expected SPDX ids {sorted(SPDX_OK)}")
    if "keywords" in cff:
        kw = cff["keywords"]
        check(isinstance(kw, list) and kw and all(nonempty_str(k) for k in kw) and len(set(kw)) == len(kw),
              "keywords: non-empty list of unique non-empty strings")
    for k in ("url", "repository", "repository-code", "repository-artifact", "license-url"):
        if k in cff:
            check(isinstance(cff[k], str) and URL.match(cff[k]), f"{k}: not a URL")
    if "doi" in cff:
        check(isinstance(cff["doi"], str) and DOI.match(cff["doi"]), "doi: not a DOI")


def main():
    blocsim = sys.argv[1]
    text = (ROOT / "CITATION.cff").read_text()
    cff = yaml.safe_load(text)
    check_cff(cff)
    schema = os.environ.get("BLOCSIM_CFF_SCHEMA")
    if schema:
        import jsonschema
        jsonschema.validate(cff, json.loads(Path(schema).read_text()))
        print(f"CITATION.cff: valid against {schema}")

    cmake = re.search(r"project\(blocsim VERSION ([0-9]+\.[0-9]+\.[0-9]+)", (ROOT / "CMakeLists.txt").read_text()).group(1)
    out = subprocess.run([blocsim, "--version"], capture_output=True, text=True, check=True).stdout
    cli = out.split()[1]
    check(cli == cmake, f"blocsim --version says {cli}, CMakeLists.txt {cmake}")
    check(str(cff.get("version")) == cmake, f"CITATION.cff version {cff.get('version')} != CMake {cmake}")
    changelog = (ROOT / "CHANGELOG.md").read_text()
    check(cmake in changelog, f"CHANGELOG.md does not mention version {cmake}")

    lic = (ROOT / "LICENSE").read_text()
    check(lic.startswith("MIT License") and cff.get("license") == "MIT", "LICENSE text and CITATION.cff licence differ")
    check("scenarios/world/LICENSE" in lic, "LICENSE does not point to the separate data licence")
    readme = (ROOT / "README.md").read_text()
    check(re.search(r"MIT", readme) and "CITATION.cff" in readme, "README must state the licence and how to cite")

    if problems:
        print("\n".join("FAIL: " + p for p in problems))
        return 1
    print(f"release metadata ok: version {cmake} (CMake, blocsim --version, CITATION.cff, CHANGELOG), MIT, CFF 1.2.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
