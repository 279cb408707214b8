"""langdetect with sparse profiles (normalize/language_profiles.py) gives langdetect's own
probabilities, float for float, and holds its profiles in far less memory."""
from __future__ import annotations

import random

import pytest
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from normalize.language_profiles import SparseDetectorFactory

TEXTS = [
    "The harbour master said the new moorings will be ready before the winter storms.",
    "Ich habe das gestern ausprobiert und es hat auf Anhieb funktioniert.",
    "Merci pour ces précisions, je vais regarder de plus près ce week-end.",
    "Я попробовал этот способ прошлой зимой, и всё получилось с первого раза.",
    "Questo è un messaggio scritto in italiano per la prova.",
    "这是一个中文的句子，用来测试语言检测。",
    "ok",
    "12345 !!!",
]


@pytest.fixture(scope="module")
def factories():
    made = []
    for cls in (SparseDetectorFactory, DetectorFactory):
        factory = cls()
        factory.load_profile(PROFILES_DIRECTORY)
        factory.seed = 0
        made.append(factory)
    return made


def _probabilities(factory, text):
    detector = factory.create()
    detector.seed = 0
    detector.n_trial = 3
    detector.append(text)
    try:
        return [(lang.lang, lang.prob) for lang in detector.get_probabilities()]
    except LangDetectException as exc:  # "no features in text", the same from both
        return repr(exc)


def test_the_same_probabilities_as_langdetect(factories):
    sparse, dense = factories
    rng = random.Random(7)
    letters = "abcdefghij klmnoéèàüöäßпривет中文ελλάδα"
    texts = TEXTS + ["".join(rng.choice(letters) for _ in range(rng.randint(3, 200))) for _ in range(200)]
    for text in texts:
        assert _probabilities(sparse, text) == _probabilities(dense, text), text


def test_profiles_are_sparse(factories):
    sparse, _ = factories
    assert sparse.langlist
    rows = sparse.word_lang_prob_map.values()
    assert sum(1 for row in rows if isinstance(row, tuple)) > 0.9 * len(rows)
