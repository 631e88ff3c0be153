"""End-to-end behaviour of learning and budget-constrained bidders (issue 6):
convergence to known outcomes, run through the real agora binary."""
import numpy as np

# 100 learners with value 1 against 100 truthful bidders with values spread
# evenly over (0, 1), two bidders per auction, one slot, second price.
BACKGROUND = [1.0] * 100 + [round((i + 0.5) / 100, 4) for i in range(100)]


def test_hedge_learns_truthful_bidding_in_second_price(run_scenario):
    # Truthful bidding weakly dominates in a second-price auction: a grid level
    # m < 1 loses exactly the auctions whose competing bid lies in (m, 1), each
    # worth 1 - c. Hedge's full-information update sees those losses for every
    # level, so the counterfactual gap between level 1 and level m grows like T
    # while the tuned eta = sqrt(8 ln L / T) shrinks like 1/sqrt(T): the
    # probability of level 1 grows like exp(c sqrt(T)). Each learner takes part in
    # about two auctions a round (100 auctions x 2 bidders / 200 agents); with
    # 11 levels, T = 1000 rounds puts the mean expected multiplier at 0.98 (seen
    # on this seed), clear of the 0.95 the issue asks for.
    f = run_scenario(f"""\
        seed: 3
        rounds: 1000
        population: {{values: {BACKGROUND}}}
        market: {{auctions: 100, bidders: 2}}
        mechanism: {{name: gsp, ctr: [1.0]}}
        agents:
          - {{behaviour: hedge, share: 0.5, levels: 11, low: 0, high: 1}}
          - {{behaviour: truthful, share: 0.5}}
        output: {{snapshot_every: 1000}}
    """)
    learners = f["agents"]["multiplier"][-1][:100]
    assert learners.mean() > 0.95
    assert learners.min() > 0.9
    # Regret against the best fixed grid bid stays small next to what was earned.
    regret = f["agents"]["regret"][-1][:100]
    utility = f["agents"]["utility"][-1][:100]
    assert (regret >= -1e-9).all()
    assert regret.sum() < 0.1 * utility.sum()


def test_balanced_bidding_reaches_the_eos_equilibrium(run_scenario):
    # Edelman, Ostrovsky & Schwarz (2007): CTRs (200, 100), values (10, 4, 2).
    # Balanced bidding's fixed point is the lowest envy-free equilibrium:
    # agent 1 targets slot 2 (100 * (4 - 2) = 200 > 200 * (4 - 10)) and bids
    # 4 - (100/200) * (4 - 2) = 3; agent 0 takes slot 1 and bids its value 10;
    # agent 2 wins nothing worth having and bids its value 2. GSP revenue there is
    # 200 * 3 + 100 * 2 = 800, the VCG revenue.
    f = run_scenario("""\
        seed: 1
        rounds: 60
        population: {values: [10, 4, 2]}
        market: {auctions: 1, bidders: all}
        mechanism: {name: gsp, ctr: [200, 100]}
        agents: [{behaviour: balanced, share: 1, update_probability: 0.5}]
        output: {snapshot_every: 60}
    """)
    np.testing.assert_allclose(f["agents"]["bid"][-1], [10, 3, 2], rtol=1e-12)
    assert f["metrics"]["revenue"][-1] == 800


def test_pacing_spends_the_budget_when_it_binds(run_scenario, tmp_path):
    # Budgets of 40% of what each agent spends bidding truthfully without one:
    # the dual-gradient multiplier (bid / (1 + mu)) must bring total spend over
    # the horizon to within 5% of the total budget, without overspending.
    common = """\
        seed: 8
        rounds: 400
        population:
          agents: 200
          value: {{dist: uniform, low: 1, high: 2}}
          {budget}
        market: {{auctions: 60, bidders: 4}}
        mechanism: {{name: gsp, ctr: [0.5, 0.3]}}
        agents: [{{behaviour: truthful, share: 1{pacing}}}]
        output: {{snapshot_every: 400}}
    """
    free = run_scenario(common.format(budget="", pacing=""))
    spend = free["agents"]["spend"][-1]
    # Agents that hardly ever pay get a budget that cannot bind, and are left out.
    binding = spend > 10
    assert binding.sum() > 150
    budgets = np.where(binding, 0.4 * spend, 1e6)
    listed = [float(b) for b in budgets]
    paced = run_scenario(common.format(budget=f"budget: {listed}",
                                       pacing=", pacing: multiplier, pacing_step: 0.05"))
    spent = paced["agents"]["spend"][-1][binding]
    assert 0.95 * budgets[binding].sum() <= spent.sum() <= budgets[binding].sum()
    # The controller, not the budget cap, did the work: budgets last (almost) to the
    # horizon, where a well-paced budget runs out; unpaced, they are gone early.
    exhausted = paced["metrics"]["budget_exhausted"][()]
    print("exhausted at 50/75/90/100%:", exhausted[[199, 299, 359, 399]])
    assert exhausted[299] < 0.2 * binding.sum()


def test_bandit_learners_run_and_report(run_scenario):
    # EXP3, UCB1 and epsilon-greedy with throttling: multipliers stay on the grid's
    # range and the per-round metrics are filled.
    f = run_scenario("""\
        seed: 4
        rounds: 200
        population:
          agents: 300
          value: {dist: uniform, low: 0.5, high: 1.5}
          budget: {dist: uniform, low: 20, high: 40}
        market: {auctions: 100, bidders: 5}
        mechanism: {name: gsp, slots: 2, ctr: {first: 0.5, decay: 0.5}}
        agents:
          - {behaviour: exp3, share: 0.4, levels: 16, low: 0.2, high: 1.2}
          - {behaviour: ucb, share: 0.3, levels: 16, low: 0.2, high: 1.2}
          - {behaviour: egreedy, share: 0.3, levels: 16, low: 0.2, high: 1.2, pacing: throttle}
        output: {snapshot_every: 100}
    """)
    m = f["agents"]["multiplier"][-1]
    assert ((m >= 0.0) & (m <= 1.2 + 1e-12)).all()
    mult = f["metrics"]["mean_bid_multiplier"][()]
    assert ((mult > 0.2 - 1e-12) & (mult < 1.2 + 1e-12)).all()
    assert (f["metrics"]["spend_rate_error"][()] >= 0).all()
    assert f["metrics"]["budgeted_agents"][0] == 300
