"""Structure rules (ST1xx): headings and sections, whitespace, leftovers in the body, risky links.

Importing this package registers every rule of the family:
`headings` (ST101, ST103–ST106, ST110), `whitespace` (ST102, ST115),
`leftovers` (ST107–ST109, ST111), `urls` (ST112–ST114), `setext` (ST116),
`comments` (ST117), `boilerplate` (ST120) and `walls` (ST121, ST122); `_scan` holds the
scanning helpers they share.
"""

from vaultkit.rules.structure import (  # noqa: F401  (registers the rules)
    boilerplate,
    comments,
    headings,
    leftovers,
    setext,
    urls,
    walls,
    whitespace,
)
