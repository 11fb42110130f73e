"""One long line inside a licence costs time linear in its length: extraction (the rules, the
default model) and the review page. Growth is measured, never a wall-clock time: the cost at 4n
characters is compared with the cost at n, and a linear cost grows about 4 times where the
quadratic ones this guards against grew 16 times or more (the licence around the line costs the
same at both sizes, so a linear line grows less than 4 times)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pytest

from licex.jobs.bundles import extract_licences
from licex.files.limits import LICENCE_CHARS
from licex.jobs.review import Licence, render_page
from long_lines import KINDS, PLACES, licence_with_long_line

N = 5_000  # characters of the shorter line; the longer is 4 N
REVIEW_N = 20_000  # a page of fewer takes too little time to measure
GROWTH = 4
MOST_RATIO = 8  # what growing GROWTH times may cost at most: twice linear, an eighth of quadratic
RUNS = 3  # the median of these is compared, so one run slowed by a busy machine decides nothing


def median_seconds(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def assert_linear(cost: Callable[[int], float], what: str, n: int = N) -> None:
    cost(n)  # warm up: caches, lazily compiled patterns
    short, long = cost(n), cost(GROWTH * n)
    assert long < MOST_RATIO * short, (f"{what}: {GROWTH * n:,} characters took {long:.2f} s, "
                                       f"{long / short:.1f} times {n:,} ({short:.2f} s): not linear")


def extraction_cost(nlp, kind: str, place: str, crlf: bool = False) -> Callable[[int], float]:
    def cost(n: int) -> float:
        text = licence_with_long_line(kind, n, place, crlf)
        return median_seconds(lambda: list(extract_licences(nlp, [("long.txt", text)])))
    return cost


def test_the_longest_line_measured_is_within_the_licence_limit():
    assert len(licence_with_long_line("hanzi", GROWTH * max(N, REVIEW_N))) < LICENCE_CHARS


@pytest.mark.slow
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", KINDS)
def test_rules_cost_is_linear_in_one_long_line(rules_nlp, kind, place):
    assert_linear(extraction_cost(rules_nlp, kind, place), f"rules, {kind} line at {place}")


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_rules_cost_is_linear_in_one_long_line_of_a_windows_file(rules_nlp, kind):
    assert_linear(extraction_cost(rules_nlp, kind, "business", crlf=True), f"rules, CRLF, {kind} line")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["hanzi", "labels", "blanks"])
def test_model_cost_is_linear_in_one_long_line(default_nlp, kind):
    assert_linear(extraction_cost(default_nlp, kind, "business"), f"default model, {kind} line")


@pytest.mark.slow
def test_review_cost_is_linear_in_one_long_line(rules_nlp):
    """A line of labels and items gives thousands of evidence spans, each marked on the page."""
    def cost(n: int) -> float:
        text = licence_with_long_line("labels", n)
        [(_, record)] = extract_licences(rules_nlp, [("long.txt", text)])
        licence = Licence("long", record, text)
        return median_seconds(lambda: [render_page(licence) for _ in range(5)])  # a page takes milliseconds

    assert_linear(cost, "licex review of a labels line", n=REVIEW_N)
