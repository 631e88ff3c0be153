/* See bid_keys.h. */
#include "bid_keys.h"

#include <math.h>
#include <string.h>

#include "bid_keys_x86.h"

/* Eligible bids are binned by their bit patterns' top bits: BID_KEYS_BINS are
 * enough for 254 classes of about equal population unless most bids share a
 * few values (then bid_keys_build reports the crowding). */
enum { CLASSES = 254 };

static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* The rule of population_bid and the mechanisms (position.h): a bid is placed
 * when it is positive and finite, eligible when it also reaches the reserve. */
static int placed_bid(double b)
{
    return b > 0.0 && b < INFINITY;
}

/* Whether bid b takes an eligible key (2..255). */
static int eligible_bid(double b, double reserve)
{
    return placed_bid(b) && b >= reserve;
}

void bid_keys_bounds(const double *bid, size_t n, double reserve, uint64_t *lo, uint64_t *hi)
{
    uint64_t l = UINT64_MAX, h = 0;
    for (size_t i = 0; i < n; i++)
        if (eligible_bid(bid[i], reserve)) {
            uint64_t u = bits_of(bid[i]);
            l = u < l ? u : l;
            h = u > h ? u : h;
        }
    *lo = l;
    *hi = h;
}

/* The shift that brings the bit patterns [lo, hi] into BINS bins. */
static unsigned shift_of(uint64_t lo, uint64_t hi)
{
    unsigned shift = 0;
    while (hi > lo && ((hi - lo) >> shift) >= BID_KEYS_BINS)
        shift++;
    return shift;
}

void bid_keys_histogram(const double *bid, size_t n, double reserve, uint64_t lo, uint64_t hi,
                        uint64_t count[BID_KEYS_BINS])
{
    unsigned shift = shift_of(lo, hi);
    memset(count, 0, BID_KEYS_BINS * sizeof *count);
    for (size_t i = 0; i < n; i++)
        if (eligible_bid(bid[i], reserve))
            count[(bits_of(bid[i]) - lo) >> shift]++;
}

double bid_keys_assign(const double *bid, size_t n, double reserve, uint64_t lo, uint64_t hi,
                       const uint64_t count[BID_KEYS_BINS], uint8_t *key)
{
    unsigned shift = shift_of(lo, hi);
    uint64_t eligible = 0;
    for (size_t b = 0; b < BID_KEYS_BINS; b++)
        eligible += count[b];
    /* A bin's class counts the eligible bids in the bins below it, so classes
     * rise with the bins and each holds about eligible / 254 bids. */
    uint8_t class_of[BID_KEYS_BINS];
    uint64_t below = 0, in_class[256] = {0};
    for (size_t b = 0; b < BID_KEYS_BINS; b++) {
        class_of[b] = (uint8_t)(BID_KEY_ELIGIBLE + below * CLASSES / (eligible ? eligible : 1));
        in_class[class_of[b]] += count[b];
        below += count[b];
    }
    for (size_t i = 0; i < n; i++) {
        double b = bid[i];
        key[i] = !placed_bid(b) ? BID_KEY_NONE
                 : !(b >= reserve) ? BID_KEY_UNDER_RESERVE
                                   : class_of[(bits_of(b) - lo) >> shift];
    }
    uint64_t most = 0;
    for (size_t k = BID_KEY_ELIGIBLE; k < 256; k++)
        most = in_class[k] > most ? in_class[k] : most;
    return eligible ? (double)most * CLASSES / (double)eligible : 1.0;
}

double bid_keys_build(const double *bid, size_t n, double reserve, uint8_t *key)
{
    uint64_t lo, hi, count[BID_KEYS_BINS];
    bid_keys_bounds(bid, n, reserve, &lo, &hi);
    bid_keys_histogram(bid, n, reserve, lo, hi, count);
    return bid_keys_assign(bid, n, reserve, lo, hi, count, key);
}

/* Sixteen keys at a time with the compiler's portable vectors (SSE2 on any
 * x86-64, NEON on ARM, plain code elsewhere): the same counts on every CPU. */
typedef uint8_t bytes16 __attribute__((vector_size(16)));

/* How many of the 64 keys in v reach c: each compare gives 0xff (-1) per
 * key that does, so subtracting the four results counts, at most 4 a byte;
 * the bytes are then summed by one multiplication per 64-bit half. */
static uint32_t count_at_least(const bytes16 v[4], uint8_t c)
{
    bytes16 at = {0}, tally = {0};
    at += c;
    for (int q = 0; q < 4; q++)
        tally -= (bytes16)(v[q] >= at);
    uint64_t half[2];
    memcpy(half, &tally, sizeof half);
    return (uint32_t)(((half[0] + half[1]) * 0x0101010101010101ull) >> 56);
}

uint32_t bid_keys_select(const uint8_t *k, uint32_t n, uint32_t need, uint8_t *pos,
                         uint32_t *eligible, uint32_t *placed)
{
    uint32_t c = 0;
    if (bid_keys_select_x86(k, n, need, pos, eligible, placed, &c))
        return c;
    bytes16 v[4];
    memset(v, 0, sizeof v);
    memcpy(v, k, n);
    *eligible = count_at_least(v, BID_KEY_ELIGIBLE);
    *placed = count_at_least(v, BID_KEY_UNDER_RESERVE);
    /* The need-th largest key, bit by bit: the largest t with at least `need` keys >= t. */
    unsigned threshold = BID_KEY_ELIGIBLE;
    if (*eligible > need) {
        unsigned t = 0;
        for (unsigned bit = 128; bit; bit >>= 1)
            if (count_at_least(v, (uint8_t)(t | bit)) >= need)
                t |= bit;
        threshold = t;
    }
    for (uint32_t j = 0; j < n; j++) {
        pos[c] = (uint8_t)j;
        c += k[j] >= threshold;
    }
    return c;
}

void bid_keys_rank(const double *bid, const uint32_t *id, const uint8_t *pos, uint32_t c,
                   uint32_t need, uint32_t *order)
{
    if (bid_keys_rank_x86(bid, id, pos, c, need, order))
        return;
    for (uint32_t a = 0; a < c; a++) {
        uint32_t beaten_by = 0;
        for (uint32_t q = 0; q < c; q++)
            beaten_by += (uint32_t)((bid[q] > bid[a]) | ((bid[q] == bid[a]) & (id[q] < id[a])));
        if (beaten_by < need)
            order[beaten_by] = pos[a];
    }
}
