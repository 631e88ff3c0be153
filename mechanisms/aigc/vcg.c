/* VCG payments for the AIGC models (Vickrey 1961; Clarke 1971; Groves 1973):
 * each shown ad pays the welfare the others lose because it is there,
 *     payment_i = W_{-i} - (W - v_i clicks_i),
 * where W_{-i} is the optimum with ad i left out and W - v_i clicks_i is the
 * others' welfare in the chosen allocation. The models differ only in how
 * they compute W_{-i}, which they pass in as a callback. */
#include "internal.h"

void aigc_clear_outcome(uint32_t n, aigc_outcome *out)
{
    for (uint32_t i = 0; i < n; i++) {
        out->position[i] = AIGC_NOT_SHOWN;
        out->clicks[i] = 0.0;
        out->payment[i] = 0.0;
        out->price[i] = 0.0;
    }
    out->welfare = 0.0;
}

void aigc_fill_vcg(const aigc_instance *in, aigc_outcome *out, aigc_without_fn without,
                   aigc_without_fn floor_without, void *ctx)
{
    for (uint32_t i = 0; i < in->n; i++) {
        out->payment[i] = 0.0;
        out->price[i] = 0.0;
        if (out->position[i] == AIGC_NOT_SHOWN)
            continue;
        double own = in->value[i] * out->clicks[i];
        double w_without = without(ctx, i);
        if (floor_without) {
            double floor = floor_without(ctx, i);
            if (floor > w_without)
                w_without = floor;
        }
        double pay = w_without - (out->welfare - own);
        /* Written so that NaN ends at 0 rather than passing through. */
        if (!(pay > 0.0))
            pay = 0.0;
        if (pay > own)
            pay = own;
        out->payment[i] = pay;
        out->price[i] = out->clicks[i] > 0.0 ? pay / out->clicks[i] : 0.0;
    }
}
