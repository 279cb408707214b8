"""langdetect's language profiles held sparse: a fifth of the memory, the same answers.

langdetect keeps, for each of its 87,598 n-grams, a list of 55 probabilities (one per language), of
which two on average are not zero: 61 MB in every process that detects languages (each page worker).
Here a rare n-gram keeps only its (language index, probability) pairs, flat in one tuple, and the
detector multiplies every language's score by the smoothing weight and, where the n-gram has a
probability, by weight + probability instead; a common one (in more than `DENSE_FROM` languages,
4 % of them, looked up most) keeps its 55 probabilities in an `array('d')`. Either way that is
langdetect's own arithmetic (weight + 0.0 is weight), so the floats and the answers are the same.
"""
from __future__ import annotations

from array import array
from typing import Any

from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException

DENSE_FROM = 8  # languages an n-gram is in from which its row is kept whole (faster to apply)


class SparseDetector(Detector):
    """langdetect's `Detector` reading the sparse profiles of `SparseDetectorFactory`."""

    def _update_lang_prob(self, prob: list[float], word: str | None, alpha: float) -> bool:
        entry = self.word_lang_prob_map.get(word) if word is not None else None
        if entry is None:
            return False
        weight = alpha / self.BASE_FREQ
        if type(entry) is not tuple:  # a whole row
            prob[:] = [p * (weight + q) for p, q in zip(prob, entry)]
            return True
        updated = [p * weight for p in prob]
        for k in range(0, len(entry), 2):
            index = entry[k]
            updated[index] = prob[index] * (weight + entry[k + 1])
        prob[:] = updated
        return True


class SparseDetectorFactory(DetectorFactory):
    """`DetectorFactory` whose `word_lang_prob_map` holds n-gram -> (index, probability, ...)."""

    def load_profile(self, profile_directory: str) -> None:
        super().load_profile(profile_directory)
        size = len(self.langlist)
        for word, entry in self.word_lang_prob_map.items():
            if len(entry) > 2 * DENSE_FROM:
                row = array("d", bytes(8 * size))
                for k in range(0, len(entry), 2):
                    row[entry[k]] = entry[k + 1]
                self.word_lang_prob_map[word] = row

    def add_profile(self, profile: Any, index: int, langsize: int) -> None:
        if profile.name in self.langlist:
            raise LangDetectException(ErrorCode.DuplicateLangError, "Duplicate the same language profile.")
        self.langlist.append(profile.name)
        probs = self.word_lang_prob_map
        for word, freq in profile.freq.items():
            entry = probs.setdefault(word, ())
            length = len(word)
            if 1 <= length <= 3:  # as langdetect: longer words stay in the map with no probability
                probs[word] = (*entry, index, 1.0 * freq / profile.n_words[length - 1])

    def _create_detector(self) -> SparseDetector:
        if not self.langlist:
            raise LangDetectException(ErrorCode.NeedLoadProfileError, "Need to load profiles.")
        return SparseDetector(self)
