"""The portfolio optimiser on 2,000 applications with 10 frames and 5 strategies (and the
group, shortage and gender rules), solved to proven optimum (``mip_rel_gap`` 0).

    .venv/bin/python benchmarks/portfolio.py [--applications 2000] [--runs 5]

Target (issue 17): ≤ 1 s. Printed: the median of the runs for the proposal alone and with
the cost of every rule (one solve more per rule), and the greedy ranking's value beside it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from kompetensfond.applications.portfolio import (
    Candidate,
    Rules,
    propose,
)


def instance(n: int, seed: int = 17) -> tuple[list[Candidate], Rules]:
    rng = random.Random(seed)
    groups = [f"Förvaltning {g}" for g in range(8)]
    candidates = []
    for i in range(n):
        participants = rng.randrange(1, 40)
        women = rng.randrange(0, participants + 1)
        candidates.append(Candidate(
            key=i, amount=Decimal(rng.randrange(20, 800) * 1000),
            score=Decimal(rng.randrange(10, 50)) / 10, pot=rng.randrange(10),
            group=rng.choice(groups), strategies=frozenset(rng.sample(range(5), 1)),
            participants=participants, shortage=rng.random() < 0.3, women=women,
            men=participants - women,
            min_share=Decimal(1) if rng.random() < 0.7 else Decimal("0.5")))
    asked = sum((c.amount for c in candidates), Decimal(0))
    rules = Rules(available=dict.fromkeys(range(10), asked / 30),  # a third of what is asked
                  group_max={g: Decimal("0.2") for g in groups},
                  group_min={groups[0]: Decimal("0.05")}, cover_strategies=True,
                  min_shortage=Decimal("0.25"), min_gender=Decimal("0.3"))
    return candidates, rules


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    candidates, rules = instance(args.applications)
    alone, full = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        proposal = propose(candidates, rules, with_costs=False)
        alone.append(time.perf_counter() - start)
    for _ in range(max(1, args.runs // 2)):
        start = time.perf_counter()
        with_costs = propose(candidates, rules)
        full.append(time.perf_counter() - start)
    print(f"{args.applications} applications, 10 frames, 5 strategies, 8 groups")
    print(f"proposal (proven optimum): median {statistics.median(alone):.3f} s "
          f"(target ≤ 1 s); with the cost of {len(with_costs.costs)} rules: "
          f"{statistics.median(full):.2f} s")
    print(f"value {proposal.value} ({len(proposal.grants)} grants, {proposal.total} kr) vs "
          f"greedy {proposal.greedy_value} ({len(proposal.greedy)} grants, breaking "
          f"{len(proposal.greedy_breaks)} rules)")
    # rules that bind: each pot's own optimum breaks them, so the whole model is solved
    tight = replace(rules, group_max={g: Decimal("0.13") for g in rules.group_max})
    bound = []
    for _ in range(max(1, args.runs // 2)):
        start = time.perf_counter()
        binding = propose(candidates, tight, with_costs=False)
        bound.append(time.perf_counter() - start)
    print(f"with binding rules (each administration at most 13 %): median "
          f"{statistics.median(bound):.2f} s, value {binding.value}")
    print("target met" if statistics.median(alone) <= 1 else "TARGET NOT MET")


if __name__ == "__main__":
    main()
