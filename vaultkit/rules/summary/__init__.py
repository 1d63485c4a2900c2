"""Summary rules (SM0xx): the `## 摘要` section, its template and what it says.

Importing this package registers every rule of the family: `template`
(SM001–SM007: presence, place, parts and labels) and `content` (SM008–SM010:
the one sentence, the number of key points, talk about the vault). The
section is split into parts once per note by `vaultkit.summary`.
"""

from vaultkit.rules.summary import claims, content, template  # noqa: F401  (registers the rules)
