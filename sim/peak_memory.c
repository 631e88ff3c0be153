/* Peak resident memory, as the summary reports it.
 *
 * getrusage's ru_maxrss is not agora's own peak on Linux: exec keeps the
 * high-water mark of the process image it replaced, so agora started from a
 * Python driver holding 500 MiB reported 510 MiB for a 29 MiB run. /proc's
 * VmHWM belongs to the current image only; ru_maxrss remains the fallback
 * where /proc is not mounted. */
#include "peak_memory.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/* VmHWM in bytes, or -1 when /proc/self/status does not give it. */
static double image_high_water(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1.0;
    char line[256];
    double bytes = -1.0;
    unsigned long long kib;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0 && sscanf(line + 6, "%llu", &kib) == 1) {
            bytes = (double)kib * 1024.0;
            break;
        }
    fclose(f);
    return bytes;
}

double peak_memory_max(MPI_Comm comm)
{
    double mine = image_high_water(), most = 0.0;
    if (mine < 0.0) {
        struct rusage u;
        getrusage(RUSAGE_SELF, &u);
        mine = (double)u.ru_maxrss * 1024.0; /* KiB on Linux */
    }
    MPI_Reduce(&mine, &most, 1, MPI_DOUBLE, MPI_MAX, 0, comm);
    return most;
}
