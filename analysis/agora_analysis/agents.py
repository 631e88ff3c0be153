"""Lazy access to one agent field at one snapshot: blocks, samples, quantiles, histograms.

`/agents/<field>` is `[snapshot, agent]` with chunks of one snapshot by up to
131072 agents (docs/hdf5-layout.md). A population can have hundreds of millions
of agents, more than a laptop holds, so nothing here reads a whole row at once:
every operation walks the row in blocks of whole chunks and keeps at most one
block (plus what it was asked to return) in memory.

Quantiles are exact, not estimated: a radix selection on the bit patterns of the
doubles finds the k-th smallest value in at most four passes over the row, each
holding only a 65536-bin histogram (a quantile takes two more: a check for NaN,
and the next order statistic), and they equal numpy's default ("linear")
quantile of the full row.
"""
import numpy as np

# One block is at most this many values (8 MiB of doubles).
DEFAULT_BLOCK = 1 << 20
# Candidates of a selection are gathered and sorted once they are this few.
DEFAULT_GATHER = 1 << 20
_SIGN = np.uint64(1 << 63)
_RADIX_BITS = 16


def _sort_keys(values):
    """Maps doubles to uint64 keys with the same order (negatives flipped).

    Positive doubles already sort like their bit patterns once the sign bit is
    set; negative ones sort backwards, so all their bits are flipped."""
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
    return np.where(bits & _SIGN, ~bits, bits | _SIGN)


def _key_to_value(key):
    """Inverse of _sort_keys for one key."""
    key = np.uint64(key)
    bits = key & ~_SIGN if key & _SIGN else ~key
    return float(np.array([bits], dtype=np.uint64).view(np.float64)[0])


def _lerp(a, b, t):
    """numpy's linear interpolation between two order statistics, bit for bit.

    Written as numpy 1.24 writes it (two forms, by t) so results compare equal.
    An infinite end wins (a quantile among agents without a budget, whose
    budget_left is +inf, is inf), where numpy 1.24 gives nan."""
    if a == b or np.isinf(a):
        return a
    if np.isinf(b):
        return b if t > 0 else a
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


