"""Topic rules (TP001–TP009): the `## 关联主题` section and the topic notes it links.

`names` (TP001–TP004, TP008): does each topic exist, is it spelled the one
way, is it allowed, is every topic note used; `shape` (TP005–TP007): is the
section there, with the right number of entries, one `- [[…]]` per line;
`generic` (TP009): does it name more than fallback topics. All read
`_entries`, which reads each section once per note and classifies every
topic entry of the vault once per vault.
"""

from vaultkit.rules.topics import generic, names, shape  # noqa: F401  (registers the rules)
