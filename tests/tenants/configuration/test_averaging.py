"""The averaging rule (N-02) as properties (hypothesis) and examples."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenants.configuration.averaging import (
    Average,
    WeightedMark,
    predicted_mark,
    weighted_average,
)

values = st.integers(min_value=1, max_value=5).map(Decimal)
weights = st.integers(min_value=1, max_value=4).map(Decimal)
marks = st.lists(st.builds(WeightedMark, value=values, weight=weights), min_size=1, max_size=30)
FIVE_POINT = [Decimal(v) for v in (1, 2, 3, 4, 5)]


@given(marks)
def test_average_is_bounded_by_the_lowest_and_highest_mark(ms):
    average = weighted_average(ms).value
    assert min(m.value for m in ms) <= average <= max(m.value for m in ms)


@given(marks, st.integers(min_value=0, max_value=29), st.integers(min_value=1, max_value=4))
def test_average_is_monotone_in_each_mark(ms, index, step):
    index %= len(ms)
    raised = list(ms)
    raised[index] = WeightedMark(ms[index].value + step, ms[index].weight)
    assert weighted_average(raised).value >= weighted_average(ms).value


@given(marks, st.integers(min_value=2, max_value=7))
def test_weights_are_scale_free(ms, factor):
    scaled = [WeightedMark(m.value, m.weight * factor) for m in ms]
    assert weighted_average(scaled).value == weighted_average(ms).value


@given(marks)
def test_predicted_mark_is_a_scale_value_next_to_the_average(ms):
    average = weighted_average(ms).value
    predicted = predicted_mark(average, FIVE_POINT)
    assert predicted in FIVE_POINT
    assert abs(predicted - average) <= 1


def test_weighted_example_and_warning():
    # a control work (weight 2) of 5 and two oral answers of 3 and 4
    result = weighted_average(
        [WeightedMark(Decimal(5), Decimal(2)), WeightedMark(Decimal(3)), WeightedMark(Decimal(4))]
    )
    assert result == Average(value=Decimal("4.25"), count=3, too_few=False)
    assert weighted_average([WeightedMark(Decimal(5))]).too_few
    assert weighted_average([]) == Average(value=None, count=0, too_few=True)


@pytest.mark.parametrize(
    ("average", "threshold", "expected"),
    [
        ("3.49", "0.5", 3),
        ("3.50", "0.5", 4),
        ("3.60", "0.7", 3),
        ("3.70", "0.7", 4),
        ("4.99", "0.5", 5),
        ("1.20", "0.5", 1),
        ("5.00", "0.5", 5),
    ],
)
def test_rounding_threshold(average, threshold, expected):
    assert predicted_mark(Decimal(average), FIVE_POINT, threshold=Decimal(threshold)) == expected


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        weighted_average([WeightedMark(Decimal(5), Decimal(-1))])
    with pytest.raises(ValueError):
        predicted_mark(Decimal(4), FIVE_POINT, threshold=Decimal("1.5"))
    assert predicted_mark(None, FIVE_POINT) is None