class AgentField:
    """One field of a range of agents at one snapshot, read lazily.

    `dataset` needs only `shape`, `chunks`, `attrs` and `dataset[k, a:b]`, so an
    h5py dataset works, and so does a stand-in that records what is read."""

    def __init__(self, dataset, snapshot, name=None, start=0, stop=None, block=None):
        snapshots, agents = dataset.shape
        if not -snapshots <= snapshot < snapshots:
            raise IndexError(f"snapshot {snapshot} out of range (the file has {snapshots})")
        self._ds = dataset
        self.snapshot = snapshot % snapshots
        self.name = name or getattr(dataset, "name", "field").rsplit("/", 1)[-1]
        self.start = start
        self.stop = agents if stop is None else stop
        self.block = block or self._default_block()

    def _default_block(self):
        # Whole chunks only: a read that cuts a chunk makes HDF5 decompress it twice.
        chunk = (self._ds.chunks or (1, DEFAULT_BLOCK))[1]
        return max(chunk, DEFAULT_BLOCK // chunk * chunk)

    def __len__(self):
        return self.stop - self.start

    @property
    def units(self):
        return _attr_text(self._ds, "units")

    @property
    def description(self):
        return _attr_text(self._ds, "description")

    def subset(self, start, stop):
        """The same field for agents [start, stop) of this range (ids relative to it)."""
        if not 0 <= start <= stop <= len(self):
            raise IndexError(f"agents [{start}, {stop}) outside [0, {len(self)})")
        return AgentField(self._ds, self.snapshot, self.name,
                          self.start + start, self.start + stop, self.block)

    def read(self, start=0, stop=None):
        """Values of agents [start, stop) of this range, as one array: for small reads."""
        stop = len(self) if stop is None else stop
        return self._ds[self.snapshot, self.start + start:self.start + stop]

    def blocks(self):
        """Yields (offset, values) block after block; offset is relative to the range."""
        for a in range(self.start, self.stop, self.block):
            b = min(a + self.block, self.stop)
            yield a - self.start, self._ds[self.snapshot, a:b]

    def sample(self, count, seed=0):
        """A uniform random sample of `count` agents, without replacement.

        Returns (ids, values), ids sorted and relative to the range. Only the blocks
        that hold a sampled agent are read."""
        n = len(self)
        if count >= n:
            ids = np.arange(n)
        else:
            ids = np.sort(np.random.default_rng(seed).choice(n, size=count, replace=False))
        values = np.empty(len(ids))
        block_of = ids // self.block
        for b in np.unique(block_of):
            lo, hi = np.searchsorted(block_of, [b, b + 1])
            first = int(b) * self.block
            chunk = self.read(first, min(first + self.block, n))
            values[lo:hi] = chunk[ids[lo:hi] - first]
        return ids, values

    def stats(self):
        """count, non-finite count, and mean/min/max of the finite values, in one pass."""
        count = nonfinite = finite = 0
        total = 0.0
        lo, hi = np.inf, -np.inf
        for _, v in self.blocks():
            ok = np.isfinite(v)
            count += len(v)
            nonfinite += int(len(v) - ok.sum())
            fv = v[ok]
            if len(fv):
                finite += len(fv)
                # math.fsum-like exactness is not needed here; float sums per block
                # keep the error at block level, far below what a table shows.
                total += float(fv.sum())
                lo, hi = min(lo, float(fv.min())), max(hi, float(fv.max()))
        mean = total / finite if finite else float("nan")
        return {"count": count, "nonfinite": nonfinite, "mean": mean,
                "min": lo if finite else float("nan"), "max": hi if finite else float("nan")}

    def histogram(self, bins=50, value_range=None):
        """Exact histogram of the finite values, block by block.

        Returns (counts, edges, nonfinite). Without value_range, a first pass
        finds the finite minimum and maximum."""
        if value_range is None:
            s = self.stats()
            value_range = (s["min"], s["max"]) if s["count"] > s["nonfinite"] else (0.0, 1.0)
        lo, hi = value_range
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, bins + 1)
        counts = np.zeros(bins, dtype=np.int64)
        nonfinite = 0
        for _, v in self.blocks():
            ok = np.isfinite(v)
            nonfinite += int(len(v) - ok.sum())
            counts += np.histogram(v[ok], bins=edges)[0]
        return counts, edges, nonfinite

    def quantile(self, q, gather=DEFAULT_GATHER):
        """Exact quantile(s) of the range, equal to numpy.quantile(row, q).

        q is a number or a sequence in [0, 1]. Memory stays at one block plus up
        to `gather` candidate values whatever the population. NaN anywhere gives
        NaN, as in numpy."""
        qs = np.atleast_1d(np.asarray(q, dtype=np.float64))
        if np.any((qs < 0) | (qs > 1)):
            raise ValueError("quantiles must be in [0, 1]")
        n = len(self)
        if n == 0:
            raise ValueError("quantile of an empty range of agents")
        if any(np.isnan(v).any() for _, v in self.blocks()):
            out = np.full(qs.shape, np.nan)
        else:
            out = np.array([self._quantile_one(float(x), n, gather) for x in qs])
        return float(out[0]) if np.ndim(q) == 0 else out

    def _quantile_one(self, q, n, gather):
        # numpy's "linear" method: virtual index (n - 1) q between two order statistics.
        virtual = (n - 1) * q
        if virtual >= n - 1:
            return self.select(n - 1, gather)
        k = int(np.floor(virtual))
        gamma = virtual - k
        a = self.select(k, gather)
        b = self._next_after_rank(k, a) if gamma > 0 else a
        return _lerp(a, b, gamma)

    def _next_after_rank(self, k, value):
        """The (k+1)-th smallest value, given that the k-th is `value`: one pass."""
        at_most, above = 0, np.inf
        for _, v in self.blocks():
            at_most += int(np.count_nonzero(v <= value))
            bigger = v[v > value]
            if len(bigger):
                above = min(above, float(bigger.min()))
        return value if at_most > k + 1 else above

    def select(self, k, gather=DEFAULT_GATHER):
        """The k-th smallest value (0-based) of the range, by radix selection.

        Each pass fixes the next 16 bits of the answer's sort key: it counts, over
        the values whose key starts with the bits fixed so far, how many have each
        next 16-bit pattern, and keeps the pattern where rank k falls. Once the
        remaining candidates number at most `gather`, they are read and sorted."""
        n = len(self)
        if not 0 <= k < n:
            raise IndexError(f"rank {k} outside [0, {n})")
        prefix, below, candidates = np.uint64(0), 0, n
        for level in range(64 // _RADIX_BITS):
            fixed = level * _RADIX_BITS
            shift = np.uint64(64 - fixed - _RADIX_BITS)
            if candidates <= gather:
                keys = np.sort(np.concatenate(
                    [self._keys_with_prefix(v, prefix, fixed) for _, v in self.blocks()]))
                return _key_to_value(keys[k - below])
            counts = np.zeros(1 << _RADIX_BITS, dtype=np.int64)
            for _, v in self.blocks():
                keys = self._keys_with_prefix(v, prefix, fixed)
                counts += np.bincount(((keys >> shift) & np.uint64(0xFFFF)).astype(np.int64),
                                      minlength=1 << _RADIX_BITS)
            cumulative = np.cumsum(counts)
            digit = int(np.searchsorted(cumulative, k - below, side="right"))
            below += int(cumulative[digit - 1]) if digit else 0
            candidates = int(counts[digit])
            prefix |= np.uint64(digit) << shift
        return _key_to_value(prefix)

    @staticmethod
    def _keys_with_prefix(values, prefix, fixed):
        keys = _sort_keys(values)
        if fixed == 0:
            return keys
        drop = np.uint64(64 - fixed)
        return keys[(keys >> drop) == (prefix >> drop)]


def _attr_text(obj, name):
    value = obj.attrs.get(name, "")
    return value.decode() if isinstance(value, bytes) else str(value)
