"""Frontmatter rules (FM): the YAML block, required fields and their values, titles, duplicates.

- `block`: FM001–FM006, the block itself (present, closed, valid YAML, a mapping,
  no duplicate keys, no aliases).
- `fields`: FM007–FM012, required fields, empty values, dates, URLs, YAML type traps.
- `title`: FM013–FM016, HTML entities, noise, banned words, the file name.
- `duplicates`: FM017, two notes of the same article (a vault rule).
- `tracking`: FM018, tracking parameters in URL fields.

Importing this package registers the rules.
"""

from vaultkit.rules.frontmatter import block, duplicates, fields, title, tracking  # noqa: F401
