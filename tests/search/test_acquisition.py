import numpy as np
import pytest

from surrobench.errors import SurrobenchError
from surrobench.search.acquisition import (
    acquisition_for_step,
    ei,
    its,
    pi,
    ts,
    ucb,
)

# Hand-computed at z = (1.5 − 1) / 0.5 = 1: Φ(1) = 0.8413447, φ(1) = 0.2419707.
PHI_1, DENSITY_1 = 0.8413447461, 0.2419707245


def test_ei_matches_the_formula_by_hand():
    value = ei(np.array([1.5]), np.array([0.5]), best=1.0)
    assert value[0] == pytest.approx(0.5 * PHI_1 + 0.5 * DENSITY_1)
    # Below the incumbent: z = −1, EI = −0.5·Φ(−1) + 0.5·φ(1).
    value = ei(np.array([0.5]), np.array([0.5]), best=1.0)
    assert value[0] == pytest.approx(-0.5 * (1 - PHI_1) + 0.5 * DENSITY_1)


def test_ei_and_pi_with_xi():
    # ξ = 0.5 moves the bar to 1.5: z = 0, EI = σ φ(0), PI = ½.
    assert ei(np.array([1.5]), np.array([2.0]), 1.0, xi=0.5)[0] == pytest.approx(
        2.0 / np.sqrt(2 * np.pi)
    )
    assert pi(np.array([1.5]), np.array([2.0]), 1.0, xi=0.5)[0] == pytest.approx(0.5)


def test_pi_and_ucb_by_hand():
    assert pi(np.array([1.5]), np.array([0.5]), best=1.0)[0] == pytest.approx(PHI_1)
    assert ucb(np.array([1.5, 0.0]), np.array([0.5, 1.0]), kappa=2.0).tolist() == [
        2.5,
        2.0,
    ]


def test_zero_std_takes_the_limits():
    mean, std = np.array([2.0, 0.5, 1.0]), np.zeros(3)
    assert ei(mean, std, best=1.0).tolist() == [1.0, 0.0, 0.0]
    assert pi(mean, std, best=1.0).tolist() == [1.0, 0.0, 0.0]


def test_larger_is_better_for_every_acquisition():
    # Same std, higher mean: every acquisition prefers it (maximisation).
    mean, std = np.array([1.0, 2.0]), np.array([0.3, 0.3])
    rng = np.random.default_rng(0)
    for name in ("ei", "pi", "ucb", "ts"):
        scores = acquisition_for_step(name, 1.5, rng)(mean, std)
        assert scores[1] > scores[0], name


def test_ts_shares_one_draw_across_calls_of_a_step():
    score = acquisition_for_step("ts", 0.0, np.random.default_rng(3))
    first = score(np.array([0.0, 1.0]), np.array([1.0, 2.0]))
    second = score(np.array([0.0]), np.array([1.0]))
    draw = first[0]
    assert second[0] == draw and first[1] == pytest.approx(1.0 + 2.0 * draw)
    assert ts(np.array([1.0]), np.array([2.0]), draw=-0.5).tolist() == [0.0]


def test_its_draws_independently_per_candidate():
    mean, std = np.zeros(2000), np.ones(2000)
    draws = its(mean, std, np.random.default_rng(0))
    assert abs(draws.mean()) < 0.1 and abs(draws.std() - 1) < 0.1
    assert np.corrcoef(draws[:-1], draws[1:])[0, 1] < 0.1
    again = its(mean, std, np.random.default_rng(0))
    assert np.array_equal(draws, again)


def test_unknown_acquisition_names_the_choices():
    with pytest.raises(SurrobenchError, match="did you mean 'ei'"):
        acquisition_for_step("eii", 0.0, np.random.default_rng(0))


def test_shape_mismatch_is_refused():
    with pytest.raises(SurrobenchError, match="differ"):
        ei(np.zeros(2), np.zeros(3), 0.0)
