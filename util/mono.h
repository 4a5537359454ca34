/*
 * mono.h: the one monotonic clock of the program, for durations, deadlines and rate limits
 * (never for dates: those are wall-clock time() values stored in the database).
 * It is CLOCK_MONOTONIC, so setting the system clock never stretches or shortens a wait.
 */
#ifndef RL_MONO_H
#define RL_MONO_H

/* Seconds since an arbitrary fixed point, with nanosecond resolution. Thread-safe. */
double mono_s(void);

#endif
