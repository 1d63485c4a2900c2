"""Topic rules (TP001–TP008): the `## 关联主题` section and the topic notes it links.

`names` (TP001–TP004, TP008): does each topic exist, is it spelled the one
way, is it allowed, is every topic note used; `shape` (TP005–TP007): is the
section there, with the right number of entries, one `- [[…]]` per line.
Both read `_entries`, which reads each section once per note and classifies
every topic entry of the vault once per vault.
"""

from vaultkit.rules.topics import names, shape  # noqa: F401  (registers the rules)
