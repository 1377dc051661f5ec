/* Terminal restore when the process crashes while curses controls the
 * terminal, so the agent is not left with a dead screen. */
#ifndef SPOTAGENT_UI_CRASH_H
#define SPOTAGENT_UI_CRASH_H

/* Save the terminal modes the shell had. Call before curses starts. */
void crash_save_modes(void);

/* Install handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT. Each
 * restores the saved modes, leaves the alternate screen, shows the cursor
 * and writes one line on stderr. The signal then ends the process as it
 * would have, with a core dump where enabled. Call after curses started,
 * so that its terminfo entry is known. */
void crash_install(void);

/* Put the previous handlers back. Call before curses ends. */
void crash_remove(void);

#endif
