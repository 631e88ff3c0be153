/* One-byte keys that rank static bids without reading them (issue 11).
 *
 * An auction needs the exact bids of only its best slots + 1 participants;
 * reading all 50 exact bids of a round's 5e5 requests from a 1e6-agent value
 * array (8 MB, past L2) was the largest part of the 1-rank round's memory
 * cost. When every bid is fixed for the run (truthful bidders without budgets
 * or pacing), each agent gets a key of one byte that never orders two bids the
 * wrong way round: bid(a) < bid(b) whenever key(a) < key(b). The keys of 1e6
 * agents take 1 MB, an eighth of the values. An auction then reads 50 keys,
 * takes as candidates every participant whose key reaches the (slots + 1)-th
 * largest key, and reads the exact bids of those alone (11.1 an auction on the
 * standard scenario). Whoever is left out bids
 * strictly less than every candidate, so ranking the candidates exactly gives
 * the auction's exact top places: the outcome is the one the full ranking
 * gives, bit for bit, whatever the keys are; good keys only make the
 * candidates few.
 *
 * Key 0: no bid (not > 0); key 1: a bid under the reserve; keys 2..255: an
 * eligible bid, in 254 classes of about equal population (a histogram of the
 * bids' bit patterns, which order positive doubles as the numbers). */
#ifndef AGORA_BID_KEYS_H
#define AGORA_BID_KEYS_H

#include <stddef.h>
#include <stdint.h>

enum { BID_KEY_NONE = 0, BID_KEY_UNDER_RESERVE = 1, BID_KEY_ELIGIBLE = 2 };
/* The most participants an auction may have for its keys to be selected. */
enum { BID_KEYS_MAX_BIDDERS = 64 };

/* Writes key[i] for bid[i], i < n: the bid as population_bid places it (a
 * non-positive or non-finite bid is no bid) against the reserve. Returns the
 * share of agents in the most crowded eligible key, relative to an even
 * spread (1: as even as it gets); keys are useless when bids crowd into a
 * few values. Needs ~40 KiB of stack. One rank's whole population; several
 * ranks take the three steps below and combine each step's results. */
double bid_keys_build(const double *bid, size_t n, double reserve, uint8_t *key);

/* The histogram's bins: enough for 254 classes of about equal population. */
enum { BID_KEYS_BINS = 4096 };

/* Step 1: the least and largest bit patterns of the eligible bids (*lo >
 * *hi when none is); several ranks take the least *lo and the largest *hi. */
void bid_keys_bounds(const double *bid, size_t n, double reserve, uint64_t *lo, uint64_t *hi);

/* Step 2: the eligible bids counted in BID_KEYS_BINS bins spanning [lo, hi];
 * several ranks add their counts. */
void bid_keys_histogram(const double *bid, size_t n, double reserve, uint64_t lo, uint64_t hi,
                        uint64_t count[BID_KEYS_BINS]);

/* Step 3: the keys of bid[0 .. n) from the whole population's bounds and
 * counts, and the crowding bid_keys_build returns (the same on every rank). */
double bid_keys_assign(const double *bid, size_t n, double reserve, uint64_t lo, uint64_t hi,
                       const uint64_t count[BID_KEYS_BINS], uint8_t *key);

/* One auction's selection from its participants' keys k[0 .. n), n <=
 * BID_KEYS_MAX_BIDDERS: writes the positions of the candidates in increasing
 * order to pos[] and returns how many there are. Candidates are the eligible
 * participants whose key is at least the need-th largest eligible key (every
 * eligible participant when fewer than `need` are). *eligible and *placed
 * receive the counts of keys >= 2 and >= 1. */
uint32_t bid_keys_select(const uint8_t *k, uint32_t n, uint32_t need, uint8_t *pos,
                         uint32_t *eligible, uint32_t *placed);

/* Ranks c candidates exactly by position.h's order (higher bid first, ties to
 * the lower id): the one beaten by r others goes to order[r] as its position
 * pos[] when r < need. Each is ranked by counting who beats it: no branch to
 * mispredict, and all sixteen at once with AVX-512 or AVX2 (bid_keys_x86.c). */
void bid_keys_rank(const double *bid, const uint32_t *id, const uint8_t *pos, uint32_t c,
                   uint32_t need, uint32_t *order);

#endif
