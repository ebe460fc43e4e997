"""The portfolio optimiser: the set of grants that gives the most assessed value under the
fund's rules, and what each rule costs. Pure Python and SciPy (``milp``, which runs HiGHS):
no database, so it is tested against brute force and against the greedy ranking.

Each candidate ``i`` is granted a share ``x_i`` of what it asks: 0, or between the share
its applicant accepts (``min_share``; 1 = all or nothing) and 1, chosen with a binary
``y_i``. The objective is the weighted review score, summed over the grants (*total*) or
over the kronor granted (*per krona*: each krona counts with the score of the application it
goes to), a partly funded application counting in proportion. The rules:

- **money**: what is granted from each pot (the fund outside its earmarks, each earmark or
  frame) is at most what the pot has available;
- **groups** (administrations or sectors): each group's share of all that is granted at
  least and at most the shares given;
- **strategies**: every strategy of the plan that some candidate serves gets at least one
  grant;
- **shortage occupations**: at least the share given of the funded participants are in
  applications for shortage occupations;
- **gender**: at least the share given of the funded participants are women, and at least
  that share men.

Granting nothing meets every rule but the strategies; when the rules leave nothing to grant
although there is money and candidates, or cannot be met at all, the answer names the rules
that conflict (those whose removal alone gives a grant)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

TOTAL, PER_KRONA = "total", "per_krona"
TOLERANCE = 1e-6
TIME_LIMIT = 10.0  # seconds per solve: past it, the best set found, marked as not proven


@dataclass(frozen=True)
class Candidate:
    key: int
    amount: Decimal  # what it asks
    score: Decimal  # weighted review score
    pot: int | None = None  # earmark or frame; None: the fund outside its earmarks
    group: str = ""  # administration or sector
    strategies: frozenset[int] = frozenset()
    participants: int = 0
    shortage: bool = False  # for a shortage occupation
    women: int = 0
    men: int = 0
    min_share: Decimal = Decimal(1)  # the least share the applicant accepts


@dataclass(frozen=True)
class Rules:
    available: dict[int | None, Decimal]  # per pot
    objective: str = TOTAL
    group_min: dict[str, Decimal] = field(default_factory=dict)  # share of all granted, 0–1
    group_max: dict[str, Decimal] = field(default_factory=dict)
    cover_strategies: bool = False
    min_shortage: Decimal | None = None  # share of funded participants, 0–1
    min_gender: Decimal | None = None  # share of funded participants of each gender, 0–1


@dataclass
class RuleCost:
    rule: str  # a key such as "group_max:Socialförvaltningen"
    binding: bool
    cost: Decimal  # objective lost because of the rule (0 when not binding)


@dataclass
class Proposal:
    feasible: bool
    proven: bool  # the optimum is proven (False: the best found within the time limit)
    grants: dict[int, Decimal]  # candidate key → amount (whole kronor)
    value: Decimal  # the objective
    costs: list[RuleCost] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # when nothing can be granted
    greedy: dict[int, Decimal] = field(default_factory=dict)
    greedy_value: Decimal = Decimal(0)
    greedy_breaks: list[str] = field(default_factory=list)  # rules the greedy set breaks

    @property
    def total(self) -> Decimal:
        return sum(self.grants.values(), Decimal(0))


def rule_keys(rules: Rules, candidates: Sequence[Candidate]) -> list[str]:
    """Every rule of ``rules`` that can be dropped to see what it costs."""
    keys = [f"group_min:{g}" for g, share in rules.group_min.items() if share > 0]
    keys += [f"group_max:{g}" for g, share in rules.group_max.items() if share < 1]
    if rules.cover_strategies and _coverable(candidates):
        keys.append("strategies")
    if rules.min_shortage:
        keys.append("shortage")
    if rules.min_gender:
        keys.append("gender")
    return keys


def _without(rules: Rules, key: str) -> Rules:
    kind, _sep, name = key.partition(":")
    if kind == "group_min":
        return replace(rules, group_min={g: s for g, s in rules.group_min.items() if g != name})
    if kind == "group_max":
        return replace(rules, group_max={g: s for g, s in rules.group_max.items() if g != name})
    if kind == "strategies":
        return replace(rules, cover_strategies=False)
    if kind == "shortage":
        return replace(rules, min_shortage=None)
    return replace(rules, min_gender=None)


def _coverable(candidates: Sequence[Candidate]) -> set[int]:
    return {s for c in candidates for s in c.strategies}


def _solver_kkr(amount: Decimal) -> float:
    """Money as the solver takes it: HiGHS computes in doubles, and works best on numbers
    of like size, so thousands of kronor. Only coefficients cross this line; every amount
    proposed, summed or compared is Decimal (``_amounts``, ``value``, ``breaks``)."""
    return float(amount / 1000)


def value_of(candidate: Candidate, share: float, objective: str) -> float:
    """The objective's coefficient for the solver (per krona: in thousands of kronor)."""
    weight = float(candidate.score)
    if objective == PER_KRONA:
        weight *= _solver_kkr(candidate.amount)
    return weight * share


