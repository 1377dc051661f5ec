/* Random (version 4) UUIDs for operation ids and idempotency keys. */
#ifndef SPOTAGENT_UUID_H
#define SPOTAGENT_UUID_H

#define UUID_TEXT_SIZE 37

/* Write a new random UUID in canonical lower-case form into out. Returns 0,
 * or -1 when the kernel's random source fails (out is then empty). */
int uuid_generate(char out[UUID_TEXT_SIZE]);

/* Return 1 when text is a canonical UUID (8-4-4-4-12 lower-case hex digits,
 * any version), 0 otherwise. Upper case is rejected so that each id has
 * exactly one spelling as an idempotency key. */
int uuid_is_valid(const char *text);

#endif
