/* Timing helpers shared by the benchmark tools under tests/bench. */
#ifndef SPOTAGENT_TESTS_BENCH_UTIL_H
#define SPOTAGENT_TESTS_BENCH_UTIL_H

/* Return the monotonic clock in milliseconds, for differences only. */
double bench_now_ms(void);

/* Sort the `count` samples in `values` in place and return the middle
 * one (the upper middle for an even count). `count` must be at least
 * 1. */
double bench_median(double *values, int count);

#endif
