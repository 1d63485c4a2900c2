"""Frontmatter rules (FM): the YAML block, required fields and their values, titles, duplicates.

- `block`: FM001–FM006, the block itself (present, closed, valid YAML, a mapping,
  no duplicate keys, no aliases).
- `fields`: FM007–FM012, required fields, empty values, dates, URLs, YAML type traps.
- `title`: FM013–FM016, HTML entities, noise, banned words, the file name.
- `keys`: FM019, the article's URL under another key (`来源`).
- `junk`: FM020–FM021, titles that say nothing; radicals that look like characters.
- `quoting`: FM022, a value holding `"` in double quotes with `\\"` escapes.
- `duplicates`: FM017, two notes of the same article (a vault rule).
- `tracking`: FM018, tracking parameters in URL fields.

Importing this package registers the rules.
"""

from vaultkit.rules.frontmatter import (  # noqa: F401
    block,
    duplicates,
    fields,
    junk,
    keys,
    quoting,
    title,
    tracking,
)
