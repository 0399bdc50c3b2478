"""Speed of one Bayesian-optimisation step with ``gp``: fit at 200 observed
NB201 cells, ``predict_dist`` over the other 15,425, expected improvement and
its argmax."""

import numpy as np

from surrobench.predictors.gp import ExactGPPredictor
from surrobench.search.acquisition import ei


def test_bo_step_gp_full_nb201_pool(benchmark, nb201):
    rows = np.random.default_rng(0).permutation(len(nb201))
    observed, pool = rows[:200], rows[200:]
    train = [nb201.archs[row] for row in observed]
    candidates = [nb201.archs[row] for row in pool]
    y = nb201.values()[observed]

    def step():
        model = ExactGPPredictor(seed=0).fit(train, y)
        mean, std = model.predict_dist(candidates)
        return pool[int(np.argmax(ei(mean, std, best=float(y.max()))))]

    chosen = benchmark.pedantic(step, rounds=3, iterations=1)
    assert chosen not in set(observed.tolist())