def _solve(candidates: Sequence[Candidate], rules: Rules) -> tuple[bool, list[float], bool]:
    """(feasible, share granted per candidate) at the proven optimum.

    First each pot alone, with its money only: those problems are independent, and
    together they are a relaxation of the whole (the other rules dropped). When their
    combined answer keeps every rule it is optimal for the whole problem too; otherwise
    the whole model is solved. Measured on 2,000 applications in 10 frames: 0.47 s against
    1.2–2.5 s for the whole model (``benchmarks/portfolio.py``)."""
    pots = {cand.pot for cand in candidates}
    if len(pots) > 1:
        money_only = Rules(available=rules.available, objective=rules.objective)
        shares = [0.0] * len(candidates)
        proven = True
        for pot in pots:
            indexes = [i for i, cand in enumerate(candidates) if cand.pot == pot]
            _ok, part, exact = _solve_model([candidates[i] for i in indexes], money_only)
            proven = proven and exact
            for i, share in zip(indexes, part, strict=True):
                shares[i] = share
        if _keeps(candidates, shares, rules):
            return True, shares, proven
    return _solve_model(candidates, rules)


def _keeps(candidates: Sequence[Candidate], shares: Sequence[float], rules: Rules) -> bool:
    """Whether granting ``shares`` keeps every rule but money (which each pot kept)."""
    grants = {c.key: c.amount * Decimal(repr(x))
              for c, x in zip(candidates, shares, strict=True) if x > TOLERANCE}
    return not [rule for rule in breaks(candidates, grants, rules)
                if not rule.startswith("money:")]


