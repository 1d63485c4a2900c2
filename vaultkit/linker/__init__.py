"""The linker: topic and related-document suggestions, accepted one note at a time.

It shares the parse (`vaultkit.note`), the link resolution (`vaultkit.resolve`)
and the topic sections (`vaultkit.topics`) with the rules (it imports no rule
family), and is imported only by the `vaultkit link` commands (it needs numpy and scipy:
`pip install 'vaultkit[linker]'`).

- `text`: a note's prose (what is not code, links, URLs, frontmatter) and tokens.
- `matching`: where prose names a topic (CJK-aware boundaries, aliases).
- `features`, `index`: what the linker keeps per note, cached per note.
- `model`, `learn`: topic scores with their evidence; `related`: related documents.
- `suggest`: one note's suggestions as data (the JSON interface); `evaluate`: the
  hold-out protocol (`vaultkit link eval`); `aliases`: alias proposals.
- `apply`, `decisions`, `review`: writing what was accepted into one note,
  remembering what was rejected, and the terminal review.
- `cli`: the `vaultkit link` commands.
"""
