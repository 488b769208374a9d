"""Classifying callers' words: the playbook classifier against the plain keyword scan.

The baseline is the scan the classifier replaced (kept here as :func:`keyword_scan`): one
regex per listed phrase, run over the folded text for each playbook, longest phrase wins,
no negation, no typos, no traditional characters.  Both run over the same playbooks and
the corpus sentences (playbooks/corpus/), the baseline over the same phrases.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Iterable

from dispatch.bench.report import Figure, ratio_figure
from dispatch.playbook import PlaybookSet, load_playbooks, shipped_folder
from dispatch.playbook.classify import _entries
from dispatch.playbook.schema import PlaybookSpec
from dispatch.playbook.text import normalize, phrase_pattern


def corpus_texts() -> list[str]:
    """Every sentence of the shipped corpus (tuned and held out)."""
    texts = []
    for name in ("tuned", "held_out"):
        path = shipped_folder() / "corpus" / f"{name}.toml"
        texts += [r["text"] for r in tomllib.loads(path.read_text("utf-8"))["sentence"]]
    return texts


class KeywordScan:
    """The plain keyword scan of before: a regex per phrase, per playbook."""

    def __init__(self, specs: Iterable[PlaybookSpec]) -> None:
        self._phrases = [(spec.id, [(phrase_pattern(p), w, s) for p, w, s in _entries(spec)])
                         for spec in specs]

    def scan(self, narrative: str) -> list[tuple[str, int]]:
        """``[(playbook, score)]``, best first."""
        text = normalize(narrative)
        out = []
        for pid, phrases in self._phrases:
            hits = [(m.start(), m.end(), w, s) for pat, w, s in phrases
                    for m in pat.finditer(text)]
            hits.sort(key=lambda h: (h[0] - h[1], h[0]))
            kept: list[tuple[int, int, int, object]] = []
            for hit in hits:
                if not any(k[0] <= hit[0] and hit[1] <= k[1] for k in kept):
                    kept.append(hit)
            seen = {(s or text[a:b]): w for a, b, w, s in kept}
            if seen:
                out.append((pid, sum(seen.values())))
        return sorted(out, key=lambda t: -t[1])



def classify(rounds: int = 3, playbooks: PlaybookSet | None = None) -> list[Figure]:
    """Sentences classified per second, against the plain keyword scan.

    Args:
        rounds: Passes over the corpus for each side (best of three runs each).
        playbooks: The playbooks (default: the shipped ones).

    Returns:
        One figure, target ≥ 0.3 × the keyword scan.
    """
    playbooks = playbooks or load_playbooks()
    texts = corpus_texts()
    scan = KeywordScan(list(playbooks))
    playbooks.classify(texts[0])  # lazy loads (OpenCC tables) are not what is measured

    def bare() -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                scan.scan(text)
        return time.perf_counter() - start

    def real() -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                playbooks.classify(text)
        return time.perf_counter() - start

    b = min(bare() for _ in range(3))
    r = min(real() for _ in range(3))
    n = rounds * len(texts)
    return [ratio_figure("classify/s", n / r, n / b, "/s", at_least=0.3,
                         note=f"{len(texts)} corpus sentences")]
