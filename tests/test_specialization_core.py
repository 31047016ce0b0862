"""Part III's core: teachers, the measures of specialisation, batched training, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.specialization import batched, deep, measures, shallow, teachers
from helpers.specialization.settings import DeepConfig, SampleComplexityConfig, TwoLayerConfig

NET, DEEP, SAMPLES = TwoLayerConfig(), DeepConfig(), SampleComplexityConfig()


def config_args(**changes) -> dict:
    """:func:`shallow.run_config`'s settings: the book's defaults with ``changes``."""
    return dict(d=NET.input_dim, c=NET.outputs, data_std=NET.data_std, n_train=NET.n_train, n_eval=NET.n_eval,
                lr=NET.lr, batch_size=NET.batch_size, epochs=NET.epochs, steps_per_epoch=NET.steps_per_epoch,
                threshold=NET.threshold) | changes


def samples_args(**changes) -> dict:
    """:func:`shallow.run_sample_complexity`'s settings: the book's defaults with ``changes``."""
    return dict(d=NET.input_dim, c=NET.outputs, data_std=NET.data_std, n_eval=NET.n_eval, lr=NET.lr,
                batch_size=NET.batch_size, steps=SAMPLES.steps, shift_mean=SAMPLES.shift_mean,
                shift_std=SAMPLES.shift_std, threshold=NET.threshold) | changes


def deep_args(**changes) -> dict:
    """:func:`deep.run_gaussian`'s settings: the book's defaults with ``changes``."""
    return dict(d=DEEP.input_dim, outputs=DEEP.outputs, data_std=DEEP.data_std, n_eval=DEEP.n_eval,
                batch_size=DEEP.batch_size, steps=DEEP.steps, lrs=DEEP.lr, drop=DEEP.lr_drop,
                checks=DEEP.checks, decay=DEEP.decay) | changes


def test_correlation_of_hand_made_activations():
    teacher = torch.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [3.0, 1.0]], dtype=torch.float64)
    student = torch.stack([2 * teacher[:, 0] + 1, teacher[:, 1], torch.zeros(4, dtype=torch.float64),
                           -teacher[:, 0]], dim=1)
    rho = measures.correlation(teacher, student)
    expected = torch.tensor([[1.0, 0.0, 0.0, -1.0], [0.0, 1.0, 0.0, 0.0]], dtype=torch.float64)
    assert torch.allclose(rho, expected, atol=1e-8)  # scale and shift do not matter; a dead node gives 0
    assert not torch.isnan(rho).any()
    assert measures.best_per_teacher(rho).tolist() == pytest.approx([1.0, 1.0])
    assert measures.best_per_student(rho).tolist() == pytest.approx([1.0, 1.0, 0.0, 0.0], abs=1e-8)
    assert measures.recovered(torch.tensor([0.95, 0.951]), 0.95).tolist() == [False, True]  # strictly above


def test_fanout_norm_and_generalised_fanout():
    w2 = torch.tensor([[3.0, 0.0, 1.0], [4.0, 0.0, 1.0]])
    assert measures.fanout_norm(w2).tolist() == pytest.approx([5.0, 0.0, 2**0.5])
    layers = deep.init_mlp([np.random.default_rng(0)], [5, 4, 3, 2], dtype=torch.float64)
    x = torch.randn(1, 9, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    pre, _ = deep.forward(layers, x)
    fanout = measures.generalised_fanout([w for w, _ in layers[1:]], pre, chunk=4)
    assert torch.allclose(fanout[1][0], layers[2][0][0].norm(dim=0))  # top hidden layer: the plain fan-out norm

    def output_from_first(h: torch.Tensor) -> torch.Tensor:
        z = h @ layers[1][0][0].T + layers[1][1][0]
        return torch.relu(z) @ layers[2][0][0].T + layers[2][1][0]

    h1 = torch.relu(pre[0][0]).detach()
    squares = torch.zeros(4, dtype=torch.float64)
    for row in h1:  # the output's Jacobian by autograd, one sample at a time
        squares += (torch.autograd.functional.jacobian(output_from_first, row) ** 2).sum(dim=0)
    assert torch.allclose(fanout[0][0], torch.sqrt(squares / len(h1)))


def test_time_to_recovery_and_strong_first():
    best = np.array([[0.2, 0.1, 0.1], [0.97, 0.5, 0.2], [0.99, 0.96, 0.3]])  # checkpoints x teachers
    times = measures.time_to_recovery(best, [0, 100, 200], 0.95)
    assert times[:2].tolist() == [100.0, 200.0] and np.isnan(times[2])
    assert measures.strong_first_spearman(times, 300) == pytest.approx(1.0)
    assert measures.strong_first_spearman(times[::-1].copy(), 300) == pytest.approx(-1.0)


def test_two_layer_teacher_is_grid_valued_unit_normalised_and_decays():
    teacher = teachers.two_layer_teacher(np.random.default_rng(0), 100, 10, 50, decay=1.0)
    assert np.allclose(np.linalg.norm(teacher.w1, axis=1), 1.0)
    assert len({row.tobytes() for row in teacher.w1}) == 10
    assert np.all(teacher.b1 == -0.1) and np.all(teacher.b2 == -0.1)
    undecayed = teacher.w2 * np.arange(1, 11)
    assert np.all(np.isin(np.round(undecayed, 10), teachers.GRID))  # column j is a grid vector divided by j
    again = teachers.two_layer_teacher(np.random.default_rng(0), 100, 10, 50, decay=1.0)
    assert np.array_equal(again.w1, teacher.w1)


def test_deep_teacher_nodes_are_active_about_half_the_time():
    rng = np.random.default_rng(1)
    tune = rng.normal(0, 10, size=(4000, 20))
    teacher = teachers.deep_teacher(rng, 20, [10, 15, 20, 25], 30, tune)
    fresh = rng.normal(0, 10, size=(4000, 20))
    for layer in teacher.activations(fresh)[:-1]:
        active = (layer > 0).mean(axis=0)
        assert np.all((active > 0.4) & (active < 0.6)), active
    outputs = teacher.activations(tune)[-1]
    assert np.allclose(outputs.mean(0), 0, atol=1e-6) and np.allclose(outputs.std(0), 1, atol=1e-6)


def test_a_1x_student_of_a_2_node_teacher_recovers_both_nodes():
    result = shallow.run_config([1, 2, 3], m=2, decay=0.0, multi=1,
                                **config_args(n_train=1000, n_eval=1000, epochs=3, steps_per_epoch=500))
    final = np.asarray(result["best_eval"])[:, -1]
    assert np.all(final > 0.95), final
    assert np.all(np.asarray(result["eval_loss"])[:, -1] < np.asarray(result["eval_loss"])[:, 0] / 10)


def test_seeds_batched_give_the_numbers_of_seeds_run_one_by_one():
    settings = dict(m=3, decay=1.0, multi=2, **config_args(d=20, c=5, n_train=200, n_eval=100, epochs=2,
                                                            steps_per_epoch=50))
    together = shallow.run_config([4, 5], **settings)
    for index, seed in enumerate([4, 5]):
        alone = shallow.run_config([seed], **settings)
        for key in ("eval_loss", "best_eval", "usefulness", "fanout"):
            assert np.allclose(together[key][index], alone[key][0], rtol=1e-9, atol=1e-12), key
    small = deep_args(d=5, outputs=6, n_eval=64, batch_size=16, steps=20, checks=1)
    deep_together = deep.run_gaussian([4, 5], [100], 2, [3, 4], **small)
    deep_alone = deep.run_gaussian([5], [100], 2, [3, 4], **small)
    assert np.allclose(deep_together["eval_loss"][1], deep_alone["eval_loss"][0], rtol=1e-4)


def test_teacher_aware_inputs_sit_at_the_boundaries():
    rng = np.random.default_rng(0)
    teacher = teachers.two_layer_teacher(rng, 100, 5, 10, 1.0)
    x = shallow.teacher_aware_inputs(rng, teacher, 60, 1.5, SAMPLES.shift_mean, SAMPLES.shift_std)
    assert x.shape == (60, 100)
    assert np.allclose(np.linalg.norm(x, axis=1), 15.0)
    margins = np.abs(x @ teacher.w1.T + teacher.b1).min(axis=1)
    assert np.median(margins) < 1.0  # a third are on a plane (up to the rescaling), the rest ~2-4 away


@pytest.mark.parametrize("call,error,words", [
    (lambda: shallow.run_config([1], m=2, decay=0.0, multi=0, **config_args()), batched.SettingError,
     "width multiple = 0"),
    (lambda: shallow.run_config([1], m=2, decay=0.0, multi=1, **config_args(threshold=1.5)), measures.ThresholdError,
     "threshold = 1.5"),
    (lambda: shallow.run_config([1], m=2, decay=0.0, multi=1, **config_args(n_train=8)), batched.BatchError,
     "smaller than batch_size = 16"),
    (lambda: shallow.run_sample_complexity([1], [30], "uniform", 5, 1.0, 2, **samples_args()), batched.SettingError,
     "data source 'uniform'"),
    (lambda: shallow.run_sample_complexity([1], [10, 30], "gaussian", 5, 1.0, 2, **samples_args()),
     batched.BatchError, "size 10"),
    (lambda: deep.run_gaussian([1], [32], 2, [3], **deep_args()), batched.BatchError, "size 32"),
    (lambda: teachers.two_layer_teacher(np.random.default_rng(0), 10, 2, 3, decay=-1), teachers.TeacherError,
     "p = -1"),
])
def test_bad_input_fails_before_training_with_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_the_report_of_hand_made_records():
    import pandas as pd

    from helpers.specialization import report

    record = {"seeds": [1], "m": 2, "decay": 1.0, "multi": 2,
              "usefulness": [[0.99, 0.98, 0.3, 0.2]], "fanout": [[1.0, 0.8, 0.02, 0.5]]}
    stats = report.lshape_stats(record).iloc[0]
    assert stats["unspecialised"] == 2 and stats["low_fanout_share"] == 0.5 and stats["failures"] == 1
    table = pd.DataFrame({"source": ["a"] * 4, "multi": [2] * 4, "size": [30, 60, 120, 240],
                          "rho_mean": [0.5, 0.97, 0.9, 0.99]})
    assert report.smallest_size(table, "a", 0.95) == 240  # reached at 60 but lost again at 120
    assert report.smallest_size(table, "a", 0.999) == float("inf")
    assert report.shown_size(float("inf"), 240) == "not reached by N = 240"
    assert report.mean_std([1.0, 3.0]) == "2.00 ± 1.00"  # the population std, as over seeds
