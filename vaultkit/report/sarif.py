"""SARIF 2.1.0 output, for code-scanning dashboards.

Locations are vault-relative URIs (percent-encoded: notes have CJK names) against
the `VAULTROOT` base, whose absolute `file://` URI is in `originalUriBaseIds`.
Columns count Unicode code points and end columns point just past the region,
as SARIF defines them.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from vaultkit.report.context import Report

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def _rule(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.documentation()},
        "help": {"text": rule.documentation(), "markdown": rule.documentation()},
        "defaultConfiguration": {
            "level": rule.severity.value,
            "enabled": rule.default_enabled,
        },
        "properties": {"category": rule.category, "fixable": rule.fix},
    }


def render(report: Report) -> str:
    from vaultkit.rules import all_rules  # only a SARIF report needs every rule's metadata

    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for d in report.diagnostics:
        result = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": d.severity.value,
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": quote(d.path, safe="/"),
                            "uriBaseId": "VAULTROOT",
                        },
                        "region": {
                            "startLine": d.start.line,
                            "startColumn": d.start.column,
                            "endLine": d.end.line,
                            "endColumn": d.end.column,
                        },
                    }
                }
            ],
        }
        if d.fix:
            result["properties"] = {"fix": d.fix.message}
        results.append(result)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "vaultkit",
                        "version": report.version,
                        "informationUri": "https://pypi.org/project/vaultkit/",
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"VAULTROOT": {"uri": report.root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
