/* Returning freed heap pages to the system (see gk_return_freed_memory). */
#include "CKernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void gk_return_freed_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
