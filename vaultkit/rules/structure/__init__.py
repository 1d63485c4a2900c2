"""Structure rules (ST1xx): headings and sections, leftovers in the body, risky links.

Importing this package registers every rule of the family:
`headings` (ST101–ST106, ST110), `leftovers` (ST107–ST109, ST111) and
`urls` (ST112–ST114); `_scan` holds the scanning helpers they share.
"""

from vaultkit.rules.structure import headings, leftovers, urls  # noqa: F401  (registers the rules)
