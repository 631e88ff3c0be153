// The reference the C PCG32 is checked against: O'Neill's own pcg-cpp
// (Debian's libpcg-cpp-dev), exposed to the C test through one C function.
#include <cstdint>

#include <pcg_random.hpp>

extern "C" void pcg_reference_outputs(uint64_t seed, uint64_t stream, uint32_t *out, int n);

extern "C" void pcg_reference_outputs(uint64_t seed, uint64_t stream, uint32_t *out, int n)
{
    pcg32 rng(seed, stream);
    for (int i = 0; i < n; i++)
        out[i] = rng();
}
