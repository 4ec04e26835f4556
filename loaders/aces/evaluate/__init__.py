"""The official ACES scorer: predicted records against gold, layer by layer (``aces score``; docs/EVALUATION.md).

One module per layer counts one document pair (``entities``, ``coreference``, ``events``, ``stances``) on the
matchings of ``aces.versions.match``; ``score`` sums and shapes them; ``inputs`` refuses what cannot be scored.
``aces agree`` uses the same layer counts with the two passes as gold and prediction.
"""

from aces.evaluate.inputs import ScoreError
from aces.evaluate.score import FORMAT, score

__all__ = ["FORMAT", "ScoreError", "score"]
