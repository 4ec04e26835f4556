"""Maximum-weight one-to-one assignment (Hungarian algorithm), for CEAF's optimal entity alignment.

Written out rather than taken from SciPy (``linear_sum_assignment``), which the package does not otherwise
need; matrices here are clusters × clusters of one document, so O(n²·m) in pure Python is instant.
"""

from __future__ import annotations

from collections.abc import Sequence


def max_weight_assignment(weights: Sequence[Sequence[float]]) -> tuple[float, list[tuple[int, int]]]:
    """Pairs ``(row, column)``, each row and column used at most once, maximising the summed weight.

    Returns ``(total, pairs)``. Rectangular matrices are fine (the smaller side is fully assigned; pairs of
    weight 0 are dropped from ``pairs`` since they align nothing). Weights must be non-negative.
    """
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    if not rows or not cols:
        return 0.0, []
    transposed = rows > cols
    if transposed:
        weights = [[weights[r][c] for r in range(rows)] for c in range(cols)]
        rows, cols = cols, rows
    # Shortest augmenting path with potentials (Kuhn-Munkres), minimising cost = -weight; 1-based arrays.
    inf = float("inf")
    u = [0.0] * (rows + 1)
    v = [0.0] * (cols + 1)
    match_col = [0] * (cols + 1)  # column j -> row assigned to it (0 = none)
    way = [0] * (cols + 1)
    for i in range(1, rows + 1):
        match_col[0] = i
        j0 = 0
        min_v = [inf] * (cols + 1)
        used = [False] * (cols + 1)
        while True:
            used[j0] = True
            i0 = match_col[j0]
            delta = inf
            j1 = 0
            for j in range(1, cols + 1):
                if not used[j]:
                    cur = -weights[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < min_v[j]:
                        min_v[j] = cur
                        way[j] = j0
                    if min_v[j] < delta:
                        delta = min_v[j]
                        j1 = j
            for j in range(cols + 1):
                if used[j]:
                    u[match_col[j]] += delta
                    v[j] -= delta
                else:
                    min_v[j] -= delta
            j0 = j1
            if match_col[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match_col[j0] = match_col[j1]
            j0 = j1
    pairs = []
    total = 0.0
    for j in range(1, cols + 1):
        i = match_col[j]
        if i and weights[i - 1][j - 1] > 0:
            total += weights[i - 1][j - 1]
            pairs.append((j - 1, i - 1) if transposed else (i - 1, j - 1))
    return total, sorted(pairs)
