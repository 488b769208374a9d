"""The labelled caller corpus (playbooks/corpus/): the classifier holds its accuracy.

Two parts: ``tuned.toml`` (the playbooks' words were tuned on it) and ``held_out.toml``
(written before the classifier changed and never tuned on).  Both accuracies are printed
(``pytest -s`` shows them) and held: ≥ 97 % tuned, ≥ 95 % held out.
"""

from __future__ import annotations

import tomllib

import pytest

from dispatch.playbook import load_playbooks, shipped_folder

PLAYBOOKS = load_playbooks()
CORPUS = shipped_folder() / "corpus"
TARGETS = {"tuned": 0.97, "held_out": 0.95}


def _sentences(split: str) -> list[dict]:
    return tomllib.loads((CORPUS / f"{split}.toml").read_text("utf-8"))["sentence"]


def test_corpus_shape():
    rows = _sentences("tuned") + _sentences("held_out")
    assert len(rows) >= 300
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts), "a sentence is listed twice"
    assert {r["playbook"] for r in rows} == set(PLAYBOOKS.ids)
    assert {r["lang"] for r in rows} == {"en", "zh", "mixed"}
    held = len(_sentences("held_out")) / len(rows)
    assert 0.2 <= held <= 0.3, f"held-out share {held:.0%}"
    for split in TARGETS:
        for row in _sentences(split):
            assert set(row) == {"text", "lang", "playbook", "answers", "split"}, row
            assert row["split"] == split, row
            spec = PLAYBOOKS.get(row["playbook"])
            for qid, value in row["answers"].items():
                question = spec.question(qid)
                assert question is not None, (row["text"], qid)
                if question.type == "choice":
                    assert value in question.choice_ids(), (row["text"], qid, value)
                elif question.type == "bool":
                    assert isinstance(value, bool), (row["text"], qid)
                elif question.type == "int":
                    assert isinstance(value, int) and value >= question.lowest, (row["text"], qid)


@pytest.mark.parametrize("split", list(TARGETS))
def test_corpus_accuracy(split):
    rows = _sentences(split)
    wrong = []
    for row in rows:
        ranked = PLAYBOOKS.classify(row["text"])
        got = ranked[0].playbook if ranked else None
        if got != row["playbook"]:
            wrong.append(f"  {row['text']!r}: expected {row['playbook']}, got {got} "
                         f"{[(m.playbook, m.score, m.words) for m in ranked[:2]]}")
    accuracy = 1 - len(wrong) / len(rows)
    print(f"\ncorpus {split}: {accuracy:.1%} ({len(rows) - len(wrong)}/{len(rows)})")
    assert accuracy >= TARGETS[split], (
        f"{split} accuracy {accuracy:.1%} < {TARGETS[split]:.0%}; misclassified:\n"
        + "\n".join(wrong))
