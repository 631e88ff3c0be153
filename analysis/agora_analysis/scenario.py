"""The resolved scenario stored in a run: parsed, flattened to dotted keys, digested.

A run's root attribute `scenario` is the full resolved YAML (every key, defaults
filled), so two runs differ in their set-up exactly where their flattened
scenarios differ. Dotted keys are the ones `agora run --set` takes
(`mechanism.name`, `agents.1.factor`), so a label printed here can be pasted back
into a command line.
"""
from . import yaml12


def flatten(tree, prefix=""):
    """Maps a parsed scenario to {dotted key: leaf value}.

    Mappings and lists of mappings (the `agents` groups) are walked into; a list
    of numbers (`mechanism.ctr`, `population.values`) stays one leaf, as a tuple,
    because it is set as one value on the command line.
    """
    flat = {}
    if isinstance(tree, dict):
        items = ((str(k), v) for k, v in tree.items())
    elif isinstance(tree, list) and tree and all(isinstance(v, dict) for v in tree):
        items = ((str(i), v) for i, v in enumerate(tree))
    else:
        flat[prefix] = tuple(tree) if isinstance(tree, list) else tree
        return flat
    for key, value in items:
        flat.update(flatten(value, f"{prefix}.{key}" if prefix else key))
    return flat


def format_value(value, limit=40):
    """A leaf value as a short string for tables and legends."""
    if value is None:
        return "-"
    if isinstance(value, tuple):
        text = "[" + ", ".join(format_value(v) for v in value) + "]"
    elif isinstance(value, float):
        text = f"{value:.15g}"
    else:
        text = str(value)
    # A population given as an explicit list can have millions of values.
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Scenario:
    """The resolved scenario of one run: its text, the parsed tree, dotted keys."""

    def __init__(self, text):
        self.text = text
        self.tree = yaml12.load(text) or {}
        self.flat = flatten(self.tree)

    def get(self, dotted, default=None):
        """The value at a dotted key (`market.bidders`), or default when absent."""
        return self.flat.get(dotted, default)

    @property
    def agents(self):
        """Number of agents, whether given as a count or as an explicit value list."""
        count = self.get("population.agents")
        if count is None and self.get("population.values") is not None:
            count = len(self.get("population.values"))
        return count

    def groups_text(self):
        """The behaviour groups in a few words: 'truthful 70%, shade x0.8 30%'."""
        parts = []
        for group in self.tree.get("agents") or []:
            name = str(group.get("behaviour", "?"))
            if "factor" in group:
                name += f" x{format_value(group['factor'])}"
            share = group.get("share")
            parts.append(f"{name} {share * 100:g}%" if isinstance(share, (int, float))
                         else name)
        return ", ".join(parts)

    def family_digest(self):
        """The digest rows of a family other than position auctions, or None."""
        family = self.get("family", "position")
        t = self.tree
        if family == "commons":
            c = t.get("commons") or {}
            groups = ", ".join(f"{g.get('behaviour', '?')} {g.get('share', 0) * 100:g}%"
                               for g in c.get("behaviours") or [])
            rows = [("family", "commons"),
                    ("pools", f"{c.get('pools', '?')} x {c.get('harvesters_per_pool', '?')} "
                     f"harvesters ({c.get('mode', '?')}, {c.get('regrowth', '?')} regrowth)"),
                    ("harvesters", groups or "?")]
        elif family == "cloud":
            rows = [("family", "cloud"),
                    ("mechanism", str((t.get("mechanism") or {}).get("name", "?"))),
                    ("requests", f"{self.get('requests.per_round', '?')} per round"
                     + (f", from {self.get('requests.trace')}" if self.get("requests.trace")
                        else "")),
                    ("resources", str(self.get("resources.count", "?")))]
        elif family == "facility":
            pop = t.get("population") or {}
            size = (f"{pop.get('instances', '?')} instances x {pop.get('agents', '?')} agents"
                    if pop.get("scale", "instances") == "instances"
                    else f"one instance of {pop.get('agents', '?')} agents")
            rows = [("family", "facility"),
                    ("mechanism", str((t.get("mechanism") or {}).get("name", "?"))),
                    ("population", size),
                    ("behaviour", str((t.get("behaviour") or {}).get("name", "?")))]
        else:
            return None
        return rows + [("rounds", str(self.get("rounds", "?"))), ("seed", str(self.get("seed", "?")))]

    def digest(self):
        """The few facts a reader wants first, as (label, text) rows."""
        rows = self.family_digest()
        if rows is not None:
            return rows
        mech = self.tree.get("mechanism") or {}
        mech_parts = [str(mech.get("name", "?"))]
        for key, label in (("slots", "slots"), ("reserve", "reserve"), ("clicks", "clicks")):
            if key in mech:
                mech_parts.append(f"{label} {format_value(mech[key])}")
        rows = [("mechanism", ", ".join(mech_parts[:1]) + (
            " (" + ", ".join(mech_parts[1:]) + ")" if len(mech_parts) > 1 else ""))]
        agents = self.agents
        groups = self.groups_text()
        rows.append(("agents", f"{agents if agents is not None else '?'}"
                     + (f" ({groups})" if groups else "")))
        market = self.tree.get("market") or {}
        if market:
            rows.append(("market", f"{market.get('auctions', '?')} auctions x "
                         f"{market.get('bidders', '?')} bidders per round"))
        rows.append(("rounds", str(self.get("rounds", "?"))))
        rows.append(("seed", str(self.get("seed", "?"))))
        return rows