def _solve_model(candidates: Sequence[Candidate], rules: Rules
                 ) -> tuple[bool, list[float], bool]:
    """The whole model, solved to proven optimum. The constraint
    matrix is sparse: most rows touch one or two candidates (a dense one of 2,000
    applications took 1.8 s to build and pass)."""
    n = len(candidates)
    if n == 0:
        return True, [], True
    # money in thousands of kronor: HiGHS works on numbers of like size
    amount = [_solver_kkr(c.amount) for c in candidates]
    # variables: y_0..y_{n-1} (granted or not, binary) and, for each candidate that may be
    # granted in part, x (the share granted); a whole-only candidate's share is its y.
    # (One variable instead of two for those halves the rows HiGHS has to carry.)
    partial = [i for i, cand in enumerate(candidates) if cand.min_share < 1]
    share_col = list(range(n))
    for k, i in enumerate(partial):
        share_col[i] = n + k
    width = n + len(partial)
    cost = np.zeros(width)
    for i, cand in enumerate(candidates):
        cost[share_col[i]] = -value_of(cand, 1.0, rules.objective)
    data: list[float] = []
    row_index: list[int] = []
    col_index: list[int] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(entries: list[tuple[int, float]], lo: float, hi: float) -> None:
        row = len(lower)
        for col, coefficient in entries:
            if coefficient:
                row_index.append(row)
                col_index.append(col)
                data.append(coefficient)
        lower.append(lo)
        upper.append(hi)

    for i in partial:  # min_share·y ≤ x ≤ y
        add([(share_col[i], 1.0), (i, -float(candidates[i].min_share))], 0.0, np.inf)
        add([(share_col[i], 1.0), (i, -1.0)], -np.inf, 0.0)
    for pot in {cand.pot for cand in candidates}:
        add([(share_col[i], amount[i]) for i, cand in enumerate(candidates) if cand.pot == pot],
            -np.inf, _solver_kkr(rules.available.get(pot, Decimal(0))))
    for group, share in rules.group_min.items():
        add([(share_col[i], amount[i] * ((cand.group == group) - float(share)))
             for i, cand in enumerate(candidates)], 0.0, np.inf)
    for group, share in rules.group_max.items():
        add([(share_col[i], amount[i] * ((cand.group == group) - float(share)))
             for i, cand in enumerate(candidates)], -np.inf, 0.0)
    if rules.cover_strategies:
        for strategy in sorted(_coverable(candidates)):
            add([(i, 1.0) for i, cand in enumerate(candidates)
                 if strategy in cand.strategies], 1.0, np.inf)
    if rules.min_shortage:
        add([(share_col[i],
              cand.participants * (float(cand.shortage) - float(rules.min_shortage)))
             for i, cand in enumerate(candidates)], 0.0, np.inf)
    if rules.min_gender:
        for attr in ("women", "men"):
            add([(share_col[i], getattr(cand, attr) - float(rules.min_gender) * cand.participants)
                 for i, cand in enumerate(candidates)], 0.0, np.inf)
    matrix = coo_array((data, (row_index, col_index)), shape=(len(lower), width)).tocsr()
    integrality = np.concatenate([np.ones(n), np.zeros(len(partial))])
    result = milp(cost, constraints=LinearConstraint(matrix, lower, upper),
                  integrality=integrality, bounds=Bounds(0, 1),
                  options={"mip_rel_gap": 0, "presolve": True, "time_limit": TIME_LIMIT})
    if result.x is None or result.status not in (0, 1):  # 1: the time limit, a set found
        return False, [0.0] * n, result.status != 1
    chosen = [round(float(v)) for v in result.x[:n]]
    shares = [max(0.0, min(1.0, float(result.x[share_col[i]]))) for i in range(n)]
    return True, [s if y else 0.0 for s, y in zip(shares, chosen, strict=True)], \
        result.status == 0


def _amounts(candidates: Sequence[Candidate], shares: Sequence[float],
             available: dict[int | None, Decimal]) -> dict[int, Decimal]:
    """The solver's shares as amounts in Decimal: a part grant in whole kronor, rounded
    down; then each pot summed in Decimal, and while the solver's float tolerance (a
    fraction of an öre) would overspend it, the least valued grant of the pot is left out.
    A pot is never overspent."""
    out = {}
    for cand, share in zip(candidates, shares, strict=True):
        if share <= TOLERANCE:
            continue
        granted = cand.amount if share >= 1 - TOLERANCE else min(
            cand.amount, (cand.amount * Decimal(repr(share))).quantize(Decimal(1), ROUND_DOWN))
        out[cand.key] = granted
    for pot in {cand.pot for cand in candidates}:
        mine = sorted((c for c in candidates if c.pot == pot and c.key in out),
                      key=lambda c: (c.score, -c.key))
        limit = available.get(pot, Decimal(0))
        while mine and sum((out[c.key] for c in mine), Decimal(0)) > limit:
            del out[mine.pop(0).key]
    return out


def value(candidates: Sequence[Candidate], grants: dict[int, Decimal], objective: str
          ) -> Decimal:
    total = Decimal(0)
    for cand in candidates:
        granted = grants.get(cand.key)
        if granted:
            weight = cand.score * (cand.amount if objective == PER_KRONA else 1)
            total += weight * granted / cand.amount
    return total.quantize(Decimal("0.01"))


