"""Image rules (IM): local files, URL syntax, at-risk hosts, and remote images checked online.

Offline, always: `local` (IM001–IM005: files the vault's embeds and Markdown
images name, resolved through `vaultkit.resolve`), `remote` (IM010–IM013,
IM020: what is wrong with an image URL as written) and `syntax` (IM030: a
link meant as an image). `online` holds the rules that read the verdicts of
`vaultkit check --online` (IM100, IM101); they run only when that check ran.
"""

from vaultkit.rules.images import local, online, remote, syntax  # noqa: F401  (registers the rules)
