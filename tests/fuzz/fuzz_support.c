/* What every fuzz target links, whichever driver runs it. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

void fuzz_fail(const char *file, int line, const char *message)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, message);
	abort();
}
