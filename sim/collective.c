/* Exact reductions and error agreement over ranks; see collective.h. */
#include "collective.h"

#include <string.h>

/* MPI has no 128-bit integer type: sums travel as 16 opaque bytes with a user op. */
static void add_int128(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    for (int i = 0; i < *len; i++) {
        fixed_sum a, b;
        memcpy(&a, (char *)in + 16 * (size_t)i, 16);
        memcpy(&b, (char *)inout + 16 * (size_t)i, 16);
        fixed_add_sum(&b, a);
        memcpy((char *)inout + 16 * (size_t)i, &b, 16);
    }
}

agora_status reduce_fixed_sums(const fixed_sum *local, fixed_sum *total, int n, MPI_Comm comm,
                               agora_error *err)
{
    MPI_Datatype type;
    MPI_Op op;
    MPI_Type_contiguous(16, MPI_BYTE, &type);
    MPI_Type_commit(&type);
    MPI_Op_create(add_int128, 1, &op);
    int rc = MPI_Reduce(local, total, n, type, op, 0, comm);
    MPI_Op_free(&op);
    MPI_Type_free(&type);
    if (rc != MPI_SUCCESS)
        return agora_fail(err, AGORA_EINTERNAL, "MPI_Reduce of the round's metrics failed");
    return AGORA_OK;
}

agora_status agree(agora_status st, agora_error *err, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int mine = st != AGORA_OK ? rank : size, first;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == size)
        return AGORA_OK;
    int code = (int)st;
    MPI_Bcast(&code, 1, MPI_INT, first, comm);
    MPI_Bcast(err->msg, sizeof err->msg, MPI_CHAR, first, comm);
    return (agora_status)code;
}