def breaks(candidates: Sequence[Candidate], grants: dict[int, Decimal], rules: Rules,
           slack: Decimal = Decimal(1)) -> list[str]:
    """The rules (keys of ``rule_keys`` and "money:<pot>") that ``grants`` breaks, allowing
    ``slack`` kronor for amounts rounded to whole kronor."""
    out = []
    for pot in {cand.pot for cand in candidates}:
        spent = sum((grants.get(c.key, Decimal(0)) for c in candidates if c.pot == pot),
                    Decimal(0))
        if spent > rules.available.get(pot, Decimal(0)):
            out.append(f"money:{pot}")
    total = sum(grants.values(), Decimal(0))
    for group, share in rules.group_min.items():
        got = sum((grants.get(c.key, Decimal(0)) for c in candidates if c.group == group),
                  Decimal(0))
        if got < share * total - slack:
            out.append(f"group_min:{group}")
    for group, share in rules.group_max.items():
        got = sum((grants.get(c.key, Decimal(0)) for c in candidates if c.group == group),
                  Decimal(0))
        if got > share * total + slack:
            out.append(f"group_max:{group}")
    funded = [c for c in candidates if grants.get(c.key)]
    if rules.cover_strategies:
        covered = {s for c in funded for s in c.strategies}
        if not _coverable(candidates) <= covered:
            out.append("strategies")
    people = Decimal(sum(c.participants * grants[c.key] / c.amount for c in funded))

    def counted(attr: str) -> Decimal:
        return Decimal(sum(getattr(c, attr) * grants[c.key] / c.amount for c in funded))

    if rules.min_shortage and Decimal(sum(
            c.participants * grants[c.key] / c.amount for c in funded if c.shortage)) \
            < rules.min_shortage * people - slack / 100:
        out.append("shortage")
    if rules.min_gender and any(counted(attr) < rules.min_gender * people - slack / 100
                                for attr in ("women", "men")):
        out.append("gender")
    return out


def greedy(candidates: Sequence[Candidate], rules: Rules) -> dict[int, Decimal]:
    """The ranking as boards use it: best score first, each application whole while its
    pot has room; no other rule is looked at."""
    left = dict(rules.available)
    out = {}
    for cand in sorted(candidates, key=lambda c: (-c.score, c.key)):
        room = left.get(cand.pot, Decimal(0))
        if cand.amount <= room:
            out[cand.key] = cand.amount
            left[cand.pot] = room - cand.amount
    return out


def propose(candidates: Sequence[Candidate], rules: Rules, *,
            with_costs: bool = True) -> Proposal:
    """The best set under ``rules``, what each rule costs, and the greedy ranking's set on
    the same data beside it."""
    feasible, shares, proven = _solve(candidates, rules)
    grants = _amounts(candidates, shares, rules.available) if feasible else {}
    proposal = Proposal(feasible=feasible, proven=proven, grants=grants,
                        value=value(candidates, grants, rules.objective))
    proposal.greedy = greedy(candidates, rules)
    proposal.greedy_value = value(candidates, proposal.greedy, rules.objective)
    proposal.greedy_breaks = breaks(candidates, proposal.greedy, rules)
    has_money = any(rules.available.get(c.pot, Decimal(0)) >= c.amount * c.min_share
                    for c in candidates)
    keys = rule_keys(rules, candidates)
    if not feasible or (not grants and has_money):
        for key in keys:  # which rule, dropped alone, lets something be granted
            ok, others, _exact = _solve(candidates, _without(rules, key))
            if ok and _amounts(candidates, others, rules.available):
                proposal.conflicts.append(key)
        if not proposal.conflicts:
            proposal.conflicts = keys
        return proposal
    if with_costs:  # solved again without each limit: the score it costs
        unlimited = sum((c.amount for c in candidates), Decimal(0))
        relaxed = [(f"money:{pot}", replace(rules, available={**rules.available,
                                                               pot: unlimited}))
                   for pot in sorted({c.pot for c in candidates},
                                     key=lambda p: (p is not None, p or 0))]
        relaxed += [(key, _without(rules, key)) for key in keys]
        for key, other in relaxed:
            ok, others, _exact = _solve(candidates, other)
            freed = value(candidates, _amounts(candidates, others, other.available),
                          rules.objective) if ok else proposal.value
            cost = max(freed - proposal.value, Decimal(0))
            proposal.costs.append(RuleCost(key, cost > Decimal("0.005"), cost))
    return proposal
