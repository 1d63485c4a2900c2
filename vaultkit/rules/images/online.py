"""Remote images checked over HTTP (IM1xx): only with `vaultkit check --online`.

These rules read the verdicts the online check stored on the vault
(`vault.online`, one per unique URL, see `vaultkit.online`); they never fetch
anything themselves. Without `--online` they do not run (`needs_online`).
Every occurrence of a URL is reported, at its image `![…](url)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.online import remote_images
from vaultkit.online.verdict import Kind, Outcome, Verdict
from vaultkit.rules.base import VaultRule, register
from vaultkit.vault import Vault

_LOCAL_COPY = "download it into the vault and embed the local copy (`![[name.png]]`)"


class _OnlineImageRule(VaultRule):
    category = "images"
    needs_online = True
    outcome: ClassVar[Outcome]

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        verdicts = vault.online or {}
        if not verdicts:
            return
        for note in vault.subject_notes:
            if note.source is None:
                continue
            for link in remote_images(note):
                verdict = verdicts.get(link.target.strip())
                if verdict is not None and verdict.outcome is self.outcome:
                    yield self.at_bytes(note, link.start, link.end, self.message(verdict))

    def message(self, verdict: Verdict) -> str:
        raise NotImplementedError


def _advice(verdict: Verdict) -> str:
    kind, status = verdict.kind, verdict.status
    if kind is Kind.HOTLINK:
        return f"the host refuses hot-linking; {_LOCAL_COPY}"
    if kind in (Kind.TIMEOUT, Kind.CONNECTION) or (status is not None and status >= 500):
        return f"the server may be down for now: check again later, or {_LOCAL_COPY}"
    if kind is Kind.NOT_IMAGE:
        return f"link the image file itself, or {_LOCAL_COPY}"
    if status in (401, 403):
        return f"the host does not serve it to readers; {_LOCAL_COPY}"
    return f"replace the URL with a working one, or find the image elsewhere and {_LOCAL_COPY}"


@register
class RemoteImageBroken(_OnlineImageRule):
    """Remote image does not load (checked with `--online`).

    ## What it does
    With `vaultkit check --online`, fetches each remote image URL of the
    checked notes once (a `HEAD` request, then the first KiB with a ranged
    `GET` when needed) and reports every `![…](url)` whose URL does not answer
    with an image. The message gives the reason: `HTTP 404`, `answers
    text/html, not an image`, `redirect loop via …`, `more than 10 redirects`,
    `timed out after 10 s`, a connection or TLS error, or `WeChat hot-link
    placeholder` (the page WeChat serves instead of an image it protects).
    A 429 or 5xx answer is retried first, honouring `Retry-After`; a URL that
    stays rate limited (429) is skipped, not reported.

    Results are kept in `.vaultkit_cache/` at the vault root, so a second run
    fetches nothing it checked recently (`--no-cache` checks again). Without
    `--online` the rule does not run, and the pre-commit hook never fetches.

    ## Why is this bad?
    Archived articles rot: most remote images come from hot-link protected
    hosts (WeChat's `mmbiz.qpic.cn`) or from blogs that move or disappear. A
    broken image is a hole in the archive that nobody notices until the copy
    is gone for good.

    ## Example
    ```markdown
    ![架构图](https://example.com/images/removed.png)
    ```
    `https://example.com/images/removed.png` answers `HTTP 404`.

    ## Use instead
    A local copy of the image, if one can still be found:
    ```markdown
    ![[架构图.png]]
    ```

    ## Options
    - `[images] online-cache-max-age`: how long a result is reused, in seconds
      or as `"90s"`, `"30m"`, `"12h"`, `"7d"` (default `"7d"`; a timeout,
      connection error or 5xx answer is reused for an hour at most).
    - Command line: `--online`, `--no-cache`, `--concurrency N` (default 32
      requests at once, 8 to one host), `--timeout S` (default 10 s per request).
    """

    code = "IM100"
    name = "remote-image-broken"
    outcome = Outcome.BROKEN

    def message(self, verdict: Verdict) -> str:
        return f"remote image is broken: {verdict.reason}; {_advice(verdict)}"


@register
class RemoteImageRefused(_OnlineImageRule):
    """Remote image URL points at a private or loopback address (checked with `--online`).

    ## What it does
    The online check resolves every image host before connecting, and refuses
    addresses that are not public: loopback (`127.0.0.1`, `::1`,
    `localhost`), private (`10.0.0.0/8`, `192.168.0.0/16`, `fc00::/7`, …),
    link-local (`169.254.0.0/16`, `fe80::/10`), multicast, reserved and
    unspecified addresses, IPv4 and IPv6 alike (IPv4-mapped IPv6 too), for
    literal IPs, host names and every redirect hop. This rule reports each
    image whose URL was refused; vaultkit never fetched it.

    ## Why is this bad?
    An image on a private address loads for nobody but the machine (or the
    network) that wrote the note: in a published or synced vault it is
    broken. And a vault is untrusted input: a URL aimed at `localhost` or a
    cloud metadata address is how a note would make a checker probe the
    user's own network, which is why vaultkit refuses to fetch it.

    ## Example
    ```markdown
    ![截图](http://127.0.0.1:8080/shot.png)
    ```

    ## Use instead
    A public URL, or a local copy in the vault:
    ```markdown
    ![[截图.png]]
    ```
    For a vault whose images live on an intranet on purpose, run
    `vaultkit check --online --allow-private` to check them anyway, or turn
    the rule off with `ignore = ["IM101"]`.
    """

    code = "IM101"
    name = "remote-image-refused"
    severity = Severity.WARNING
    outcome = Outcome.REFUSED

    def message(self, verdict: Verdict) -> str:
        return (
            f"image URL points at a non-public address ({verdict.reason}), so it was not "
            "fetched and readers elsewhere cannot load it; use a public URL or a local copy in "
            "the vault (`--allow-private` checks it anyway)"
        )
