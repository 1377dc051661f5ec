/* Random (version 4) UUIDs for operation ids and idempotency keys. */
#ifndef SPOTAGENT_UUID_H
#define SPOTAGENT_UUID_H

#define UUID_TEXT_SIZE 37

/* Write a new random UUID in canonical lower-case form into out. Returns 0,
 * or -1 when the kernel's random source fails (out is then empty). */
int uuid_generate(char out[UUID_TEXT_SIZE]);

/* Return 1 when text is a canonical UUID, 0 otherwise. */
int uuid_is_valid(const char *text);

#endif
