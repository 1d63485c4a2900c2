"""Image rules (IM): local files, URL syntax, at-risk hosts, and remote images checked online.

`online` holds the rules that read the verdicts of `vaultkit check --online`
(IM100, IM101); they run only when that check ran.
"""

from vaultkit.rules.images import online  # noqa: F401  (registers the rules)
